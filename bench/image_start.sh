#!/usr/bin/env bash
# Install what the image benchmark needs (Packer, podman-docker, the base image), then run it.
# Arguments go to image_start.py.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/bootstrap.sh"
exec python "$INFEROPS_ROOT/bench/image_start.py" "$@"
