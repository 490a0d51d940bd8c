"""Benchmark app: a model of about 200 MB (the ballast file of random bytes the benchmark writes
into the model folder), held in memory as a real model's weights would be."""

import json
import os

model = None


def init():
    global model
    with open(os.path.join(os.environ["AZUREML_MODEL_DIR"], "ballast.bin"), "rb") as handle:
        model = handle.read()


def run(raw):
    return {"model_bytes": len(model), "rows": len(json.loads(raw)["data"])}
