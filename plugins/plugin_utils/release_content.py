"""A release is named after the content it ships, independent of where the controller keeps it."""

from __future__ import annotations

import hashlib
import json
import os

IGNORED_DIRS = {"__pycache__"}
IGNORED_SUFFIXES = (".pyc",)
CHUNK = 1 << 20


def _checksum(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


def files(source: str) -> list[tuple[str, str]]:
    """(path relative to ``source``, checksum) of every file a part ships: a folder's files, hidden
    ones included, without Python's caches; a file by its own name."""
    if not os.path.isdir(source):
        return [(os.path.basename(source), _checksum(source))]
    found = []
    for folder, subfolders, names in os.walk(source):
        subfolders[:] = sorted(name for name in subfolders if name not in IGNORED_DIRS)
        for name in sorted(names):
            if not name.endswith(IGNORED_SUFFIXES):
                path = os.path.join(folder, name)
                found.append((os.path.relpath(path, source), _checksum(path)))
    return found


def release_id(parts: list[dict], extra: list[str] | None = None) -> str:
    """16 hexadecimal characters naming ``parts`` (each ``{name, src, dest}``): the same content
    gives the same id from any checkout; a changed byte, a renamed, added or moved file another."""
    entries = sorted(
        [part["name"], part.get("dest", ""), relative, checksum]
        for part in parts
        for relative, checksum in files(part["src"])
    )
    document = json.dumps([entries, list(extra or [])])
    return hashlib.sha256(document.encode()).hexdigest()[:16]
