#!/usr/bin/env bash
# The whole test suite on a fresh Debian 12 host: lint, the server's unit tests and its contract
# against Microsoft's azmlinfsrv, the collection's unit tests and build, the conda engine against
# a test channel built here, the MLflow scoring script, and every Molecule scenario in real containers. `.ci/run` runs exactly this.
#
#   scripts/test.sh              everything
#   scripts/test.sh --no-molecule   everything but the container scenarios (a few minutes)
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh" || exit 1
cd "$INFEROPS_ROOT" || exit 1

molecule=true
[[ "${1:-}" == "--no-molecule" ]] && molecule=false

passed=0
failed=()
stage() {
  local name=$1
  shift
  local start=$SECONDS
  echo
  echo "=== $name"
  if "$@"; then
    passed=$((passed + 1))
    echo "--- passed in $((SECONDS - start)) s: $name"
  else
    failed+=("$name")
    echo "--- FAILED in $((SECONDS - start)) s: $name"
  fi
}

lint() {
  shellcheck scripts/*.sh bench/*.sh tests/images/*.sh tests/mlflow/*.sh .ci/run && ruff check . && ruff format --check . && python tests/tools/role_docs.py && ansible-lint --nocolor -q
}

server_tests() {
  INFEROPS_REFERENCE_PYTHON=$(reference_python) || return 1
  export INFEROPS_REFERENCE_PYTHON
  (cd files/server && python -m pytest -q -p no:cacheprovider tests)
}

# The server promises Python 3.9-3.13 with Flask >= 2.2: test the oldest and newest pairs on
# whichever of those interpreters this host has (CI's machine image has both under pyenv).
other_pythons() {
  local version python venv pins status=0
  for version in 3.9 3.13; do
    python=""
    for candidate in "$(command -v "python$version")" /root/.pyenv/versions/"$version".*/bin/python; do
      # pyenv puts shims on PATH for versions it cannot run in this shell: try each.
      if [[ -x "$candidate" ]] && "$candidate" -c "" 2>/dev/null; then
        python=$candidate
        break
      fi
    done
    if [[ -z "$python" ]]; then
      echo "no python$version on this host: skipped"
      continue
    fi
    venv="$INFEROPS_ROOT/.cache/python$version-venv"
    pins=()
    [[ $version == 3.9 ]] && pins=("flask==2.2.*" "werkzeug==2.2.*" "gunicorn==20.1.*")
    if [[ ! -x "$venv/bin/pytest" ]]; then
      "$python" -m venv "$venv" && "$venv/bin/pip" install -q "${pins[@]}" flask gunicorn inference-schema prometheus-client \
        pytest openapi-spec-validator >&2 && "$venv/bin/pip" install -q -e files/server >&2 || return 1
    fi
    echo "python$version: $("$venv/bin/python" -c '
from importlib.metadata import version
print(*(f"{name} {version(name)}" for name in ("flask", "werkzeug", "gunicorn")))')"
    (cd files/server && "$venv/bin/python" -m pytest -q -p no:cacheprovider tests) || status=1
  done
  return $status
}

collection_build() {
  local out="$INFEROPS_ROOT/.cache/build"
  rm -rf "$out" && ansible-galaxy collection build --force --output-path "$out" >/dev/null || return 1
  local listing
  listing=$(tar tzf "$out"/inferops-scoring-*.tar.gz)
  if grep -E '^(tests|extensions|\.ci|bench|files/server/tests)/' <<<"$listing"; then
    echo "the collection archive carries test files" >&2
    return 1
  fi
  grep -q '^roles/gunicorn/meta/argument_specs.yml$' <<<"$listing" && grep -q '^files/server/src/inferops_server/app.py$' <<<"$listing"
}

# No conda channel is reachable here: tests/channel builds one, used by the engine tests and the
# conda scenario (INFEROPS_TEST_CHANNEL).
test_channel() {
  INFEROPS_TEST_CHANNEL=$(python tests/channel/build_channel.py) && export INFEROPS_TEST_CHANNEL \
    && echo "$INFEROPS_TEST_CHANNEL"
}

