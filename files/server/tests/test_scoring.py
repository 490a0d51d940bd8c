"""What run() receives and how its result or failure is answered."""

import threading

import pytest


def test_undecorated_run_receives_the_body_as_text(client_for):
    response = client_for("echo_text.py").post("/score", data=b'{"a": 1}', content_type="application/json")
    assert response.get_json() == {"received": '{"a": 1}'}


def test_undecorated_run_takes_any_content_type(client_for):
    response = client_for("echo_text.py").post(
        "/score", data=b"a=1&b=2", content_type="application/x-www-form-urlencoded"
    )
    assert response.get_json() == {"received": "a=1&b=2"}


def test_undecorated_get_receives_the_query_as_json_text(client_for):
    response = client_for("echo_text.py").get("/score?a=1&b=x")
    assert response.get_json() == {"received": '{"a": 1, "b": "x"}'}


def test_non_utf8_body_is_a_400(client_for):
    assert client_for("echo_text.py").post("/score", data=b"\xff\xfe").status_code == 400


def test_schema_run_receives_keywords(client_for):
    response = client_for("schema.py").post("/score", json={"data": [1, 2], "scale": 3})
    assert response.get_json() == {"total": 9}


def test_schema_run_rejects_plain_text_with_415(client_for):
    assert (
        client_for("schema.py").post("/score", data='{"data": [1]}', content_type="text/plain").status_code
        == 415
    )


def test_schema_run_missing_parameter_is_400(client_for):
    response = client_for("schema.py").post("/score", json={"scale": 1})
    assert response.status_code == 400
    assert response.get_json() == {"message": "A value is not provided for the 'data' parameter."}


@pytest.mark.parametrize("method", ["get", "post", "options", "head"])
def test_rawhttp_run_receives_the_request_for_every_method(client_for, method):
    response = getattr(client_for("raw.py"), method)("/score", data=b"body")
    assert response.status_code == 200
    if method != "head":
        assert response.get_data(as_text=True).startswith(method.upper())


def test_rawhttp_response_headers_pass_through_split_on_commas(client_for):
    response = client_for("raw.py").post("/score", data=b"x")
    assert response.headers.getlist("x-custom") == ["a", "b"]


def test_rawhttp_from_the_microsoft_import_path_works(client_for):
    assert client_for("raw_microsoft_path.py").post("/score", data=b"x").get_json() == {"method": "POST"}


def test_run_receives_request_headers_when_it_asks(client_for):
    response = client_for("headers.py").post("/score", data=b"d", headers={"X-Trace": "t-1"})
    assert response.get_json() == {"data": "d", "trace": "t-1"}


def test_driver_module_run_gets_the_real_scripts_schema(client_for):
    response = client_for("driver.py").post("/score", json={"data": [2, 2]})
    assert response.get_json() == {"total": 4}


def test_none_result_is_an_empty_object(client_for):
    assert client_for("returns.py").post("/score", data="none").get_json() == {}


def test_str_result_is_a_json_string(client_for):
    assert client_for("returns.py").post("/score", data="text").get_json() == "plain text"


def test_successful_run_reports_its_duration(client_for):
    response = client_for("returns.py").post("/score", data="list")
    assert float(response.headers["x-ms-run-fn-exec-ms"]) >= 0
    assert response.headers["x-ms-run-function-failed"] == "False"


def test_run_raising_is_a_500_marked_failed_without_the_exception_text(client_for):
    response = client_for("returns.py").post("/score", data="raise")
    assert response.status_code == 500
    assert response.headers["x-ms-run-function-failed"] == "True"
    assert "secret detail" not in response.get_data(as_text=True)


def test_run_raising_logs_the_traceback(client_for, caplog):
    client_for("returns.py").post("/score", data="raise")
    assert "secret detail that must stay in the log" in caplog.text


def test_unserialisable_result_is_a_500_not_marked_failed(client_for):
    response = client_for("returns.py").post("/score", data="unserialisable")
    assert response.status_code == 500
    assert response.headers["x-ms-run-function-failed"] == "False"


def test_returned_5xx_response_is_marked_failed(client_for):
    response = client_for("returns.py").post("/score", data="flask500")
    assert (response.status_code, response.headers["x-ms-run-function-failed"]) == (502, "True")


def test_returned_4xx_response_is_not_marked_failed(client_for):
    response = client_for("raw.py").post("/score?status=404", data=b"x")
    assert (response.status_code, response.headers["x-ms-run-function-failed"]) == (404, "False")


def test_timeout_answers_500_marked_failed(client_for):
    response = client_for("slow.py", scoring_timeout_ms=200).post("/score", data="5")
    assert response.status_code == 500
    assert response.get_json() == {"message": "Scoring timeout after 200 ms"}
    assert response.headers["x-ms-run-function-failed"] == "True"


def test_request_after_a_timeout_is_served(client_for):
    client = client_for("slow.py", scoring_timeout_ms=200)
    client.post("/score", data="5")
    assert client.post("/score", data="0").get_json() == "done"


def _post_from_thread(client, body):
    result = {}
    thread = threading.Thread(target=lambda: result.update(response=client.post("/score", data=body)))
    thread.start()
    thread.join(10)
    return result["response"]


@pytest.mark.parametrize("script", ["slow.py", "busy_loop.py"])
def test_timeout_holds_off_the_main_thread(client_for, script):
    client = client_for(script, scoring_timeout_ms=300)
    response = _post_from_thread(client, "3")
    assert response.status_code == 500
    assert response.get_json() == {"message": "Scoring timeout after 300 ms"}


def test_body_of_100_megabytes_is_accepted(client_for):
    body = b"x" * (100 * 1024 * 1024)
    response = client_for("returns.py").post("/score", data=body)
    assert response.status_code == 200


def test_request_after_a_timeout_off_the_main_thread_is_served(client_for):
    client = client_for("slow.py", scoring_timeout_ms=300)
    _post_from_thread(client, "3")
    response = _post_from_thread(client, "0")
    assert (response.status_code, response.get_json()) == (200, "done")


def test_run_exceptions_off_the_main_thread_are_500s(client_for):
    response = _post_from_thread(client_for("returns.py"), "raise")
    assert (response.status_code, response.headers["x-ms-run-function-failed"]) == (500, "True")
