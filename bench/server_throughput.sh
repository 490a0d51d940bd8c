#!/usr/bin/env bash
# Install what the server benchmark needs (wrk, our tools venv, Microsoft's server in its own
# venv), then run it. Arguments go to server_throughput.py.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/bootstrap.sh"
command -v wrk >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >&2
reference="$INFEROPS_ROOT/.cache/reference-venv"
[[ -x "$reference/bin/azmlinfsrv" ]] || {
  python3 -m venv "$reference" && "$reference/bin/pip" install -q azureml-inference-server-http==1.5.1 inference-schema >&2
}
exec python "$INFEROPS_ROOT/bench/server_throughput.py" --reference-python "$reference/bin/python" "$@"
