"""init() fails the way a missing model file does."""

import os


def init():
    with open(os.path.join(os.environ.get("AZUREML_MODEL_DIR", ""), "missing.pkl"), "rb"):
        pass


def run(data):
    return data
