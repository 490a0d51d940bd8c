"""The client's side of a fault, run inside the endpoint's container by bench/faults.py (the
container's own python3, standard library only), so every time is taken on its loopback:

    python3 faults_inside.py kill TARGET      kill -9 one process while a client scores every 20 ms
    python3 faults_inside.py hostile NAME     one kind of hostile input, and whether the endpoint stayed up
    python3 faults_inside.py oom MB           one run() allocating MB while a client scores every 20 ms

Each prints one JSON object. Recovery is the first moment every service is fully supervised
again (its runsv's process, its own process group, nothing of it outside), the worker count is
back, and GET / and POST /score answer 200 from the release /var/lib/inferops/current names.
"""

from __future__ import annotations

import collections
import concurrent.futures
import contextlib
import http.client
import json
import os
import socket
import subprocess
import sys
import threading
import time

URL_HOST, PORT = "127.0.0.1", 5001
SERVICES = {
    "gunicorn": "-m gunicorn --config",
    "nginx": "nginx: ",
    "metrics": "-m inferops_server.exporter",
}
BODY = json.dumps({"data": [[5.1, 3.5, 1.4, 0.2]]}).encode()
INTERVAL_S = 0.02


def key() -> dict[str, str]:
    try:
        with open("/etc/inferops/endpoint-keys.json", encoding="utf-8") as keys:
            return {"Authorization": "Bearer " + json.load(keys)["primaryKey"]}
    except FileNotFoundError:
        return {}


HEADERS = {"Content-Type": "application/json", **key()}


def call(method: str, path: str, body: bytes | None = None, headers: dict | None = None, timeout: float = 30):
    """(status or error name, headers, body) of one request on a new connection."""
    connection = http.client.HTTPConnection(URL_HOST, PORT, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers={**HEADERS, **(headers or {})})
        response = connection.getresponse()
        return response.status, dict(response.headers), response.read()
    except OSError as error:
        return type(error).__name__, {}, b""
    finally:
        connection.close()


