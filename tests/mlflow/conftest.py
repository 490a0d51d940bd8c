"""Fixtures of the MLflow scoring script's tests: models saved by tests/mlflow/models.py at test
time, and the scoring server's app serving each, as the collection deploys it."""

from __future__ import annotations

import functools
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT_DIR = ROOT / "files" / "mlflow"


@pytest.fixture(scope="session")
def models(tmp_path_factory) -> Path:
    """The models scripts/test.sh saved for this run (INFEROPS_MLFLOW_MODELS), else saved here."""
    if os.environ.get("INFEROPS_MLFLOW_MODELS"):
        return Path(os.environ["INFEROPS_MLFLOW_MODELS"])
    out = tmp_path_factory.mktemp("mlflow-models")
    subprocess.run([sys.executable, str(Path(__file__).with_name("models.py")), str(out)], check=True)
    return out


@pytest.fixture(scope="session")
def serve(models):
    """A Flask test client of the server running the collection's MLflow script on one model."""
    from inferops_server.app import create_app
    from inferops_server.settings import Settings

    # One app per model: loading a model takes seconds, and apps must outlive their clients.
    @functools.cache
    def app(name: str):
        os.environ["AZUREML_MODEL_DIR"] = str(models)
        os.environ["MLFLOW_MODEL_FOLDER"] = name
        settings = Settings(
            app_root=str(SCRIPT_DIR), entry_script="mlflow_score_script.py", model_dir=str(models)
        )
        return create_app(settings, background_init=False)

    return lambda name: app(name).test_client()


@pytest.fixture(scope="session")
def pyfunc(models):
    """What mlflow.pyfunc predicts for a model on the same rows: the reference answer."""
    import mlflow.pyfunc

    return functools.cache(lambda name: mlflow.pyfunc.load_model(str(models / name)))
