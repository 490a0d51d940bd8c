"""@rawhttp imported from the azureml_inference_server_http.api path."""

from azureml_inference_server_http.api.aml_request import rawhttp
from azureml_inference_server_http.api.aml_response import AMLResponse


def init():
    pass


@rawhttp
def run(request):
    return AMLResponse({"method": request.method}, 200, json_str=True)
