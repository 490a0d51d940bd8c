"""inference-schema decorated run(): JSON object keys become keyword arguments."""

from inference_schema.parameter_types.standard_py_parameter_type import StandardPythonParameterType
from inference_schema.schema_decorators import input_schema, output_schema


def init():
    pass


@input_schema("data", StandardPythonParameterType([1.0, 2.0]))
@input_schema("scale", StandardPythonParameterType(1.0))
@output_schema(StandardPythonParameterType({"total": 3.0}))
def run(data, scale=1.0):
    return {"total": sum(data) * scale}
