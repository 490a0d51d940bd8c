"""Train and save the MLflow fixture models, as a user would: run as a script, never imported.

    python tests/mlflow/models.py OUT    # writes OUT/sklearn and OUT/pyfunc, prints OUT

``sklearn``: a logistic regression on four named columns, saved by ``mlflow.sklearn`` with its
signature and input example. ``pyfunc``: a custom ``PythonModel`` with a ``scale`` parameter. Run as
``__main__`` so cloudpickle stores the class by value and the target needs no copy of this file.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import mlflow
import numpy as np
import pandas as pd
from mlflow.models import infer_signature
from sklearn.linear_model import LogisticRegression

COLUMNS = ["sepal_length", "sepal_width", "petal_length", "petal_width"]


def training_rows() -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(7)
    centres = np.array([[5.0, 3.4, 1.5, 0.2], [5.9, 2.8, 4.3, 1.3], [6.6, 3.0, 5.6, 2.0]])
    labels = np.repeat([0, 1, 2], 20)
    rows = centres[labels] + rng.normal(0, 0.25, (len(labels), 4))
    return pd.DataFrame(rows, columns=COLUMNS), labels


class WeightedSum(mlflow.pyfunc.PythonModel):
    """A custom model: sum of the columns times the ``scale`` parameter."""

    def predict(self, context, model_input, params=None):
        scale = (params or {}).get("scale", 1.0)
        return model_input.sum(axis=1) * scale


def main(out: Path) -> None:
    shutil.rmtree(out, ignore_errors=True)
    features, labels = training_rows()
    classifier = LogisticRegression(max_iter=500).fit(features, labels)
    example = features.head(3)
    mlflow.sklearn.save_model(
        classifier,
        out / "sklearn",
        signature=infer_signature(example, classifier.predict(example)),
        input_example=example,
    )
    model = WeightedSum()
    small = example[["sepal_length", "sepal_width"]]
    mlflow.pyfunc.save_model(
        out / "pyfunc",
        python_model=model,
        signature=infer_signature(small, model.predict(None, small), params={"scale": 1.0}),
        input_example=small,
    )
    print(out)


if __name__ == "__main__":
    main(Path(sys.argv[1]).resolve())
