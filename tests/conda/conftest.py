"""The conda engine against the test channel: built once per run, served over HTTP on loopback."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ENGINE = ROOT / "roles" / "python_env" / "files"
sys.path.insert(0, str(ROOT / "tests" / "channel"))

import build_channel  # noqa: E402
import serve  # noqa: E402


@pytest.fixture(scope="session")
def test_channel() -> Path:
    """Folder with conda-forge/ (the channel) and wheels/ (a pip wheelhouse)."""
    built = os.environ.get("INFEROPS_TEST_CHANNEL")
    return Path(built) if built else build_channel.build(ROOT / ".cache" / "test-channel")


@pytest.fixture(scope="session")
def channel_url(test_channel):
    """Base URL of the served channel folder, e.g. http://127.0.0.1:PORT (conda-forge/ below it)."""
    server = serve.server(str(test_channel), 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def env_id(request: dict) -> str:
    identity = {key: request.get(key) for key in ("channels", "dependencies", "pip", "channel_alias")}
    return hashlib.sha256(json.dumps(identity, sort_keys=True).encode()).hexdigest()[:12]


@pytest.fixture
def engine(tmp_path, channel_url):
    """Run ``python -m inferops_conda ensure`` as the module does; return (status, report)."""

    def run(dependencies, check: bool = False, **fields):
        request = {
            "root": str(tmp_path / "conda"),
            "name": "test",
            "channels": ["conda-forge"],
            "dependencies": dependencies,
            "mirrors": {"conda-forge": [f"{channel_url}/conda-forge"]},
            **fields,
        }
        request.setdefault("id", env_id(request))
        command = [sys.executable, "-m", "inferops_conda", "ensure"] + (["--check"] if check else [])
        result = subprocess.run(
            command,
            input=json.dumps(request),
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONPATH": str(ENGINE)},
            timeout=600,
        )
        return result.returncode, json.loads(result.stdout)

    return run


def run_in(report: dict, code: str) -> str:
    """Run Python code with the environment's interpreter; return its output."""
    result = subprocess.run([report["python"], "-c", code], capture_output=True, text=True, check=True)
    return result.stdout.strip()
