"""The collection's MLflow scoring script answers what `mlflow models serve` answers, in every
format MLflow users send, with the prediction mlflow.pyfunc gives on the same rows."""

from __future__ import annotations

import io
import json

import pytest
from formats import ROWS, requests_for, served


def post(client, content_type: str, body: str):
    return client.post("/score", data=body, headers={"Content-Type": content_type})


@pytest.mark.parametrize("request_format", list(requests_for(ROWS)))
def test_sklearn_predictions_equal_pyfunc_predict_in_every_format(serve, pyfunc, request_format):
    content_type, body = requests_for(ROWS)[request_format]
    response = post(serve("sklearn"), content_type, body)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json() == served(pyfunc("sklearn").predict(ROWS))


@pytest.mark.parametrize("request_format", list(requests_for(ROWS)))
def test_custom_python_model_predictions_equal_pyfunc_predict_in_every_format(serve, pyfunc, request_format):
    rows = ROWS[["sepal_length", "sepal_width"]]
    content_type, body = requests_for(rows)[request_format]
    response = post(serve("pyfunc"), content_type, body)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json() == served(pyfunc("pyfunc").predict(rows))


def test_params_reach_a_custom_model(serve, pyfunc):
    rows = ROWS[["sepal_length", "sepal_width"]]
    body = {"dataframe_records": rows.to_dict(orient="records"), "params": {"scale": 2.0}}
    response = post(serve("pyfunc"), "application/json", json.dumps(body))
    expected = served(pyfunc("pyfunc").predict(rows, params={"scale": 2.0}))
    assert response.status_code == 200 and response.get_json() == expected


def test_azure_ml_input_data_gets_the_bare_predictions(serve, pyfunc):
    split = json.loads(ROWS.to_json(orient="split", index=False))
    response = post(serve("sklearn"), "application/json", json.dumps({"input_data": split}))
    assert response.status_code == 200
    assert response.get_json() == served(pyfunc("sklearn").predict(ROWS))["predictions"]


def test_azure_ml_input_data_carries_params(serve, pyfunc):
    rows = ROWS[["sepal_length", "sepal_width"]]
    split = json.loads(rows.to_json(orient="split", index=False))
    body = json.dumps({"input_data": split, "params": {"scale": 3.0}})
    response = post(serve("pyfunc"), "application/json", body)
    assert response.get_json() == served(pyfunc("pyfunc").predict(rows, params={"scale": 3.0}))["predictions"]


def test_a_missing_column_is_a_400_naming_it(serve):
    rows = ROWS.drop(columns=["petal_width"])
    body = json.dumps({"dataframe_records": rows.to_dict("records")})
    response = post(serve("sklearn"), "application/json", body)
    assert response.status_code == 400
    assert response.get_json()["error_code"] == "INVALID_PARAMETER_VALUE"
    assert "petal_width" in response.get_json()["message"]


def test_a_value_of_the_wrong_type_is_a_400(serve):
    body = {"dataframe_split": {"columns": list(ROWS.columns), "data": [["a", "b", "c", "d"]]}}
    response = post(serve("sklearn"), "application/json", json.dumps(body))
    assert response.status_code == 400
    message = response.get_json()["message"]
    assert "not compatible with model signature" in message and "sepal_length" in message


def test_json_without_a_known_format_key_is_a_400_listing_the_formats(serve):
    response = post(serve("sklearn"), "application/json", json.dumps({"data": [[1, 2, 3, 4]]}))
    assert response.status_code == 400
    assert "dataframe_split" in response.get_json()["message"]


def test_malformed_json_is_a_400(serve):
    response = post(serve("sklearn"), "application/json", "{not json")
    assert response.status_code == 400


def test_an_unsupported_content_type_is_a_415(serve):
    response = post(serve("sklearn"), "text/plain", "5.1,3.5,1.4,0.2")
    assert response.status_code == 415


def test_a_get_on_score_is_a_405(serve):
    assert serve("sklearn").get("/score").status_code == 405


def test_the_health_probe_is_healthy_once_the_model_is_loaded(serve):
    response = serve("sklearn").get("/")
    assert response.status_code == 200


def test_swagger_describes_the_signature_columns_and_example(serve):
    document = serve("sklearn").get("/swagger.json?version=3").get_json()
    schema = document["components"]["schemas"]["ServiceInput"]
    row = schema["properties"]["dataframe_records"]["items"]
    assert row["properties"]["petal_width"] == {"type": "number", "format": "double"}
    assert row["required"] == list(ROWS.columns)
    columns = schema["properties"]["dataframe_split"]["properties"]["columns"]
    assert columns["items"]["enum"] == list(ROWS.columns)
    assert "dataframe_split" in schema["example"]


@pytest.mark.parametrize("version", ["2", "3"])
def test_the_swagger_documents_are_valid(serve, version):
    from openapi_spec_validator import validate

    validate(serve("pyfunc").get(f"/swagger.json?version={version}").get_json())


def test_the_swagger_says_csv_is_taken(serve):
    document = serve("sklearn").get("/swagger.json?version=2").get_json()
    assert document["consumes"] == ["application/json", "text/csv"]


def test_the_swagger_lists_the_models_params(serve):
    document = serve("pyfunc").get("/swagger.json?version=2").get_json()
    params = document["definitions"]["ServiceInput"]["properties"]["params"]
    assert params["properties"]["scale"] == {"type": "number", "format": "double", "default": 1.0}


def test_csv_with_a_header_only_is_answered_not_crashed(serve):
    response = post(serve("sklearn"), "text/csv", io.StringIO(",".join(ROWS.columns) + "\n").getvalue())
    assert response.status_code in (200, 400)
