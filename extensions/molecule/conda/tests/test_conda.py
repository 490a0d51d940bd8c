"""The server runs the conda environment built from the example's conda file; edits build a new
environment and move the server to it; a file that cannot be built leaves the server as it was."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

PROJECT = Path(os.environ["MOLECULE_PROJECT_DIRECTORY"])
ENVS = "/opt/inferops/conda/envs"
# The example's file with Python 3.10 instead of 3.11 and a pip: section.
EDITED = """name: linear-example
channels: [conda-forge]
dependencies:
  - python=3.10
  - pip
  - inference-schema>=1.5
  - pip:
      - idna==3.7
"""


def server_python(host) -> str:
    """The interpreter the gunicorn master runs: the first word of its command line (reading its
    exe link needs ptrace rights the container's root lacks)."""
    runsv = host.process.get(comm="runsv", args="runsv gunicorn")
    master = next(process for process in host.process.filter(ppid=runsv.pid) if process.comm != "svlogd")
    return host.file(f"/proc/{master.pid}/cmdline").content.split(b"\0")[0].decode()


def python_version(host, python: str) -> str:
    return host.run("%s -c 'import sys; print(*sys.version_info[:2], sep=\".\")'", python).stdout.strip()


def env_folders(host) -> list[str]:
    return sorted(host.run("ls %s", ENVS).stdout.split())


@pytest.fixture
def conda_file(tmp_path):
    def write(text: str) -> str:
        path = tmp_path / "conda.yml"
        path.write_text(text)
        return str(path)

    return write


def test_the_server_runs_the_environment_built_from_the_conda_file(host, score_example):
    python = server_python(host)
    assert python.startswith(f"{ENVS}/linear-example-") and python_version(host, python) == "3.11"
    prefix = python.rsplit("/bin/", 1)[0]
    assert host.run("readlink %s/current", ENVS).stdout.strip() == prefix.rsplit("/", 1)[1]
    assert host.run("%s/bin/python -c 'import inference_schema, flask, gunicorn'", prefix).rc == 0
    assert score_example()["status"] == 200


def test_the_engine_came_through_the_controllers_cache(host):
    assert list((PROJECT / ".cache/controller").glob("py-rattler-0.28.0-*/py_rattler-0.28.0-*.whl"))
    assert host.run("ls /opt/inferops/conda/engine/wheels/py_rattler-0.28.0-*.whl").rc == 0


def test_check_mode_shows_the_package_changes_and_changes_nothing(host, deploy, conda_file):
    before = server_python(host)
    result = deploy("--check", "--diff", endpoint_conda_file=conda_file(EDITED))
    assert result.returncode == 0, result.stdout[-3000:]
    assert "-python 3.11.7" in result.stdout and "+python 3.10.13" in result.stdout
    assert "+idna==3.7 (pip) requested" in result.stdout
    assert server_python(host) == before


def test_an_edited_file_moves_the_server_to_a_new_environment_and_back(
    host, deploy, conda_file, score_example
):
    first = server_python(host)
    result = deploy(endpoint_conda_file=conda_file(EDITED))
    assert result.returncode == 0, result.stdout[-3000:]
    edited = server_python(host)
    assert edited != first and python_version(host, edited) == "3.10"
    assert host.run("%s -c 'import idna; assert idna.__version__ == \"3.7\"'", edited).rc == 0
    assert score_example()["status"] == 200
    # Going back to the first file reuses its environment: nothing is built again.
    result = deploy()
    assert result.returncode == 0, result.stdout[-3000:]
    assert server_python(host) == first
    assert len(env_folders(host)) == 3  # current, and the two environments (endpoint_conda_keep)


def test_an_unsolvable_file_fails_naming_the_package_and_the_server_keeps_serving(
    host, deploy, conda_file, score_example
):
    before = server_python(host)
    unsolvable = EDITED.replace("  - pip\n", "  - pip\n  - flask<1\n", 1)
    result = deploy(endpoint_conda_file=conda_file(unsolvable))
    assert result.returncode != 0
    assert "No candidates were found for flask <1" in result.stdout
    assert server_python(host) == before
    assert score_example()["status"] == 200


def test_a_failing_pip_section_leaves_no_environment_behind(host, deploy, conda_file, score_example):
    folders = env_folders(host)
    result = deploy(endpoint_conda_file=conda_file(EDITED.replace("idna==3.7", "no-such-package-inferops")))
    assert result.returncode != 0
    assert "pip could not install the pip: section (no-such-package-inferops)" in result.stdout
    assert env_folders(host) == folders
    assert score_example()["status"] == 200


def test_an_unparsable_file_fails_before_anything_changes(deploy, conda_file, score_example):
    result = deploy(endpoint_conda_file=conda_file("dependencies: [python=3.11\n"))
    assert result.returncode != 0
    assert "is not valid YAML" in result.stdout
    assert "changed=0" in result.stdout
    assert score_example()["status"] == 200
