"""The MLflow script's swagger schemas follow the model's signature, whatever its kind."""

import importlib.util
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("mlflow_swagger", ROOT / "files/mlflow/mlflow_swagger.py")
mlflow_swagger = importlib.util.module_from_spec(spec)
spec.loader.exec_module(mlflow_swagger)


def metadata(inputs=None, outputs=None, params=None) -> dict:
    signature = {"inputs": json.dumps(inputs), "outputs": json.dumps(outputs), "params": None}
    if params:
        signature["params"] = json.dumps(params)
    return {"signature": signature if inputs or outputs else None}


def test_a_tensor_signature_describes_instances_as_arrays_of_its_rows(tmp_path):
    tensor = [{"type": "tensor", "tensor-spec": {"dtype": "float32", "shape": [-1, 28, 28]}}]
    labels = [{"type": "tensor", "tensor-spec": {"dtype": "int64", "shape": [-1]}}]
    request, response = mlflow_swagger.schemas(metadata(tensor, labels), str(tmp_path))
    row = {"type": "array", "items": {"type": "array", "items": {"type": "number"}}}
    assert request["properties"]["instances"] == {"type": "array", "items": row}
    assert response["properties"]["predictions"] == {"type": "array", "items": {"type": "integer"}}


def test_optional_columns_are_not_required(tmp_path):
    columns = [
        {"type": "long", "name": "age", "required": True},
        {"type": "string", "name": "city", "required": False},
    ]
    request, _ = mlflow_swagger.schemas(metadata(columns, []), str(tmp_path))
    row = request["properties"]["dataframe_records"]["items"]
    assert row["properties"] == {"age": {"type": "integer", "format": "int64"}, "city": {"type": "string"}}
    assert row["required"] == ["age"]


def test_a_model_without_signature_still_lists_every_format_and_no_example(tmp_path):
    request, response = mlflow_swagger.schemas({}, str(tmp_path))
    assert set(request["properties"]) == {
        "dataframe_split",
        "dataframe_records",
        "instances",
        "inputs",
        "input_data",
    }
    assert "example" not in request and response["properties"]["predictions"]["items"] == {}


def test_the_serving_input_example_is_the_example(tmp_path):
    (tmp_path / "serving_input_example.json").write_text('{"inputs": [1, 2]}')
    request, _ = mlflow_swagger.schemas({}, str(tmp_path))
    assert request["example"] == {"inputs": [1, 2]}
