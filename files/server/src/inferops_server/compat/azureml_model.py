"""``azureml.core.model.Model.get_model_path`` for Azure ML v1 scoring scripts, without azureml-core.

A v1 script finds each of its models by name (and optionally version) inside the deployment:
``Model.get_model_path("name")`` is ``azureml-models/<name>/<latest version>/<its one entry>``
under the app root, as azureml-core lays models out and finds them. Beyond azureml-core, a version
folder holding several entries (a model folder whose content was placed there) is returned
itself instead of refused.
"""

from __future__ import annotations

import os

MODELS_DIR = "azureml-models"


class WebserviceException(Exception):
    """azureml.exceptions' base error, for scripts that catch it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ModelNotFoundException(WebserviceException):
    """No model of that name (and version) is deployed."""


def _version_key(name: str) -> tuple[int, int | str]:
    """Integers first, by value (Azure ML's versions); anything else after them, by name."""
    return (0, int(name)) if name.isdigit() else (1, name)


def models_dir() -> str:
    return os.path.join(os.environ.get("AML_APP_ROOT", ""), MODELS_DIR)


def model_path(model_name: str, version: int | None = None) -> str:
    if model_name is None:
        raise WebserviceException("model_name is None")
    if version is not None and not isinstance(version, int):
        raise WebserviceException("version should be an int")
    folder = os.path.join(models_dir(), model_name)
    if os.path.isdir(folder):
        versions = [name for name in os.listdir(folder) if os.path.isdir(os.path.join(folder, name))]
        chosen = str(version) if version is not None else max(versions, key=_version_key, default=None)
        version_dir = os.path.join(folder, chosen) if chosen is not None else ""
        if version_dir and os.path.isdir(version_dir):
            entries = os.listdir(version_dir)
            return os.path.join(version_dir, entries[0]) if len(entries) == 1 else version_dir
    # As azureml-core: a model of that name in the working directory, else not found.
    if version is None and os.path.exists(model_name):
        return model_name
    deployed = sorted(
        f"{name}/{number}"
        for name in (os.listdir(models_dir()) if os.path.isdir(models_dir()) else [])
        for number in os.listdir(os.path.join(models_dir(), name))
    )
    wanted = model_name if version is None else f"{model_name} version {version}"
    raise ModelNotFoundException(
        f"Model {wanted} not found in {models_dir()}; deployed: {', '.join(deployed) or 'none'}"
    )


class Model:
    """The part of azureml-core's Model a scoring script uses inside a deployment."""

    @staticmethod
    def get_model_path(model_name: str, version: int | None = None, _workspace: object = None) -> str:
        if _workspace is not None:
            raise WebserviceException(
                "a workspace cannot be reached from a deployment: call get_model_path(name, version)"
            )
        return model_path(model_name, version)
