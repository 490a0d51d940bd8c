"""Every log line a request causes names its request id; JSON lines on request."""

from __future__ import annotations

import http.client
import json
import logging
import sys
import time
from pathlib import Path

from contract.servers import OUR_APP, gunicorn
from inferops_server.logs import REQUEST_ID, RequestIdFilter, formatter

GTHREAD = ("-k", "gthread", "--threads", "4", "--access-logfile", "-")
TEXT = (*GTHREAD, "--logger-class", "inferops_server.gunicorn_logging.TextLogger")
JSON_LINES = (*GTHREAD, "--logger-class", "inferops_server.gunicorn_logging.JsonLogger")


def record(message: str = "hello", exc_info=None) -> logging.LogRecord:
    made = logging.LogRecord("inferops_server", logging.ERROR, __file__, 1, message, (), exc_info)
    RequestIdFilter().filter(made)
    return made


def test_a_line_outside_any_request_shows_a_dash_for_its_id():
    assert " inferops_server - - hello" in formatter("text").format(record())


def test_a_line_inside_a_request_shows_its_id():
    token = REQUEST_ID.set("abc-123")
    try:
        line = formatter("text").format(record())
    finally:
        REQUEST_ID.reset(token)
    assert " inferops_server abc-123 - hello" in line


def test_a_json_line_is_one_object_with_the_id_and_the_traceback():
    try:
        raise ValueError("boom")
    except ValueError:
        token = REQUEST_ID.set("abc-123")
        try:
            line = formatter("json").format(record("run() raised", sys.exc_info()))
        finally:
            REQUEST_ID.reset(token)
    document = json.loads(line)
    assert (document["level"], document["request_id"]) == ("ERROR", "abc-123")
    assert document["message"] == "run() raised"
    assert "ValueError: boom" in document["exception"]
    assert document["time"].endswith("Z")


def test_the_scoring_line_and_a_failing_run_s_traceback_carry_the_request_id(client_for, caplog):
    caplog.set_level(logging.INFO, "inferops_server")
    client = client_for("returns.py")
    client.post("/score", data="raise", headers={"x-request-id": "req-failing"})
    client.post("/score", data="ok", headers={"x-request-id": "req-fine"})
    ids = {(record.getMessage().split(" ")[0], record.request_id) for record in caplog.records}
    assert ("run()", "req-failing") in ids
    assert ("POST", "req-fine") in ids


def post(port: int, body: bytes, request_id: str) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("POST", "/score", body=body, headers={"x-request-id": request_id})
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def lines_with(log: str, *texts: str, deadline_s: float = 10) -> list[str]:
    """The log's lines holding the first text, once every text is on some line (or the deadline)."""
    deadline = time.monotonic() + deadline_s
    while True:
        lines = Path(log).read_text().splitlines()
        if all(any(text in line for line in lines) for text in texts) or time.monotonic() > deadline:
            return [line for line in lines if texts[0] in line]
        time.sleep(0.1)


def test_under_gunicorn_the_access_line_and_the_server_s_line_share_the_id():
    with gunicorn(sys.executable, OUR_APP, "echo_text.py", {}, TEXT) as (port, _, log):
        assert post(port, b"hi", "req-under-gunicorn") == 200
        lines = lines_with(log, "req-under-gunicorn", "127.0.0.1 req-under-gunicorn [", "server req-under")
        access = [line for line in lines if line.startswith("127.0.0.1 req-under-gunicorn [")]
        assert access and '"POST /score HTTP/1.1" 200' in access[0], lines
        assert any("inferops_server req-under-gunicorn - POST /score 200" in line for line in lines), lines


def test_under_gunicorn_json_lines_are_objects_with_the_id():
    env = {"INFEROPS_LOG_FORMAT": "json"}
    with gunicorn(sys.executable, OUR_APP, "echo_text.py", env, JSON_LINES) as (port, _, log):
        assert post(port, b"hi", "req-json") == 200
        lines = lines_with(log, "req-json", '"path": "/score"', '"logger": "inferops_server"')
        documents = [json.loads(line) for line in lines]
        access = [document for document in documents if document.get("path") == "/score"]
        assert access and access[0]["status"] == 200 and access[0]["method"] == "POST", documents
        assert any(document.get("logger") == "inferops_server" for document in documents), documents
        booted = lines_with(log, "Booting worker")
        assert booted and json.loads(booted[0])["level"] == "INFO"
