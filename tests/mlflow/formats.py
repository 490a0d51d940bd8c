"""The same rows in every request format MLflow users send, and what MLflow's server answers.

    python tests/mlflow/formats.py MODEL_FOLDER   # prints [{format, content_type, body, expected}]

Imported by the scoring script's tests; run by the Molecule scenario (whose Python has no MLflow)
with the fixture venv's python, to learn pyfunc's predictions for the rows it sends.
"""

from __future__ import annotations

import io
import json
import sys

import pandas as pd

ROWS = pd.DataFrame(
    [[5.1, 3.5, 1.4, 0.2], [6.2, 2.9, 4.3, 1.3], [7.7, 3.0, 6.1, 2.3]],
    columns=["sepal_length", "sepal_width", "petal_length", "petal_width"],
)


def requests_for(rows: pd.DataFrame) -> dict[str, tuple[str, str]]:
    """format -> (content type, body) of the same rows."""
    split = json.loads(rows.to_json(orient="split", index=False))
    records = rows.to_dict(orient="records")
    columnar = {name: rows[name].tolist() for name in rows.columns}
    return {
        "dataframe_split": ("application/json", json.dumps({"dataframe_split": split})),
        "dataframe_records": ("application/json", json.dumps({"dataframe_records": records})),
        "instances": ("application/json", json.dumps({"instances": records})),
        "inputs": ("application/json", json.dumps({"inputs": columnar})),
        "csv": ("text/csv", rows.to_csv(index=False)),
    }


def served(predictions) -> dict:
    """pyfunc's predictions as MLflow's server encodes them (a Series becomes records)."""
    from mlflow.pyfunc.scoring_server import predictions_to_json

    out = io.StringIO()
    predictions_to_json(predictions, out)
    return json.loads(out.getvalue())


def model_rows(model) -> pd.DataFrame:
    """ROWS cut to the columns the model's signature names."""
    return ROWS[model.metadata.get_input_schema().input_names()]


def cases(folder: str) -> list[dict]:
    import mlflow.pyfunc

    model = mlflow.pyfunc.load_model(folder)
    rows = model_rows(model)
    expected = served(model.predict(rows))
    return [
        {"format": name, "content_type": content_type, "body": body, "expected": expected}
        for name, (content_type, body) in requests_for(rows).items()
    ]


if __name__ == "__main__":
    print(json.dumps(cases(sys.argv[1])))
