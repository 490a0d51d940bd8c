"""A real Prometheus (Debian's package) scrapes the endpoint's exporter, and its counts match the
requests sent through nginx."""

from __future__ import annotations

import glob
import json
import os
import subprocess

import pytest
from conftest import wait_until

CONTAINER = f"inferops-{os.environ['MOLECULE_SCENARIO_NAME']}"
CACHE = os.path.join(os.environ["MOLECULE_PROJECT_DIRECTORY"], ".cache", "prometheus")
SENT = 25
CONFIG = """
global:
  scrape_interval: 1s
scrape_configs:
  - job_name: inferops
    static_configs:
      - targets: ["127.0.0.1:9091"]
"""
# Runs in the container: one PromQL query against the Prometheus started there, its value or null.
QUERY = r"""
import json, sys, urllib.parse, urllib.request
url = "http://127.0.0.1:9099/api/v1/query?" + urllib.parse.urlencode({"query": sys.argv[1]})
result = json.load(urllib.request.urlopen(url, timeout=5))["data"]["result"]
print(json.dumps(float(result[0]["value"][1]) if result else None))
"""


def prometheus_binary() -> str:
    """Debian's prometheus, unpacked from its package (the container has no network)."""
    found = glob.glob(f"{CACHE}/root/usr/bin/prometheus")
    if found:
        return found[0]
    os.makedirs(CACHE, exist_ok=True)
    download = ["apt-get", "download", "prometheus"]
    if subprocess.run(download, cwd=CACHE, capture_output=True).returncode != 0:
        subprocess.run(["apt-get", "update", "-qq"], check=True)
        subprocess.run(download, cwd=CACHE, check=True)
    package = glob.glob(f"{CACHE}/prometheus_*.deb")[0]
    subprocess.run(["dpkg-deb", "-x", package, f"{CACHE}/root"], check=True)
    return f"{CACHE}/root/usr/bin/prometheus"


@pytest.fixture(scope="module")
def prometheus(host):
    target = f"{CONTAINER}:/usr/local/bin/prometheus"
    subprocess.run(["podman", "cp", prometheus_binary(), target], check=True)
    host.run("mkdir -p /tmp/prometheus && printf '%%s' %s > /tmp/prometheus/prometheus.yml", CONFIG)
    host.run(
        "setsid prometheus --config.file=/tmp/prometheus/prometheus.yml "
        "--storage.tsdb.path=/tmp/prometheus/data --web.listen-address=127.0.0.1:9099 "
        "> /tmp/prometheus/log 2>&1 < /dev/null &"
    )

    def query(promql: str) -> float | None:
        result = host.run("python3 -c %s %s", QUERY, promql)
        return json.loads(result.stdout) if result.rc == 0 else None

    try:
        yield query
    finally:
        host.run("pkill -f '^prometheus --config.file=/tmp/prometheus'")
        host.run("rm -rf /tmp/prometheus")


def test_the_exporter_listens_on_loopback_only(host):
    assert host.socket("tcp://127.0.0.1:9091").is_listening
    assert not host.socket("tcp://0.0.0.0:9091").is_listening


def test_prometheus_counts_exactly_the_requests_sent(prometheus, score_example):
    scored = 'sum(inferops_requests_total{route="/score",method="POST",status="200"})'
    assert wait_until(lambda: prometheus('up{job="inferops"}') == 1, 60), "Prometheus never scraped"
    # Earlier tests' requests were all answered before Prometheus started: its first scrape counts
    # them (no series yet: none was answered).
    assert wait_until(lambda: prometheus("inferops_workers") is not None, 30)
    before = prometheus(scored) or 0
    nginx_before = prometheus("nginx_http_requests_total")
    for _ in range(SENT):
        assert score_example()["status"] == 200
    assert wait_until(lambda: prometheus(scored) == before + SENT, 30), (before, prometheus(scored))
    assert prometheus("sum(inferops_run_duration_seconds_count)") >= SENT
    assert prometheus('sum(inferops_request_duration_seconds_count{route="/score"})') >= SENT
    # nginx saw them too (and the exporter's own status requests).
    assert prometheus("nginx_http_requests_total") >= nginx_before + SENT
    assert prometheus("nginx_up") == 1


def test_every_worker_is_counted_and_ready(prometheus, host):
    workers = int(host.check_output("sed -n 's/^workers = //p' /etc/inferops/gunicorn_conf.py"))
    assert wait_until(lambda: prometheus("inferops_workers") == workers, 30), prometheus("inferops_workers")
    assert prometheus('inferops_scoring_script_processes{state="ready"}') == workers
    assert prometheus("inferops_requests_in_flight") == 0
