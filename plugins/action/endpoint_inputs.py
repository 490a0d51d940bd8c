"""Read everything an endpoint deploy takes from the controller, once, and check it before anything
on a host changes. The documentation is in plugins/modules/endpoint_inputs.py."""

from __future__ import annotations

import json
import os

from ansible_collections.inferops.scoring.plugins.plugin_utils import (
    access,
    app_inputs,
    conda_file,
    server_settings,
)
from ansible_collections.inferops.scoring.plugins.plugin_utils.controller_action import ControllerAction

COLLECTION_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ARGUMENTS = {
    "entry_script": {"type": "str", "default": ""},
    "source_dir": {"type": "str", "default": ""},
    "model_path": {"type": "str", "default": ""},
    "model_name": {"type": "raw", "default": "model"},
    "model_version": {"type": "raw", "default": "1"},
    "models": {"type": "list", "elements": "raw", "default": []},
    "mlflow_model": {"type": "str", "default": ""},
    "python_backend": {"type": "str", "choices": ["auto", "conda", "venv"], "default": "auto"},
    "conda_file": {"type": "str", "default": ""},
    "requirements_file": {"type": "str", "default": ""},
    "env": {"type": "dict", "default": {}},
    "timeout": {"type": "raw"},
    "worker_timeout": {"type": "raw"},
    "workers": {"type": "raw"},
    "preload": {"type": "raw"},
    "cpus": {"type": "int", "default": 1},
    "tls": {"type": "str", "default": "none"},
    "tls_certificate": {"type": "str", "default": ""},
    "tls_private_key": {"type": "str", "default": ""},
}


def _app(args: dict) -> tuple[app_inputs.App, dict]:
    """The app (ordinary or MLflow) and the MLflow model's description ({} for an ordinary app)."""
    if not args["mlflow_model"]:
        app = app_inputs.scoring_app(
            args["entry_script"],
            args["source_dir"],
            args["model_path"],
            args["model_name"],
            args["model_version"],
            args["models"],
        )
        return app, {}
    given = [name for name in ("entry_script", "source_dir", "model_path", "models") if args[name]]
    if given:
        raise app_inputs.InputError(
            f"endpoint_mlflow_model={args['mlflow_model']} is served by the collection's own scoring script "
            f"and is the only model: leave {', '.join('endpoint_' + name for name in given)} unset, "
            "or deploy "
            "your score.py without endpoint_mlflow_model."
        )
    return app_inputs.mlflow_app(
        args["mlflow_model"], args["model_name"], args["model_version"], COLLECTION_ROOT
    )


def _python(args: dict, mlflow: dict) -> dict:
    """Which backend builds the environment, and from what."""
    requirements = app_inputs.controller_path(args["requirements_file"]) if args["requirements_file"] else ""
    if requirements and not os.path.isfile(requirements):
        raise app_inputs.InputError(
            f"endpoint_requirements_file={args['requirements_file']} is not a file on the controller "
            f"({requirements})."
        )
    spec, source = {}, ""
    if args["conda_file"]:
        source = app_inputs.controller_path(args["conda_file"])
        spec = conda_file.read(source, "endpoint_conda_file")
    elif mlflow and args["python_backend"] != "venv":
        # As Azure ML does: the model's own environment file, unless a conda file is given.
        spec, source = mlflow["environment"], os.path.join(mlflow["folder"], mlflow["env_file"])
    backend = args["python_backend"]
    if backend == "auto":
        backend = "conda" if spec else "venv"
    if backend == "conda" and not spec:
        raise app_inputs.InputError(
            "endpoint_python_backend=conda needs endpoint_conda_file, your conda environment file."
        )
    if backend == "venv" and args["conda_file"]:
        raise app_inputs.InputError(
            "endpoint_conda_file is built by the conda backend: leave endpoint_python_backend at auto "
            "or conda."
        )
    return {"backend": backend, "conda_spec": spec, "conda_source": source, "requirements_file": requirements}


def _config_json(app: app_inputs.App) -> dict:
    """The app's config.json, where Microsoft's server would find it: the app root, else beside the
    entry script. Only read for the settings the chain must follow."""
    if not app.code_is_folder:
        return {}
    candidates = [
        os.path.join(app.code_root, "config.json"),
        os.path.join(app.code_root, os.path.dirname(app.entry_script), "config.json"),
    ]
    for path in candidates:
        if os.path.isfile(path) and os.path.getsize(path) > 0:
            try:
                with open(path, encoding="utf-8") as handle:
                    document = json.load(handle)
            except (OSError, ValueError) as error:
                raise app_inputs.InputError(f"The app's {path} is not readable JSON: {error}") from None
            return document if isinstance(document, dict) else {}
    return {}


def _check_tls_files(args: dict) -> None:
    """A certificate and key to copy from the controller are there and look like PEM."""
    if args["tls"] != "controller" or not (args["tls_certificate"] and args["tls_private_key"]):
        return
    problems = access.pem_problems(
        app_inputs.controller_path(args["tls_certificate"]),
        app_inputs.controller_path(args["tls_private_key"]),
        "endpoint_tls",
    )
    if problems:
        raise app_inputs.InputError(" ".join(problems))


class ActionModule(ControllerAction):
    arguments = ARGUMENTS
    refusals = (app_inputs.InputError, conda_file.EnvironmentFileError, server_settings.SettingsError)

    def read(self, args: dict) -> dict:
        _check_tls_files(args)
        app, mlflow = _app(args)
        # The app's own settings (MLFLOW_MODEL_FOLDER) are part of its layout, not the user's to set.
        clash = sorted(set(app.env) & set(args["env"]))
        if clash:
            raise app_inputs.InputError(
                f"endpoint_env: {', '.join(clash)} is set by the deploy of an MLflow model."
            )
        python = _python(args, mlflow)
        settings, warnings = server_settings.resolve(
            {**app.env_defaults, **args["env"]},
            args["timeout"],
            args["worker_timeout"],
            args["workers"],
            args["preload"],
            _config_json(app),
            args["cpus"],
        )
        for warning in warnings:
            self._display.warning(warning)
        server = settings.as_dict()
        server["env"] = {**server["env"], **app.env}
        return {
            "app": app.as_dict(),
            "python": python,
            "server": server,
            "mlflow": {key: mlflow[key] for key in ("name", "flavors", "loader_module", "env_file")}
            if mlflow
            else {},
        }
