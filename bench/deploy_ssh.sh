#!/usr/bin/env bash
# Deploy times over SSH against the docker CLI connection. Arguments go to deploy_ssh.py.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/tools.sh"
exec python "$INFEROPS_ROOT/bench/deploy_ssh.py" "$@"
