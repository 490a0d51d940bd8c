"""The /swagger.json schemas of an MLflow model, from its signature and serving input example.

Pure functions over the MLmodel document (``Model.to_dict()``), so they are tested without MLflow.
"""

from __future__ import annotations

import json
import os
from typing import Any

# MLflow's column and tensor types as JSON Schema, which Swagger 2 and OpenAPI 3 both read.
COLUMN_TYPES: dict[str, dict] = {
    "boolean": {"type": "boolean"},
    "integer": {"type": "integer", "format": "int32"},
    "long": {"type": "integer", "format": "int64"},
    "float": {"type": "number", "format": "float"},
    "double": {"type": "number", "format": "double"},
    "string": {"type": "string"},
    "binary": {"type": "string", "format": "byte"},
    "datetime": {"type": "string", "format": "date-time"},
}
FORMATS = "dataframe_split, dataframe_records, instances or inputs (MLflow), or input_data (Azure ML)"


def schemas(metadata: dict, folder: str) -> tuple[dict, dict]:
    """(input schema, output schema) for the model whose MLmodel document is ``metadata``."""
    signature = metadata.get("signature") or {}
    inputs = _specs(signature.get("inputs"))
    outputs = _specs(signature.get("outputs"))
    params = _specs(signature.get("params"))
    input_schema = request_schema(inputs, params)
    example = serving_example(metadata, folder)
    if example is not None:
        input_schema["example"] = example
    return input_schema, response_schema(outputs)


def _specs(encoded: str | None) -> list[dict]:
    return json.loads(encoded) if encoded else []


def serving_example(metadata: dict, folder: str) -> Any:
    info = metadata.get("saved_input_example_info") or {}
    path = os.path.join(folder, info.get("serving_input_path", "serving_input_example.json"))
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    except (OSError, ValueError):
        return None


def spec_schema(spec: dict) -> dict:
    """One column, tensor or param spec of a signature as JSON Schema."""
    if spec.get("type") == "tensor":
        tensor = spec.get("tensor-spec", {})
        schema: dict = _numpy_type(tensor.get("dtype", ""))
        for _ in tensor.get("shape", [-1])[1:]:
            schema = {"type": "array", "items": schema}
        return schema
    if spec.get("type") == "array":
        return {"type": "array", "items": spec_schema(spec.get("items", {}))}
    if spec.get("type") == "object":
        properties = {p["name"]: spec_schema(p) for p in spec.get("properties", [])}
        return {"type": "object", "properties": properties}
    schema = dict(COLUMN_TYPES.get(spec.get("type", ""), {}))
    if "default" in spec:
        schema["default"] = spec["default"]
    return schema


def _numpy_type(dtype: str) -> dict:
    if dtype.startswith(("float", "double")):
        return {"type": "number"}
    if dtype.startswith(("int", "uint")):
        return {"type": "integer"}
    if dtype == "bool":
        return {"type": "boolean"}
    return {"type": "string"} if dtype in ("str", "object") else {}


def request_schema(inputs: list[dict], params: list[dict]) -> dict:
    named = [spec for spec in inputs if spec.get("name") and spec.get("type") != "tensor"]
    row: dict = {"type": "object"}
    if named:
        row["properties"] = {spec["name"]: spec_schema(spec) for spec in named}
        required = [spec["name"] for spec in named if spec.get("required", True)]
        if required:
            row["required"] = required
    columns: dict = {"type": "array", "items": {"type": "string"}}
    if named:
        columns["items"]["enum"] = [spec["name"] for spec in named]
    split = {
        "type": "object",
        "properties": {
            "columns": columns,
            "index": {"type": "array", "items": {}},
            "data": {"type": "array", "items": {"type": "array", "items": {}}},
        },
        "required": ["data"],
    }
    tensors = [spec_schema(spec) for spec in inputs if spec.get("type") == "tensor"]
    tensor = tensors[0] if len(tensors) == 1 else {}
    properties = {
        "dataframe_split": split,
        "dataframe_records": {"type": "array", "items": row},
        "instances": {"type": "array", "items": tensor or row},
        "inputs": {"description": "Rows or tensors in TF Serving's columnar form."},
        "input_data": {"description": "Azure ML's request: a split DataFrame or tensors."},
    }
    if params:
        properties["params"] = {
            "type": "object",
            "properties": {spec["name"]: spec_schema(spec) for spec in params if spec.get("name")},
        }
    return {"type": "object", "description": f"One of {FORMATS}.", "properties": properties}


def response_schema(outputs: list[dict]) -> dict:
    if len(outputs) == 1:
        # A tensor's schema leaves out its batch dimension: one item per input row.
        item = spec_schema(outputs[0])
    elif outputs:
        item = {"type": "object", "properties": {s["name"]: spec_schema(s) for s in outputs if s.get("name")}}
    else:
        item = {}
    return {
        "type": "object",
        "description": "MLflow's answer; Azure ML's input_data requests get the bare predictions list.",
        "properties": {"predictions": {"type": "array", "items": item}},
    }
