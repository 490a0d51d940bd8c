"""Fault benchmark app: the example's linear model, plus a request that allocates memory until the
container's limit makes the OOM killer end this worker ({"allocate_mb": N} stops at N MB if no
limit does)."""

import json
import os

model = None
CHUNK = 64 * 1024 * 1024


def init():
    global model
    with open(os.path.join(os.environ["AZUREML_MODEL_DIR"], "model.json"), encoding="utf-8") as handle:
        model = json.load(handle)


def run(raw):
    request = json.loads(raw)
    if "allocate_mb" in request:
        held = []
        for _ in range(int(request["allocate_mb"]) * 1024 * 1024 // CHUNK):
            held.append(bytearray(CHUNK))  # bytearray writes its pages: they count at once
        return {"allocated_mb": len(held) * CHUNK // (1024 * 1024)}
    weights, intercept = model["coefficients"], model["intercept"]
    return {
        "predictions": [
            round(intercept + sum(w * x for w, x in zip(weights, row)), 6) for row in request["data"]
        ]
    }
