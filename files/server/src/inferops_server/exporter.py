"""The metrics exporter: one HTTP endpoint (``/metrics``) for Prometheus that sums what every
gunicorn worker wrote (prometheus_client's multiprocess files) and adds nginx's own counters,
read from its ``stub_status`` page over a unix socket. Names of nginx's metrics are those of
nginx-prometheus-exporter, so its dashboards work unchanged.

    python -m inferops_server.exporter --listen 127.0.0.1:9091 \
        --nginx-status /run/inferops/nginx-status/status.sock

It runs beside gunicorn, never in it: a scrape never queues behind run().
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import struct
import sys
import threading
import time
from collections.abc import Iterator

# How often a collection retries a worker file caught half written (a worker starting).
ATTEMPTS = 20

STUB_STATUS = re.compile(
    r"Active connections:\s*(?P<active>\d+)\s+server accepts handled requests\s+"
    r"(?P<accepted>\d+)\s+(?P<handled>\d+)\s+(?P<requests>\d+)\s+"
    r"Reading:\s*(?P<reading>\d+)\s+Writing:\s*(?P<writing>\d+)\s+Waiting:\s*(?P<waiting>\d+)"
)


def parse_stub_status(text: str) -> dict[str, int]:
    """nginx's stub_status page as numbers; ValueError when it is not one."""
    match = STUB_STATUS.search(text)
    if match is None:
        raise ValueError(f"not an nginx stub_status page: {text[:200]!r}")
    return {name: int(value) for name, value in match.groupdict().items()}


def read_stub_status(path: str, timeout_s: float = 2.0) -> str:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
        connection.settimeout(timeout_s)
        connection.connect(path)
        connection.sendall(b"GET /status HTTP/1.0\r\nHost: localhost\r\n\r\n")
        chunks = []
        while chunk := connection.recv(4096):
            chunks.append(chunk)
    head, _, body = b"".join(chunks).partition(b"\r\n\r\n")
    if not head.startswith((b"HTTP/1.0 200", b"HTTP/1.1 200")):
        raise ValueError(f"nginx's status page answered {head.splitlines()[0][:100]!r}")
    return body.decode("ascii", errors="replace")


class NginxCollector:
    def __init__(self, socket_path: str) -> None:
        self.socket_path = socket_path

    def collect(self) -> Iterator[object]:
        from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

        up = GaugeMetricFamily("nginx_up", "Whether nginx's status page answered (1) or not (0).")
        try:
            numbers = parse_stub_status(read_stub_status(self.socket_path))
        except (OSError, ValueError) as error:
            print(f"exporter: nginx status {self.socket_path}: {error}", file=sys.stderr, flush=True)
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        for name, help_text in (
            ("accepted", "Client connections nginx accepted."),
            ("handled", "Client connections nginx handled."),
        ):
            yield CounterMetricFamily(f"nginx_connections_{name}", help_text, value=numbers[name])
        for name in ("active", "reading", "writing", "waiting"):
            yield GaugeMetricFamily(
                f"nginx_connections_{name}", f"Client connections {name}.", value=numbers[name]
            )
        yield CounterMetricFamily(
            "nginx_http_requests", "Client requests nginx received.", value=numbers["requests"]
        )


class WorkerCollector:
    """The workers' values, summed; a worker creating its file as we read it is read again."""

    def __init__(self, folder: str) -> None:
        from prometheus_client.multiprocess import MultiProcessCollector

        self.collector = MultiProcessCollector(None, path=folder)

    def collect(self) -> Iterator[object]:
        for attempt in range(ATTEMPTS):
            try:
                return iter(list(self.collector.collect()))
            except struct.error:
                if attempt == ATTEMPTS - 1:
                    raise
                time.sleep(0.01)
        return iter(())


def address(text: str) -> tuple[str, int]:
    host, _, port = text.rpartition(":")
    if not host or not port.isdigit():
        raise argparse.ArgumentTypeError(f"{text!r} is not HOST:PORT")
    return host.strip("[]"), int(port)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m inferops_server.exporter", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--listen", type=address, required=True, help="HOST:PORT to serve /metrics on")
    parser.add_argument("--nginx-status", default="", help="unix socket of nginx's stub_status; empty: none")
    options = parser.parse_args(argv)
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR", "")
    if not os.path.isdir(folder):
        parser.error(
            f"PROMETHEUS_MULTIPROC_DIR={folder!r} is not a folder: it must be gunicorn's metrics folder"
        )

    from prometheus_client import CollectorRegistry, start_http_server

    registry = CollectorRegistry()
    registry.register(WorkerCollector(folder))
    if options.nginx_status:
        registry.register(NginxCollector(options.nginx_status))
    host, port = options.listen
    start_http_server(port, addr=host, registry=registry)
    print(f"exporter: serving /metrics on {host}:{port}", file=sys.stderr, flush=True)
    threading.Event().wait()


if __name__ == "__main__":
    main()
