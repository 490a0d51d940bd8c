"""Load from wrk, parsed into numbers: requests per second, latency percentiles, errors."""

from __future__ import annotations

import re
import subprocess
import tempfile

# A POST with a JSON body; wrk sends GET without a script.
POST_SCRIPT = """
wrk.method = "POST"
wrk.body = '{body}'
wrk.headers["Content-Type"] = "application/json"
"""


def wrk(url: str, connections: int, seconds: float, body: str = "", netns_pid: int = 0) -> dict:
    """Run wrk against ``url``; inside the network namespace of process ``netns_pid`` if given,
    so a container's loopback is reached without any port forwarding in the path."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as script:
        script.write(POST_SCRIPT.format(body=body) if body else "")
        script.flush()
        command = ["wrk", "-t", str(min(2, connections)), "-c", str(connections), "-d", f"{seconds}s"]
        command += ["--latency", "-s", script.name, url]
        if netns_pid:
            command = ["nsenter", f"--net=/proc/{netns_pid}/ns/net", *command]
        output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    return parse(output)


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
