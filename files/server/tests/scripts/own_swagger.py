"""A script whose init() gives run() its own swagger schemas, as the collection's MLflow script does."""

INPUT = {"type": "object", "properties": {"rows": {"type": "array", "items": {"type": "number"}}}}
OUTPUT = {"type": "object", "properties": {"predictions": {"type": "array"}}}


def init():
    run.swagger_schemas = (INPUT, OUTPUT, ("text/csv",))


def run(data):
    return data
