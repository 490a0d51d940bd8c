"""The environments under the engine's root: built side by side, named after what they hold.

<root>/envs/<name>-<id>/   one environment; complete once it has its manifest
<root>/envs/current        symlink to the environment the last successful run asked for
<root>/pkgs/               rattler's package cache: environments hard-link from it
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
from contextlib import contextmanager
from pathlib import Path

# Written last: an environment without it is a build that did not finish.
MANIFEST = "inferops-env.json"


class Layout:
    def __init__(self, root: Path):
        self.root = root
        self.envs = root / "envs"
        self.current = self.envs / "current"

    def prefix(self, name: str, env_id: str) -> Path:
        return self.envs / f"{name}-{env_id}"

    @contextmanager
    def locked(self):
        """One build at a time per root, whatever runs us."""
        self.envs.mkdir(parents=True, exist_ok=True)
        with open(self.root / ".lock", "w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            yield

    def current_prefix(self) -> Path | None:
        if not self.current.is_symlink():
            return None
        prefix = self.envs / os.readlink(self.current)
        return prefix if is_complete(prefix) else None

    def point_current_at(self, prefix: Path) -> bool:
        """Switch the current link atomically; True when it moved."""
        if self.current.is_symlink() and os.readlink(self.current) == prefix.name:
            return False
        staging = self.envs / ".current.new"
        staging.unlink(missing_ok=True)
        staging.symlink_to(prefix.name)
        staging.replace(self.current)
        return True


def is_complete(prefix: Path) -> bool:
    return (prefix / MANIFEST).is_file()


def read_manifest(prefix: Path) -> dict:
    return json.loads((prefix / MANIFEST).read_text())


def write_manifest(prefix: Path, manifest: dict) -> None:
    staging = prefix / (MANIFEST + ".new")
    staging.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    staging.replace(prefix / MANIFEST)


def _executable(pid: str) -> str:
    """What a process runs: its exe link, or, where reading that needs ptrace rights a container's
    root lacks, the first word of its (world-readable) command line."""
    try:
        return os.readlink(f"/proc/{pid}/exe")
    except OSError:
        pass
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as handle:
            return handle.read().split(b"\0", 1)[0].decode(errors="replace")
    except OSError:
        return ""


def in_use(envs: Path) -> set[Path]:
    """Environments a running process executes from: never removed, whatever else is asked."""
    used = set()
    for pid in filter(str.isdigit, os.listdir("/proc")):
        executable = Path(_executable(pid))
        if executable.is_relative_to(envs) and len(executable.relative_to(envs).parts) > 1:
            used.add(envs / executable.relative_to(envs).parts[0])
    return used


def prune(layout: Layout, keep: int, protected: set[Path]) -> list[str]:
    """Remove unfinished builds and all but the ``keep`` newest environments; return their names."""
    kept = protected | in_use(layout.envs)
    candidates = [
        path for path in layout.envs.iterdir() if path.is_dir() and not path.is_symlink() and path not in kept
    ]
    complete = sorted(
        (path for path in candidates if is_complete(path)),
        key=lambda path: (path / MANIFEST).stat().st_mtime,
        reverse=True,
    )
    room = max(0, keep - len([path for path in kept if is_complete(path)]))
    doomed = complete[room:] + [path for path in candidates if not is_complete(path)]
    for path in doomed:
        shutil.rmtree(path)
    return sorted(path.name for path in doomed)
