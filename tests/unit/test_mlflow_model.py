"""An MLflow model folder is checked on the controller: what cannot be served fails, saying why."""

import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
# The plugins import each other through the collection's namespace, as Ansible loads them.
sys.path.insert(0, str(ROOT / ".cache" / "collections"))
from ansible_collections.inferops.scoring.plugins.plugin_utils.app_inputs import InputError, mlflow_app  # noqa: E402
from ansible_collections.inferops.scoring.plugins.plugin_utils.mlflow_model import describe  # noqa: E402

mlflow_model = describe

PYFUNC = {"loader_module": "mlflow.sklearn", "python_version": "3.11.7", "model_path": "model.pkl"}
CONDA = """channels: [conda-forge]
dependencies:
  - python=3.11.7
  - pip<=23.2.1
  - pip: [mlflow==3.17.2, scikit-learn==1.9.1]
name: mlflow-env
"""


def model(folder: Path, flavors=None, **files: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    flavors = {"python_function": PYFUNC, "sklearn": {}} if flavors is None else flavors
    (folder / "MLmodel").write_text(yaml.safe_dump({"flavors": flavors}))
    for name, text in files.items():
        (folder / name.replace("_txt", ".txt").replace("_yaml", ".yaml")).write_text(text)
    return folder


def refusal(path: Path) -> str:
    with pytest.raises(InputError) as caught:
        mlflow_app(str(path), "model", "1", str(ROOT))
    message = str(caught.value)
    assert message.startswith(f"The MLflow model {path} (endpoint_mlflow_model) cannot be served")
    return message


def test_the_environment_comes_from_conda_yaml_first(tmp_path):
    described = mlflow_model(str(model(tmp_path / "m", conda_yaml=CONDA, requirements_txt="other==1\n")))
    assert described["env_file"] == "conda.yaml"
    assert described["environment"]["dependencies"] == ["python=3.11.7", "pip<=23.2.1"]
    assert described["environment"]["pip"] == ["mlflow==3.17.2", "scikit-learn==1.9.1"]
    assert described["name"] == "m" and described["loader_module"] == "mlflow.sklearn"


def test_python_env_yaml_becomes_python_and_pip_with_its_requirements_expanded(tmp_path):
    python_env = (
        "python: 3.10.13\nbuild_dependencies: [pip==23.2.1, setuptools, wheel]\n"
        "dependencies: [-r requirements.txt]\n"
    )
    folder = model(tmp_path / "m", python_env_yaml=python_env, requirements_txt="# pins\nmlflow==3.17.2\n")
    environment = mlflow_model(str(folder))["environment"]
    assert environment["dependencies"] == ["python=3.10.13", "pip==23.2.1"]
    assert environment["pip"] == ["setuptools", "wheel", "mlflow==3.17.2"]


def test_requirements_alone_are_built_on_the_python_the_model_was_saved_with(tmp_path):
    described = mlflow_model(str(model(tmp_path / "m", requirements_txt="mlflow==3.17.2\n")))
    assert described["env_file"] == "requirements.txt"
    assert described["environment"]["dependencies"] == ["python=3.11.7", "pip"]


def test_a_folder_without_mlmodel_is_refused(tmp_path):
    (tmp_path / "empty").mkdir()
    assert "has no MLmodel file" in refusal(tmp_path / "empty")


def test_a_run_folder_points_at_the_model_inside_it(tmp_path):
    model(tmp_path / "run" / "model", conda_yaml=CONDA)
    assert "its subfolder model has one" in refusal(tmp_path / "run")


def test_a_model_without_the_python_function_flavour_is_refused_naming_its_flavours(tmp_path):
    message = refusal(model(tmp_path / "m", flavors={"mleap": {}}, conda_yaml=CONDA))
    assert "has the flavour(s) mleap but not python_function" in message


def test_an_unknown_loader_without_code_is_refused(tmp_path):
    flavors = {"python_function": {**PYFUNC, "loader_module": "acme.loader"}}
    assert "unknown flavour loader acme.loader" in refusal(
        model(tmp_path / "m", flavors=flavors, conda_yaml=CONDA)
    )


def test_a_model_without_an_environment_file_is_refused(tmp_path):
    assert "no conda.yaml, python_env.yaml or requirements.txt" in refusal(model(tmp_path / "m"))


def test_a_broken_conda_yaml_is_refused_naming_the_file(tmp_path):
    message = refusal(model(tmp_path / "m", conda_yaml="dependencies: python=3.11\n"))
    assert "has a conda.yaml that cannot be used: dependencies: must be a non-empty list" in message


def test_a_path_that_is_not_a_folder_is_refused(tmp_path):
    assert "is not a folder" in refusal(tmp_path / "missing")


def test_an_mlflow_model_becomes_an_ordinary_app_laid_out_as_azure_ml_does(tmp_path):
    app, described = mlflow_app(str(model(tmp_path / "churn", conda_yaml=CONDA)), "model", "1", str(ROOT))
    assert (app.code_root, app.entry_script) == (str(ROOT / "files" / "mlflow"), "mlflow_score_script.py")
    assert [(m.name, m.version, m.folder) for m in app.models] == [("model", "1", "churn")]
    assert app.env == {"MLFLOW_MODEL_FOLDER": "churn"}
    assert described["env_file"] == "conda.yaml"
