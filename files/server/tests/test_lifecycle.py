"""A scoring script that cannot start says why, from outside, and is never re-run in a loop."""

import pytest
from conftest import make_app
from contract.servers import SCRIPTS
from inferops_server.app import create_app
from inferops_server.settings import Settings


@pytest.mark.parametrize(
    ("script", "step"),
    [
        ("import_fails.py", "import"),
        ("no_init.py", "missing init"),
        ("init_raises.py", "init"),
        ("not_there.py", "import"),
    ],
)
@pytest.mark.parametrize("path", ["/", "/score"])
def test_broken_script_answers_503_naming_the_failed_step(client_for, script, step, path):
    response = client_for(script).post(path) if path == "/score" else client_for(script).get(path)
    assert response.status_code == 503
    assert f"Failed step: {step}." in response.get_json()["message"]


def test_init_failure_message_names_the_exception_type_not_its_text(client_for):
    message = client_for("init_raises.py").get("/").get_json()["message"]
    assert "FileNotFoundError" in message
    assert "missing.pkl" not in message


def test_init_failure_logs_the_traceback_and_model_folder(client_for, caplog):
    client_for("init_raises.py")
    assert "Traceback" in caplog.text
    assert "Model directory contents:" in caplog.text
    assert "    init_raises.py" in caplog.text


def test_missing_script_names_its_path(client_for):
    assert "not_there.py was not found" in client_for("not_there.py").get("/").get_json()["message"]


def test_health_is_503_while_init_runs(monkeypatch):
    monkeypatch.setenv("SLOW_INIT_SECONDS", "1")
    app = create_app(Settings(app_root=SCRIPTS, entry_script="slow_init.py"), background_init=True)
    response = app.test_client().get("/")
    assert (response.status_code, response.get_json()) == (
        503,
        {"message": "The scoring script's init() is still running."},
    )


def test_score_during_init_waits_for_init_and_succeeds(monkeypatch):
    monkeypatch.setenv("SLOW_INIT_SECONDS", "0.5")
    app = create_app(Settings(app_root=SCRIPTS, entry_script="slow_init.py"), background_init=True)
    assert app.test_client().post("/score", data="x").get_json() == "ready"


def test_failed_init_is_not_run_again_by_later_requests(caplog):
    client = make_app("init_raises.py").test_client()
    for _ in range(3):
        client.get("/")
        client.post("/score", data="x")
    assert caplog.text.count("Invoking the scoring script's init()") == 1


def test_swagger_of_a_broken_script_is_503(client_for):
    assert client_for("init_raises.py").get("/swagger.json").status_code == 503
