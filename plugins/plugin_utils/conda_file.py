"""A conda environment file (environment.yml, conda.yml), read into what the conda engine needs."""

from __future__ import annotations

import yaml


class EnvironmentFileError(ValueError):
    """The file's text cannot be used; the message says which entry and why."""


def _strings(values, where: str) -> list[str]:
    if not isinstance(values, list):
        raise EnvironmentFileError(f"{where} must be a list, not {type(values).__name__}")
    for position, value in enumerate(values, 1):
        if not isinstance(value, str) or not value.strip():
            raise EnvironmentFileError(f"entry {position} of {where} ({value!r}) must be a non-empty string")
    return [value.strip() for value in values]


def parse(text: str) -> dict:
    """The environment of an environment file's text: name, channels, dependencies (conda match
    specs), pip (lines of its pip: section) and variables."""
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


def read(path: str, variable: str) -> dict:
    """The environment of the file at ``path``; EnvironmentFileError names ``variable``."""
    try:
        with open(path, encoding="utf-8") as handle:
            return parse(handle.read())
    except OSError as error:
        raise EnvironmentFileError(
            f"cannot read the conda environment file {path} ({variable}): {error.strerror}"
        ) from None
    except (EnvironmentFileError, UnicodeDecodeError) as error:
        raise EnvironmentFileError(
            f"the conda environment file {path} ({variable}) is not usable: {error}"
        ) from None
