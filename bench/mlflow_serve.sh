#!/usr/bin/env bash
# Install what the MLflow benchmark needs (wrk, curl, the MLflow fixture venv, the base image),
# then run it. Arguments go to bench/mlflow_serve.py.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/tools.sh"
mlflow_python=$("$INFEROPS_ROOT/tests/mlflow/venv.sh")
exec python "$INFEROPS_ROOT/bench/mlflow_serve.py" --mlflow-python "$mlflow_python" "$@"
