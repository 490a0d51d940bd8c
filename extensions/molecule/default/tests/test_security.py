"""Who may call the endpoint: keys as on Azure ML (401 JSON without one, either key works, rotation
without a failed request, never in Ansible's output), TLS 1.2+ only, and 429 past the limits.

The scenario deploys the defaults: key auth with keys made on the host. The TLS tests redeploy with
TLS and limits on, and put the defaults back when they are done.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys
import threading

import pytest
from conftest import EXAMPLE_BODY, run_deploy

PROJECT = os.environ["MOLECULE_PROJECT_DIRECTORY"]
INVENTORY = os.path.join(PROJECT, "extensions/molecule/shared/inventory.yml")
JSON = {"Content-Type": "application/json"}
KEYS_FILE = "/etc/inferops/endpoint-keys.json"
CERTIFICATE = "/etc/nginx/inferops/tls/endpoint.crt"
STOP_FILE = "/tmp/stop-key-load"

# Runs in the container: POSTs with one fixed key until the stop file appears (or 300 s); prints the
# count of each status.
LOAD = r"""
import json, os, sys, time, urllib.error, urllib.request
url, body, key, stop_file = sys.argv[1:5]
headers = {"Content-Type": "application/json", "Authorization": "Bearer " + key}
counts = {}
deadline = time.monotonic() + 300
while time.monotonic() < deadline and not os.path.exists(stop_file):
    request = urllib.request.Request(url, data=body.encode(), headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    except OSError as error:
        status = type(error).__name__
    counts[str(status)] = counts.get(str(status), 0) + 1
print(json.dumps(counts))
"""

# Runs in the container: one TLS handshake with the protocol pinned; prints the version agreed or
# the error. SECLEVEL=0 lets this client offer TLS 1.0/1.1 at all, so a failure is the server's no.
HANDSHAKE = r"""
import socket, ssl, sys
version = getattr(ssl.TLSVersion, sys.argv[1])
context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
context.set_ciphers("DEFAULT:@SECLEVEL=0")
context.minimum_version = context.maximum_version = version
try:
    with socket.create_connection(("127.0.0.1", 5001), timeout=10) as raw:
        with context.wrap_socket(raw) as tls:
            print(tls.version())
except (ssl.SSLError, OSError) as error:
    print("refused:", error)
"""

# Runs in the container: GETs or POSTs sent at once from one address; prints the count of each status
# and one body of each status.
BURST = r"""
import json, ssl, sys, threading, time, urllib.error, urllib.request
url, method, count, cafile = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
with open("/etc/inferops/endpoint-keys.json") as keys:
    key = json.load(keys)["primaryKey"]
context = ssl.create_default_context(cafile=cafile)
counts, bodies, lock = {}, {}, threading.Lock()
def send():
    data = b'{"data": [[5.1, 3.5, 1.4, 0.2]]}' if method == "POST" else None
    headers = {"Content-Type": "application/json", "Authorization": "Bearer " + key}
    request = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30, context=context) as response:
            status, body = response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        status, body = error.code, error.read().decode()
    with lock:
        counts[str(status)] = counts.get(str(status), 0) + 1
        bodies[str(status)] = body
