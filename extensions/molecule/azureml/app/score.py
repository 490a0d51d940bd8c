"""An Azure ML v1 scoring script: it finds its models by name and version with azureml-core's
Model.get_model_path, as v1 deployments of several models do, and reads Azure ML's settings.

run() takes {"data": rows} and, to exercise the timeouts, "sleep" (seconds in time.sleep) or
"hold_gil" (seconds in a native call that keeps the GIL, as a model stuck in C code would).
"""

import ctypes
import json
import os
import time

from azureml.core.model import Model

linear = offset = None
found = {}


def init():
    global linear, offset
    paths = {
        "linear": Model.get_model_path("linear"),
        "offset": Model.get_model_path("offset"),
        "offset version 1": Model.get_model_path("offset", version=1),
    }
    with open(paths["linear"], encoding="utf-8") as handle:
        linear = json.load(handle)
    with open(os.path.join(paths["offset"], "offset.json"), encoding="utf-8") as handle:
        offset = json.load(handle)["offset"]
    root = os.environ["AZUREML_MODEL_DIR"]
    found.update({name: os.path.relpath(path, root) for name, path in paths.items()})


def run(raw_data):
    request = json.loads(raw_data)
    if "sleep" in request:
        time.sleep(request["sleep"])
    if "hold_gil" in request:
        ctypes.PyDLL(None).sleep(int(request["hold_gil"]))
    weights, intercept = linear["coefficients"], linear["intercept"]
    rows = request.get("data", [])
    predictions = [round(intercept + offset + sum(w * x for w, x in zip(weights, row)), 6) for row in rows]
    return {
        "predictions": predictions,
        "models": found,
        "model_dir": os.environ["AZUREML_MODEL_DIR"],
        "settings": {
            name: os.environ.get(name) for name in ("SCORING_TIMEOUT_MS", "WORKER_TIMEOUT", "WORKER_COUNT")
        },
    }
