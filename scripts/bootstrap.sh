#!/usr/bin/env bash
# Everything the demo and the tests need on a fresh Debian 12 host: Debian packages, the tools'
# virtualenv (.venv), the collection on Ansible's path and the container base image.
# Idempotent; sourced by scripts/demo.sh and scripts/test.sh.
set -euo pipefail

INFEROPS_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export INFEROPS_ROOT

apt_packages=(podman podman-docker runc debootstrap packer openssh-client python3 python3-venv python3-pip ca-certificates)
missing=()
for package in "${apt_packages[@]}"; do
  dpkg-query --show --showformat='${db:Status-Status}' "$package" 2>/dev/null | grep -qx installed \
    || missing+=("$package")
done
if ((${#missing[@]})); then
  echo "bootstrap: installing ${missing[*]}" >&2
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2
fi

venv="$INFEROPS_ROOT/.venv"
stamp="$venv/.requirements.sha256"
wanted=$(cat "$INFEROPS_ROOT/tests/requirements.txt" "$INFEROPS_ROOT/files/server/pyproject.toml" | sha256sum)
if [[ ! -x "$venv/bin/python" || "$(cat "$stamp" 2>/dev/null)" != "$wanted" ]]; then
  echo "bootstrap: installing the tools into .venv" >&2
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q -r "$INFEROPS_ROOT/tests/requirements.txt" >&2
  "$venv/bin/pip" install -q -e "$INFEROPS_ROOT/files/server" >&2
  echo "$wanted" >"$stamp"
fi
# `docker` is podman's shim (podman-docker), whatever other docker client the host has: the docker
# CLI connection and Packer's docker builder drive podman through it.
mkdir -p "$INFEROPS_ROOT/.cache/bin"
ln -sfn /usr/bin/docker "$INFEROPS_ROOT/.cache/bin/docker"
export PATH="$INFEROPS_ROOT/.cache/bin:$venv/bin:$PATH"

# ansible-playbook inferops.scoring.deploy finds the collection here (ansible.cfg points at it).
mkdir -p "$INFEROPS_ROOT/.cache/collections/ansible_collections/inferops"
ln -sfn ../../../.. "$INFEROPS_ROOT/.cache/collections/ansible_collections/inferops/scoring"
export ANSIBLE_COLLECTIONS_PATH="$INFEROPS_ROOT/.cache/collections"

INFEROPS_TEST_IMAGE=$("$INFEROPS_ROOT/tests/images/build-base-image.sh")
export INFEROPS_TEST_IMAGE

# Prints a python that has Microsoft's server, installing it on first use: the contract tests
# and the benchmarks run the same requests against it.
reference_python() {
  local venv="$INFEROPS_ROOT/.cache/reference-venv"
  if [[ ! -x "$venv/bin/azmlinfsrv" ]]; then
    python3 -m venv "$venv" && "$venv/bin/pip" install -q azureml-inference-server-http==1.5.1 inference-schema >&2
  fi
  echo "$venv/bin/python"
}
