"""Azure ML's way of giving things is honoured: a v1 script finds several models with
Model.get_model_path, SCORING_TIMEOUT_MS and WORKER_TIMEOUT given as environment variables take
effect through 5001, and relative paths start where ansible-playbook runs."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import AUTH

SCENARIO = Path(os.environ["MOLECULE_SCENARIO_DIRECTORY"])
PROJECT = Path(os.environ["MOLECULE_PROJECT_DIRECTORY"])
CONTAINER = f"inferops-{os.environ['MOLECULE_SCENARIO_NAME']}"
MODELS = "/var/azureml-app/azureml-models"

# Runs in the container: one POST /score, printed as status, seconds taken and body.
TIMED = (
    AUTH
    + r"""
import sys, time, urllib.error, urllib.request
request = urllib.request.Request("http://127.0.0.1:5001/score", data=sys.argv[1].encode(),
                                 headers={"Content-Type": "application/json", **auth_header()})
start = time.monotonic()
try:
    response = urllib.request.urlopen(request, timeout=60)
except urllib.error.HTTPError as error:
    response = error
body = response.read().decode()
print(json.dumps({"status": response.status, "seconds": time.monotonic() - start, "body": body}))
"""
)


def timed_score(host, request: dict) -> dict:
    result = host.run("python3 -c %s %s", TIMED, json.dumps(request))
    assert result.rc == 0, result.stderr
    return json.loads(result.stdout)


def test_a_v1_script_finds_each_model_by_name_and_version(score_example):
    response = score_example()
    assert response["status"] == 200
    body = json.loads(response["body"])
    assert body["models"] == {
        "linear": "linear/1/model.json",
        "offset": "offset/2/offset",
        "offset version 1": "offset/1/offset",
    }
    # The example's 0.44 plus the offset of version 2, the latest.
    assert body["predictions"] == [10.44]


def test_several_models_make_azureml_model_dir_their_common_folder(score_example, host):
    assert json.loads(score_example()["body"])["model_dir"] == MODELS
    for path in ("linear/1/model.json", "offset/1/offset/offset.json", "offset/2/offset/offset.json"):
        assert host.file(f"{MODELS}/{path}").is_file


def test_the_server_sees_the_settings_it_runs_with(score_example):
    settings = json.loads(score_example()["body"])["settings"]
    assert (settings["SCORING_TIMEOUT_MS"], settings["WORKER_TIMEOUT"]) == ("2000", "3")


def test_scoring_timeout_ms_answers_a_slow_run_after_two_seconds(host):
    # Just past the timeout: the abandoned run() ends soon after, and the next test's request
    # (which waits for it: one run() at a time) is not delayed much.
    answer = timed_score(host, {"sleep": 2.3})
    assert (answer["status"], json.loads(answer["body"])) == (
        500,
        {"message": "Scoring timeout after 2000 ms"},
    )
    assert 2.0 <= answer["seconds"] < 3.0, answer


def test_worker_timeout_kills_a_worker_holding_the_gil_after_three_seconds(host):
    """gunicorn kills the worker after WORKER_TIMEOUT (not its default 70 s) and nginx answers 502.
    When the request came over a reused upstream connection, nginx cannot tell the dead worker from
    a keep-alive connection a reload closed, and retries once on another worker, which the same
    request holds as long: then the 502 comes after two worker timeouts."""
    answer = timed_score(host, {"hold_gil": 20})
    logs = subprocess.run(["podman", "logs", "--since", "60s", CONTAINER], capture_output=True, text=True)
    assert answer["status"] == 502, answer
    kills = (logs.stdout + logs.stderr).count("WORKER TIMEOUT")
    assert kills in (1, 2), kills
    # gunicorn counts from the worker's last heartbeat (up to a second before the request) and
    # checks about once a second.
    assert 3.0 * kills - 1.0 <= answer["seconds"] < 3.0 * kills + 4.0, (answer, kills)
    assert timed_score(host, {"data": [[5.1, 3.5, 1.4, 0.2]]})["status"] == 200


def test_the_chain_derives_its_timeouts_from_them(host):
    config = host.file("/etc/inferops/gunicorn_conf.py").content_string
    assert "\ntimeout = 3\n" in config
    # nginx waits for the longer of the two, and a little more.
    assert "proxy_read_timeout 8s;" in host.file("/etc/nginx/sites-available/app").content_string


def test_gunicorn_on_ipv6_loopback_is_what_nginx_proxies_to(deploy, host, score_example):
    result = deploy(endpoint_server_host="::1")
    assert result.returncode == 0, result.stdout[-3000:]
    assert host.socket("tcp://::1:9090").is_listening
    assert not host.socket("tcp://127.0.0.1:9090").is_listening
    assert score_example()["status"] == 200


@pytest.fixture
def project(tmp_path):
    """The scenario's app and models in a folder of their own, with a requirements file."""
    shutil.copytree(SCENARIO / "app", tmp_path / "app")
    shutil.copytree(SCENARIO / "models", tmp_path / "models")
    shutil.copy(PROJECT / "examples/linear/model/model.json", tmp_path / "models/linear.json")
    (tmp_path / "requirements.txt").write_text("inference-schema>=1.5\n")
    return tmp_path


def test_relative_paths_start_where_ansible_playbook_runs(deploy, project, host, score_example):
    models = [
        {"name": "linear", "version": 1, "path": "models/linear.json"},
        {"name": "offset", "version": 1, "path": "./models/offset-1", "folder": "offset"},
        {"name": "offset", "version": 2, "path": "models/offset-2", "folder": "offset"},
    ]
    result = deploy(
        cwd=str(project),
        endpoint_source_dir="app",
        endpoint_requirements_file="./requirements.txt",
        endpoint_models=models,
    )
    assert result.returncode == 0, result.stdout[-3000:]
    assert host.run("/opt/inferops/env/bin/python -c 'import inference_schema'").rc == 0
    assert json.loads(score_example()["body"])["models"]["linear"] == "linear/1/linear.json"


def test_with_metrics_off_there_is_no_exporter_and_no_metrics_folder(host):
    assert not host.file("/var/runit/metrics").exists
    assert not host.socket("tcp://127.0.0.1:9091").is_listening
    assert "PROMETHEUS_MULTIPROC_DIR" not in host.file("/var/runit/gunicorn/run").content_string
    assert "status.sock" not in host.file("/etc/nginx/sites-available/app").content_string
