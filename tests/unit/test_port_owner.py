"""port_owner finds who listens on a port from /proc alone."""

import importlib.util
import os
import socket
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("port_owner", ROOT / "plugins/modules/port_owner.py")
port_owner = importlib.util.module_from_spec(spec)
sys.modules["port_owner"] = port_owner
spec.loader.exec_module(port_owner)


@pytest.fixture
def listener():
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    yield server.getsockname()[1]
    server.close()


def test_listening_port_is_found_with_this_process(listener):
    processes = port_owner.holders(port_owner.listening_inodes(listener))
    assert os.getpid() in [process["pid"] for process in processes]


def test_process_outside_runit_has_no_supervisor(listener):
    processes = port_owner.holders(port_owner.listening_inodes(listener))
    assert {process["supervisor"] for process in processes} == {""}


def test_closed_port_has_no_listener(listener):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        free = probe.getsockname()[1]
    assert port_owner.listening_inodes(free) == set()