# MLflow's models come from the tests themselves: tests/mlflow/models.py trains and saves them with
# the fixture venv (tests/mlflow/venv.sh), whose MLflow also gives the expected predictions.
mlflow_models() {
  INFEROPS_MLFLOW_PYTHON=$(tests/mlflow/venv.sh) && export INFEROPS_MLFLOW_PYTHON \
    && INFEROPS_MLFLOW_MODELS=$("$INFEROPS_MLFLOW_PYTHON" tests/mlflow/models.py .cache/mlflow-models) \
    && export INFEROPS_MLFLOW_MODELS && "$INFEROPS_MLFLOW_PYTHON" -m pytest -q -p no:cacheprovider tests/mlflow
}

scenario() {
  molecule test --scenario-name "$1"
}

# Docker's API, served by podman: the docker modules and connection run exactly as on a laptop.
docker_api_scenario() {
  local socket_dir status
  socket_dir=$(mktemp -d)
  podman system service --time=0 "unix://$socket_dir/podman.sock" &
  local service=$!
  for _ in $(seq 100); do [[ -S "$socket_dir/podman.sock" ]] && break; sleep 0.1; done
  DOCKER_HOST="unix://$socket_dir/podman.sock" INFEROPS_CONTAINER_ENGINE=docker INFEROPS_CONNECTION=docker-api \
    scenario docker-api
  status=$?
  kill "$service" && wait "$service" 2>/dev/null
  rm -rf "$socket_dir"
  return $status
}

# Scenarios one after another, each line of output prefixed with its name; each one's result
# and time appended to $results.
lane() {
  local name start status
  for name in "$@"; do
    start=$SECONDS
    echo "=== molecule $name"
    if run_scenario "$name" 2>&1 | sed -u "s/^/[$name] /"; then status=passed; else status=FAILED; fi
    echo "$status $((SECONDS - start)) molecule $name" >>"$results"
    echo "--- $status in $((SECONDS - start)) s: molecule $name"
  done
}

run_scenario() {
  if [[ $1 == docker-api ]]; then docker_api_scenario; else scenario "$1"; fi
}

stage "lint (shellcheck, ruff, role docs, ansible-lint production)" lint
stage "scoring server: unit tests and contract vs azmlinfsrv" server_tests
stage "scoring server on Python 3.9 and 3.13" other_pythons
stage "conda test channel (built from pyenv CPython and PyPI wheels)" test_channel
stage "collection unit tests" python -m pytest -q -p no:cacheprovider tests/unit
stage "conda engine (py-rattler) against the test channel" python -m pytest -q -p no:cacheprovider tests/conda
stage "MLflow scoring script against models saved by mlflow" mlflow_models
stage "collection build excludes tests" collection_build
stage "packer: bake the example (container and SSH sources), run the images" \
  python -m pytest -q -p no:cacheprovider tests/packer
if $molecule; then
  # Two lanes of scenarios at once, each lane's one after another, balanced by their times: much
  # of a scenario is waiting (downloads, services starting, deploys' round trips), and one lane
  # alone would take most of CI's budget. Lines are prefixed with their scenario.
  results=$(mktemp)
  lane default azureml docker-api &
  lane_a=$!
  lane redeploy conda mlflow &
  lane_b=$!
  wait "$lane_a" "$lane_b"
  while read -r status seconds name; do
    echo "--- $status in $seconds s: $name"
    if [[ $status == passed ]]; then passed=$((passed + 1)); else failed+=("$name"); fi
  done <"$results"
  rm -f "$results"
fi

echo
for name in "${failed[@]}"; do echo "FAILED: $name"; done
echo "total time: $((SECONDS / 60)) min $((SECONDS % 60)) s"
echo "stages: $passed passed, ${#failed[@]} failed"
((${#failed[@]} == 0))
