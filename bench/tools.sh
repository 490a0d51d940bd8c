#!/usr/bin/env bash
# Sourced by the container benchmarks: the tools' venv and base image (scripts/bootstrap.sh), wrk
# and curl from Debian, and the report's libraries (bench/requirements.txt) in .venv.
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/bootstrap.sh"
for tool in wrk curl; do
  command -v "$tool" >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$tool" >&2
done
python -c 'import matplotlib, sklearn' 2>/dev/null || pip install -q -r "$INFEROPS_ROOT/bench/requirements.txt" >&2
