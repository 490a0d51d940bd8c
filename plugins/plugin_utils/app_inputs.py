"""What an endpoint serves, from the user's inputs: the scoring code and the models, checked on the
controller and laid out as Azure ML's image lays them out.

Every controller path is taken as the shell would: ``~`` is expanded and a relative path starts in
the directory ansible-playbook runs in. The one exception is Azure ML's own: with a source folder,
the entry script is a path inside it.
"""

from __future__ import annotations

import os
import re
from dataclasses import asdict, dataclass

from ansible_collections.inferops.scoring.plugins.plugin_utils import mlflow_model

# A model name, version or folder becomes a path segment on the host.
SEGMENT = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9._-]*$")
MLFLOW_SCRIPT = "mlflow_score_script.py"


class InputError(ValueError):
    """An input that cannot be deployed; the message names the variable to fix."""


def controller_path(value: str) -> str:
    return os.path.abspath(os.path.expanduser(value))


@dataclass(frozen=True)
class Model:
    """One model. A folder's content lands in ``azureml-models/<name>/<version>/<folder>`` on the
    host, or in the version folder itself when ``folder`` is empty; a file lands in the version
    folder under its own name (the scoring_app role lays them out)."""

    name: str
    version: str
    path: str
    folder: str


@dataclass(frozen=True)
class App:
    """The code shipped as the app root (``code_root``, a folder, or the entry script alone) and
    the models beside it."""

    code_root: str
    code_is_folder: bool
    entry_script: str
    models: tuple[Model, ...]
    env: dict
    env_defaults: dict

    def as_dict(self) -> dict:
        result = asdict(self)
        result["models"] = [asdict(model) for model in self.models]
        return result


def _segment(value: object, what: str, variable: str) -> str:
    text = str(value).strip() if isinstance(value, (str, int)) and not isinstance(value, bool) else ""
    if not SEGMENT.match(text) or text in (".", ".."):
        raise InputError(
            f"{variable}: the {what} {value!r} must be letters, digits, '.', '_' or '-' "
            "(it names a folder on the host)"
        )
    return text


def code(entry_script: str, source_dir: str) -> tuple[str, bool, str]:
    """(code root, whether it is a folder, the entry script relative to the app root)."""
    if not entry_script:
        raise InputError(
            "Set endpoint_entry_script to your score.py (a path inside endpoint_source_dir when that is "
            "set), or endpoint_mlflow_model to an MLflow model folder."
        )
    if not source_dir:
        path = controller_path(entry_script)
        if not os.path.isfile(path):
            raise InputError(
                f"endpoint_entry_script={entry_script} is not a file on the controller ({path})."
            )
        return path, False, os.path.basename(path)
    root = controller_path(source_dir)
    if not os.path.isdir(root):
        raise InputError(f"endpoint_source_dir={source_dir} is not a folder on the controller ({root}).")
    script = os.path.normpath(os.path.join(root, os.path.expanduser(entry_script)))
    relative = os.path.relpath(script, root)
    if relative.startswith(".."):
        raise InputError(
            f"endpoint_entry_script={entry_script} is outside endpoint_source_dir={source_dir}: give its "
            "path inside that folder, for example score.py."
        )
    if not os.path.isfile(script):
        raise InputError(
            f"endpoint_entry_script={entry_script} is not a file in endpoint_source_dir={source_dir} "
            f"({script})."
        )
    return root, True, relative


def _model_path(value: object, variable: str) -> str:
    if not isinstance(value, str) or not value:
        raise InputError(f"{variable}: give the controller path of the model file or folder.")
    path = controller_path(value)
    if not os.path.exists(path):
        raise InputError(f"{variable}={value} does not exist on the controller ({path}).")
    return path


def models(path: str, name: object, version: object, listed: list) -> tuple[Model, ...]:
    """The single model (``path``, ``name``, ``version``: its content is AZUREML_MODEL_DIR) or the
    ``listed`` ones (each by its own file or folder name under its version, as Azure ML does)."""
    if path and listed:
        raise InputError("Set endpoint_model_path (one model) or endpoint_models (several), not both.")
    if path:
        return (
            Model(
                _segment(name, "model name", "endpoint_model_name"),
                _segment(version, "model version", "endpoint_model_version"),
                _model_path(path, "endpoint_model_path"),
                "",
            ),
        )
    if not listed:
        raise InputError(
            "Set endpoint_model_path to your model file or folder (or endpoint_models to several), "
            "or endpoint_mlflow_model to an MLflow model folder."
        )
    found, seen = [], set()
    for position, entry in enumerate(listed, 1):
        where = f"endpoint_models[{position - 1}]"
        if (
            not isinstance(entry, dict)
            or not {"name", "path"} <= set(entry)
            or set(entry)
            - {
                "name",
                "version",
                "path",
                "folder",
            }
        ):
            raise InputError(
                f"{where} must be a mapping with name, path and optionally version and folder; got {entry!r}."
            )
        model_path = _model_path(entry["path"], f"{where}.path")
        folder = entry.get("folder", os.path.basename(model_path))
        if os.path.isfile(model_path):
            # A model file keeps its name in its version folder, as a registered file does on Azure ML.
            if folder not in ("", os.path.basename(model_path)):
                raise InputError(
                    f"{where}.folder applies to a model folder; the file {model_path} keeps its name."
                )
            folder = ""
        model = Model(
            _segment(entry["name"], "model name", f"{where}.name"),
            _segment(entry.get("version", 1), "model version", f"{where}.version"),
            model_path,
            _segment(folder, "folder", f"{where}.folder") if folder else "",
        )
        if (model.name, model.version) in seen:
            raise InputError(f"{where}: model {model.name} version {model.version} is listed twice.")
        seen.add((model.name, model.version))
        found.append(model)
    return tuple(found)


def scoring_app(
    entry_script: str, source_dir: str, model_path: str, name: object, version: object, listed: list
) -> App:
    root, is_folder, entry = code(entry_script, source_dir)
    return App(root, is_folder, entry, models(model_path, name, version, listed), {}, {})


def mlflow_app(folder: str, name: object, version: object, collection_root: str) -> tuple[App, dict]:
    """An MLflow model served by the collection's scoring script, laid out as Azure ML's no-code
    deployment does it (the model's folder by name in AZUREML_MODEL_DIR, MLFLOW_MODEL_FOLDER naming
    it); and the model's description (its environment among it)."""
    path = controller_path(folder)
    try:
        described = mlflow_model.describe(path)
    except (mlflow_model.ModelError, OSError, UnicodeDecodeError) as error:
        reason = (
            f"it {error}" if isinstance(error, mlflow_model.ModelError) else f"it cannot be read: {error}"
        )
        raise InputError(
            f"The MLflow model {folder} (endpoint_mlflow_model) cannot be served: {reason}"
        ) from None
    model = Model(
        _segment(name, "model name", "endpoint_model_name"),
        _segment(version, "model version", "endpoint_model_version"),
        path,
        _segment(described["name"], "folder name", "endpoint_mlflow_model"),
    )
    app = App(
        os.path.join(collection_root, "files", "mlflow"),
        True,
        MLFLOW_SCRIPT,
        (model,),
        {"MLFLOW_MODEL_FOLDER": model.folder},
        # A scoring endpoint sends MLflow 3's usage telemetry nowhere unless asked to.
        {"MLFLOW_DISABLE_TELEMETRY": "true"},
    )
    return app, described
