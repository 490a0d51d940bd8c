"""Packer bakes the example with the collection's playbook, and the image serves as soon as it starts.

Both of the template's sources are built: the container image (Packer's docker builder, Podman
through podman-docker), and a "VM", a container running sshd that Packer provisions over SSH and
that is committed afterwards, as a cloud builder would snapshot a VM.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "images"))

from podman_run import RUN_OPTIONS, free_port, podman, running  # noqa: E402

EXAMPLE = ROOT / "examples" / "linear"
BASE_IMAGE = os.environ.get("INFEROPS_TEST_IMAGE", "")
INIT_SECONDS = 3
BODY = json.dumps({"data": [[5.1, 3.5, 1.4, 0.2]]}).encode()
SLOW_SECONDS = 3
# An image is baked with keys someone chose (the deploy refuses to make them for an image).
KEYS = {"primary": secrets.token_urlsafe(32), "secondary": secrets.token_urlsafe(32)}
# The example's score.py, imported whole, with an init() that takes INIT_SECONDS (long enough to
# see / answer 503 while it runs) and a request that takes SLOW_SECONDS (still in flight when the
# container is told to stop).
SLOW_SCORE = f'''"""The bundled example, slower: see tests/packer/test_packer.py."""

import json
import time

import linear_score


def init():
    time.sleep({INIT_SECONDS})
    linear_score.init()


def run(raw):
    request = json.loads(raw)
    if request.get("slow"):
        print("slow request started", flush=True)
        time.sleep({SLOW_SECONDS})
        return {{"slow": "done"}}
    return linear_score.run(request["data"])
'''

pytestmark = pytest.mark.skipif(
    not BASE_IMAGE, reason="INFEROPS_TEST_IMAGE is not set (scripts/test.sh sets it)"
)


def http(method: str, url: str, body: bytes | None = None) -> tuple[int | str, bytes]:
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {KEYS['primary']}"}
    request = urllib.request.Request(url, data=body, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()
    except OSError as error:
        return type(error).__name__, b""


@pytest.fixture(scope="session")
def packer_env() -> dict:
    """Packer starts its container through the docker shim: podman's settings come from the file."""
    return {**os.environ, "CONTAINERS_CONF": str(ROOT / "tests" / "images" / "containers.conf")}


@pytest.fixture(scope="session")
def deploy_vars(tmp_path_factory) -> Path:
    """The example with the slow init(), as the deploy's extra vars."""
    folder = tmp_path_factory.mktemp("slow-example")
    app = folder / "app"
    app.mkdir()
    shutil.copy(EXAMPLE / "score.py", app / "linear_score.py")
    (app / "score.py").write_text(SLOW_SCORE)
    variables = {
        "endpoint_source_dir": str(app),
        "endpoint_entry_script": "score.py",
        "endpoint_model_path": str(EXAMPLE / "model"),
        "endpoint_requirements_file": str(EXAMPLE / "requirements.txt"),
        "endpoint_auth_keys": KEYS,
    }
    path = folder / "deploy-vars.yml"
    path.write_text(json.dumps(variables))
    return path


@pytest.fixture(scope="session")
def ssh_key(tmp_path_factory) -> Path:
    key = tmp_path_factory.mktemp("ssh") / "id_ed25519"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(key)], check=True)
    return key


def packer(env: dict, *args: str) -> subprocess.CompletedProcess:
    result = subprocess.run(
        ["packer", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=1500
    )
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-2000:]
    return result


def variables(deploy_vars: Path, **extra: str) -> list[str]:
    settings = {
        "deploy_vars_file": str(deploy_vars),
        "base_image": BASE_IMAGE,
        "pull_base_image": "false",
        **extra,
    }
    return [argument for name, value in settings.items() for argument in ("-var", f"{name}={value}")]


def poll_health(url: str, deadline_s: float = 120) -> list[tuple[float, int | str]]:
    """GET / until it answers 200; every (time, status) seen on the way."""
    seen: list[tuple[float, int | str]] = []
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        status, _ = http("GET", f"{url}/")
        seen.append((time.monotonic(), status))
        if status == 200:
            return seen
        time.sleep(0.1)
    raise AssertionError(f"/ never answered 200: {seen[-5:]}")


@pytest.fixture(scope="module")
def baked_image(packer_env, deploy_vars):
    tag = f"test-{os.getpid()}"
    packer(packer_env, "build", "-only=docker.container", *variables(deploy_vars, image_tag=tag), "packer/")
    yield f"localhost/inferops-scoring:{tag}"
    podman("rmi", "-f", f"localhost/inferops-scoring:{tag}", check=False)


def test_the_template_validates_with_both_sources(packer_env, deploy_vars, ssh_key):
    packer(packer_env, "validate", *variables(deploy_vars, ssh_private_key_file=str(ssh_key)), "packer/")


