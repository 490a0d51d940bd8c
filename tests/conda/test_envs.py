"""Which environments are in use, even where a process's exe link cannot be read."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "roles" / "python_env" / "files"))

from inferops_conda import envs


@pytest.fixture
def running_from(tmp_path):
    """A process whose command line starts with <envs>/serving-1/bin/python."""
    python = tmp_path / "envs" / "serving-1" / "bin" / "python"
    python.parent.mkdir(parents=True)
    # A copy, not a link: the exe link of a process names the file it really runs.
    shutil.copy2(os.path.realpath(sys.executable), python)
    code = "import time; print('ready', flush=True); time.sleep(60)"
    process = subprocess.Popen([str(python), "-c", code], stdout=subprocess.PIPE, text=True)
    assert process.stdout.readline() == "ready\n"  # it runs our copy now, not its parent's Python
    yield tmp_path / "envs"
    process.kill()
    process.wait()


def test_an_environment_a_process_runs_from_is_in_use(running_from):
    assert envs.in_use(running_from) == {running_from / "serving-1"}


def test_the_command_line_tells_when_the_exe_link_is_unreadable(running_from, monkeypatch):
    # A container's root lacks the ptrace right that reading another user's exe link needs.
    def refuse(path):
        raise PermissionError(path)

    monkeypatch.setattr(os, "readlink", refuse)
    assert envs.in_use(running_from) == {running_from / "serving-1"}
