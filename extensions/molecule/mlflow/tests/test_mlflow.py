"""An MLflow model deployed with no score.py answers every MLflow request format through nginx with
pyfunc's own predictions; bad models fail the play early, saying why, and the served model stays."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

PROJECT = Path(os.environ["MOLECULE_PROJECT_DIRECTORY"])
MODELS = Path(os.environ["INFEROPS_MLFLOW_MODELS"])
# The fixture venv's python (tests/mlflow/venv.sh) has MLflow; Ansible's has not.
MLFLOW_PYTHON = os.environ["INFEROPS_MLFLOW_PYTHON"]
MODEL_DIR = "/var/azureml-app/azureml-models/model/1"


def cases(model: str) -> list[dict]:
    """Each format's request for the model, with what pyfunc predicts for its rows."""
    command = [MLFLOW_PYTHON, str(PROJECT / "tests/mlflow/formats.py"), str(MODELS / model)]
    return json.loads(subprocess.run(command, capture_output=True, text=True, check=True).stdout)


def answers(http, model: str) -> dict[str, tuple[int, object]]:
    """format -> (status, body) through nginx; the expected answer under "expected"."""
    results = {}
    for case in cases(model):
        response = http("POST", "/score", case["body"], {"Content-Type": case["content_type"]})
        body = json.loads(response["body"]) if response["status"] == 200 else response["body"]
        results[case["format"]] = (response["status"], body)
        results["expected"] = (200, case["expected"])
    return results


def gunicorn_environment(host) -> dict[str, str]:
    """The server's settings, from gunicorn's config (its process's environ needs ptrace rights)."""
    script = "import json; exec(open('/etc/inferops/gunicorn_conf.py').read()); print(json.dumps(raw_env))"
    raw_env = json.loads(host.check_output("python3 -c %s", script))
    return dict(item.split("=", 1) for item in raw_env)


@pytest.fixture
def bad_model(tmp_path):
    """A copy of the sklearn model, changed by ``edit(folder)``."""

    def make(edit) -> Path:
        folder = tmp_path / "sklearn"
        shutil.copytree(MODELS / "sklearn", folder)
        edit(folder)
        return folder

    return make


def test_every_format_through_nginx_equals_pyfunc_predict(http):
    results = answers(http, "sklearn")
    expected = results.pop("expected")
    assert sorted(results) == ["csv", "dataframe_records", "dataframe_split", "inputs", "instances"]
    assert results == {name: expected for name in results}


def test_azure_ml_input_data_gets_the_bare_predictions(http):
    split = cases("sklearn")[0]
    body = json.dumps({"input_data": json.loads(split["body"])["dataframe_split"]})
    response = http("POST", "/score", body, {"Content-Type": "application/json"})
    assert response["status"] == 200 and json.loads(response["body"]) == split["expected"]["predictions"]


def test_input_that_breaks_the_signature_is_a_400_naming_the_column(http):
    body = json.dumps({"dataframe_records": [{"sepal_length": 5.1, "sepal_width": 3.5, "petal_length": 1.4}]})
    response = http("POST", "/score", body, {"Content-Type": "application/json"})
    assert response["status"] == 400 and "petal_width" in json.loads(response["body"])["message"]


def test_swagger_through_nginx_is_built_from_the_signature(http):
    document = json.loads(http("GET", "/swagger.json?version=3")["body"])
    split = document["components"]["schemas"]["ServiceInput"]["properties"]["dataframe_split"]
    assert split["properties"]["columns"]["items"]["enum"][-1] == "petal_width"


def test_the_model_sits_where_azure_ml_puts_it(host):
    assert host.file(f"{MODEL_DIR}/sklearn/MLmodel").exists
    environment = gunicorn_environment(host)
    assert environment["MLFLOW_MODEL_FOLDER"] == "sklearn"
    assert environment["AZUREML_ENTRY_SCRIPT"] == "mlflow_score_script.py"
    assert environment["MLFLOW_DISABLE_TELEMETRY"] == "true"


def test_the_server_runs_the_environment_of_the_models_conda_yaml(host):
    python = host.run("readlink -f /opt/inferops/conda/envs/current").stdout.strip() + "/bin/python"
    assert "/mlflow-env-" in python
    probe = (
        "import mlflow, sklearn, sys; print(mlflow.__version__, sklearn.__version__, *sys.version_info[:3])"
    )
    versions = host.run("%s -c %s", python, probe)
    pins = yaml.safe_load((MODELS / "sklearn/conda.yaml").read_text())
    wanted = {line.split("==")[0]: line.split("==")[1] for line in pins["dependencies"][-1]["pip"]}
    python_pin = pins["dependencies"][0].split("=")[1]
    assert versions.stdout.split() == [wanted["mlflow"], wanted["scikit-learn"], *python_pin.split(".")]


def test_a_folder_without_mlmodel_fails_before_anything_changes(deploy, http, tmp_path):
    (tmp_path / "model.pkl").write_bytes(b"not a model")
    result = deploy(endpoint_mlflow_model=str(tmp_path))
    assert result.returncode != 0 and "has no MLmodel file" in result.stdout
    assert "changed=0" in result.stdout
    assert http("GET", "/")["status"] == 200


def test_a_model_of_an_unknown_flavour_fails_naming_it(deploy, bad_model):
    def only_mleap(folder: Path) -> None:
        document = yaml.safe_load((folder / "MLmodel").read_text())
        document["flavors"] = {"mleap": {"mleap_version": "0.23"}}
        (folder / "MLmodel").write_text(yaml.safe_dump(document))

    result = deploy(endpoint_mlflow_model=str(bad_model(only_mleap)))
    assert result.returncode != 0
    assert "has the flavour(s) mleap but not python_function" in result.stdout


def test_an_unsolvable_conda_yaml_fails_naming_the_package_and_the_model_keeps_serving(
    deploy, http, bad_model
):
    def impossible(folder: Path) -> None:
        document = yaml.safe_load((folder / "conda.yaml").read_text())
        document["dependencies"].insert(1, "inferops-no-such-package=1.0")
        (folder / "conda.yaml").write_text(yaml.safe_dump(document))

    result = deploy(endpoint_mlflow_model=str(bad_model(impossible)))
    assert result.returncode != 0 and "inferops-no-such-package" in result.stdout
    expected = cases("sklearn")[0]
    response = http("POST", "/score", expected["body"], {"Content-Type": expected["content_type"]})
    assert json.loads(response["body"]) == expected["expected"]


def test_a_custom_python_model_serves_every_format_after_a_redeploy(deploy, http):
    result = deploy(endpoint_mlflow_model=str(MODELS / "pyfunc"))
    assert result.returncode == 0, result.stdout[-3000:]
    results = answers(http, "pyfunc")
    expected = results.pop("expected")
    assert results == {name: expected for name in results}
