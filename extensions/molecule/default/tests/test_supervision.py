"""Whatever process of the endpoint dies, runit brings it back fully supervised, with nothing left
holding a port, serving the current release (the kill -9 table of issue 13, as tests)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import wait_until

# What each service's processes have on their command line.
SIGNATURES = {
    "gunicorn": "-m gunicorn --config /etc/inferops/gunicorn_conf.py",
    "nginx": "^nginx: ",
    "metrics": "-m inferops_server.exporter --listen",
}
EXAMPLE = os.path.join(os.environ["MOLECULE_PROJECT_DIRECTORY"], "examples", "linear")


def processes(host) -> list[dict]:
    rows = host.check_output("ps -eo pid=,ppid=,pgid=,args=").splitlines()
    return [
        {"pid": int(pid), "ppid": int(ppid), "pgid": int(pgid), "args": args}
        for pid, ppid, pgid, args in (row.split(None, 3) for row in rows)
    ]


def service_pid(host, service: str) -> int | None:
    """The pid runsv supervises, when `sv status` says the service runs."""
    status = host.run("sv status /var/runit/%s", service).stdout
    return int(status.split("(pid ")[1].split(")")[0]) if status.startswith("run:") else None


def fully_supervised(host, service: str) -> bool:
    """Every process of the service is the one runsv supervises or one of its children, in its
    process group: nothing runs, or holds a port, beside it."""
    main = service_pid(host, service)
    if main is None:
        return False
    table = processes(host)
    by_pid = {process["pid"]: process for process in table}
    supervisor = by_pid.get(by_pid.get(main, {}).get("ppid"), {})
    if supervisor.get("args") != f"runsv {service}":
        return False
    pattern = SIGNATURES[service]
    mine = [
        p
        for p in table
        if (p["args"].startswith("nginx: ") if pattern == "^nginx: " else pattern in p["args"])
    ]
    return bool(mine) and all(p["pgid"] == main and (p["pid"] == main or p["ppid"] == main) for p in mine)


def serving_the_current_release(host, http, score_example) -> bool:
    release = host.run("readlink /var/lib/inferops/current").stdout.strip().rsplit("/", 1)[-1]
    health = http("GET", "/")
    return (
        health["status"] == 200
        and health["headers"].get("x-inferops-release") == release
        and score_example()["status"] == 200
    )


def recovered(host, http, score_example) -> bool:
    return (
        fully_supervised(host, "gunicorn")
        and fully_supervised(host, "nginx")
        and fully_supervised(host, "metrics")
        and serving_the_current_release(host, http, score_example)
    )


def pid_of(host, target: str) -> int | None:
    """The process to kill, found the way an operator would; None while there is none."""
    if target.startswith("runsv "):
        found = [p["pid"] for p in processes(host) if p["args"] == target]
        return found[0] if found else None
    if target == "a gunicorn worker":
        master = service_pid(host, "gunicorn")
        workers = [p["pid"] for p in processes(host) if master and p["ppid"] == master]
        return workers[0] if workers else None
    return service_pid(host, next(name for name in SIGNATURES if name in target))


@pytest.mark.parametrize(
    "target",
    [
        "a gunicorn worker",
        "the gunicorn master",
        "the nginx master",
        "the metrics exporter",
        "runsv gunicorn",
        "runsv nginx",
        "runsv metrics",
    ],
)
def test_a_killed_process_comes_back_fully_supervised_serving_the_current_release(
    host, http, score_example, target
):
    assert recovered(host, http, score_example)
    before = pid_of(host, target)
    assert host.run("kill -9 %s", str(before)).rc == 0
    assert wait_until(lambda: pid_of(host, target) not in (None, before), 30)
    assert wait_until(lambda: recovered(host, http, score_example), 30)


def test_a_deploy_after_a_killed_runsv_takes_effect(host, http, score_example, deploy, tmp_path):
    model = tmp_path / "model"
    model.mkdir()
    weights = json.loads(Path(EXAMPLE, "model", "model.json").read_text())
    (model / "model.json").write_text(json.dumps({**weights, "intercept": 1.0}))
    host.run("kill -9 %s", str(pid_of(host, "runsv gunicorn")))
    try:
        result = deploy(endpoint_model_path=str(model))
        assert result.returncode == 0, result.stdout[-3000:]
        assert json.loads(score_example()["body"]) == {"predictions": [1.74]}
        assert fully_supervised(host, "gunicorn")
    finally:
        assert deploy().returncode == 0


def test_while_gunicorn_is_down_clients_get_a_json_502(host, http, score_example):
    assert host.run("sv -w 60 down /var/runit/gunicorn").rc == 0
    try:
        response = score_example()
        assert response["status"] == 502
        assert json.loads(response["body"])["message"].startswith("The scoring server is not answering")
    finally:
        host.run("sv up /var/runit/gunicorn")
    assert wait_until(lambda: recovered(host, http, score_example), 30)


def test_a_removed_service_stops_with_its_log_and_its_runsv_exits(host):
    """runit_service state=absent (what endpoint_metrics=false does to the exporter)."""
    service = {
        "name": "removal-probe",
        "service_dir": "/var/runit",
        "run": "#!/bin/sh\nexec sleep 1000\n",
        "log_dir": "/var/log/inferops/removal-probe",
        "log_user": "inferops-log",
    }
    assert module("inferops.scoring.runit_service", service)["changed"]
    assert host.run("sv status /var/runit/removal-probe").stdout.startswith("run:")
    removed = module("inferops.scoring.runit_service", {**service, "state": "absent"})
    assert removed["changed"] and removed["removed"]
    assert not host.file("/var/runit/removal-probe").exists
    assert not [p for p in processes(host) if p["args"] in ("runsv removal-probe", "sleep 1000")]
    assert not module("inferops.scoring.runit_service", {**service, "state": "absent"})["changed"]


def module(name: str, arguments: dict) -> dict:
    """One Ansible module run against the scenario's container; its result."""
    project = os.environ["MOLECULE_PROJECT_DIRECTORY"]
    result = subprocess.run(
        [
            os.path.join(os.path.dirname(sys.executable), "ansible"),
            "--inventory",
            os.path.join(project, "extensions/molecule/shared/inventory.yml"),
            "instance",
            "-m",
            name,
            "-a",
            json.dumps(arguments),
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "ANSIBLE_LOAD_CALLBACK_PLUGINS": "1", "ANSIBLE_STDOUT_CALLBACK": "json"},
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    return json.loads(result.stdout)["plays"][0]["tasks"][0]["hosts"]["instance"]
