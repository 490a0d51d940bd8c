#!/usr/bin/env bash
# Fault figures (bench/faults.py): installs what it needs (wrk, curl, the base image), deploys into
# a container, breaks it one way at a time, writes bench/results/faults.json. About 15 minutes.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/tools.sh"
exec python "$INFEROPS_ROOT/bench/faults.py" "$@"
