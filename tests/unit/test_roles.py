"""Every role documents what a user may set, the same way in defaults, argument specs and README."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
ROLES = sorted(path for path in (ROOT / "roles").iterdir() if path.is_dir())


def load(path: Path) -> dict:
    return yaml.safe_load(path.read_text()) or {}


@pytest.mark.parametrize("role", ROLES, ids=lambda path: path.name)
def test_argument_specs_match_the_defaults(role):
    entries = load(role / "meta" / "argument_specs.yml")["argument_specs"].values()
    options = {name: option for entry in entries for name, option in (entry.get("options") or {}).items()}
    defaults = load(role / "defaults" / "main.yml")
    specified = {
        name: option.get("default") for name, option in options.items() if not option.get("required")
    }
    assert specified == {name: value for name, value in defaults.items() if name in specified}
    assert set(defaults) - set(options) == set(), "variables in defaults/main.yml without an argument spec"


@pytest.mark.parametrize("role", ROLES, ids=lambda path: path.name)
def test_every_public_variable_carries_the_role_prefix(role):
    specs = load(role / "meta" / "argument_specs.yml")["argument_specs"]
    prefix = role.name.lstrip("_") + "_"
    for entry in specs.values():
        for name in entry.get("options") or {}:
            assert name.lstrip("_").startswith(prefix), f"{role.name}: {name} lacks the prefix {prefix}"


@pytest.mark.parametrize("role", ROLES, ids=lambda path: path.name)
def test_derived_variables_carry_the_private_prefix(role):
    derived = load(role / "vars" / "main.yml") if (role / "vars" / "main.yml").exists() else {}
    prefix = "_" + role.name.lstrip("_") + "_"
    assert [name for name in derived if not name.startswith(prefix)] == []


def test_role_readmes_show_the_argument_specs():
    result = subprocess.run(
        [sys.executable, str(ROOT / "tests/tools/role_docs.py")], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout
