"""Redeploys of a serving endpoint: graceful under load, and refused when the new init() fails."""

from __future__ import annotations

import json
import os
import shutil
import threading
from pathlib import Path

import pytest
from conftest import AUTH, EXAMPLE_BODY

PROJECT = os.environ["MOLECULE_PROJECT_DIRECTORY"]
EXAMPLE = os.path.join(PROJECT, "examples", "linear")
STOP_FILE = "/tmp/stop-load"

# Runs in the container: POSTs one request after another until the stop file appears (or 300 s),
# then prints the count of each status and the distinct predictions seen.
LOAD = (
    AUTH
    + r"""
import os, sys, time, urllib.error, urllib.request
url, body, stop_file = sys.argv[1:4]
counts, predictions = {}, set()
deadline = time.monotonic() + 300
while time.monotonic() < deadline and not os.path.exists(stop_file):
    headers = {"Content-Type": "application/json", **auth_header()}
    request = urllib.request.Request(url, data=body.encode(), headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            status, text = response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        status, text = error.code, ""
    except OSError as error:
        status, text = type(error).__name__, ""
    counts[str(status)] = counts.get(str(status), 0) + 1
    if status == 200:
        predictions.add(text)
print(json.dumps({"counts": counts, "predictions": sorted(predictions)}))
"""
)


@pytest.fixture
def model_v2(tmp_path):
    folder = tmp_path / "model-v2"
    shutil.copytree(os.path.join(EXAMPLE, "model"), folder)
    weights = json.loads((folder / "model.json").read_text())
    weights["intercept"] = 1.0
    (folder / "model.json").write_text(json.dumps(weights))
    return str(folder)


@pytest.fixture
def broken_score(tmp_path):
    script = tmp_path / "score.py"
    script.write_text(
        'def init():\n    raise RuntimeError("corrupt model")\n\n\ndef run(data):\n    return data\n'
    )
    return str(script)


def prediction(score_example):
    return json.loads(score_example()["body"])


@pytest.fixture
def requirements_v2(tmp_path):
    """The example's requirements and one package more: a new Python environment."""
    path = tmp_path / "requirements.txt"
    path.write_text(Path(EXAMPLE, "requirements.txt").read_text() + "six==1.17.0\n")
    return str(path)


def deployed_under_load(host, deploy, **variables):
    """Deploy while a client inside the container scores without pause; the deploy's result and
    what the client got."""
    host.run("rm -f %s", STOP_FILE)
    load: dict = {}
    worker = threading.Thread(
        target=lambda: load.update(
            result=host.run(
                "python3 -c %s %s %s %s", LOAD, "http://127.0.0.1:5001/score", EXAMPLE_BODY, STOP_FILE
            )
        )
    )
    worker.start()
    try:
        result = deploy(**variables)
    finally:
        host.run("touch %s", STOP_FILE)
        worker.join(120)
    return result, json.loads(load["result"].stdout)


def test_new_model_version_deploys_under_load_without_a_failed_request(host, score_example, deploy, model_v2):
    result, report = deployed_under_load(host, deploy, endpoint_model_path=model_v2)
    assert result.returncode == 0, result.stdout[-3000:]
    assert set(report["counts"]) == {"200"}, report
    assert report["counts"]["200"] > 50, report
    assert prediction(score_example) == {"predictions": [1.74]}


def test_failing_init_fails_the_play_and_the_serving_version_stays(http, score_example, deploy, broken_score):
    before = prediction(score_example)
    result = deploy(endpoint_entry_script=broken_score)
    assert result.returncode != 0
    assert "init() of the scoring script raised RuntimeError" in result.stdout
    assert "the release serving now stays" in result.stdout
    assert prediction(score_example) == before
    assert http("GET", "/")["status"] == 200


def test_with_the_init_check_off_a_failing_init_fails_the_play_at_once(deploy, broken_score, score_example):
    """Nothing checks the release before it serves: the deploy's own proof sees init() fail and
    says so at once, without waiting out endpoint_ready_timeout."""
    result = deploy(endpoint_entry_script=broken_score, endpoint_check_init=False, endpoint_ready_timeout=900)
    assert result.returncode != 0
    assert "init() of the scoring script raised RuntimeError. Failed step: init" in result.stdout
    assert "(endpoint_ready_timeout)" not in result.stdout
    assert deploy().returncode == 0
    assert score_example()["status"] == 200


def test_redeploys_that_restart_gunicorn_fail_no_request(host, http, deploy, requirements_v2, broken_score):
    """A new Python environment, more workers and preloading at once restart gunicorn: a relief
    gunicorn on the new release answers meanwhile (nginx's backup), then goes. A restart into a
    release whose init() fails (nothing checked it) never stops the running gunicorn. Preloading
    off restarts it again."""
    environment = http("GET", "/")["headers"]["x-inferops-environment"]
    restarted = {
        "endpoint_requirements_file": requirements_v2,
        "endpoint_workers": 3,
        "endpoint_preload": True,
    }
    result, report = deployed_under_load(host, deploy, **restarted)
    assert result.returncode == 0, result.stdout[-3000:]
    assert set(report["counts"]) == {"200"}, report
    assert http("GET", "/")["headers"]["x-inferops-environment"] != environment
    assert "--preload" in host.file("/var/runit/gunicorn/run").content_string
    assert host.check_output("sed -n 's/^workers = //p' /etc/inferops/gunicorn_conf.py") == "3"
    assert not host.file("/var/runit/gunicorn-relief").exists
    assert not host.socket("tcp://127.0.0.1:9092").is_listening

    served = http("POST", "/score", EXAMPLE_BODY, {"Content-Type": "application/json"})["body"]
    master = host.check_output("sv status /var/runit/gunicorn").split(")")[0]
    result = deploy(endpoint_entry_script=broken_score, endpoint_check_init=False, **restarted)
    assert result.returncode != 0
    assert "gunicorn was not restarted and the release serving now keeps serving" in result.stdout
    assert "init() of the scoring script raised RuntimeError" in result.stdout
    assert host.check_output("sv status /var/runit/gunicorn").split(")")[0] == master
    assert http("POST", "/score", EXAMPLE_BODY, {"Content-Type": "application/json"})["body"] == served
    assert not host.file("/var/runit/gunicorn-relief").exists

    # Last in the scenario, so it keeps the new environment (one build fewer).
    result, report = deployed_under_load(host, deploy, endpoint_requirements_file=requirements_v2)
    assert result.returncode == 0, result.stdout[-3000:]
    assert set(report["counts"]) == {"200"}, report
    assert "--preload" not in host.file("/var/runit/gunicorn/run").content_string
