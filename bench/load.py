"""Load from wrk, parsed into numbers: requests per second, latency percentiles, errors."""

from __future__ import annotations

import re
import signal
import subprocess
import tempfile
from contextlib import contextmanager

from keys import AUTHORIZATION

# A POST with a JSON body; wrk sends GET without a script. Every request carries the key.
POST_SCRIPT = """
wrk.method = "POST"
wrk.body = '{body}'
wrk.headers["Content-Type"] = "application/json"
"""
KEY_SCRIPT = f'wrk.headers["Authorization"] = "{AUTHORIZATION["Authorization"]}"\n'


@contextmanager
def _started(url: str, connections: int, seconds: float, body: str, netns_pid: int, close: bool = False):
    """wrk running against ``url`` (POSTing ``body`` if given); inside the network namespace of
    process ``netns_pid`` if given, so a container's loopback is reached without port forwarding;
    with ``close``, a new connection per request instead of keep-alive."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as script:
        script.write(POST_SCRIPT.format(body=body) if body else "")
        script.write(KEY_SCRIPT)
        script.write('wrk.headers["Connection"] = "close"\n' if close else "")
        script.flush()
        command = ["wrk", "-t", str(min(2, connections)), "-c", str(connections), "-d", f"{seconds}s"]
        command += ["--latency", "-s", script.name, url]
        if netns_pid:
            command = ["nsenter", f"--net=/proc/{netns_pid}/ns/net", *command]
        with subprocess.Popen(command, stdout=subprocess.PIPE, text=True) as process:
            yield process


def wrk(
    url: str, connections: int, seconds: float, body: str = "", netns_pid: int = 0, close: bool = False
) -> dict:
    """Load ``url`` for ``seconds``; the figures of the run."""
    with _started(url, connections, seconds, body, netns_pid, close) as process:
        output = process.communicate()[0]
    if process.returncode:
        raise subprocess.CalledProcessError(process.returncode, process.args, output)
    return parse(output)


@contextmanager
def until_stopped(url: str, connections: int, body: str = "", netns_pid: int = 0):
    """Load ``url`` while the block runs; the figures land in the yielded dict when it ends
    (wrk prints them on SIGINT)."""
    figures: dict = {}
    with _started(url, connections, 3600, body, netns_pid) as process:
        yield figures
        process.send_signal(signal.SIGINT)
        figures.update(parse(process.communicate(timeout=30)[0]))


def parse(output: str) -> dict:
    def latency_ms(percent: str) -> float:
        value, unit = re.search(rf"^\s+{percent}%\s+([\d.]+)(us|ms|s)\s*$", output, re.M).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    errors = (int(non_2xx.group(1)) if non_2xx else 0) + (
        sum(map(int, socket_errors.groups())) if socket_errors else 0
    )
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "requests": int(re.search(r"(\d+) requests in", output).group(1)),
        "p50": latency_ms("50"),
        "p99": latency_ms("99"),
        "errors": errors,
    }
