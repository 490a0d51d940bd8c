"""Bad input fails the play early, names the variable to fix, and leaves the endpoint serving."""

import os

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
            {"scoring_app_entry_script": "/nonexistent/score.py"},
            "Set scoring_app_entry_script to your score.py",
        ),
        (
            {"scoring_app_model_path": "/nonexistent/model"},
            "scoring_app_model_path to the model file or folder",
        ),
        (
            {"python_env_requirements_file": "/nonexistent/requirements.txt"},
            "python_env_requirements_file=/nonexistent",
        ),
        ({"gunicorn_port": "70000"}, "gunicorn_port must be 1-65535"),
        ({"runit_service_dir": "/etc/service"}, "would take over the host's sshd"),
        ({"nginx_proxy_listen_port": "0"}, "nginx_proxy_listen_port (0)"),
    ],
    ids=[
        "missing score.py",
        "missing model",
        "missing requirements",
        "gunicorn port range",
        "Debian's runit tree",
        "nginx port range",
    ],
)
def test_bad_input_fails_naming_the_variable(deploy, variables, message):
    result = deploy(**variables)
    assert result.returncode != 0
    assert message in result.stdout


@pytest.mark.parametrize("variable", ["nginx_proxy_listen_port", "gunicorn_port"])
def test_port_held_by_another_program_fails_naming_it(deploy, foreign_listener, variable):
    result = deploy(**{variable: str(foreign_listener)})
    assert result.returncode != 0
    assert f"Port {foreign_listener} is taken by another program" in result.stdout
    assert "http.server" in result.stdout
    assert f"set {variable} to a free port" in result.stdout


def test_bad_input_changes_nothing_on_the_host(deploy, score_example):
    result = deploy(scoring_app_model_path="/nonexistent/model")
    assert "changed=0" in result.stdout
    assert score_example()["status"] == 200


def test_a_target_named_like_the_controller_is_refused(deploy, tmp_path):
    """Named 127.0.0.1 (as Vagrant's inventories do), the container would receive the steps
    meant for the controller (delegate_to: localhost): the play refuses before they run."""
    container = f"inferops-{os.environ['MOLECULE_SCENARIO_NAME']}"
    inventory = tmp_path / "inventory.ini"
    connection = "ansible_connection=containers.podman.podman ansible_become=false"
    inventory.write_text(f"127.0.0.1 ansible_host={container} {connection}\n")
    result = deploy("--inventory", str(inventory), "--limit", "127.0.0.1")
    assert result.returncode != 0
    assert "The inventory names this host 127.0.0.1" in result.stdout
    assert "changed=0" in result.stdout
