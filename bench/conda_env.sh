#!/usr/bin/env bash
# Install what the conda benchmark needs (the tools' venv with py-rattler, the test channel),
# then run it. Arguments go to conda_env.py.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/bootstrap.sh"
exec python "$INFEROPS_ROOT/bench/conda_env.py" "$@"
