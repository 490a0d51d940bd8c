"""How long the conda backend takes to build the example's environment, against venv + pip.

    bench/conda_env.sh [--runs 3]

The conda engine (as the python_env role runs it on a host) builds examples/linear/conda.yml plus
the server's packages from the test channel, served on loopback as a conda-forge mirror: cold (an
empty package cache), a no-op rerun, and a new environment with a warm cache. The reference is
what a requirements.txt user gets: `python -m venv` and `pip install` of the same packages from a
local wheelhouse. Both read from loopback, so the figures are the tools' own cost, not a network's.
Each figure is the median of --runs runs.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "channel"))
sys.path.insert(0, str(ROOT / "plugins" / "plugin_utils"))

import build_channel  # noqa: E402
import serve  # noqa: E402
from conda_file import parse  # noqa: E402

ENGINE = ROOT / "roles" / "python_env" / "files"
SERVER_PACKAGES = ["flask>=2.2", "gunicorn>=20.1"]


def timed(command: list[str], **kwargs) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, text=True, **kwargs)
    return time.perf_counter() - start


def engine(root: Path, spec: dict, mirror: str, env_id: str) -> float:
    request = {
        "root": str(root),
        "id": env_id,
        "name": spec["name"],
        "channels": spec["channels"],
        "dependencies": spec["dependencies"],
        "pip": spec["pip"],
        "mirrors": {"conda-forge": [mirror]},
    }
    command = [sys.executable, "-m", "inferops_conda", "ensure"]
    return timed(command, input=json.dumps(request), env={**os.environ, "PYTHONPATH": str(ENGINE)})


def venv_pip(folder: Path, packages: list[str], wheels: Path) -> float:
    start = time.perf_counter()
    if not folder.exists():
        subprocess.run([sys.executable, "-m", "venv", str(folder)], check=True)
    pip = [str(folder / "bin" / "python"), "-m", "pip", "install", "--quiet", "--no-index"]
    subprocess.run([*pip, "--find-links", str(wheels), *packages], check=True, capture_output=True)
    return time.perf_counter() - start


def one_run(channel: Path, mirror: str, spec: dict) -> dict[str, tuple[float, float]]:
    # The example's conda specs other than python and pip read the same to pip (name>=version).
    pip_packages = [d for d in spec["dependencies"] if not d.startswith(("python", "pip"))]
    with tempfile.TemporaryDirectory(prefix="inferops-bench-") as work:
        root, venv = Path(work) / "conda", Path(work) / "venv"
        cold = engine(root, spec, mirror, "cold00000001"), venv_pip(venv, pip_packages, channel / "wheels")
        noop = engine(root, spec, mirror, "cold00000001"), venv_pip(venv, pip_packages, channel / "wheels")
        changed = {**spec, "dependencies": [*spec["dependencies"], "six"]}
        shutil.rmtree(venv)
        warm = (
            engine(root, changed, mirror, "warm00000002"),
            venv_pip(venv, [*pip_packages, "six"], channel / "wheels"),
        )
    return {"create, cold cache": cold, "no-op rerun": noop, "new spec, warm cache": warm}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    channel = build_channel.build(ROOT / ".cache" / "test-channel")
    spec = parse((ROOT / "examples/linear/conda.yml").read_text())
    spec["dependencies"] += SERVER_PACKAGES
    server = serve.server(str(channel), 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    mirror = f"http://127.0.0.1:{server.server_address[1]}/conda-forge"
    runs = [one_run(channel, mirror, spec) for _ in range(args.runs)]
    server.shutdown()

    print(
        f"# conda environment of examples/linear: {platform.node()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}, py-rattler {_version('py-rattler')}"
    )
    print(f"# {', '.join(spec['dependencies'])}; median of {args.runs} runs")
    print()
    print("| step | conda engine s | venv + pip s | engine / pip |")
    print("|---|---:|---:|---:|")
    for step in runs[0]:
        ours = statistics.median(run[step][0] for run in runs)
        reference = statistics.median(run[step][1] for run in runs)
        print(f"| {step} | {ours:.2f} | {reference:.2f} | {ours / reference:.2f}x |")


def _version(name: str) -> str:
    from importlib.metadata import version

    return version(name)


if __name__ == "__main__":
    main()
