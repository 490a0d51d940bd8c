"""The server under real gunicorn processes: what only shows with workers, threads and forks.

These are the behaviours where we go beyond Microsoft's server: timeouts that hold on threaded
workers, probes answered while workers are busy or initialising, a broken init() that is reported
instead of restarted in a loop, and preload sharing one init() among workers.
"""

from __future__ import annotations

import http.client
import json
import os
import subprocess
import sys
import threading
import time

import pytest
from contract.servers import OUR_APP, SCRIPTS, free_port, get, gunicorn, process, script_env
from inferops_server.errors import RunBusy

GTHREAD = ("-k", "gthread", "--threads", "4")


def post(port: int, body: bytes, path: str = "/score") -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request("POST", path, body=body)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def poll(condition, deadline_s: float = 20):
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError("condition not met before the deadline")


def read(path: str) -> str:
    with open(path, encoding="utf-8", errors="replace") as handle:
        return handle.read()


@pytest.mark.parametrize("worker_args", [GTHREAD, ("-k", "sync")], ids=["gthread", "sync"])
def test_scoring_timeout_holds_with_every_worker_class(worker_args):
    with gunicorn(sys.executable, OUR_APP, "slow.py", {"SCORING_TIMEOUT_MS": "500"}, worker_args) as (
        port,
        _,
        _,
    ):
        status, body = post(port, b"5")
        assert (status, body) == (500, b'{"message": "Scoring timeout after 500 ms"}')
        assert post(port, b"0") == (200, b'"done"')


def test_health_answers_while_the_worker_is_busy_scoring(tmp_path):
    marker = tmp_path / "running"
    env = {"SLOW_MARKER": str(marker)}
    with gunicorn(sys.executable, OUR_APP, "slow.py", env, ("-w", "1", *GTHREAD)) as (port, _, _):
        scoring = threading.Thread(target=post, args=(port, b"4"))
        scoring.start()
        poll(marker.exists)
        assert get(port, "/") == (200, b"Healthy")
        assert scoring.is_alive(), "the probe must be answered while run() is still busy"
        scoring.join()


def test_health_is_503_while_init_runs_and_200_after():
    env = {"SLOW_INIT_SECONDS": "2"}
    with gunicorn(sys.executable, OUR_APP, "slow_init.py", env, GTHREAD, wait=False) as (port, _, _):
        first = poll(lambda: _status_or_none(port))
        assert first == 503
        poll(lambda: _status_or_none(port) == 200)


def _status_or_none(port: int) -> int | None:
    try:
        return get(port, "/", timeout=1)[0]
    except OSError:
        return None


def test_broken_init_keeps_answering_503_without_rerunning_init():
    with gunicorn(sys.executable, OUR_APP, "init_raises.py", {}, GTHREAD, wait=False) as (port, server, log):
        poll(lambda: _status_or_none(port) == 503)
        for _ in range(20):
            assert post(port, b"x")[0] == 503
        assert server.poll() is None
        assert read(log).count("Invoking the scoring script's init()") == 1


@pytest.mark.parametrize(("preload", "expected_inits"), [(True, 1), (False, 2)])
def test_preload_runs_init_once_for_all_workers(preload, expected_inits):
    args = ("-w", "2", *GTHREAD, *(("--preload",) if preload else ()))
    env = {"WORKER_PRELOAD": str(preload).lower()}
    with gunicorn(sys.executable, OUR_APP, "echo_text.py", env, args) as (_port, _, log):
        poll(lambda: read(log).count("init() completed") >= expected_inits)
        assert read(log).count("Invoking the scoring script's init()") == expected_inits


def test_chunked_body_of_100_megabytes_is_accepted():
    chunk = b"x" * (1024 * 1024)
    with gunicorn(sys.executable, OUR_APP, "echo_text.py", {}, GTHREAD) as (port, _, _):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        connection.request("POST", "/score", body=(chunk for _ in range(100)), encode_chunked=True)
        response = connection.getresponse()
        assert response.status == 200
        assert len(response.read()) > 100 * 1024 * 1024


def test_local_command_serves_a_script():
    port = free_port()
    script = os.path.join(SCRIPTS, "schema.py")
    command = [
        sys.executable,
        "-m",
        "inferops_server",
        "--entry_script",
        script,
        "--model_dir",
        SCRIPTS,
        "--port",
        str(port),
    ]
    with process(command, port, dict(os.environ)):
        status, _body = post(port, b"")
        assert status == 415


def _check(script: str) -> subprocess.CompletedProcess:
    command = [
        sys.executable,
        "-m",
        "inferops_server",
        "--check",
        "--entry_script",
        os.path.join(SCRIPTS, script),
    ]
    return subprocess.run(command, capture_output=True, text=True, env=script_env(script), timeout=60)


def test_check_succeeds_for_a_working_script():
    assert _check("echo_text.py").returncode == 0


def test_check_fails_naming_the_failed_step():
    result = _check("init_raises.py")
    assert result.returncode == 1
    assert "failed at step 'init'" in result.stderr


def json_post(port: int, body: bytes) -> tuple[int, dict]:
    status, text = post(port, body)
    return status, json.loads(text)


def test_a_timed_out_run_never_overlaps_the_next_one():
    """run() sleeps 2 s with a 300 ms timeout: each request answers 500 at once, and the next
    run() waits for the abandoned one to end instead of starting beside it."""
    env = {"SCORING_TIMEOUT_MS": "300"}
    with gunicorn(sys.executable, OUR_APP, "concurrency.py", env, ("-w", "1", *GTHREAD)) as (port, _, _):
        for _ in range(4):
            assert post(port, b"2")[0] == 500
        status, body = json_post(port, b"0")
        assert (status, body["most_at_once"]) == (200, 1)


def test_a_run_that_does_not_stop_within_the_grace_period_replaces_its_worker():
    env = {"SCORING_TIMEOUT_MS": "300", "INFEROPS_RUN_GRACE_MS": "1000"}
    with gunicorn(sys.executable, OUR_APP, "concurrency.py", env, ("-w", "1", *GTHREAD)) as (port, _, _):
        first = json_post(port, b"0")[1]["pid"]
        assert post(port, b"30")[0] == 500
        # Asked while the stuck run() still runs: nothing starts beside it.
        status, body = json_post(port, b"0")
        assert (status, body["message"]) == (503, RunBusy().message)
        # A fresh worker takes over, and only one run() ever ran at once.
        second = poll(lambda: _pid_if_served(port, first))
        assert second != first


def _pid_if_served(port: int, old_pid: int) -> int | None:
    try:
        status, text = post(port, b"0")
    except OSError:
        return None
    body = json.loads(text)
    return body["pid"] if status == 200 and body["pid"] != old_pid and body["most_at_once"] == 1 else None
