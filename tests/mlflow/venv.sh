#!/usr/bin/env bash
# Prints the python of the MLflow fixture venv, creating it on first use. It is built on the pyenv
# Python the conda test channel packages (tests/channel), so the models' conda.yaml asks for a
# python the channel has.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
venv="$root/.cache/mlflow-venv"
stamp="$venv/.requirements.sha256"
wanted=$(cat "$root/tests/mlflow/requirements.txt" "$root/files/server/pyproject.toml" | sha256sum | cut -d' ' -f1)
if [[ ! -x "$venv/bin/python" || "$(cat "$stamp" 2>/dev/null)" != "$wanted" ]]; then
  base=$(cd "$root/tests/channel" && python3 -c 'import build_channel; print(build_channel.pyenv_build("3.11"))')
  rm -rf "$venv"
  "$base/bin/python" -m venv "$venv"
  "$venv/bin/pip" install -q -r "$root/tests/mlflow/requirements.txt" >&2
  "$venv/bin/pip" install -q -e "$root/files/server" >&2
  echo "$wanted" >"$stamp"
fi
echo "$venv/bin/python"
