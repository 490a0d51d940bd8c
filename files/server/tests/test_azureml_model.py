"""A v1 scoring script finds its models with Model.get_model_path, as inside an Azure ML deployment."""

import subprocess
import sys

import pytest
from inferops_server.compat.azureml_model import Model, ModelNotFoundException, WebserviceException


@pytest.fixture
def app_root(tmp_path, monkeypatch):
    """An app root with models as Azure ML lays them out: azureml-models/<name>/<version>/<entry>."""
    for name, version, entry in [
        ("linear", "1", "model.json"),
        ("offset", "1", "offset"),
        ("offset", "2", "offset"),
        ("offset", "10", "offset"),
    ]:
        folder = tmp_path / "azureml-models" / name / version
        folder.mkdir(parents=True)
        (folder / entry).write_text("{}")
    contents = tmp_path / "azureml-models" / "several" / "1"
    contents.mkdir(parents=True)
    for entry in ("weights.bin", "vocab.txt"):
        (contents / entry).write_text("")
    monkeypatch.setenv("AML_APP_ROOT", str(tmp_path))
    return tmp_path


def test_a_model_by_name_is_the_one_entry_of_its_latest_version(app_root):
    assert Model.get_model_path("offset") == str(app_root / "azureml-models/offset/10/offset")


def test_a_model_by_name_and_version_is_that_version(app_root):
    assert Model.get_model_path("offset", version=2) == str(app_root / "azureml-models/offset/2/offset")


def test_a_file_model_is_the_file(app_root):
    assert Model.get_model_path("linear") == str(app_root / "azureml-models/linear/1/model.json")


def test_a_version_folder_holding_a_models_content_is_the_folder(app_root):
    assert Model.get_model_path("several") == str(app_root / "azureml-models/several/1")


def test_a_version_that_is_not_an_int_is_refused_as_azureml_core_does(app_root):
    with pytest.raises(WebserviceException, match="version should be an int"):
        Model.get_model_path("offset", version="2")


def test_an_unknown_model_names_the_deployed_ones(app_root):
    with pytest.raises(ModelNotFoundException, match="linear/1, offset/1, offset/10, offset/2"):
        Model.get_model_path("missing")


def test_an_unknown_version_is_not_found(app_root):
    with pytest.raises(ModelNotFoundException, match="offset version 3"):
        Model.get_model_path("offset", version=3)


def test_v1_import_paths_work_without_azureml_core():
    code = (
        "from inferops_server import compat\n"
        "compat.install()\n"
        "from azureml.core.model import Model\n"
        "from azureml.core import Model as Same\n"
        "from azureml.exceptions import ModelNotFoundException\n"
        "print(Model is Same, Model.__module__)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["True", "inferops_server.compat.azureml_model"]
