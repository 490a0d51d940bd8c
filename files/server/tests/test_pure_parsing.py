"""Input parsing, output serialisation and correlation ids, tested without a server."""

import inspect

import pytest
from inferops_server.correlation import resolve_ids
from inferops_server.errors import BadInput, UnsupportedInput
from inferops_server.inputs import object_input, query_to_object, text_input
from inferops_server.outputs import serialise


def params(*names, default=inspect.Parameter.empty):
    return [inspect.Parameter(n, inspect.Parameter.POSITIONAL_OR_KEYWORD, default=default) for n in names]


def test_query_values_are_json_when_they_parse():
    assert query_to_object([("a", "1"), ("b", "x"), ("c", "null")]) == {"a": 1, "b": "x", "c": None}


def test_repeated_query_keys_become_a_list():
    assert query_to_object([("b", "x"), ("b", "[2]")]) == {"b": ["x", [2]]}


def test_get_text_input_is_the_query_as_a_json_string():
    assert text_input("GET", b"ignored", [("a", "1")]) == '{"a": 1}'


def test_post_text_input_is_the_body_decoded():
    assert text_input("POST", "héllo".encode(), []) == "héllo"


def test_non_utf8_body_is_bad_input():
    with pytest.raises(BadInput, match="UTF-8"):
        text_input("POST", b"\xff\xfe", [])


def test_object_input_maps_keys_to_parameters():
    assert object_input("POST", b'{"data": [1], "extra": 2}', True, [], params("data")) == {"data": [1]}


def test_object_input_uses_parameter_defaults():
    assert object_input("POST", b"{}", True, [], params("scale", default=2)) == {"scale": 2}


def test_object_input_rejects_non_json_content_type():
    with pytest.raises(UnsupportedInput):
        object_input("POST", b'{"data": 1}', False, [], params("data"))


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"{nope", "could not be decoded as JSON"),
        (b"", "POST body is empty"),
        (b"[1]", "should be a JSON dictionary"),
        (b'{"other": 1}', "'data' parameter"),
    ],
)
def test_object_input_rejects_bad_bodies_with_a_reason(body, message):
    with pytest.raises(BadInput, match=message):
        object_input("POST", body, True, [], params("data"))


def test_object_input_for_get_reads_the_query():
    assert object_input("GET", b"", False, [("data", "[1,2]")], params("data")) == {"data": [1, 2]}


def test_none_serialises_to_an_empty_object():
    assert serialise(None) == "{}"


def test_str_serialises_to_a_json_string():
    assert serialise("text") == '"text"'


def test_unserialisable_value_raises_type_error():
    with pytest.raises(TypeError):
        serialise({1, 2})


def test_request_id_is_echoed():
    assert resolve_ids({"x-request-id": "r"}).request_id == "r"


def test_request_id_is_generated_when_absent():
    ids = resolve_ids({}, new_id=lambda: "generated")
    assert (ids.request_id, ids.legacy_client_request_id, ids.client_request_id) == (
        "generated",
        "generated",
        "",
    )


def test_legacy_id_fills_the_client_id():
    ids = resolve_ids({"x-ms-request-id": "legacy"}, new_id=lambda: "r")
    assert (ids.legacy_client_request_id, ids.client_request_id) == ("legacy", "legacy")


def test_client_id_fills_the_legacy_id():
    ids = resolve_ids({"x-ms-client-request-id": "client"}, new_id=lambda: "r")
    assert (ids.legacy_client_request_id, ids.client_request_id) == ("client", "client")


def test_request_id_over_100_characters_is_an_error_with_no_ids():
    ids = resolve_ids({"x-request-id": "x" * 101})
    assert ids.error and ids.response_headers() == {}


def test_client_id_over_100_characters_keeps_only_the_request_id():
    ids = resolve_ids({"x-request-id": "r", "x-ms-client-request-id": "x" * 101})
    assert ids.error and ids.response_headers() == {"x-request-id": "r"}
