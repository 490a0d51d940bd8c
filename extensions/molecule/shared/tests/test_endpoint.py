"""The deployed example answers through nginx :5001 -> gunicorn 127.0.0.1:9090 -> score.py."""

import json

JSON = {"Content-Type": "application/json"}


def test_score_returns_the_examples_prediction_through_nginx(score_example):
    response = score_example()
    assert response["status"] == 200
    assert json.loads(response["body"]) == {"predictions": [0.44]}
    assert response["headers"]["Server"].startswith("nginx")


def test_health_probe_is_healthy_through_nginx(http):
    response = http("GET", "/")
    assert (response["status"], response["body"]) == (200, "Healthy")


def test_swagger_describes_the_example_through_nginx(http):
    document = json.loads(http("GET", "/swagger.json?version=3")["body"])
    assert "data" in document["components"]["schemas"]["ServiceInput"]["properties"]


def test_request_id_is_passed_through(score_example):
    response = score_example({"x-request-id": "molecule-1"})
    assert response["headers"]["x-request-id"] == "molecule-1"


def test_bad_input_is_answered_by_the_wrapper(http):
    response = http("POST", "/score", "not json", JSON)
    assert response["status"] == 400


def test_gunicorn_listens_on_loopback_only(host):
    assert host.socket("tcp://127.0.0.1:9090").is_listening
    assert not host.socket("tcp://0.0.0.0:9090").is_listening


def test_nginx_listens_on_5001(host):
    assert host.socket("tcp://0.0.0.0:5001").is_listening


def test_gunicorn_runs_as_the_unprivileged_user(host):
    children = host.process.filter(ppid=host.process.get(comm="runsv", args="runsv gunicorn").pid)
    masters = [process for process in children if process.comm != "svlogd"]
    assert masters and all(process.user == "scoring" for process in masters)


def test_the_service_user_cannot_write_what_it_runs(host):
    for path in (
        "/var/azureml-app/score.py",
        "/var/lib/inferops/current/server/inferops_server/app.py",
        "/var/lib/inferops/current/app",
        "/etc/inferops/gunicorn_conf.py",
    ):
        result = host.run("setpriv --reuid=scoring --regid=scoring --init-groups test -w %s", path)
        assert result.rc != 0, f"{path} is writable by the service user"


def test_nginx_hides_its_version(http):
    assert http("GET", "/")["headers"]["Server"] == "nginx"


def test_an_error_nginx_makes_itself_answers_json(host):
    """A request nginx cannot read never reaches the app: nginx answers it, in JSON."""
    script = (
        "import socket; s = socket.create_connection(('127.0.0.1', 5001)); s.sendall(b'BROKEN\\r\\n\\r\\n');"
        "print(b''.join(iter(lambda: s.recv(4096), b'')).decode())"
    )
    answer = host.check_output("python3 -c %s", script)
    assert answer.startswith("HTTP/1.1 400")
    assert "Content-Type: application/json" in answer
    assert answer.rstrip().endswith(
        '{"message": "Bad request: the request line or headers could not be read, or are too large."}'
    )
