#!/usr/bin/env bash
# Install what the server benchmark needs (wrk, our tools venv, Microsoft's server in its own
# venv), then run it. Arguments go to server_throughput.py.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/bootstrap.sh"
command -v wrk >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >&2
reference=$(reference_python)
exec python "$INFEROPS_ROOT/bench/server_throughput.py" --reference-python "$reference" "$@"
