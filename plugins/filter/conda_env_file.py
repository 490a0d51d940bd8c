"""conda_env_file: read a conda environment file on the controller, or say exactly what is wrong."""

from __future__ import annotations

DOCUMENTATION = r"""
name: conda_env_file
short_description: Parse a conda environment file (environment.yml) into what the conda engine needs
description:
  - Reads the file on the controller and checks its shape, so a broken file fails the play before
    anything on a host changes, with the file, line and entry to fix.
  - Returns C(name), C(channels), C(dependencies) (conda match specs), C(pip) (lines of the
    C(pip:) section) and C(variables) (environment variables the file sets).
options:
  _input:
    description: Controller path of the environment file.
    type: path
    required: true
"""

EXAMPLES = r"""
spec: "{{ 'files/conda.yml' | inferops.scoring.conda_env_file }}"
"""

RETURN = r"""
_value:
  description: The environment as a dict with name, channels, dependencies, pip and variables.
  type: dict
"""

import yaml
from ansible.errors import AnsibleFilterError


class EnvironmentFileError(ValueError):
    pass


def _strings(values, where: str) -> list[str]:
    if not isinstance(values, list):
        raise EnvironmentFileError(f"{where} must be a list, not {type(values).__name__}")
    for position, value in enumerate(values, 1):
        if not isinstance(value, str) or not value.strip():
            raise EnvironmentFileError(f"entry {position} of {where} ({value!r}) must be a non-empty string")
    return [value.strip() for value in values]


def parse(text: str) -> dict:
    """The environment of an environment file's text; raises EnvironmentFileError naming the fault."""
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise EnvironmentFileError(f"it is not valid YAML: {error}") from None
    if not isinstance(document, dict):
        raise EnvironmentFileError("it must be a YAML mapping with at least a dependencies: list")
    dependencies, pip = [], []
    entries = document.get("dependencies")
    if not isinstance(entries, list) or not entries:
        raise EnvironmentFileError("dependencies: must be a non-empty list (python, pip, your packages)")
    for position, entry in enumerate(entries, 1):
        if isinstance(entry, dict):
            if set(entry) != {"pip"}:
                raise EnvironmentFileError(
                    f"entry {position} of dependencies is a mapping with {sorted(entry)}; "
                    "only pip: is allowed"
                )
            pip += _strings(entry["pip"], "the pip: section")
        elif isinstance(entry, str) and entry.strip():
            dependencies.append(entry.strip())
        else:
            raise EnvironmentFileError(
                f"entry {position} of dependencies ({entry!r}) must be a conda package spec such as "
                "'numpy=1.26' (quote versions YAML reads as numbers)"
            )
    variables = document.get("variables") or {}
    if not isinstance(variables, dict) or not all(
        isinstance(value, (str, int, float, bool)) for value in variables.values()
    ):
        raise EnvironmentFileError("variables: must map names to plain values")
    name = document.get("name") or "env"
    return {
        "name": str(name),
        "channels": _strings(document.get("channels") or [], "channels:"),
        "dependencies": dependencies,
        "pip": pip,
        "variables": {str(key): str(value) for key, value in variables.items()},
    }


def conda_env_file(path: str) -> dict:
    try:
        with open(path, encoding="utf-8") as handle:
            return parse(handle.read())
    except OSError as error:
        raise AnsibleFilterError(f"cannot read the conda environment file {path}: {error.strerror}") from None
    except (EnvironmentFileError, UnicodeDecodeError) as error:
        raise AnsibleFilterError(
            f"the conda environment file {path} (python_env_conda_file) is not usable: {error}"
        ) from None


class FilterModule:
    def filters(self):
        return {"conda_env_file": conda_env_file}
