"""Import paths a score.py written for Azure ML uses, served without Microsoft's packages.

A script may import ``rawhttp``/``AMLRequest``/``AMLResponse`` from ``azureml.contrib.services`` or
from ``azureml_inference_server_http.api``, and a v1 script ``Model`` from ``azureml.core.model``
(or ``azureml.core``) to find its models. Where Microsoft's modules are installed they are used as
they are; only missing names are bound to ours.
"""

from __future__ import annotations

import importlib
import sys
import types

from . import aml_request, aml_response, azureml_model

_MICROSOFT_API = "azureml_inference_server_http.api"
_CONTRIB = "azureml.contrib.services"
_V1_MODEL = "azureml.core.model"
_V1_EXCEPTIONS = "azureml.exceptions"


def _importable(name: str) -> bool:
    try:
        importlib.import_module(name)
    except ImportError:
        return False
    return True


def _bind(name: str, module: types.ModuleType) -> None:
    """Bind ``module`` under the dotted ``name``, adding empty parent packages where none exist."""
    sys.modules[name] = module
    parent_name, _, leaf = name.rpartition(".")
    while parent_name:
        parent = sys.modules.get(parent_name)
        if parent is None:
            try:
                parent = importlib.import_module(parent_name)
            except ImportError:
                parent = types.ModuleType(parent_name)
                parent.__path__ = []
                sys.modules[parent_name] = parent
        if not hasattr(parent, leaf):
            setattr(parent, leaf, sys.modules[f"{parent_name}.{leaf}"])
        parent_name, _, leaf = parent_name.rpartition(".")


def install() -> None:
    for leaf, ours in (("aml_request", aml_request), ("aml_response", aml_response)):
        microsoft = f"{_MICROSOFT_API}.{leaf}"
        if not _importable(microsoft):
            _bind(microsoft, ours)
        contrib = f"{_CONTRIB}.{leaf}"
        if not _importable(contrib):
            _bind(contrib, sys.modules[microsoft])
    if not _importable(_V1_MODEL):
        _bind(_V1_MODEL, azureml_model)
        # `from azureml.core import Model` too, when azureml.core is ours.
        core = sys.modules["azureml.core"]
        if not hasattr(core, "Model"):
            core.Model = azureml_model.Model
    if not _importable(_V1_EXCEPTIONS):
        _bind(_V1_EXCEPTIONS, azureml_model)


def _request_modules() -> list[types.ModuleType]:
    names = (f"{_MICROSOFT_API}.aml_request", f"{_CONTRIB}.aml_request")
    return [sys.modules[name] for name in names if name in sys.modules] + [aml_request]


def reset_rawhttp() -> None:
    """``@rawhttp`` marks a process-wide flag; clear it before a script is (re)loaded."""
    for module in _request_modules():
        if hasattr(module, "_rawHttpRequested"):
            module._rawHttpRequested = False


def rawhttp_requested() -> bool:
    return any(getattr(module, "_rawHttpRequested", False) for module in _request_modules())
