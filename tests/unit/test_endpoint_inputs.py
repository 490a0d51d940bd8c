"""The endpoint reads its inputs once on the controller and refuses the ones that cannot go together."""

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / ".cache" / "collections"))
from ansible_collections.inferops.scoring.plugins.action import endpoint_inputs  # noqa: E402
from ansible_collections.inferops.scoring.plugins.plugin_utils.app_inputs import InputError  # noqa: E402

CONDA = "name: app\nchannels: [conda-forge]\ndependencies: [python=3.11, pip]\n"


@pytest.fixture
def project(tmp_path, monkeypatch):
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "score.py").write_text("")
    (tmp_path / "model.pkl").write_text("")
    (tmp_path / "conda.yml").write_text(CONDA)
    (tmp_path / "mlflow").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


def arguments(**given) -> dict:
    """The action's arguments with their defaults, as Ansible would pass them."""
    defaults = {name: spec.get("default") for name, spec in endpoint_inputs.ARGUMENTS.items()}
    return {**defaults, "entry_script": "score.py", "source_dir": "src", "model_path": "model.pkl", **given}


def refusal(call, *args) -> str:
    with pytest.raises(InputError) as caught:
        call(*args)
    return str(caught.value)


def test_a_conda_file_picks_the_conda_backend_and_is_read_once(project):
    python = endpoint_inputs._python(arguments(conda_file="conda.yml"), {})
    assert python["backend"] == "conda" and python["conda_spec"]["dependencies"] == ["python=3.11", "pip"]
    assert python["conda_source"] == str(project / "conda.yml")


def test_requirements_alone_pick_the_venv_backend(project):
    (project / "requirements.txt").write_text("idna\n")
    python = endpoint_inputs._python(arguments(requirements_file="./requirements.txt"), {})
    assert (python["backend"], python["requirements_file"]) == ("venv", str(project / "requirements.txt"))


def test_a_missing_requirements_file_is_refused_naming_the_variable(project):
    message = refusal(endpoint_inputs._python, arguments(requirements_file="nope.txt"), {})
    assert message.startswith("endpoint_requirements_file=nope.txt is not a file on the controller")


def test_a_conda_file_with_the_venv_backend_is_refused(project):
    message = refusal(endpoint_inputs._python, arguments(conda_file="conda.yml", python_backend="venv"), {})
    assert "endpoint_conda_file is built by the conda backend" in message


def test_the_conda_backend_without_a_conda_file_is_refused(project):
    message = refusal(endpoint_inputs._python, arguments(python_backend="conda"), {})
    assert "endpoint_python_backend=conda needs endpoint_conda_file" in message


def test_an_mlflow_model_comes_alone(project):
    message = refusal(endpoint_inputs._app, arguments(mlflow_model="mlflow"))
    assert "leave endpoint_entry_script, endpoint_source_dir, endpoint_model_path unset" in message


def test_the_apps_config_json_is_where_microsofts_server_finds_it(project):
    (project / "src" / "config.json").write_text(json.dumps({"SCORING_TIMEOUT_MS": 90000}))
    app, _ = endpoint_inputs._app(arguments())
    assert endpoint_inputs._config_json(app) == {"SCORING_TIMEOUT_MS": 90000}


def test_a_config_json_that_is_not_json_is_refused_naming_it(project):
    (project / "src" / "config.json").write_text("{")
    app, _ = endpoint_inputs._app(arguments())
    assert "config.json is not readable JSON" in refusal(endpoint_inputs._config_json, app)


def test_tls_files_to_copy_are_checked_on_the_controller_relative_to_where_the_play_runs(project):
    (project / "cert.pem").write_text("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")
    given = arguments(tls="controller", tls_certificate="cert.pem", tls_private_key="key.pem")
    assert refusal(endpoint_inputs._check_tls_files, given) == (
        f"endpoint_tls_private_key={project / 'key.pem'} is not a file on the controller."
    )
    (project / "key.pem").write_text("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")
    endpoint_inputs._check_tls_files(given)


def test_tls_files_on_the_host_are_not_looked_for_on_the_controller(project):
    given = arguments(tls="host", tls_certificate="/etc/c.pem", tls_private_key="/etc/k.pem")
    endpoint_inputs._check_tls_files(given)
