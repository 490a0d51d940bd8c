"""Start a scoring server under gunicorn on a free loopback port, and stop it."""

from __future__ import annotations

import contextlib
import http.client
import os
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator

SCRIPTS = os.path.join(os.path.dirname(os.path.dirname(__file__)), "scripts")
REFERENCE_APP = "azureml_inference_server_http.server.entry:app"
OUR_APP = "inferops_server.wsgi:app"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(port: int, path: str = "/", timeout: float = 5) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def wait_healthy(port: int, process: subprocess.Popen, deadline_s: float = 30) -> None:
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server on port {port} exited with {process.returncode}")
        with contextlib.suppress(OSError):
            if get(port, timeout=1)[0] == 200:
                return
        time.sleep(0.05)
    raise TimeoutError(f"server on port {port} not healthy after {deadline_s} s")


@contextlib.contextmanager
def process(
    command: list[str], port: int, env: dict[str, str], wait: bool = True
) -> Iterator[tuple[subprocess.Popen, str]]:
    """Run ``command`` (a server on ``port``) in its own session; yield it and its log path; stop it."""
    with tempfile.NamedTemporaryFile("w+b", suffix=".log", delete=False) as log:
        started = subprocess.Popen(
            command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        if wait:
            wait_healthy(port, started)
        yield started, log.name
    finally:
        if started.poll() is None:
            os.killpg(started.pid, signal.SIGTERM)
            try:
                started.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(started.pid, signal.SIGKILL)
                started.wait()
        os.unlink(log.name)


def script_env(script: str, env: dict[str, str] | None = None) -> dict[str, str]:
    return {
        **os.environ,
        "AML_APP_ROOT": SCRIPTS,
        "AZUREML_ENTRY_SCRIPT": script,
        "AZUREML_MODEL_DIR": SCRIPTS,
        **(env or {}),
    }


@contextlib.contextmanager
def gunicorn(
    python: str,
    app: str,
    script: str,
    env: dict[str, str] | None = None,
    gunicorn_args: tuple[str, ...] = (),
    wait: bool = True,
) -> Iterator[tuple[int, subprocess.Popen, str]]:
    """Yield ``(port, process, log path)`` of gunicorn serving ``script`` from tests/scripts."""
    port = free_port()
    command = [python, "-m", "gunicorn", "-b", f"127.0.0.1:{port}", *gunicorn_args, app]
    with process(command, port, script_env(script, env), wait) as (started, log):
        yield port, started, log
