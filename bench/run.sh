#!/usr/bin/env bash
# The benchmark in one command: installs what it needs (wrk, curl, matplotlib and scikit-learn in
# .venv, the base image), runs every figure, prints the tables and writes bench/results/.
# Arguments go to bench/suite.py (--help lists them).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/bootstrap.sh"
for tool in wrk curl; do
  command -v "$tool" >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$tool" >&2
done
python -c 'import matplotlib, sklearn' 2>/dev/null || pip install -q -r "$INFEROPS_ROOT/bench/requirements.txt" >&2
exec python "$INFEROPS_ROOT/bench/suite.py" "$@"
