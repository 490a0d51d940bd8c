"""The ``pip:`` section of an environment file, installed with the environment's own pip."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from . import EngineError

# Lists what pip (not conda) installed; runs in the environment's Python, any version from 3.8.
PIP_INSTALLED = """
import importlib.metadata as metadata, json
print(json.dumps({
    dist.metadata["Name"].lower().replace("_", "-"): dist.version
    for dist in metadata.distributions()
    if (dist.read_text("INSTALLER") or "").strip() == "pip"
}))
"""

REQUIREMENTS_FILE = "inferops-pip-requirements.txt"


def install(prefix: Path, requirements: list[str], args: list[str]) -> None:
    """pip install the section, as conda does: a requirements file, so option lines work too.
    pip's own configuration (pip.conf, PIP_* variables) applies, then ``args``."""
    requirements_file = prefix / REQUIREMENTS_FILE
    requirements_file.write_text("".join(line + "\n" for line in requirements))
    command = [str(prefix / "bin" / "python"), "-m", "pip", "install", "--no-input"]
    command += ["--disable-pip-version-check", "--no-warn-script-location"]
    command += ["-r", str(requirements_file), *args]
    # Read by the pip versions that know it, ignored by older ones (a flag would fail them).
    environment = {**os.environ, "PIP_ROOT_USER_ACTION": "ignore"}
    result = subprocess.run(command, capture_output=True, text=True, env=environment)
    if result.returncode != 0:
        output = (result.stdout + result.stderr).strip().splitlines()
        raise EngineError(
            "pip could not install the pip: section ("
            + ", ".join(requirements)
            + "):\n"
            + "\n".join(output[-25:])
        )


def installed(prefix: Path) -> dict[str, str]:
    python = prefix / "bin" / "python"
    if not python.exists():
        return {}
    result = subprocess.run([str(python), "-c", PIP_INSTALLED], capture_output=True, text=True)
    if result.returncode != 0:
        raise EngineError(f"cannot list the pip packages of {prefix}: {result.stderr.strip()}")
    return json.loads(result.stdout)
