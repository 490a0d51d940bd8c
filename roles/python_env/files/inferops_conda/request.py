"""What the module asks for: one environment, described engine-neutrally, and where to build it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from . import EngineError


@dataclass(frozen=True)
class Request:
    root: Path
    # Stands for what the environment is built from. The caller decides what counts (the role
    # hashes specs, channels and platform, not mirrors); an environment is never rebuilt under one.
    env_id: str
    name: str
    channels: list[str]
    dependencies: list[str]
    pip: list[str] = field(default_factory=list)
    pip_args: list[str] = field(default_factory=list)
    channel_alias: str = "https://conda.anaconda.org"
    mirrors: dict[str, list[str]] = field(default_factory=dict)
    keep: int = 2

    @classmethod
    def from_json(cls, data: dict) -> Request:
        def strings(key: str) -> list[str]:
            value = data.get(key) or []
            if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
                raise EngineError(f"{key} must be a list of strings, not {value!r}")
            return value

        mirrors = data.get("mirrors") or {}
        if not isinstance(mirrors, dict) or not all(
            isinstance(urls, list) and all(isinstance(url, str) for url in urls) for urls in mirrors.values()
        ):
            raise EngineError(f"mirrors must map a channel to a list of mirror URLs, not {mirrors!r}")
        if not re.fullmatch(r"[A-Za-z0-9]{6,64}", str(data.get("id", ""))):
            raise EngineError(f"id must be 6-64 letters and digits, not {data.get('id')!r}")
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", str(data.get("name", ""))):
            raise EngineError(f"name must be letters, digits, '.', '_' or '-', not {data.get('name')!r}")
        if not strings("dependencies"):
            raise EngineError("the environment has no dependencies: list at least python")
        return cls(
            root=Path(data["root"]),
            env_id=data["id"],
            name=data["name"],
            channels=strings("channels"),
            dependencies=strings("dependencies"),
            pip=strings("pip"),
            pip_args=strings("pip_args"),
            channel_alias=data.get("channel_alias") or "https://conda.anaconda.org",
            mirrors=mirrors,
            keep=max(1, int(data.get("keep", 2))),
        )
