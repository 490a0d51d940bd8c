"""Containers as this machine runs them, for the Packer test and the benchmarks alike."""

from __future__ import annotations

import os
import socket
import subprocess
import time
from contextlib import contextmanager

# crun and the default limits fail on this machine's cgroup setup (containers.conf says the same
# for containers that podman starts on another tool's behalf).
RUN_OPTIONS = ["--runtime", "runc", "--ulimit", "nofile=20000:20000", "--ulimit", "nproc=4096:4096"]


def podman(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(["podman", *args], capture_output=True, text=True, check=check)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def running(
    image: str,
    *command: str,
    prefix: str = "inferops",
    publish: tuple[int, ...] = (),
    options: tuple[str, ...] = (),
):
    """Run ``image`` detached, 5001 (and ``publish``) on loopback ports, with more ``options`` for
    podman run; yield (name, base URL of 5001, start time); remove the container afterwards."""
    name, port = f"{prefix}-{os.getpid()}-{free_port()}", free_port()
    ports = ["-p", f"127.0.0.1:{port}:5001", *(f"--publish=127.0.0.1::{extra}" for extra in publish)]
    start = time.monotonic()
    podman("run", "-d", "--name", name, *ports, *RUN_OPTIONS, *options, image, *command)
    try:
        yield name, f"http://127.0.0.1:{port}", start
    finally:
        podman("rm", "-f", "-t", "0", name, check=False)
