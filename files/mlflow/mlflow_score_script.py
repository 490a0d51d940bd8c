"""The scoring script of a no-code MLflow deployment, as Azure ML supplies one: no score.py needed.

Serves the MLflow model in ``$AZUREML_MODEL_DIR/$MLFLOW_MODEL_FOLDER`` through its ``python_function``
flavour. It takes what ``mlflow models serve`` takes (JSON with ``dataframe_split``,
``dataframe_records``, ``instances`` or ``inputs``, and optional ``params``; CSV) and answers as it
does, because MLflow's own request handling parses the input and enforces the signature. Azure ML's
MLflow request (``{"input_data": ...}``) is accepted too and answered as Azure ML does, with the bare
predictions.
"""

from __future__ import annotations

import json
import logging
import os

import mlflow_swagger
from azureml.contrib.services.aml_request import rawhttp
from azureml.contrib.services.aml_response import AMLResponse

logger = logging.getLogger("mlflow_score_script")

JSON = "application/json"
# How Azure ML's input_data maps onto MLflow's formats: a split DataFrame, or tensors.
SPLIT_KEYS = {"columns", "index", "data"}

model = None
input_schema = None
# MLflow's request handling and its exception type, bound once by init().
invocations = None
MlflowException = Exception


def init() -> None:
    global model, input_schema, invocations, MlflowException
    # Imported here: a broken MLflow install fails init() with its own error, logged by the server.
    from mlflow.exceptions import MlflowException
    from mlflow.pyfunc import load_model, scoring_server

    if not hasattr(scoring_server, "invocations"):
        raise RuntimeError(
            "this model's environment has an MLflow without mlflow.pyfunc.scoring_server.invocations "
            "(MLflow 2.5 or newer has it): pin a newer mlflow in the model's requirements"
        )
    invocations = scoring_server.invocations
    folder = model_folder()
    logger.info("Loading the MLflow model in %s", folder)
    model = load_model(folder)
    input_schema = model.metadata.get_input_schema()
    # The server's /swagger.json reads these: the signature's schemas, and CSV besides JSON.
    run.swagger_schemas = (*mlflow_swagger.schemas(model.metadata.to_dict(), folder), ("text/csv",))


def model_folder() -> str:
    base = os.environ.get("AZUREML_MODEL_DIR", "")
    return os.path.join(base, os.environ.get("MLFLOW_MODEL_FOLDER", ""))


@rawhttp
def run(request):
    if request.method != "POST":
        return error(405, "BAD_REQUEST", "POST the input to score: JSON (dataframe_split, ...) or CSV.")
    content_type = request.headers.get("Content-Type", JSON)
    body = request.get_data()
    azure = _azure_request(body) if content_type.split(";")[0].strip() == JSON else None
    if azure is not None:
        body = json.dumps(azure_to_mlflow(azure))
    return answer(body, content_type, unwrap=azure is not None)


def answer(body, content_type: str, unwrap: bool):
    try:
        result = invocations(body, content_type, model, input_schema)
    except MlflowException as exc:
        return AMLResponse(exc.serialize_as_json(), exc.get_http_status_code(), {"Content-Type": JSON})
    text = result.response
    if unwrap and result.status == 200:
        text = json.dumps(json.loads(text)["predictions"])
    return AMLResponse(text, result.status, {"Content-Type": result.mimetype})


def _azure_request(body: bytes) -> dict | None:
    """The body as Azure ML's request, or None for anything else (which MLflow parses itself)."""
    if b'"input_data"' not in body:
        return None
    try:
        document = json.loads(body)
    except ValueError:
        return None
    return document if isinstance(document, dict) and "input_data" in document else None


def azure_to_mlflow(document: dict) -> dict:
    """Azure ML's ``{"input_data": ..., "params": ...}`` as the MLflow request it stands for."""
    data = document["input_data"]
    if isinstance(data, dict) and "data" in data and set(data) <= SPLIT_KEYS:
        request = {"dataframe_split": data}
    else:
        request = {"inputs": data}
    if "params" in document:
        request["params"] = document["params"]
    return request


def error(status: int, code: str, message: str):
    return AMLResponse(json.dumps({"error_code": code, "message": message}), status, {"Content-Type": JSON})