def test_the_image_command_is_the_runit_init_stopped_by_term(baked_image):
    config = json.loads(podman("image", "inspect", baked_image).stdout)[0]["Config"]
    assert config["Cmd"] == ["/usr/local/sbin/inferops-runsvdir"]
    assert not config.get("Entrypoint")
    assert config["StopSignal"] in ("15", "SIGTERM")


def test_the_image_carries_no_build_time_state(baked_image):
    leftovers = podman(
        "run", "--rm", *RUN_OPTIONS, "--entrypoint", "/bin/sh", baked_image, "-c",
        "ls /var/lib/apt/lists/*_* /etc/ssh/ssh_host_* /var/cache/apt/*.bin /root/.cache/pip /root/.ansible"
        " /tmp/* 2>/dev/null; true",
    ).stdout.split()  # fmt: skip
    assert leftovers == []


def test_the_baked_image_is_healthy_only_after_init_and_scores(baked_image):
    with running(baked_image, prefix="inferops-packer") as (name, url, start):
        seen = poll_health(url)
        statuses = [status for _, status in seen]
        assert 503 in statuses, f"init() never observed running: {statuses}"
        assert seen[-1][0] - start >= INIT_SECONDS
        assert "init() completed" in podman("logs", name).stdout
        status, body = http("POST", f"{url}/score", BODY)
        assert (status, json.loads(body)) == (200, {"predictions": [0.44]})


def test_a_stopped_container_finishes_the_request_in_flight_and_stops_cleanly(baked_image):
    with running(baked_image, prefix="inferops-packer") as (name, url, _):
        poll_health(url)
        answer: dict = {}
        slow = threading.Thread(
            target=lambda: answer.update(slow=http("POST", f"{url}/score", b'{"slow": 1}'))
        )
        slow.start()
        deadline = time.monotonic() + 30
        while "slow request started" not in podman("logs", name).stdout and time.monotonic() < deadline:
            time.sleep(0.1)
        began = time.monotonic()
        podman("stop", "-t", "60", name)
        slow.join(30)
        logs = podman("logs", name).stdout
        assert answer["slow"] == (200, b'{"slow": "done"}'), logs[-4000:]
        assert time.monotonic() - began < 30
        assert "Shutting down: Master" in logs
        assert json.loads(podman("inspect", name).stdout)[0]["State"]["ExitCode"] == 0


@pytest.fixture
def ssh_host(ssh_key):
    """A container playing a VM: sshd running as a plain process, a sudo user with our key."""
    port = free_port()
    name = f"inferops-packer-vm-{os.getpid()}"
    podman(
        "run",
        "-d",
        "--name",
        name,
        "-p",
        f"127.0.0.1:{port}:22",
        *RUN_OPTIONS,
        BASE_IMAGE,
        "sleep",
        "infinity",
    )
    setup = f"""set -e
apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openssh-server sudo >/dev/null
useradd --create-home --shell /bin/bash packer
echo 'packer ALL=(ALL) NOPASSWD:ALL' > /etc/sudoers.d/packer
install -d -m 700 -o packer -g packer /home/packer/.ssh
echo '{(ssh_key.parent / (ssh_key.name + ".pub")).read_text().strip()}' > /home/packer/.ssh/authorized_keys
chown packer:packer /home/packer/.ssh/authorized_keys
mkdir -p /run/sshd && /usr/sbin/sshd
"""
    try:
        podman("exec", name, "sh", "-c", setup)
        yield name, port
    finally:
        podman("rm", "-f", "-t", "0", name, check=False)


def sshd_pids(name: str) -> str:
    return podman("exec", name, "pgrep", "-x", "sshd", check=False).stdout.split()


def test_the_same_template_bakes_a_host_over_ssh(packer_env, deploy_vars, ssh_key, ssh_host):
    name, port = ssh_host
    before = sshd_pids(name)
    packer(
        packer_env,
        "build",
        "-only=null.vm",
        *variables(deploy_vars, ssh_port=str(port), ssh_username="packer", ssh_private_key_file=str(ssh_key)),
        "packer/",
    )
    # The host's own sshd is untouched: runit did not take it over.
    assert sshd_pids(name)[0] == before[0]
    assert podman("exec", name, "pgrep", "-f", "runsv", check=False).returncode != 0

    # What a cloud builder does next: snapshot the host into an image, and boot it.
    image = f"localhost/inferops-scoring-vm:test-{os.getpid()}"
    command = 'CMD ["/usr/local/sbin/inferops-runsvdir"]'
    podman("commit", "--change", command, "--change", "STOPSIGNAL SIGTERM", name, image)
    try:
        with running(image, prefix="inferops-packer") as (_, url, _):
            poll_health(url)
            status, body = http("POST", f"{url}/score", BODY)
            assert (status, json.loads(body)) == (200, {"predictions": [0.44]})
    finally:
        podman("rmi", "-f", image, check=False)
