"""Write a conda package (.tar.bz2) from a folder of files, as conda-build would lay it out.

Only what installers read is written: info/index.json, info/paths.json (with the prefix placeholder
of every text file that names its build prefix), info/files and, for noarch Python packages,
info/link.json with the entry points.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import stat
import tarfile
from pathlib import Path

# Build time recorded in every package: a fixed time keeps rebuilt channels byte-identical.
TIMESTAMP_MS = 1_700_000_000_000


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _is_text(data: bytes) -> bool:
    return b"\0" not in data


def paths_entries(root: Path, placeholder: str | None) -> list[dict]:
    """One paths.json entry per file or symlink under ``root``, sorted by path."""
    entries = []
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root).as_posix()
        if path.is_symlink():
            entries.append({"_path": relative, "path_type": "softlink", "size_in_bytes": 0})
            continue
        if path.is_dir():
            continue
        entry = {
            "_path": relative,
            "path_type": "hardlink",
            "sha256": _sha256(path),
            "size_in_bytes": path.stat().st_size,
        }
        if placeholder:
            data = path.read_bytes()
            # Binaries keep their build prefix: they find their libraries through $ORIGIN instead.
            if placeholder.encode() in data and _is_text(data):
                entry.update(file_mode="text", prefix_placeholder=placeholder)
        entries.append(entry)
    return entries


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = TIMESTAMP_MS // 1000
    info.mode = 0o644
    archive.addfile(info, io.BytesIO(data))


def write_package(
    channel: Path,
    index: dict,
    root: Path,
    placeholder: str | None = None,
    link: dict | None = None,
) -> Path:
    """Pack ``root`` as a package of ``channel``/<subdir> and return the archive's path."""
    index = {"build_number": 0, "depends": [], "license": "test-only", "timestamp": TIMESTAMP_MS, **index}
    entries = paths_entries(root, placeholder)
    subdir = channel / index["subdir"]
    subdir.mkdir(parents=True, exist_ok=True)
    target = subdir / f"{index['name']}-{index['version']}-{index['build']}.tar.bz2"
    # Level 1: the channel is rebuilt for every test run and bz2's higher levels cost minutes.
    with tarfile.open(target, "w:bz2", compresslevel=1) as archive:
        _add_bytes(archive, "info/index.json", json.dumps(index, indent=2, sort_keys=True).encode())
        paths = {"paths": entries, "paths_version": 1}
        _add_bytes(archive, "info/paths.json", json.dumps(paths, indent=2).encode())
        _add_bytes(archive, "info/files", "".join(entry["_path"] + "\n" for entry in entries).encode())
        if link:
            _add_bytes(archive, "info/link.json", json.dumps(link, indent=2).encode())
        for entry in entries:
            path = root / entry["_path"]
            info = archive.gettarinfo(str(path), arcname=entry["_path"])
            info.uid = info.gid = 0
            info.uname = info.gname = "root"
            info.mtime = TIMESTAMP_MS // 1000
            if info.isfile():
                info.mode = 0o755 if os.access(path, os.X_OK) else 0o644
                with path.open("rb") as handle:
                    archive.addfile(info, handle)
            else:
                info.mode = stat.S_IMODE(info.mode)
                archive.addfile(info)
    return target
