"""Azure ML import paths work without Microsoft's packages and leave them alone when present.

Each check runs in a fresh interpreter: the shims change sys.modules for the whole process.
"""

import subprocess
import sys
import textwrap

import pytest

SCRIPT = """
from inferops_server import compat
compat.install()
from azureml.contrib.services.aml_request import AMLRequest, rawhttp
from azureml.contrib.services.aml_response import AMLResponse
import azureml.contrib.services.aml_request as contrib_request
from azureml_inference_server_http.api.aml_request import rawhttp as api_rawhttp
from azureml_inference_server_http.api.aml_response import AMLResponse as ApiResponse
print(rawhttp.__module__, AMLResponse.__module__, ApiResponse is AMLResponse)
"""


MICROSOFT_REQUEST_MODULE = """
_rawHttpRequested = False

def rawhttp(f):
    global _rawHttpRequested
    _rawHttpRequested = True
    return f

class AMLRequest:
    pass
"""


def run_python(code, extra_path=None):
    env_path = [extra_path] if extra_path else []
    command = [sys.executable, "-c", f"import sys; sys.path[:0] = {env_path!r}\n" + textwrap.dedent(code)]
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout.split()


def test_azureml_paths_import_without_microsofts_packages():
    assert run_python(SCRIPT) == [
        "inferops_server.compat.aml_request",
        "inferops_server.compat.aml_response",
        "True",
    ]


@pytest.fixture
def microsoft_package(tmp_path):
    api = tmp_path / "azureml_inference_server_http" / "api"
    api.mkdir(parents=True)
    (tmp_path / "azureml_inference_server_http" / "__init__.py").write_text("")
    (api / "__init__.py").write_text("")
    (api / "aml_request.py").write_text(MICROSOFT_REQUEST_MODULE)
    (api / "aml_response.py").write_text("class AMLResponse: pass\n")
    return str(tmp_path)


def test_installed_microsoft_modules_are_used_as_they_are(microsoft_package):
    modules = run_python(SCRIPT, microsoft_package)
    assert modules[:2] == [
        "azureml_inference_server_http.api.aml_request",
        "azureml_inference_server_http.api.aml_response",
    ]


def test_rawhttp_from_microsofts_module_is_detected(microsoft_package):
    code = """
    from inferops_server import compat
    compat.install()
    compat.reset_rawhttp()
    from azureml_inference_server_http.api.aml_request import rawhttp
    rawhttp(lambda request: None)
    print(compat.rawhttp_requested())
    """
    assert run_python(code, microsoft_package) == ["True"]
