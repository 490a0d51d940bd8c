"""Example Azure ML scoring script: a linear model whose weights live in the model folder.

It is written exactly as for Azure ML: init() loads from AZUREML_MODEL_DIR, run() scores, and the
inference-schema decorators describe the input and output for /swagger.json.
"""

import json
import os

from inference_schema.parameter_types.standard_py_parameter_type import StandardPythonParameterType
from inference_schema.schema_decorators import input_schema, output_schema

model = None


def init():
    global model
    with open(os.path.join(os.environ["AZUREML_MODEL_DIR"], "model.json"), encoding="utf-8") as handle:
        model = json.load(handle)


@input_schema("data", StandardPythonParameterType([[5.1, 3.5, 1.4, 0.2]]))
@output_schema(StandardPythonParameterType({"predictions": [0.5]}))
def run(data):
    weights, intercept = model["coefficients"], model["intercept"]
    predictions = [round(intercept + sum(w * x for w, x in zip(weights, row)), 6) for row in data]
    return {"predictions": predictions}
