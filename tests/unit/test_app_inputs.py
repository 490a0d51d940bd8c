"""The deploy's code and model inputs are read on the controller as the shell would take them, and
refused early naming the variable to fix."""

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / ".cache" / "collections"))
from ansible_collections.inferops.scoring.plugins.filter.model_layout import model_layout  # noqa: E402
from ansible_collections.inferops.scoring.plugins.plugin_utils.app_inputs import (  # noqa: E402
    InputError,
    code,
    models,
)


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A user's project folder, where ansible-playbook runs."""
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "score.py").write_text("")
    (tmp_path / "model").mkdir()
    (tmp_path / "model" / "weights.bin").write_text("")
    (tmp_path / "model.pkl").write_text("")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def refusal(call, *args) -> str:
    with pytest.raises(InputError) as caught:
        call(*args)
    return str(caught.value)


def test_relative_paths_start_where_ansible_playbook_runs(project):
    assert code("src/score.py", "") == (str(project / "src" / "score.py"), False, "score.py")
    assert models("./model", "model", "1", [])[0].path == str(project / "model")


def test_the_entry_script_is_a_path_inside_the_source_folder(project):
    assert code("score.py", "./src") == (str(project / "src"), True, "score.py")


def test_an_entry_script_outside_the_source_folder_is_refused(project):
    assert "is outside endpoint_source_dir=src" in refusal(code, "../model.pkl", "src")


def test_a_missing_script_is_refused_naming_the_variable(project):
    assert refusal(code, "nope.py", "").startswith(
        "endpoint_entry_script=nope.py is not a file on the controller"
    )


def test_no_model_at_all_is_refused_naming_the_variables(project):
    assert "Set endpoint_model_path" in refusal(models, "", "model", "1", [])


def test_one_model_and_a_list_are_refused_together(project):
    assert "not both" in refusal(models, "model", "model", "1", [{"name": "a", "path": "model"}])


def test_listed_models_keep_their_own_names_under_their_versions(project):
    listed = models(
        "",
        "model",
        "1",
        [{"name": "iris", "version": 3, "path": "model"}, {"name": "pkl", "path": "model.pkl"}],
    )
    assert [(m.name, m.version, m.folder) for m in listed] == [("iris", "3", "model"), ("pkl", "1", "")]


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"name": "a/b", "path": "model"}, "endpoint_models[0].name: the model name 'a/b' must be letters"),
        ({"name": "a", "version": "..", "path": "model"}, "endpoint_models[0].version"),
        ({"name": "a", "path": "missing"}, "endpoint_models[0].path=missing does not exist"),
        ({"name": "a"}, "endpoint_models[0] must be a mapping with name, path"),
        ({"name": "a", "path": "model.pkl", "folder": "x"}, "folder applies to a model folder"),
    ],
)
def test_bad_model_entries_are_refused_naming_the_entry(project, entry, message):
    assert message in refusal(models, "", "model", "1", [entry])


def test_a_model_listed_twice_is_refused(project):
    twice = [{"name": "a", "path": "model"}, {"name": "a", "version": "1", "path": "model.pkl"}]
    assert "model a version 1 is listed twice" in refusal(models, "", "model", "1", twice)


def test_one_models_content_is_azureml_model_dir(project):
    layout = model_layout([{"name": "model", "version": "1", "path": "model", "folder": ""}], "app/")
    assert layout["model_dir"] == "azureml-models/model/1"
    assert layout["parts"][0]["dest"] == "app/azureml-models/model/1"
    assert layout["parts"][0]["src"] == str(project / "model") + os.sep


def test_several_models_are_under_the_azureml_models_folder(project):
    layout = model_layout(
        [
            {"name": "iris", "version": 3, "path": "model", "folder": "model"},
            {"name": "pkl", "version": 1, "path": "model.pkl"},
        ]
    )
    assert layout["model_dir"] == "azureml-models"
    assert [part["dest"] for part in layout["parts"]] == [
        "azureml-models/iris/3/model",
        "azureml-models/pkl/1",
    ]