class Prober(threading.Thread):
    """POST /score every 20 ms until stopped; each answer with its time."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.samples: list[tuple[float, object]] = []
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.is_set():
            start = time.monotonic()
            self.samples.append((start, call("POST", "/score", BODY)[0]))
            time.sleep(max(0.0, INTERVAL_S - (time.monotonic() - start)))

    def stop(self) -> dict:
        self.stopped.set()
        self.join()
        statuses = collections.Counter(str(status) for _, status in self.samples)
        failed = [round(t, 3) for t, status in self.samples if status != 200]
        return {
            "requests": len(self.samples),
            "lost": len(failed),
            "statuses": dict(statuses),
            "failed_at": failed[:20],
        }


def processes() -> list[dict]:
    out = subprocess.run(["ps", "-eo", "pid=,ppid=,pgid=,args="], capture_output=True, text=True).stdout
    rows = (line.split(None, 3) for line in out.splitlines())
    return [{"pid": int(p), "ppid": int(pp), "pgid": int(g), "args": a} for p, pp, g, a in rows]


def main_pid(service: str) -> int | None:
    status = subprocess.run(["sv", "status", f"/var/runit/{service}"], capture_output=True, text=True).stdout
    return int(status.split("(pid ")[1].split(")")[0]) if status.startswith("run:") else None


def members(table: list[dict], service: str) -> list[dict]:
    signature = SERVICES[service]
    if signature == "nginx: ":
        return [p for p in table if p["args"].startswith(signature)]
    return [p for p in table if signature in p["args"] and not p["args"].startswith(("sh ", "/bin/sh"))]


def supervised(service: str, table: list[dict]) -> bool:
    main = main_pid(service)
    by_pid = {p["pid"]: p for p in table}
    if main is None or by_pid.get(by_pid.get(main, {}).get("ppid"), {}).get("args") != f"runsv {service}":
        return False
    mine = members(table, service)
    return bool(mine) and all(p["pgid"] == main and main in (p["pid"], p["ppid"]) for p in mine)


def workers_wanted() -> int:
    with open("/etc/inferops/gunicorn_conf.py", encoding="utf-8") as config:
        return next(int(line.split("=")[1]) for line in config if line.startswith("workers ="))


def recovered() -> bool:
    table = processes()
    if not all(supervised(service, table) for service in SERVICES):
        return False
    master = main_pid("gunicorn")
    if sum(1 for p in table if p["ppid"] == master) != workers_wanted():
        return False
    release = os.path.basename(os.readlink("/var/lib/inferops/current"))
    status, headers, _ = call("GET", "/", timeout=5)
    return (
        status == 200
        and headers.get("x-inferops-release") == release
        and call("POST", "/score", BODY)[0] == 200
    )


def target_pid(target: str, table: list[dict]) -> int | None:
    if target.startswith("runsv "):
        return next((p["pid"] for p in table if p["args"] == target), None)
    if target.startswith("svlogd "):
        runsv = next((p["pid"] for p in table if p["args"] == "runsv " + target.split()[1]), None)
        log_runsv = next((p["pid"] for p in table if p["args"] == "runsv log" and p["ppid"] == runsv), None)
        return next((p["pid"] for p in table if p["ppid"] == log_runsv), None)
    if target == "gunicorn worker":
        master = main_pid("gunicorn")
        return next((p["pid"] for p in table if master and p["ppid"] == master), None)
    if target == "nginx worker":
        master = main_pid("nginx")
        return next((p["pid"] for p in table if master and p["ppid"] == master), None)
    return main_pid(target.split()[0])


def kill(target: str) -> dict:
    deadline = time.monotonic() + 60
    while not recovered():
        if time.monotonic() > deadline:
            return {"error": "the endpoint was not fully supervised before the kill"}
        time.sleep(0.2)
    victim = target_pid(target, processes())
    prober = Prober()
    prober.start()
    time.sleep(1)
    killed_at = time.monotonic()
    os.kill(victim, 9)
    back_at = None
    while time.monotonic() < killed_at + 60:
        current = target_pid(target, processes())
        if current not in (None, victim) and recovered():
            back_at = time.monotonic()
            break
        time.sleep(INTERVAL_S)
    time.sleep(1)
    return {"recovery_s": None if back_at is None else round(back_at - killed_at, 3), **prober.stop()}


def pids() -> dict[str, int | None]:
    return {service: main_pid(service) for service in SERVICES}


def raw(payload: bytes, read_s: float = 30) -> str:
    """Send bytes as they are; the status line nginx answers (or what happened)."""
    with socket.create_connection((URL_HOST, PORT), timeout=read_s) as connection:
        try:
            connection.sendall(payload)
            answer = connection.recv(200)
        except OSError as error:
            return type(error).__name__
    return answer.split(b"\r\n")[0].decode(errors="replace") or "closed"


def big_body() -> str:
    """200 MB announced and streamed: nginx refuses it after the headers (client_max_body_size)."""
    size = 200 * 1024 * 1024
    head = (
        f"POST /score HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        f"Authorization: {HEADERS.get('Authorization', '')}\r\nContent-Length: {size}\r\n\r\n"
    ).encode()
    with socket.create_connection((URL_HOST, PORT), timeout=30) as connection:
        connection.sendall(head)
        chunk = b" " * (1024 * 1024)
        try:
            for _ in range(200):
                connection.sendall(chunk)
        except OSError as error:
            sent_error = type(error).__name__
        else:
            sent_error = "all sent"
        try:
            answer = connection.recv(200).split(b"\r\n")[0].decode(errors="replace")
        except OSError as error:
            answer = type(error).__name__
    return f"{answer} ({sent_error})"


def slowloris(connections: int = 200, seconds: float = 10) -> str:
    """Many connections each sending a header line now and then, never finishing."""
    sockets = []
    for _ in range(connections):
        try:
            opened = socket.create_connection((URL_HOST, PORT), timeout=5)
            opened.sendall(b"POST /score HTTP/1.1\r\nHost: x\r\n")
            sockets.append(opened)
        except OSError:
            break
    prober = Prober()
    prober.start()
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        for opened in sockets:
            with contextlib.suppress(OSError):
                opened.sendall(b"X-a: b\r\n")
        time.sleep(1)
    figures = prober.stop()
    for opened in sockets:
        opened.close()
    return f"{len(sockets)} held open {seconds:.0f} s; meanwhile POST /score: {figures['statuses']}"


def burst(requests: int = 3000, concurrency: int = 64) -> str:
    start = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(concurrency) as pool:
        answers = pool.map(lambda _: str(call("POST", "/score", BODY)[0]), range(requests))
        statuses = collections.Counter(answers)
    return f"{dict(statuses)} in {time.monotonic() - start:.1f} s"


def first_line(answer: tuple) -> str:
    status, _, body = answer
    return f"{status} {body[:120].decode(errors='replace')}"


HOSTILE = {
    "invalid JSON": lambda: first_line(call("POST", "/score", b'{"data": [1, 2')),
    "non-UTF-8 body": lambda: first_line(call("POST", "/score", b"\xff\xfe\xfa\x00\x81")),
    "empty body": lambda: first_line(call("POST", "/score", b"")),
    "10k-deep JSON": lambda: first_line(call("POST", "/score", b"[" * 10000 + b"]" * 10000)),
    "200 MB body": big_body,
    "32 KB header": lambda: first_line(call("POST", "/score", BODY, {"X-Big": "a" * 32768})),
    "300 headers": lambda: first_line(call("POST", "/score", BODY, {f"X-H{i}": "v" for i in range(300)})),
    "200 slowloris connections": slowloris,
    "3,000-request burst at concurrency 64": burst,
}


def hostile(name: str) -> dict:
    before = pids()
    started = time.monotonic()
    answer = HOSTILE[name]()
    took = time.monotonic() - started
    up = call("GET", "/", timeout=5)[0] == 200 and call("POST", "/score", BODY)[0] == 200
    return {"answer": answer, "seconds": round(took, 2), "up": up, "restarted": before != pids()}


def oom(megabytes: str) -> dict:
    """One request allocates past the container's memory limit: the OOM killer ends its worker."""
    workers_before = {p["pid"] for p in processes() if p["ppid"] == main_pid("gunicorn")}
    prober = Prober()
    prober.start()
    time.sleep(1)
    sent_at = time.monotonic()
    answer = first_line(
        call("POST", "/score", json.dumps({"allocate_mb": int(megabytes)}).encode(), timeout=120)
    )
    back_at = None
    while time.monotonic() < sent_at + 120:
        workers = {p["pid"] for p in processes() if p["ppid"] == main_pid("gunicorn")}
        if workers != workers_before and recovered():
            back_at = time.monotonic()
            break
        time.sleep(INTERVAL_S)
    time.sleep(1)
    replaced = len(workers_before - {p["pid"] for p in processes()})
    return {
        "answer": answer,
        "workers_replaced": replaced,
        "recovery_s": None if back_at is None else round(back_at - sent_at, 3),
        **prober.stop(),
    }


if __name__ == "__main__":
    action, argument = sys.argv[1], sys.argv[2]
    result = {"kill": kill, "hostile": hostile, "oom": oom}[action](argument)
    print(json.dumps(result))
