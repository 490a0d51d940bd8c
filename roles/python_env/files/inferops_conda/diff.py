"""What changes between two environments, package by package."""

from __future__ import annotations

from .conda import Package


def contents(conda: list[Package], pip: dict[str, str]) -> dict[str, str]:
    """Package -> what is installed of it; pip's packages carry a "(pip)" mark of their own."""
    table = {package.name: f"{package.version} {package.build} ({package.source})" for package in conda}
    table.update({f"{name} (pip)": version for name, version in pip.items()})
    return table


def compare(before: dict[str, str], after: dict[str, str]) -> dict:
    return {
        "added": sorted(set(after) - set(before)),
        "removed": sorted(set(before) - set(after)),
        "updated": [
            {"name": name, "before": before[name], "after": after[name]}
            for name in sorted(set(before) & set(after))
            if before[name] != after[name]
        ],
    }


def text(table: dict[str, str]) -> str:
    return "".join(f"{name} {value}\n" for name, value in sorted(table.items()))
