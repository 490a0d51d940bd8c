"""Routes, methods and the JSON error shape, through Flask's test client."""

import pytest


@pytest.fixture
def client(client_for):
    return client_for("echo_text.py")


def test_health_answers_healthy_after_init(client):
    response = client.get("/")
    assert (response.status_code, response.get_data(as_text=True)) == (200, "Healthy")


def test_health_names_the_release_and_environment_the_deploy_installed(client_for):
    client = client_for("echo_text.py", release="r1", environment="e1")
    headers = client.get("/").headers
    assert (headers["x-inferops-release"], headers["x-inferops-environment"]) == ("r1", "e1")


def test_health_of_a_failed_init_still_names_the_release(client_for):
    response = client_for("init_raises.py", release="r2").get("/")
    assert (response.status_code, response.headers["x-inferops-release"]) == (503, "r2")


def test_scoring_does_not_carry_the_release(client_for):
    response = client_for("echo_text.py", release="r1").post("/score", data="x")
    assert "x-inferops-release" not in response.headers


def test_without_a_deploy_no_release_is_named(client):
    assert "x-inferops-release" not in client.get("/").headers


def test_head_on_health_answers_200_without_body(client):
    response = client.head("/")
    assert (response.status_code, response.get_data()) == (200, b"")


def test_unknown_path_is_a_json_404(client):
    response = client.get("/nope")
    assert response.status_code == 404
    assert response.is_json and "message" in response.get_json()


def test_trailing_slash_on_score_is_404(client):
    assert client.post("/score/", data="x").status_code == 404


@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_other_methods_on_score_are_a_json_405(client, method):
    response = getattr(client, method)("/score")
    assert response.status_code == 405
    assert response.get_json() == {"message": "The method is not allowed for the requested URL."}


def test_head_on_score_is_405_for_a_script_without_rawhttp(client):
    assert client.head("/score").status_code == 405


def test_options_on_score_is_an_empty_200(client):
    response = client.options("/score")
    assert (response.status_code, response.get_data()) == (200, b"")
    assert response.headers["x-ms-run-function-failed"] == "False"


def test_errors_carry_run_function_failed_false(client):
    assert client.get("/nope").headers["x-ms-run-function-failed"] == "False"


def test_request_id_is_echoed_on_every_response(client):
    assert client.get("/nope", headers={"x-request-id": "abc"}).headers["x-request-id"] == "abc"


def test_long_request_id_is_answered_431(client):
    response = client.post("/score", data="1", headers={"x-request-id": "x" * 101})
    assert response.status_code == 431
    assert response.get_json() == {"message": "x-request-id must not exceed 100 characters"}


def test_trace_id_is_echoed(client):
    assert client.post("/score", data="1", headers={"TraceId": "t"}).headers["TraceId"] == "t"


def test_server_version_header_is_sent_when_configured(client_for):
    client = client_for("echo_text.py", server_version="inferops-server/1")
    assert client.get("/").headers["x-ms-server-version"] == "inferops-server/1"


def test_cors_allows_a_listed_origin(client_for):
    client = client_for("echo_text.py", cors_origins=("https://a.example",))
    response = client.post("/score", data="1", headers={"Origin": "https://a.example"})
    assert response.headers["Access-Control-Allow-Origin"] == "https://a.example"


def test_cors_ignores_an_unlisted_origin(client_for):
    client = client_for("echo_text.py", cors_origins=("https://a.example",))
    response = client.post("/score", data="1", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in response.headers


def test_cors_preflight_lists_methods_and_headers(client_for):
    client = client_for("echo_text.py", cors_origins=("https://a.example",))
    preflight = {
        "Origin": "https://a.example",
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type",
    }
    response = client.options("/score", headers=preflight)
    assert response.headers["Access-Control-Allow-Methods"] == "GET, POST"
    assert response.headers["Access-Control-Allow-Headers"] == "content-type"
