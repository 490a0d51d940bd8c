"""Bad input fails the play early, names the variable to fix, and leaves the endpoint serving."""

import os
import subprocess

import pytest
from conftest import wait_until

FOREIGN_PORT = 6001


@pytest.fixture
def foreign_listener(host):
    """Another program holding a port: a plain HTTP server started outside runit."""
    host.run(
        "setsid python3 -m http.server %s --bind 127.0.0.1 >/dev/null 2>&1 < /dev/null &", str(FOREIGN_PORT)
    )
    assert wait_until(lambda: host.socket(f"tcp://127.0.0.1:{FOREIGN_PORT}").is_listening, 20)
    yield FOREIGN_PORT
    host.run("pkill -f 'http.server %s'", str(FOREIGN_PORT))


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        (
            {"endpoint_entry_script": "/nonexistent/score.py"},
            "endpoint_entry_script=/nonexistent/score.py is not a file on the controller",
        ),
        (
            {"endpoint_model_path": "/nonexistent/model"},
            "endpoint_model_path=/nonexistent/model does not exist on the controller",
        ),
        (
            {"endpoint_requirements_file": "/nonexistent/requirements.txt"},
            "endpoint_requirements_file=/nonexistent/requirements.txt is not a file on the controller",
        ),
        (
            {"endpoint_server_port": "70000"},
            "endpoint_server_port (70000) must be different ports in 1-65535",
        ),
        ({"endpoint_runit_service_dir": "/etc/service"}, "would take over the host's sshd"),
        ({"endpoint_port": "0"}, "endpoint_port (0)"),
        (
            {"gunicorn_port": "9091"},
            "gunicorn_port is set by the endpoint role: use endpoint_server_port instead",
        ),
        (
            {"endpoint_env": {"SCORING_TIMEOUT_MS": 2000}, "endpoint_timeout": 3},
            "SCORING_TIMEOUT_MS=2000 in endpoint_env and endpoint_timeout=3 disagree",
        ),
        (
            {"endpoint_env": {"AZUREML_MODEL_DIR": "/models"}},
            "AZUREML_MODEL_DIR is set by the deploy; use endpoint_model_path or endpoint_models instead",
        ),
        (
            {"endpoint_auth_keys": {"primary": "too-short", "secondary": "s" * 20}},
            "endpoint_auth_keys.primary is not a key: 16-128 characters",
        ),
        (
            {
                "endpoint_tls": "controller",
                "endpoint_tls_certificate": "/nonexistent/cert.pem",
                "endpoint_tls_private_key": "/nonexistent/key.pem",
            },
            "endpoint_tls_certificate=/nonexistent/cert.pem is not a file on the controller",
        ),
        ({"endpoint_start_services": False}, "An image (endpoint_start_services=false) carries its keys"),
        ({"endpoint_log_size": 100}, "endpoint_log_size (100) at least 4096 bytes"),
    ],
    ids=[
        "missing score.py",
        "missing model",
        "missing requirements",
        "server port range",
        "Debian's runit tree",
        "public port range",
        "a layer variable the endpoint sets",
        "one setting given twice, differently",
        "a setting the deploy makes",
        "a short key",
        "a missing TLS certificate",
        "an image with keys nobody chose",
        "a log file too small to rotate",
    ],
)
def test_bad_input_fails_naming_the_variable(deploy, variables, message):
    result = deploy(**variables)
    assert result.returncode != 0
    assert message in result.stdout


@pytest.mark.parametrize(
    "variable",
    ["endpoint_port", "endpoint_server_port", "endpoint_server_relief_port", "endpoint_metrics_port"],
)
def test_port_held_by_another_program_fails_naming_it(deploy, foreign_listener, variable):
    result = deploy(**{variable: str(foreign_listener)})
    assert result.returncode != 0
    assert f"Port {foreign_listener} is taken by another program" in result.stdout
    assert "http.server" in result.stdout
    assert f"set {variable} to a free port" in result.stdout


def test_bad_input_changes_nothing_on_the_host(deploy, score_example):
    result = deploy(endpoint_model_path="/nonexistent/model")
    assert "changed=0" in result.stdout
    assert score_example()["status"] == 200


def test_a_target_named_like_the_controller_is_refused(deploy, tmp_path):
    """Named 127.0.0.1 (as Vagrant's inventories do), the container would receive the steps
    meant for the controller (delegate_to: localhost): the play refuses before they run."""
    container = f"inferops-{os.environ['MOLECULE_SCENARIO_NAME']}"
    inventory = tmp_path / "inventory.ini"
    connection = "ansible_connection=containers.podman.podman ansible_become=false"
    inventory.write_text(f"[scoring]\n127.0.0.1 ansible_host={container} {connection}\n")
    result = deploy(inventory=str(inventory))
    assert result.returncode != 0
    assert "The inventory names this host 127.0.0.1" in result.stdout
    assert "changed=0" in result.stdout


def test_an_inventory_without_the_scoring_group_deploys_nothing_and_fails(deploy, tmp_path):
    inventory = tmp_path / "inventory.ini"
    inventory.write_text("[web]\nother ansible_connection=local\n")
    result = deploy(inventory=str(inventory))
    assert result.returncode != 0
    assert "The deploy goes to the inventory group `scoring`, and no host of it is selected" in result.stdout


# A container of the test image that calls itself Rocky Linux, as Ansible's facts would see one.
ROCKY_OS_RELEASE = 'NAME="Rocky Linux"\nID=rocky\nID_LIKE="rhel centos fedora"\nVERSION_ID=9.3\n'
BECOME_ROCKY = (
    'rm /etc/os-release /etc/debian_version && printf %s "$1" > /etc/os-release'
    " && echo 'Rocky Linux release 9.3 (Blue Onyx)' > /etc/redhat-release && exec runsvdir -P /var/runit"
)


@pytest.fixture
def rocky_host():
    name = f"inferops-{os.environ['MOLECULE_SCENARIO_NAME']}-rocky"
    options = ["--runtime", "runc", "--ulimit", "nofile=20000:20000", "--ulimit", "nproc=4096:4096"]
    image = os.environ["INFEROPS_TEST_IMAGE"]
    command = ["sh", "-c", BECOME_ROCKY, "sh", ROCKY_OS_RELEASE]
    subprocess.run(["podman", "run", "-d", "--name", name, *options, image, *command], check=True)
    yield name
    subprocess.run(["podman", "rm", "-f", "-t", "0", name], check=False, capture_output=True)


def test_an_unsupported_operating_system_is_refused_naming_the_supported_ones(deploy, rocky_host, tmp_path):
    inventory = tmp_path / "inventory.ini"
    inventory.write_text(
        f"[scoring]\n{rocky_host} ansible_connection=containers.podman.podman ansible_become=false\n"
    )
    result = deploy(inventory=str(inventory))
    assert result.returncode != 0
    assert (
        f"{rocky_host} runs Rocky 9.3 (RedHat family); inferops.scoring supports Debian 12" in result.stdout
    )
    assert "changed=0" in result.stdout
