"""HTTP from inside the container: the endpoint is checked on the container's own loopback."""

from __future__ import annotations

import json

import pytest

# Runs in the container's system Python; prints status, headers and body as JSON.
CLIENT = r"""
import json, sys, urllib.error, urllib.request
method, url, body, headers = json.loads(sys.argv[1])
request = urllib.request.Request(url, data=body.encode() if body is not None else None, method=method, headers=headers)
try:
    response = urllib.request.urlopen(request, timeout=30)
except urllib.error.HTTPError as error:
    response = error
print(json.dumps({"status": response.status, "headers": dict(response.headers), "body": response.read().decode()}))
"""


@pytest.fixture
def http(host):
    def call(method: str, path: str, body: str | None = None, headers: dict | None = None, port: int = 5001):
        request = json.dumps([method, f"http://127.0.0.1:{port}{path}", body, headers or {}])
        result = host.run("python3 -c %s %s", CLIENT, request)
        assert result.rc == 0, result.stderr
        return json.loads(result.stdout)

    return call