threads = [threading.Thread(target=send) for _ in range(count)]
start = time.monotonic()
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
print(json.dumps({"counts": counts, "bodies": bodies, "seconds": time.monotonic() - start}))
"""


def stored_keys(host) -> dict:
    return json.loads(host.file(KEYS_FILE).content_string)


def new_key() -> str:
    return secrets.token_urlsafe(32)


def score_with(http, key: str) -> int:
    return http("POST", "/score", EXAMPLE_BODY, {**JSON, "Authorization": "Bearer " + key})["status"]


def burst(host, method: str, url: str) -> dict:
    return json.loads(host.check_output("python3 -c %s %s %s 40 %s", BURST, url, method, CERTIFICATE))


def deployed(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 0, result.stdout[-3000:]
    return result.stdout


def under_load(host, key: str, action):
    """``action()`` while requests with ``key`` keep coming; the statuses they got."""
    host.run("rm -f %s", STOP_FILE)
    load: dict = {}
    arguments = (LOAD, "http://127.0.0.1:5001/score", EXAMPLE_BODY, key, STOP_FILE)
    command = "python3 -c %s %s %s %s %s"
    worker = threading.Thread(target=lambda: load.update(result=host.run(command, *arguments)))
    worker.start()
    try:
        action()
    finally:
        host.run("touch %s", STOP_FILE)
        worker.join(120)
    return json.loads(load["result"].stdout)


def test_a_request_without_a_key_gets_401_json_with_a_bearer_challenge(http):
    response = http("POST", "/score", EXAMPLE_BODY, JSON, key=None)
    assert response["status"] == 401
    assert response["headers"]["Content-Type"] == "application/json"
    assert response["headers"]["WWW-Authenticate"] == 'Bearer realm="scoring"'
    assert "Authorization: Bearer <key>" in json.loads(response["body"])["message"]


def test_a_wrong_key_gets_401_naming_an_invalid_token(http):
    response = http("POST", "/score", EXAMPLE_BODY, {**JSON, "Authorization": "Bearer " + new_key()})
    assert response["status"] == 401
    assert response["headers"]["WWW-Authenticate"] == 'Bearer realm="scoring", error="invalid_token"'
    assert "not a key of this endpoint" in json.loads(response["body"])["message"]


def test_a_key_in_another_case_is_another_key(http, host):
    key = stored_keys(host)["primaryKey"]
    response = http("POST", "/score", EXAMPLE_BODY, {**JSON, "Authorization": "bearer " + key.swapcase()})
    assert response["status"] == 401


@pytest.mark.parametrize("key", ["primaryKey", "secondaryKey"])
def test_either_key_scores(http, key):
    response = http("POST", "/score", EXAMPLE_BODY, JSON, key=key)
    assert (response["status"], json.loads(response["body"])) == (200, {"predictions": [0.44]})


def test_the_health_probe_takes_a_key_too_by_default(http):
    assert http("GET", "/", key=None)["status"] == 401


def test_the_keys_are_kept_for_root_only(host):
    keys = host.file(KEYS_FILE)
    assert (keys.user, keys.group, keys.mode) == ("root", "root", 0o600)
    nginx_copy = host.file("/etc/nginx/inferops/keys.conf")
    assert (nginx_copy.user, nginx_copy.mode) == ("root", 0o600)
    assert host.run("setpriv --reuid=www-data --regid=www-data --init-groups cat %s", KEYS_FILE).rc != 0


def test_the_credentials_playbook_gives_the_keys_like_get_credentials(host, tmp_path):
    target = tmp_path / "keys.json"
    command = [
        os.path.join(os.path.dirname(sys.executable), "ansible-playbook"),
        "--inventory",
        INVENTORY,
        "inferops.scoring.credentials",
        "-e",
        f"credentials_file={target}",
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-2000:]
    keys = stored_keys(host)
    assert keys["primaryKey"] not in result.stdout
    assert json.loads(target.read_text()) == {"instance": keys}
    assert target.stat().st_mode & 0o777 == 0o600


def test_keys_rotate_one_at_a_time_under_load_without_a_failed_request(host, http, deploy):
    before = stored_keys(host)
    secondary = new_key()

    # Clients on the primary key while the secondary changes; then the other way round.
    rotated = {"primary": before["primaryKey"], "secondary": secondary}
    counts = under_load(host, before["primaryKey"], lambda: deployed(deploy(endpoint_auth_keys=rotated)))
    assert set(counts) == {"200"} and counts["200"] > 20, counts
    assert score_with(http, before["secondaryKey"]) == 401
    assert score_with(http, secondary) == 200

    primary = new_key()
    output: dict = {}
    counts = under_load(
        host,
        secondary,
        lambda: output.update(
            text=deployed(deploy("-v", endpoint_auth_keys={"primary": primary, "secondary": secondary}))
        ),
    )
    assert set(counts) == {"200"} and counts["200"] > 20, counts
    assert stored_keys(host) == {"primaryKey": primary, "secondaryKey": secondary}
    assert score_with(http, primary) == 200
    assert score_with(http, before["primaryKey"]) == 401
    # Neither the keys given nor the keys replaced appear in a verbose deploy's output or diffs.
    for key in (primary, secondary, before["primaryKey"]):
        assert key not in output["text"]


@pytest.fixture(scope="module")
def tls_endpoint():
    """The endpoint redeployed with a self-signed certificate, limits and an open probe; the
    deploy's output. The defaults come back afterwards."""
    settings = {
        "endpoint_tls": "self-signed",
        "endpoint_tls_names": ["scoring.example.test"],
        "endpoint_rate_limit": 5,
        "endpoint_rate_burst": 5,
        "endpoint_auth_probe_open": True,
    }
    first = deployed(run_deploy(**settings))
    again = deployed(run_deploy(**settings))
    yield first, again
    deployed(run_deploy())


def test_tls_serves_with_a_certificate_for_the_host_s_names(tls_endpoint, http, host):
    response = http("POST", "/score", EXAMPLE_BODY, JSON, cafile=CERTIFICATE)
    assert (response["status"], json.loads(response["body"])) == (200, {"predictions": [0.44]})
    names = host.check_output("openssl x509 -noout -ext subjectAltName -in %s", CERTIFICATE)
    for name in ("DNS:localhost", "IP Address:127.0.0.1", "DNS:scoring.example.test"):
        assert name in names


def test_a_tls_redeploy_changes_nothing_the_second_time(tls_endpoint):
    _, again = tls_endpoint
    assert re.search(r"changed=0 ", again), again[-2000:]


def test_plain_http_on_the_tls_port_is_refused_in_json(tls_endpoint, http):
    response = http("POST", "/score", EXAMPLE_BODY, JSON)
    assert response["status"] == 400
    assert "HTTPS only" in json.loads(response["body"])["message"]


@pytest.mark.parametrize(("version", "accepted"), [("TLSv1_1", False), ("TLSv1_2", True), ("TLSv1_3", True)])
def test_only_tls_1_2_and_newer_are_accepted(tls_endpoint, host, version, accepted):
    answer = host.check_output("python3 -c %s %s", HANDSHAKE, version).strip()
    assert (answer == version.replace("_", ".")) is accepted, answer


def test_a_burst_past_the_rate_limit_gets_429_json(tls_endpoint, host):
    report = burst(host, "POST", "https://127.0.0.1:5001/score")
    assert set(report["counts"]) == {"200", "429"}, report
    # 5 a second after a burst of 5 more: what the burst took lets 6 + 5 per second through.
    allowed = 6 + 5 * report["seconds"]
    assert 5 <= report["counts"]["200"] <= allowed + 1, report
    message = json.loads(report["bodies"]["429"])["message"]
    assert message == "Too many requests from this address: slow down and retry."


def test_the_health_probe_is_never_rate_limited_and_may_be_open(tls_endpoint, host, http):
    report = burst(host, "GET", "https://127.0.0.1:5001/")
    assert report["counts"] == {"200": 40}, report
    assert http("GET", "/", key=None, cafile=CERTIFICATE)["status"] == 200
    assert http("POST", "/score", EXAMPLE_BODY, JSON, key=None, cafile=CERTIFICATE)["status"] == 401
