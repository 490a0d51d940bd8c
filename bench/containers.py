"""Containers for the benchmarks: started like the tests' hosts, deployed with the collection."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "images"))

# Containers run exactly as in the Packer test; the benchmarks import them from here.
from keys import AUTHORIZATION, KEYS  # noqa: E402
from podman_run import podman, running  # noqa: E402, F401

EXAMPLE = ROOT / "examples" / "linear"
EXAMPLE_BODY = json.dumps({"data": [[5.1, 3.5, 1.4, 0.2]]}).encode()


def request(url: str, body: bytes | None = None, timeout: float = 10) -> int | str:
    """The status of one request: a code, or the name of the connection error."""
    headers = {"Content-Type": "application/json", **AUTHORIZATION}
    call = urllib.request.Request(url, data=body, headers=headers)
    try:
        with urllib.request.urlopen(call, timeout=timeout) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError as error:
        return type(error).__name__


def wait_for_score(base_url: str, body: bytes = EXAMPLE_BODY, deadline_s: float = 600) -> float:
    """Poll POST /score with ``body`` until it answers 200; return when it did."""
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        if request(f"{base_url}/score", body, timeout=5) == 200:
            return time.monotonic()
        time.sleep(0.05)
    raise TimeoutError(f"{base_url}/score never answered 200")


DOCKER_CLI = "ansible_connection=community.docker.docker ansible_become=false"


def ansible_playbook(playbook: str, host: str, *arguments: str, host_vars: str = DOCKER_CLI) -> float:
    """Run a playbook against one host, by default a container over the docker CLI connection
    (podman's shim, with pipelining, as the redeploy scenario does); return how long it took."""
    return ansible_playbook_output(playbook, host, *arguments, host_vars=host_vars)[0]


def ansible_playbook_output(
    playbook: str, host: str, *arguments: str, host_vars: str = DOCKER_CLI, env: dict | None = None
) -> tuple[float, str]:
    """As ansible_playbook, and what the playbook printed."""
    with tempfile.NamedTemporaryFile("w", suffix=".ini") as inventory:
        inventory.write(f"[scoring]\n{host} {host_vars}\n")
        inventory.flush()
        # The run's keys first: a playbook's own -e comes later and wins.
        keys = json.dumps({"endpoint_auth_keys": KEYS})
        start = time.monotonic()
        result = subprocess.run(
            ["ansible-playbook", "-i", inventory.name, playbook, "-e", keys, *arguments],
            capture_output=True,
            text=True,
            cwd=ROOT,
            env={**os.environ, **(env or {})},
        )
        if result.returncode:
            raise RuntimeError(f"{playbook} failed:\n{result.stdout[-4000:]}\n{result.stderr[-2000:]}")
        return time.monotonic() - start, result.stdout


def deploy_vars(app: Path, model: Path, requirements: Path, **settings: object) -> list[str]:
    """Extra vars of the deploy playbook: an app folder with score.py, its model and requirements."""
    variables = {
        "endpoint_source_dir": str(app),
        "endpoint_entry_script": "score.py",
        "endpoint_model_path": str(model),
        "endpoint_requirements_file": str(requirements),
        **settings,
    }
    return ["-e", json.dumps(variables)]


def example_vars(**settings: object) -> list[str]:
    return deploy_vars(EXAMPLE, EXAMPLE / "model", EXAMPLE / "requirements.txt", **settings)


def main_pid(container_name: str) -> int:
    """The container's PID 1 as the host sees it: its network namespace is the container's."""
    return int(podman("inspect", "--format", "{{.State.Pid}}", container_name).stdout)


def shell(container_name: str, script: str) -> str:
    return podman("exec", container_name, "sh", "-c", script).stdout
