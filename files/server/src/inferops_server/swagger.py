"""Swagger 2.0 and OpenAPI 3.0/3.1 documents for the scoring service.

Schemas come from the inference-schema decorators on run(), or from a ``swagger_schemas`` attribute
that init() set on run(): (input schema, output schema) and optionally the other media types a body
may have, sent as text (the collection's MLflow script: its schemas come from the model's signature,
and it takes CSV); a user file in the app root
(``swagger.json`` or ``swagger2.json``, ``swagger3.json``, ``swagger3.1.json``) replaces the generated
document of its version.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from typing import Any, Callable

from .errors import SwaggerNotFound
from .settings import Settings

logger = logging.getLogger("inferops_server")

# Canonical version -> (aliases accepted in ?version=, the inference-schema name, user file names).
VERSIONS: dict[str, tuple[tuple[str, ...], str, tuple[str, ...]]] = {
    "2": (("2", "2.0"), "2.0", ("swagger.json", "swagger2.json")),
    "3": (("3", "3.0"), "3.0", ("swagger3.json",)),
    "3.1": (("3.1",), "3.1", ("swagger3.1.json",)),
}
UNDECORATED_SCHEMA = {"type": "object", "example": {}}
ERROR_SCHEMA = {"type": "object", "properties": {"message": {"type": "string"}}}
HEALTH_DESCRIPTION = "Health probe: 'Healthy' once the scoring script's init() has succeeded."
SCORE_DESCRIPTION = "Run the model on the input and return its prediction."
BEARER = {
    "type": "apiKey",
    "name": "Authorization",
    "in": "header",
    "description": "For example: Bearer abc123",
}


def _schemas(run: Callable[..., Any]) -> tuple[dict, dict, list[str], tuple[str, ...]]:
    """(input schema, output schema, supported canonical versions, text media types) for run()."""
    own = getattr(run, "swagger_schemas", None)
    if isinstance(own, tuple) and len(own) in (2, 3):
        return own[0], own[1], list(VERSIONS), tuple(own[2]) if len(own) == 3 else ()
    if "inference_schema" not in sys.modules:
        return UNDECORATED_SCHEMA, UNDECORATED_SCHEMA, list(VERSIONS), ()
    from inference_schema import schema_util

    supported = set(schema_util.get_supported_versions(run))
    versions = [v for v, (_, schema_name, _) in VERSIONS.items() if schema_name in supported]
    if not schema_util.is_schema_decorated(run):
        return UNDECORATED_SCHEMA, UNDECORATED_SCHEMA, versions, ()
    return schema_util.get_input_schema(run), schema_util.get_output_schema(run), versions, ()


def _paths(
    prefix: str, *, text: dict, score_input: dict, score_output: dict, version: dict, error: dict
) -> dict:
    """The three routes; the arguments carry what Swagger 2 and OpenAPI 3 spell differently."""
    default = {"description": "The service failed.", **error}
    return {
        f"{prefix}/": {
            "get": {
                "operationId": "ServiceHealthCheck",
                "description": HEALTH_DESCRIPTION,
                "responses": {"200": {"description": "Healthy", **text}, "default": default},
            }
        },
        f"{prefix}/score": {
            "post": {
                "operationId": "RunMLService",
                "description": SCORE_DESCRIPTION,
                "security": [{"Bearer": []}],
                **score_input,
                "responses": {"200": {"description": "The prediction.", **score_output}, "default": default},
            }
        },
        f"{prefix}/swagger.json": {
            "get": {
                "operationId": "GetSwaggerSpec",
                "description": "This document.",
                "parameters": [{"name": "version", "in": "query", "required": False, **version}],
                "responses": {"200": {"description": "The document.", **text}, "default": default},
            }
        },
    }


def _swagger2(
    settings: Settings, prefix: str, input_schema: dict, output_schema: dict, text_types: tuple[str, ...]
) -> dict:
    def ref(name: str) -> dict:
        return {"schema": {"$ref": f"#/definitions/{name}"}}

    body = {
        "name": "serviceInputPayload",
        "in": "body",
        "description": "The model input.",
        **ref("ServiceInput"),
    }
    return {
        "swagger": "2.0",
        "info": _info(settings),
        "schemes": ["https"],
        "consumes": ["application/json", *text_types],
        "produces": ["application/json"],
        "securityDefinitions": {"Bearer": BEARER},
        "paths": _paths(
            prefix,
            text={"schema": {"type": "string"}},
            score_input={"parameters": [body]},
            score_output=ref("ServiceOutput"),
            version={"type": "integer", "enum": [2, 3]},
            error=ref("ErrorResponse"),
        ),
        "definitions": {
            "ServiceInput": input_schema,
            "ServiceOutput": output_schema,
            "ErrorResponse": ERROR_SCHEMA,
        },
    }


def _openapi3(
    settings: Settings,
    prefix: str,
    input_schema: dict,
    output_schema: dict,
    version: str,
    text_types: tuple[str, ...],
) -> dict:
    def json_body(name: str) -> dict:
        return {"content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}}}

    score_body = json_body("ServiceInput")
    score_body["content"].update({media: {"schema": {"type": "string"}} for media in text_types})

    return {
        "openapi": version,
        "info": _info(settings),
        "security": [{"Bearer": []}],
        "paths": _paths(
            prefix,
            text={"content": {"text/plain": {"schema": {"type": "string"}}}},
            score_input={"requestBody": {"description": "The model input.", **score_body}},
            score_output=json_body("ServiceOutput"),
            version={"schema": {"type": "integer", "enum": [2, 3]}},
            error=json_body("ErrorResponse"),
        ),
        "components": {
            "schemas": {
                "ServiceInput": input_schema,
                "ServiceOutput": output_schema,
                "ErrorResponse": ERROR_SCHEMA,
            },
            "securitySchemes": {"Bearer": BEARER},
        },
    }


def _info(settings: Settings) -> dict:
    return {
        "title": settings.service_name,
        "description": f"API specification for the Azure Machine Learning service {settings.service_name}",
        "version": settings.service_version,
    }


def _user_document(app_root: str, names: tuple[str, ...]) -> dict | None:
    for name in names:
        path = os.path.join(app_root, name)
        if os.path.isfile(path):
            with open(path, encoding="utf-8") as handle:
                logger.info("Serving the user's swagger document %s", path)
                return json.load(handle)
    return None


class SwaggerDocuments:
    """All documents for one script, built once after init() succeeded."""

    def __init__(self, settings: Settings, run: Callable[..., Any]) -> None:
        input_schema, output_schema, supported, text_types = _schemas(run)
        stripped = settings.service_path_prefix.strip("/")
        prefix = f"/{stripped}" if stripped else ""
        self.documents: dict[str, dict] = {}
        for version, (_, _, user_files) in VERSIONS.items():
            document = _user_document(settings.app_root, user_files)
            if document is None and version in supported:
                if version == "2":
                    document = _swagger2(settings, prefix, input_schema, output_schema, text_types)
                else:
                    openapi = "3.1.0" if version == "3.1" else "3.0.3"
                    document = _openapi3(settings, prefix, input_schema, output_schema, openapi, text_types)
            if document is not None:
                self.documents[version] = document
        self.supported = sorted(self.documents)

    def get(self, requested: str) -> dict:
        canonical = next((v for v, (aliases, _, _) in VERSIONS.items() if requested in aliases), None)
        listing = ", ".join(self.supported)
        if canonical is None:
            raise SwaggerNotFound(
                f"Swagger version [{requested}] is not valid. Supported versions: [{listing}]."
            )
        if canonical not in self.documents:
            raise SwaggerNotFound(
                f"Swagger version [{requested}] is not supported for the scoring script. "
                f"Supported swagger versions: [{listing}]."
            )
        return self.documents[canonical]
