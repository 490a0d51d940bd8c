"""@rawhttp run(): receives the request itself and answers with its own AMLResponse."""

from azureml.contrib.services.aml_request import AMLRequest, rawhttp
from azureml.contrib.services.aml_response import AMLResponse


def init():
    pass


@rawhttp
def run(request: AMLRequest):
    status = int(request.args.get("status", "200"))
    body = f"{request.method} {request.get_data(as_text=True)}"
    return AMLResponse(body, status, {"x-custom": "a, b", "Content-Type": "text/plain"})
