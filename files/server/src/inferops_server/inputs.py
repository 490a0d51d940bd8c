"""Turning a request into run() arguments: pure functions over bytes and pairs, no Flask."""

from __future__ import annotations

import inspect
import json
from collections.abc import Iterable, Sequence
from typing import Any

from .errors import BadInput, UnsupportedInput


def _json_or_text(value: str) -> Any:
    try:
        return json.loads(value)
    except ValueError:
        return value


def query_to_object(pairs: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """``?a=1&b=x&b=[2]`` -> ``{"a": 1, "b": ["x", [2]]}``: values are JSON when they parse."""
    grouped: dict[str, list[str]] = {}
    for key, value in pairs:
        grouped.setdefault(key, []).append(value)
    return {
        key: _json_or_text(values[0]) if len(values) == 1 else [_json_or_text(v) for v in values]
        for key, values in grouped.items()
    }


def text_input(method: str, body: bytes, query: Iterable[tuple[str, str]]) -> str:
    """Input for an undecorated run(): the body as text, or for GET the query as a JSON string."""
    if method == "GET":
        return json.dumps(query_to_object(query))
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadInput(f"Input cannot be decoded as UTF-8: {exc}") from None


def _pick_parameters(source: dict[str, Any], parameters: Sequence[inspect.Parameter]) -> dict[str, Any]:
    picked = {}
    for parameter in parameters:
        value = source.get(parameter.name, parameter.default)
        if value is inspect.Parameter.empty:
            raise BadInput(f"A value is not provided for the {parameter.name!r} parameter.")
        picked[parameter.name] = value
    return picked


def object_input(
    method: str,
    body: bytes,
    is_json: bool,
    query: Iterable[tuple[str, str]],
    parameters: Sequence[inspect.Parameter],
) -> dict[str, Any]:
    """Keyword arguments for an inference-schema decorated run(), from a JSON object or the query."""
    if method == "GET":
        return _pick_parameters(query_to_object(query), parameters)
    if not is_json:
        raise UnsupportedInput("Expects Content-Type to be application/json")
    try:
        document = json.loads(body)
    except ValueError as exc:
        if body:
            raise BadInput(f"POST body could not be decoded as JSON: {exc}") from None
        raise BadInput("POST body is empty. Expecting a JSON dictionary.") from None
    if not isinstance(document, dict):
        raise BadInput("POST body should be a JSON dictionary.")
    return _pick_parameters(document, parameters)
