"""Prometheus metrics: real gunicorn workers write them, the real exporter sums them.

The counts must be right with several workers, after a worker dies, with preloading, and for
every way a call can fail; the exporter also reads nginx's stub_status page.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading

import pytest
from contract.servers import OUR_APP, free_port, get, gunicorn, process
from inferops_server.exporter import parse_stub_status
from test_under_gunicorn import poll, post

# What the gunicorn role's configuration adds for metrics (roles/gunicorn/templates/...).
HOOKS = """
def when_ready(server):
    from inferops_server.metrics import on_master_ready
    on_master_ready(server)

def post_fork(server, worker):
    from inferops_server.metrics import on_worker_start
    on_worker_start(server, worker)

def child_exit(server, worker):
    from inferops_server.metrics import on_worker_exit
    on_worker_exit(server, worker)
"""

STUB_PAGE = (
    "Active connections: 3 \nserver accepts handled requests\n 10 9 42 \nReading: 0 Writing: 1 Waiting: 2 \n"
)


def samples(text: str) -> dict[str, float]:
    """Prometheus text format as {'name{labels}': value}."""
    values = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.rpartition(" ")
            values[name] = float(value)
    return values


@contextlib.contextmanager
def served(
    tmp_path,
    script: str,
    workers: int = 2,
    preload: bool = False,
    status_socket: str = "",
    env=None,
    wait=True,
):
    """gunicorn with metrics on, and the exporter over its folder: yields (port, scrape, master pid)."""
    folder = tmp_path / "metrics"
    folder.mkdir()
    config = tmp_path / "gunicorn_conf.py"
    config.write_text(HOOKS)
    env = {**(env or {}), "PROMETHEUS_MULTIPROC_DIR": str(folder)}
    args = ("-c", str(config), "-w", str(workers), "-k", "gthread", "--threads", "4") + (
        ("--preload",) if preload else ()
    )
    with gunicorn(sys.executable, OUR_APP, script, env, args, wait) as (port, master, _):
        exporter_port = free_port()
        command = [sys.executable, "-m", "inferops_server.exporter", "--listen", f"127.0.0.1:{exporter_port}"]
        command += ["--nginx-status", status_socket] if status_socket else []
        with process(command, exporter_port, {**os.environ, **env}, wait=False):
            poll(lambda: _answers(exporter_port))

            def scrape() -> dict[str, float]:
                status, body = get(exporter_port, "/metrics")
                assert status == 200
                return samples(body.decode())

            yield port, scrape, master.pid


def scrape_until(scrape, condition) -> dict[str, float]:
    """The first scrape that meets the condition (workers start and init() runs meanwhile)."""
    found = []
    poll(lambda: condition(found.append(scrape()) or found[-1]))
    return found[-1]


def _answers(port: int) -> bool:
    try:
        return get(port, "/metrics", timeout=1)[0] == 200
    except OSError:
        return False


def test_requests_are_counted_by_route_method_and_status_over_all_workers(tmp_path):
    with served(tmp_path, "echo_text.py") as (port, scrape, _):
        threads = [threading.Thread(target=lambda: [post(port, b"x") for _ in range(10)]) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        for _ in range(3):
            get(port, "/")
        get(port, "/nowhere")
        values = scrape()
    assert values['inferops_requests_total{method="POST",route="/score",status="200"}'] == 40
    assert values['inferops_requests_total{method="GET",route="/",status="200"}'] >= 3
    # An unknown path is one label value, whatever the path: clients cannot grow the metrics.
    assert values['inferops_requests_total{method="GET",route="other",status="404"}'] == 1
    assert values['inferops_request_duration_seconds_count{route="/score"}'] == 40
    assert values["inferops_run_duration_seconds_count"] == 40
    assert values["inferops_workers"] == 2
    assert values['inferops_scoring_script_processes{state="ready"}'] == 2
    assert values['inferops_scoring_script_processes{state="starting"}'] == 0
    assert values["inferops_init_duration_seconds"] >= 0
    assert values["inferops_requests_in_flight"] == 0
    assert values["inferops_worker_starts_total"] == 2


def test_each_way_run_fails_has_its_reason(tmp_path):
    with served(tmp_path, "returns.py", workers=1) as (port, scrape, _):
        assert post(port, b"raise")[0] == 500
        assert post(port, b"unserialisable")[0] == 500
        assert post(port, b"fine")[0] == 200
        values = scrape()
    assert values['inferops_run_failures_total{reason="exception"}'] == 1
    assert values['inferops_run_failures_total{reason="output"}'] == 1
    assert values['inferops_run_failures_total{reason="timeout"}'] == 0
    assert values["inferops_run_duration_seconds_count"] == 1
    assert values['inferops_requests_total{method="POST",route="/score",status="500"}'] == 2


def test_a_timeout_is_a_run_failure(tmp_path):
    with served(tmp_path, "slow.py", workers=1, env={"SCORING_TIMEOUT_MS": "300"}) as (port, scrape, _):
        assert post(port, b"1")[0] == 500
        values = scrape()
    assert values['inferops_run_failures_total{reason="timeout"}'] == 1


def test_a_killed_worker_leaves_the_live_values_and_is_counted(tmp_path):
    with served(tmp_path, "echo_text.py") as (_port, scrape, master):
        before = _workers(master)
        os.kill(before[0], signal.SIGKILL)
        poll(lambda: len(set(_workers(master)) - set(before)) == 1 and len(_workers(master)) == 2)
        values = scrape_until(
            scrape, lambda v: v.get('inferops_scoring_script_processes{state="ready"}') == 2
        )
    assert values["inferops_workers"] == 2
    assert values["inferops_worker_exits_total"] == 1
    assert values["inferops_worker_starts_total"] == 3


def test_a_preloaded_script_is_reported_by_each_worker_not_the_master(tmp_path):
    with served(tmp_path, "echo_text.py", workers=2, preload=True) as (port, scrape, _):
        assert post(port, b"x")[0] == 200
        values = scrape_until(scrape, lambda v: v.get("inferops_workers") == 2)
    assert values['inferops_scoring_script_processes{state="ready"}'] == 2


def test_a_script_whose_init_fails_is_reported_failed(tmp_path):
    with served(tmp_path, "init_raises.py", workers=1, wait=False) as (_port, scrape, _):
        values = scrape_until(
            scrape, lambda v: v.get('inferops_scoring_script_processes{state="failed"}') == 1
        )
    assert values['inferops_scoring_script_processes{state="failed"}'] == 1
    assert values['inferops_scoring_script_processes{state="ready"}'] == 0


def test_nginx_status_is_read_from_its_socket_and_down_when_it_is_not(tmp_path):
    path = str(tmp_path / "status.sock")
    (tmp_path / "again").mkdir()
    with (
        _status_server(path),
        served(tmp_path, "echo_text.py", workers=1, status_socket=path) as (_, scrape, _),
    ):
        values = scrape()
    assert values["nginx_up"] == 1
    assert values["nginx_connections_accepted_total"] == 10
    assert values["nginx_connections_handled_total"] == 9
    assert values["nginx_http_requests_total"] == 42
    assert values["nginx_connections_active"] == 3
    assert values["nginx_connections_waiting"] == 2
    with served(
        tmp_path / "again", "echo_text.py", workers=1, status_socket=str(tmp_path / "missing.sock")
    ) as (
        _,
        scrape,
        _,
    ):
        assert scrape()["nginx_up"] == 0


def test_a_page_that_is_not_stub_status_is_refused():
    assert parse_stub_status(STUB_PAGE)["requests"] == 42
    with pytest.raises(ValueError, match="not an nginx stub_status page"):
        parse_stub_status("<html>Welcome to nginx!</html>")


def test_the_exporter_refuses_a_missing_metrics_folder(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "inferops_server.exporter", "--listen", "127.0.0.1:1"],
        env={**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "missing")},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert "is not a folder" in result.stderr


def _workers(master: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(master)], capture_output=True, text=True).stdout
    return [int(pid) for pid in out.split()]


@contextlib.contextmanager
def _status_server(path: str):
    """A unix socket answering like nginx's stub_status location."""
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    listener.listen()
    stop = threading.Event()

    def serve() -> None:
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except socket.timeout:
                continue
            with connection:
                connection.recv(4096)
                connection.sendall(
                    b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n" + STUB_PAGE.encode()
                )

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
        listener.close()
