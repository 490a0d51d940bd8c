"""Channel names to URLs, as conda reads them, and the network settings that reach them."""

from __future__ import annotations

import json
import re

from . import EngineError

# conda's meaning of "defaults" on Linux.
DEFAULTS = ["https://repo.anaconda.com/pkgs/main", "https://repo.anaconda.com/pkgs/r"]


def resolve(channel: str, alias: str) -> list[str]:
    """The URLs one channel entry of an environment file stands for."""
    channel = channel.strip()
    if channel == "nodefaults":
        return []
    if channel == "defaults":
        return list(DEFAULTS)
    if re.match(r"^[a-z][a-z0-9+.-]*://", channel):
        return [channel.rstrip("/")]
    if channel.startswith("/"):
        return ["file://" + channel.rstrip("/")]
    if not re.match(r"^[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*$", channel):
        raise EngineError(f"channel {channel!r} is neither a channel name, a URL nor an absolute path")
    return [f"{alias.rstrip('/')}/{channel}"]


def resolve_all(channels: list[str], alias: str) -> list[str]:
    urls: list[str] = []
    for channel in channels:
        urls += [url for url in resolve(channel, alias) if url not in urls]
    if not urls:
        raise EngineError("the environment names no channel (only nodefaults): add one, e.g. conda-forge")
    return urls


def mirror_table(mirrors: dict[str, list[str]], alias: str) -> dict[str, list[str]]:
    """Mirrors keyed by channel URL; a key may also be a channel name."""
    table: dict[str, list[str]] = {}
    for channel, urls in mirrors.items():
        for url in resolve(channel, alias):
            table[url] = [mirror.rstrip("/") for mirror in urls]
    return table


def rattler_config_toml(mirrors: dict[str, list[str]]) -> str:
    """rattler's shared configuration: the host's CA store (corporate proxies and private mirrors
    sign with CAs the bundled roots lack) and the mirrors, which keep the canonical channel URLs
    in what gets installed."""
    lines = ['tls-root-certs = "system"', "[mirrors]"]
    lines += [f"{json.dumps(url)} = {json.dumps(urls)}" for url, urls in sorted(mirrors.items())]
    return "\n".join(lines) + "\n"


def describe(url: str, mirrors: dict[str, list[str]]) -> str:
    """How an error names a channel: its URL and the mirrors actually asked."""
    via = mirrors.get(url)
    return f"{url} (through mirror {', '.join(via)})" if via else url
