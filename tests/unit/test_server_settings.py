"""Azure ML's settings take effect through the whole chain, or are refused naming what to use."""

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / ".cache" / "collections"))
from ansible_collections.inferops.scoring.plugins.plugin_utils.server_settings import (  # noqa: E402
    SettingsError,
    resolve,
)


def settings(env=None, **given):
    return resolve(env or {}, **given)[0]


def refusal(env=None, **given) -> str:
    with pytest.raises(SettingsError) as caught:
        resolve(env or {}, **given)
    return str(caught.value)


def test_defaults_are_a_minute_to_score_and_a_worker_per_cpu():
    chosen = settings(cpus=4)
    assert (chosen.scoring_timeout_ms, chosen.worker_timeout_s, chosen.workers, chosen.preload) == (
        60000,
        70,
        4,
        False,
    )


def test_azure_names_in_the_environment_drive_the_chain():
    chosen = settings(
        {"SCORING_TIMEOUT_MS": "2000", "WORKER_TIMEOUT": 3, "WORKER_COUNT": "3", "WORKER_PRELOAD": "true"}
    )
    assert (chosen.scoring_timeout_ms, chosen.worker_timeout_s, chosen.workers, chosen.preload) == (
        2000,
        3,
        3,
        True,
    )
    assert chosen.env["SCORING_TIMEOUT_MS"] == "2000" and chosen.env["WORKER_TIMEOUT"] == "3"


def test_millisecond_timeouts_keep_their_milliseconds():
    assert settings(timeout=2.5).scoring_timeout_ms == 2500
    assert settings({"SCORING_TIMEOUT_MS": "1500"}).scoring_timeout_ms == 1500


def test_the_worker_timeout_follows_the_scoring_timeout_unless_given():
    assert settings({"SCORING_TIMEOUT_MS": "2500"}).worker_timeout_s == 13
    assert settings({"SCORING_TIMEOUT_MS": "2500"}, worker_timeout=5).worker_timeout_s == 5


def test_nginx_waits_longer_than_the_app_and_gunicorn():
    chosen = settings({"SCORING_TIMEOUT_MS": "2000", "WORKER_TIMEOUT": "30"})
    assert chosen.proxy_read_timeout_s > 30 and chosen.stop_timeout_s > chosen.proxy_read_timeout_s


def test_both_spellings_may_agree():
    assert settings({"WORKER_COUNT": "2"}, workers=2).workers == 2


@pytest.mark.parametrize(
    ("env", "given", "names"),
    [
        (
            {"SCORING_TIMEOUT_MS": "2000"},
            {"timeout": 3},
            "SCORING_TIMEOUT_MS=2000 in endpoint_env and endpoint_timeout=3",
        ),
        (
            {"WORKER_TIMEOUT": "3"},
            {"worker_timeout": 4},
            "WORKER_TIMEOUT=3 in endpoint_env and endpoint_worker_timeout=4",
        ),
        ({"WORKER_COUNT": "2"}, {"workers": 3}, "WORKER_COUNT=2 in endpoint_env and endpoint_workers=3"),
        (
            {"WORKER_PRELOAD": "true"},
            {"preload": False},
            "WORKER_PRELOAD=true in endpoint_env and endpoint_preload=False",
        ),
    ],
)
def test_two_spellings_that_disagree_are_refused_naming_both(env, given, names):
    assert names in refusal(env, **given)


@pytest.mark.parametrize(
    ("name", "instead"),
    [
        ("AZUREML_MODEL_DIR", "endpoint_model_path or endpoint_models"),
        ("AML_APP_ROOT", "endpoint_app_root"),
        ("AZUREML_ENTRY_SCRIPT", "endpoint_entry_script"),
        ("SERVER_PORT", "endpoint_port"),
    ],
)
def test_names_the_deploy_sets_are_refused_naming_the_variable(name, instead):
    assert refusal({name: "x"}) == f"endpoint_env: {name} is set by the deploy; use {instead} instead."


def test_azure_services_without_a_counterpart_are_refused():
    assert "Application Insights is an Azure service" in refusal({"AML_APP_INSIGHTS_ENABLED": "true"})


@pytest.mark.parametrize(
    ("env", "given", "message"),
    [
        (
            {"SCORING_TIMEOUT_MS": "0"},
            {},
            "SCORING_TIMEOUT_MS in endpoint_env must be a positive whole number",
        ),
        (
            {"SCORING_TIMEOUT_MS": "1.5"},
            {},
            "SCORING_TIMEOUT_MS in endpoint_env must be a positive whole number",
        ),
        ({}, {"timeout": -1}, "endpoint_timeout must be a positive number of seconds"),
        ({"WORKER_PRELOAD": "maybe"}, {}, "WORKER_PRELOAD in endpoint_env must be true or false"),
        ({"WORKER_COUNT": "none"}, {}, "WORKER_COUNT in endpoint_env must be a positive whole number"),
    ],
)
def test_bad_values_are_refused_naming_the_setting(env, given, message):
    assert message in refusal(env, **given)


def test_other_settings_reach_the_server_as_given():
    chosen = settings({"AML_CORS_ORIGINS": "https://app.example", "OMP_NUM_THREADS": 2, "VERBOSE": True})
    assert chosen.env["AML_CORS_ORIGINS"] == "https://app.example"
    assert (chosen.env["OMP_NUM_THREADS"], chosen.env["VERBOSE"]) == ("2", "true")


def test_config_json_sets_the_scoring_timeout_when_nothing_else_does():
    assert settings(config_json={"SCORING_TIMEOUT_MS": 90000}).scoring_timeout_ms == 90000


def test_the_environment_wins_over_config_json_with_a_warning():
    chosen, warnings = resolve({"SCORING_TIMEOUT_MS": "2000"}, config_json={"SCORING_TIMEOUT_MS": 90000})
    assert chosen.scoring_timeout_ms == 2000
    assert "the environment wins, as on Azure ML" in warnings[0]
