"""HTTP from inside the container: the endpoint is checked on the container's own loopback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest

# Python source for the scripts run in the container: the header carrying one of the endpoint's
# keys, read where the deploy keeps them (none when it serves without keys).
AUTH = r"""
import json
def auth_header(name="primaryKey"):
    try:
        with open("/etc/inferops/endpoint-keys.json") as keys:
            return {"Authorization": "Bearer " + json.load(keys)[name]}
    except FileNotFoundError:
        return {}
"""

# Runs in the container's system Python; prints status, headers and body as JSON. The request
# carries the key named (unless it has its own Authorization header); https trusts ``cafile``.
CLIENT = (
    AUTH
    + r"""
import ssl, sys, urllib.error, urllib.request
method, url, body, headers, key, cafile = json.loads(sys.argv[1])
if key and "Authorization" not in headers:
    headers.update(auth_header(key))
data = body.encode() if body is not None else None
request = urllib.request.Request(url, data=data, method=method, headers=headers)
context = ssl.create_default_context(cafile=cafile) if cafile else None
try:
    response = urllib.request.urlopen(request, timeout=30, context=context)
except urllib.error.HTTPError as error:
    response = error
answer = {"status": response.status, "headers": dict(response.headers), "body": response.read().decode()}
print(json.dumps(answer))
"""
)


def wait_until(condition, deadline_s: float = 60) -> bool:
    """Poll ``condition`` until it holds or the deadline passes."""
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.5)
    return False


# The bundled example's request, as every scenario sends it.
EXAMPLE_BODY = json.dumps({"data": [[5.1, 3.5, 1.4, 0.2]]})


@pytest.fixture
def http(host):
    """One request to the endpoint inside the container, with the primary key unless ``key`` names
    the other (``secondaryKey``) or is None; over https when ``cafile`` (the CA to trust) is given."""

    def call(
        method: str,
        path: str,
        body: str | None = None,
        headers: dict | None = None,
        port: int = 5001,
        key: str | None = "primaryKey",
        cafile: str = "",
    ):
        url = f"{'https' if cafile else 'http'}://127.0.0.1:{port}{path}"
        request = json.dumps([method, url, body, headers or {}, key, cafile])
        result = host.run("python3 -c %s %s", CLIENT, request)
        assert result.rc == 0, result.stderr
        return json.loads(result.stdout)

    return call


@pytest.fixture
def score_example(http):
    """POST the example's request to /score through nginx; extra headers may be added."""

    def call(headers: dict | None = None):
        return http("POST", "/score", EXAMPLE_BODY, {"Content-Type": "application/json", **(headers or {})})

    return call


def run_deploy(
    *options: str, cwd: str = "", inventory: str = "", **variables: object
) -> subprocess.CompletedProcess:
    """Run the deploy playbook against this scenario's container; return the finished process.

    The scenario's deploy-vars.yml, when it has one, says what it deploys (as in its converge);
    otherwise the bundled example with its requirements file. Options (--check, --extra-vars) follow it;
    ``cwd`` is where ansible-playbook runs (the project folder unless given), ``inventory`` replaces
    the scenario's.
    """
    project = os.environ["MOLECULE_PROJECT_DIRECTORY"]
    example = os.path.join(project, "examples", "linear")
    scenario_vars = os.path.join(os.environ.get("MOLECULE_SCENARIO_DIRECTORY", ""), "deploy-vars.yml")
    command = [
        os.path.join(os.path.dirname(sys.executable), "ansible-playbook"),
        "--inventory",
        inventory or os.path.join(project, "extensions/molecule/shared/inventory.yml"),
        "inferops.scoring.deploy",
    ]
    if os.path.exists(scenario_vars):
        command += ["--extra-vars", f"@{scenario_vars}"]
    else:
        variables = {
            "endpoint_entry_script": f"{example}/score.py",
            "endpoint_model_path": f"{example}/model",
            "endpoint_requirements_file": f"{example}/requirements.txt",
            **variables,
        }
    command += options
    if variables:
        # As JSON, so values keep their types (a dict stays a dict, 3 stays a number).
        command += ["-e", json.dumps(variables)]
    # JSON results: messages stay on one line, so tests can look for them.
    env = {
        **os.environ,
        "ANSIBLE_CALLBACK_RESULT_FORMAT": "json",
        "ANSIBLE_NOCOLOR": "1",
        "ANSIBLE_FORCE_COLOR": "0",
    }
    # Failures go to stderr since ansible-core 2.19: keep both, in order, in .stdout.
    return subprocess.run(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        cwd=cwd or project,
        env=env,
        timeout=900,
    )


@pytest.fixture
def deploy():
    """run_deploy, as a fixture."""
    return run_deploy
