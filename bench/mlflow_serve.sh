#!/usr/bin/env bash
# Install what the MLflow benchmark needs (wrk, curl, the MLflow fixture venv, the base image),
# then run it. Arguments go to bench/mlflow_serve.py.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/bootstrap.sh"
for tool in wrk curl; do
  command -v "$tool" >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$tool" >&2
done
python -c 'import matplotlib' 2>/dev/null || pip install -q -r "$INFEROPS_ROOT/bench/requirements.txt" >&2
mlflow_python=$("$INFEROPS_ROOT/tests/mlflow/venv.sh")
exec python "$INFEROPS_ROOT/bench/mlflow_serve.py" --mlflow-python "$mlflow_python" "$@"
