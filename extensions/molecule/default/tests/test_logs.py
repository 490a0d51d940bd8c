"""One request id in every log line a request causes (nginx, gunicorn, the server), each service
logged by its own runit log service (svlogd) that rotates by size, echoed to the container's log."""

from __future__ import annotations

import json
import os
import subprocess
import uuid

import pytest
from conftest import EXAMPLE_BODY, run_deploy, wait_until

JSON = {"Content-Type": "application/json"}
LOGS = "/var/log/inferops"
CONTAINER = f"inferops-{os.environ['MOLECULE_SCENARIO_NAME']}"


def log_lines(host, service: str, text: str) -> list[str]:
    """The service's log lines holding ``text``, rotated files (@...) included."""
    folder = f"{LOGS}/{service}"
    logged = host.run("cat %s/@* %s/current 2>/dev/null", folder, folder).stdout
    return [line for line in logged.splitlines() if text in line]


def logged_everywhere(host, request_id: str) -> bool:
    """nginx's access line, gunicorn's and the server's line of the request are all written."""
    return bool(log_lines(host, "nginx", request_id)) and len(log_lines(host, "gunicorn", request_id)) >= 2


def scored(http, request_id: str) -> None:
    response = http("POST", "/score", EXAMPLE_BODY, {**JSON, "x-request-id": request_id})
    assert response["status"] == 200


def test_each_service_has_a_supervised_log_service(host):
    for service in ("gunicorn", "nginx", "metrics"):
        assert host.check_output("sv status /var/runit/%s/log", service).startswith("run:")
        assert host.process.filter(user="inferops-log", comm="svlogd")


def test_one_request_id_is_in_nginx_s_gunicorn_s_and_the_server_s_lines(host, http):
    request_id = f"trace-{uuid.uuid4()}"
    scored(http, request_id)
    assert wait_until(lambda: logged_everywhere(host, request_id))
    (nginx,) = log_lines(host, "nginx", request_id)
    assert f"127.0.0.1 {request_id} [" in nginx and '"POST /score HTTP/1.1" 200' in nginx
    gunicorn = log_lines(host, "gunicorn", request_id)
    assert any(line.startswith(f"127.0.0.1 {request_id} [") for line in gunicorn), gunicorn
    assert any(f"inferops_server {request_id} - POST /score 200" in line for line in gunicorn), gunicorn


def test_a_request_nginx_names_gets_that_id_everywhere(host, http):
    """No id from the client: nginx makes one, and gunicorn and the server log the same."""
    response = http("POST", "/score", EXAMPLE_BODY, JSON)
    request_id = response["headers"]["x-request-id"]
    assert wait_until(lambda: logged_everywhere(host, request_id))


def test_the_lines_also_reach_the_container_s_log(host, http):
    request_id = f"echo-{uuid.uuid4()}"
    scored(http, request_id)

    def echoed() -> bool:
        # svlogd echoes on its standard error: podman logs gives it back on its own.
        logs = subprocess.run(["podman", "logs", CONTAINER], capture_output=True, text=True)
        return (logs.stdout + logs.stderr).count(request_id) >= 3

    assert wait_until(echoed, 20)


def test_nginx_writes_no_log_file_of_its_own(host, http):
    scored(http, "no-file")
    for path in ("/var/log/nginx/access.log", "/var/log/nginx/error.log"):
        log = host.file(path)
        assert not log.exists or log.size == 0, path


def test_the_key_is_never_logged(host, http):
    key = json.loads(host.file("/etc/inferops/endpoint-keys.json").content_string)["primaryKey"]
    scored(http, "key-check")
    assert wait_until(lambda: log_lines(host, "nginx", "key-check"))
    for service in ("nginx", "gunicorn"):
        assert not log_lines(host, service, key)


def test_a_service_that_had_no_log_service_gets_one_at_the_next_deploy(host, http):
    """As after an upgrade from a version without log services: runsv only looks for log/ when it
    starts, so the deploy restarts that runsv once, and the lines land in the log again."""
    host.run("mv /var/runit/gunicorn/log /tmp/gunicorn-log-aside && sv exit /var/runit/gunicorn")
    assert wait_until(lambda: host.run("sv status /var/runit/gunicorn").stdout.startswith("run:"), 30)
    host.run("rm -rf /tmp/gunicorn-log-aside")
    assert not host.file("/var/runit/gunicorn/log").exists

    result = run_deploy()
    assert result.returncode == 0, result.stdout[-3000:]
    assert host.check_output("sv status /var/runit/gunicorn/log").startswith("run:")
    request_id = f"upgraded-{uuid.uuid4()}"
    scored(http, request_id)
    assert wait_until(lambda: logged_everywhere(host, request_id))


@pytest.fixture(scope="module")
def json_logs():
    """The endpoint redeployed with JSON lines and small log files; the defaults come back afterwards."""
    result = run_deploy(endpoint_log_format="json", endpoint_log_size=4096, endpoint_log_keep=2)
    assert result.returncode == 0, result.stdout[-3000:]
    yield
    assert run_deploy().returncode == 0


def test_json_lines_are_objects_naming_the_request(json_logs, host, http):
    request_id = f"json-{uuid.uuid4()}"
    scored(http, request_id)
    assert wait_until(lambda: logged_everywhere(host, request_id))
    (nginx,) = [json.loads(line) for line in log_lines(host, "nginx", request_id)]
    assert (nginx["request_id"], nginx["status"], nginx["uri"]) == (request_id, 200, "/score")
    gunicorn = [json.loads(line) for line in log_lines(host, "gunicorn", request_id)]
    assert {line.get("path") or line.get("logger") for line in gunicorn} >= {"/score", "inferops_server"}
    assert all(line["request_id"] == request_id for line in gunicorn)


def test_logs_rotate_by_size_and_keep_what_was_asked(json_logs, host, http):
    for number in range(40):
        scored(http, f"rotate-{number}")

    def rotated() -> list[str]:
        return host.check_output("ls %s/nginx", LOGS).split()

    assert wait_until(lambda: any(name.startswith("@") for name in rotated()))
    names = rotated()
    assert len([name for name in names if name.startswith("@")]) <= 2, names
    assert host.file(f"{LOGS}/nginx/current").size <= 4096
