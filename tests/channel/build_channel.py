"""Build the conda test channel: no conda channel is reachable here, so make one at test time.

    python tests/channel/build_channel.py [--out .cache/test-channel]

Prints the folder that holds ``conda-forge/`` (the channel, indexed, with ``noarch`` and
``linux-64``) and ``wheels/`` (the same packages as wheels, a pip wheelhouse). Its contents:

- ``python`` for every pyenv build of the versions in PYTHONS (see relocatable_python.py);
- the wheels of packages.txt (with their dependencies) and older-versions.txt, downloaded from
  PyPI for each of those Pythons and converted (see wheel_package.py).

The result is keyed by a hash of its inputs, so one test run builds it once; nothing is committed.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import relocatable_python
import wheel_package

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
PYTHONS = ["3.10", "3.11"]
PYENV = Path.home() / ".pyenv" / "versions"
# manylinux tags this machine's glibc (2.36) runs, newest first.
PLATFORMS = ["manylinux_2_28_x86_64", "manylinux_2_17_x86_64", "manylinux2014_x86_64", "manylinux1_x86_64"]


def pyenv_build(version: str) -> Path:
    candidates = sorted(PYENV.glob(f"{version}.*"), key=lambda path: [int(p) for p in path.name.split(".")])
    usable = [path for path in candidates if (path / "lib" / f"libpython{version}.so.1.0").exists()]
    if not usable:
        raise SystemExit(f"no shared-library pyenv build of Python {version} under {PYENV}")
    return usable[-1]


def download(version: str, requirements: Path, target: Path, no_deps: bool = False) -> None:
    abi = f"cp{version.replace('.', '')}"
    command = [sys.executable, "-m", "pip", "download", "--quiet", "--only-binary=:all:"]
    command += ["--dest", str(target)]
    command += ["--python-version", version, "--implementation", "cp", "--abi", abi]
    command += [f"--platform={platform}" for platform in PLATFORMS]
    command += ["--no-deps"] if no_deps else []
    subprocess.run([*command, "--requirement", str(requirements)], check=True)


def fingerprint(pythons: dict[str, Path]) -> str:
    digest = hashlib.sha256()
    for path in sorted(HERE.glob("*.py")) + sorted(HERE.glob("*.txt")):
        digest.update(path.name.encode() + path.read_bytes())
    digest.update(" ".join(str(path) for path in pythons.values()).encode())
    return digest.hexdigest()[:12]


def build(out: Path) -> Path:
    pythons = {version: pyenv_build(version) for version in PYTHONS}
    result = out / fingerprint(pythons)
    if (result / ".complete").exists():
        return result
    shutil.rmtree(result, ignore_errors=True)
    channel, wheels = result / "conda-forge", result / "wheels"
    with tempfile.TemporaryDirectory(prefix="inferops-channel-") as work:
        workdir = Path(work)
        for version in PYTHONS:
            download(version, HERE / "packages.txt", wheels)
            download(version, HERE / "older-versions.txt", wheels, no_deps=True)
        for prefix in pythons.values():
            relocatable_python.build(prefix, channel, workdir)
        for wheel in sorted(wheels.glob("*.whl")):
            wheel_package.convert(wheel, channel, workdir, PYTHONS)
    (channel / "noarch").mkdir(exist_ok=True)

    from rattler.index import index_fs  # in the test tools' venv, as the engine it tests

    asyncio.run(index_fs(channel))
    (result / ".complete").write_text("")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / ".cache" / "test-channel")
    print(build(parser.parse_args().out))


if __name__ == "__main__":
    main()
