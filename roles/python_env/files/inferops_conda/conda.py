"""Solve and install the conda part of an environment with py-rattler."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path

from . import EngineError, channels


@dataclass(frozen=True, order=True)
class Package:
    """One installed or planned package, as a diff shows it."""

    name: str
    version: str
    build: str
    source: str

    def line(self) -> str:
        return f"{self.name} {self.version} {self.build} ({self.source})"


def _source(channel: str | None) -> str:
    return (channel or "").rstrip("/").rsplit("/", 1)[-1] or "unknown"


def _network(mirrors: dict[str, list[str]], cache: Path):
    from rattler import Client, Config, Gateway

    config = Config.from_toml(channels.rattler_config_toml(mirrors))
    client = Client.from_config(config)
    return client, Gateway.from_config(config, cache_dir=cache, client=client)


def _unreachable(error: Exception, urls: list[str], mirrors: dict[str, list[str]]) -> EngineError:
    text = str(error)
    named = [url for url in urls if url in text or any(mirror in text for mirror in mirrors.get(url, []))]
    which = ", ".join(channels.describe(url, mirrors) for url in named or urls)
    first = text.splitlines()[0] if text else type(error).__name__
    if "304 Not Modified" in text:
        # conda/rattler#2719: a bare 304 cannot revalidate the cached repodata.
        first += " (the server answers 304 without ETag or Last-Modified: serve the channel"
        first += " with a standard web server)"
    return EngineError(f"channel {which} could not be read: {first}\n{text}")


def solve(specs: list[str], urls: list[str], mirrors: dict[str, list[str]], platform: str, cache: Path):
    """The records an environment of ``specs`` needs, or an error naming what is wrong."""
    from rattler import MatchSpec, VirtualPackage
    from rattler import solve as rattler_solve
    from rattler.exceptions import GatewayError, InvalidMatchSpecError, SolverError

    parsed = []
    for spec in specs:
        try:
            parsed.append(MatchSpec(spec))
        except InvalidMatchSpecError as error:
            raise EngineError(f"dependency {spec!r} is not a valid conda match spec: {error}") from None
    client, gateway = _network(mirrors, cache / "repodata")
    try:
        records = asyncio.run(
            rattler_solve(
                sources=urls,
                specs=parsed,
                gateway=gateway,
                platforms=[platform, "noarch"],
                virtual_packages=VirtualPackage.detect(),
            )
        )
    except SolverError as error:
        raise EngineError(
            f"the environment cannot be solved from {', '.join(urls)}:\n{error}".rstrip()
        ) from None
    except GatewayError as error:
        raise _unreachable(error, urls, mirrors) from None
    return records, client


def planned(records) -> list[Package]:
    return sorted(
        Package(record.name.normalized, str(record.version), record.build, _source(record.channel))
        for record in records
    )


def install(records, prefix: Path, client, cache: Path, urls, mirrors) -> None:
    from rattler import install as rattler_install
    from rattler.exceptions import GatewayError

    try:
        asyncio.run(
            rattler_install(
                records,
                target_prefix=prefix,
                cache_dir=cache / "pkgs",
                client=client,
                show_progress=False,
                execute_link_scripts=False,
            )
        )
    except GatewayError as error:
        raise _unreachable(error, urls, mirrors) from None
    except Exception as error:
        raise EngineError(f"installing the conda packages into {prefix} failed: {error}") from None


def installed(prefix: Path) -> list[Package]:
    """The conda packages in a prefix, from its conda-meta records."""
    import json

    packages = []
    for record in sorted((prefix / "conda-meta").glob("*.json")):
        data = json.loads(record.read_text())
        packages.append(Package(data["name"], data["version"], data["build"], _source(data.get("channel"))))
    return sorted(packages)
