"""Settings from the environment and config.json, with errors that name the setting."""

import json

import pytest
from inferops_server.errors import SettingsError
from inferops_server.settings import Settings


def test_defaults_mirror_the_azure_ml_image():
    settings = Settings.from_env({})
    assert (settings.app_root, settings.scoring_timeout_ms, settings.worker_count) == (
        "/var/azureml-app",
        3600000,
        1,
    )


def test_environment_variables_are_read():
    settings = Settings.from_env(
        {"SCORING_TIMEOUT_MS": "250", "AML_CORS_ORIGINS": "a, b", "WORKER_PRELOAD": "true"}
    )
    assert (settings.scoring_timeout_ms, settings.cors_origins, settings.worker_preload) == (
        250,
        ("a", "b"),
        True,
    )


def test_config_json_in_the_app_root_is_read(tmp_path):
    (tmp_path / "config.json").write_text(json.dumps({"SCORING_TIMEOUT_MS": 900, "SERVICE_NAME": "iris"}))
    settings = Settings.from_env({"AML_APP_ROOT": str(tmp_path)})
    assert (settings.scoring_timeout_ms, settings.service_name) == (900, "iris")


def test_environment_wins_over_config_json(tmp_path):
    (tmp_path / "config.json").write_text(json.dumps({"SCORING_TIMEOUT_MS": 900}))
    settings = Settings.from_env({"AML_APP_ROOT": str(tmp_path), "SCORING_TIMEOUT_MS": "100"})
    assert settings.scoring_timeout_ms == 100


def test_config_json_beside_the_entry_script_is_read(tmp_path):
    (tmp_path / "config.json").write_text(json.dumps({"SERVICE_VERSION": "3"}))
    settings = Settings.from_env(
        {"AML_APP_ROOT": "/nonexistent", "AZUREML_ENTRY_SCRIPT": str(tmp_path / "score.py")}
    )
    assert settings.service_version == "3"


@pytest.mark.parametrize(
    ("name", "value"), [("SCORING_TIMEOUT_MS", "soon"), ("WORKER_COUNT", "0"), ("WORKER_PRELOAD", "maybe")]
)
def test_invalid_value_names_the_setting(name, value):
    with pytest.raises(SettingsError, match=name):
        Settings.from_env({name: value})


def test_unreadable_config_json_names_the_file(tmp_path):
    (tmp_path / "config.json").write_text("{not json")
    with pytest.raises(SettingsError, match=r"config\.json"):
        Settings.from_env({"AML_APP_ROOT": str(tmp_path)})
