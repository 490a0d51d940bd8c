#!/usr/bin/env bash
# Deploy the bundled example (examples/linear) into a local container with the collection's
# deploy playbook, then score one request through nginx :5001 -> gunicorn :9090 -> score.py.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"
cd "$INFEROPS_ROOT"

container=inferops-demo
example="$INFEROPS_ROOT/examples/linear"

# The container plays a VM: runsvdir is its command, as in Azure ML's image.
podman rm -f "$container" >/dev/null 2>&1 || true
podman --runtime runc run -d --name "$container" \
  --ulimit nofile=20000:20000 --ulimit nproc=4096:4096 \
  "$INFEROPS_TEST_IMAGE" /usr/bin/runsvdir -P /var/runit >/dev/null

inventory=$(mktemp)
trap 'rm -f "$inventory"' EXIT
printf '[scoring]\n%s ansible_connection=containers.podman.podman ansible_become=false\n' "$container" >"$inventory"

ansible-playbook -i "$inventory" inferops.scoring.deploy \
  -e endpoint_entry_script="$example/score.py" \
  -e endpoint_model_path="$example/model" \
  -e endpoint_requirements_file="$example/requirements.txt"

# The endpoint takes a key, as an Azure ML endpoint does: the deploy made two and keeps them on
# the host; the credentials playbook prints them (az ml online-endpoint get-credentials).
keys=$(mktemp)
trap 'rm -f "$inventory" "$keys"' EXIT
ansible-playbook -i "$inventory" inferops.scoring.credentials -e credentials_file="$keys" >/dev/null
key=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]]["primaryKey"])' "$keys" "$container")

echo
echo "POST http://127.0.0.1:5001/score with Authorization: Bearer <primaryKey> (inside $container):"
# The key goes in on stdin, not on a command line others can list.
podman exec -i "$container" python3 -c '
import json, sys, urllib.request
body = json.dumps({"data": [[5.1, 3.5, 1.4, 0.2], [6.7, 3.0, 5.2, 2.3]]}).encode()
headers = {"Content-Type": "application/json", "Authorization": "Bearer " + sys.stdin.read().strip()}
request = urllib.request.Request("http://127.0.0.1:5001/score", data=body, headers=headers)
with urllib.request.urlopen(request) as response:
    print(response.status, response.headers["Content-Type"], response.read().decode())
' <<<"$key"
echo
echo "The endpoint keeps running in container $container; remove it with: podman rm -f $container"
