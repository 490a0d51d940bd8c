#!/usr/bin/env bash
# The benchmark in one command: installs what it needs (wrk, curl, matplotlib and scikit-learn in
# .venv, the base image), runs every figure, prints the tables and writes bench/results/.
# Arguments go to bench/suite.py (--help lists them).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/tools.sh"
exec python "$INFEROPS_ROOT/bench/suite.py" "$@"
