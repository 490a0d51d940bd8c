"""An MLflow model folder, read on the controller: what serves it, or exactly why it cannot be served.

The folder's ``MLmodel`` must have the ``python_function`` flavour; the environment comes from
``conda.yaml`` (as in Azure ML), else ``python_env.yaml``, else ``requirements.txt`` on the Python
version the model was saved with, in the shape ``conda_file.parse`` returns.
"""

from __future__ import annotations

import os
import re

import yaml
from ansible_collections.inferops.scoring.plugins.plugin_utils.conda_file import EnvironmentFileError, parse

PYFUNC = "python_function"


class ModelError(ValueError):
    pass


def _read(path: str) -> str:
    with open(path, encoding="utf-8") as handle:
        return handle.read()


def _document(folder: str) -> dict:
    path = os.path.join(folder, "MLmodel")
    if not os.path.isfile(path):
        nested = sorted(
            name for name in os.listdir(folder) if os.path.isfile(os.path.join(folder, name, "MLmodel"))
        )
        hint = f"; its subfolder {nested[0]} has one: point at that" if nested else ""
        raise ModelError(
            f"has no MLmodel file{hint}. Give the folder an MLflow save_model() or log_model() wrote"
        )
    try:
        document = yaml.safe_load(_read(path))
    except yaml.YAMLError as error:
        raise ModelError(f"has an MLmodel that is not valid YAML: {error}") from None
    if not isinstance(document, dict) or not isinstance(document.get("flavors"), dict):
        raise ModelError("has an MLmodel without a flavors: mapping")
    return document


def _pyfunc(document: dict) -> dict:
    flavors = document["flavors"]
    pyfunc = flavors.get(PYFUNC)
    if not isinstance(pyfunc, dict):
        raise ModelError(
            f"has the flavour(s) {', '.join(sorted(flavors)) or 'none'} but not {PYFUNC}, through which "
            "MLflow and this collection serve a model: save it with mlflow.<flavour>.save_model() of a "
            "flavour that adds it (sklearn, xgboost, pytorch, ...) or as a mlflow.pyfunc.PythonModel"
        )
    loader = pyfunc.get("loader_module")
    if not isinstance(loader, str) or not loader:
        raise ModelError(f"has a {PYFUNC} flavour without a loader_module")
    # A loader outside MLflow must come with the model's own code, or nothing can import it.
    if not loader.startswith("mlflow.") and not (pyfunc.get("code") or pyfunc.get("data")):
        raise ModelError(
            f"has the unknown flavour loader {loader}: it is not one of MLflow's and the model "
            "carries no code folder that provides it"
        )
    return pyfunc


def _python_env(folder: str, text: str) -> dict:
    document = yaml.safe_load(text)
    if not isinstance(document, dict) or not document.get("python"):
        raise EnvironmentFileError("it must name the python: version")
    build = [str(line) for line in document.get("build_dependencies") or []]
    # pip itself comes from the channel, beside python; the other build tools through pip.
    is_pip = re.compile(r"^pip\s*([<>=!~]|$)").match
    pip_build = [line for line in build if not is_pip(line)]
    requirements = _requirements(folder, [str(line) for line in document.get("dependencies") or []])
    pip = [line for line in build if is_pip(line)] or ["pip"]
    return _pip_environment(str(document["python"]), pip, pip_build + requirements)


def _pip_environment(python: str, pip: list[str], requirements: list[str]) -> dict:
    """An environment of Python and pip (``pip`` specs) from the channel, the rest through pip."""
    return {
        "name": "mlflow-env",
        "channels": [],
        "dependencies": [f"python={python}", *pip],
        "pip": requirements,
        "variables": {},
    }


def _requirements(folder: str, lines: list[str]) -> list[str]:
    """Requirement lines with ``-r file`` expanded (MLflow writes ``-r requirements.txt``)."""
    expanded = []
    for line in (raw.strip() for raw in lines):
        if line.startswith("-r "):
            included = _read(os.path.join(folder, line[3:].strip())).splitlines()
            expanded += _requirements(folder, included)
        elif line and not line.startswith("#"):
            expanded.append(line)
    return expanded


def environment(folder: str, pyfunc: dict) -> tuple[str, dict]:
    """(file, environment) of the model: conda.yaml, else python_env.yaml, else requirements.txt."""
    # MLflow before 2.0 wrote env: conda.yaml; newer ones a mapping with conda and virtualenv.
    env = pyfunc.get("env")
    declared = env if isinstance(env, dict) else {"conda": env} if isinstance(env, str) else {}
    candidates = [
        (declared.get("conda") or "conda.yaml", parse),
        (declared.get("virtualenv") or "python_env.yaml", lambda text: _python_env(folder, text)),
    ]
    for name, reader in candidates:
        path = os.path.join(folder, name)
        if os.path.isfile(path):
            try:
                return name, reader(_read(path))
            except (EnvironmentFileError, OSError, yaml.YAMLError) as error:
                raise ModelError(f"has a {name} that cannot be used: {error}") from None
    if os.path.isfile(os.path.join(folder, "requirements.txt")):
        python = pyfunc.get("python_version")
        if not python:
            raise ModelError("has only a requirements.txt and no python_version in MLmodel to build it with")
        return "requirements.txt", _pip_environment(
            str(python), ["pip"], _requirements(folder, ["-r requirements.txt"])
        )
    raise ModelError("has no conda.yaml, python_env.yaml or requirements.txt to build its environment from")


def describe(folder: str) -> dict:
    if not os.path.isdir(folder):
        raise ModelError("is not a folder")
    document = _document(folder)
    pyfunc = _pyfunc(document)
    env_file, env = environment(folder, pyfunc)
    return {
        "folder": os.path.abspath(folder),
        "name": os.path.basename(os.path.abspath(folder)),
        "flavors": sorted(document["flavors"]),
        "loader_module": pyfunc["loader_module"],
        "python_version": str(pyfunc.get("python_version", "")),
        "env_file": env_file,
        "environment": env,
    }
