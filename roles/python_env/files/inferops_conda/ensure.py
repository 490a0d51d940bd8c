"""Make the requested environment exist, and say what that changed.

An environment is never changed in place: a new spec is built beside the one serving, at its own
prefix, and only a complete build becomes current. So an unchanged spec is a no-op, a failed
build (unsolvable, unreachable channel, pip error) leaves the serving environment as it was, and a
Python version bump is just another build.
"""

from __future__ import annotations

import os
import shutil

from . import channels, conda, diff, envs, pip
from .request import Request


def _names(specs: list[str]) -> set[str]:
    from rattler import MatchSpec

    return {MatchSpec(spec).name.normalized for spec in specs}


def _platform() -> str:
    from rattler import Subdir

    return str(Subdir.current())


def _planned_contents(records, request: Request, before: dict | None) -> dict[str, str]:
    """What check mode expects after the build. pip resolves only when it runs: an unchanged pip
    section is expected to install what it installed before, a changed one is shown as asked."""
    table = diff.contents(conda.planned(records), {})
    if before and before.get("request", {}).get("pip") == request.pip:
        table.update({name: value for name, value in before["packages"].items() if name.endswith("(pip)")})
    else:
        table.update({f"{line} (pip)": "requested" for line in request.pip})
    return table


def ensure(request: Request, check: bool) -> dict:
    layout = envs.Layout(request.root)
    platform = _platform()
    urls = channels.resolve_all(request.channels, request.channel_alias)
    mirrors = channels.mirror_table(request.mirrors, request.channel_alias)
    specs = list(request.dependencies)
    # conda needs pip listed to run a pip: section; every Azure ML file does, forgetting it is no error.
    if request.pip and "pip" not in _names(specs):
        specs.append("pip")
    env_id = request.env_id
    prefix = layout.prefix(request.name, env_id)
    previous = layout.current_prefix()
    before = envs.read_manifest(previous) if previous else None
    result = {
        "id": env_id,
        "prefix": str(prefix),
        "python": str(prefix / "bin" / "python"),
        "previous": str(previous) if previous else None,
        "channels": urls,
        "created": False,
        "pruned": [],
    }

    if envs.is_complete(prefix):
        after = envs.read_manifest(prefix)["packages"]
        if check:
            moved = previous != prefix
        else:
            with layout.locked():
                moved = layout.point_current_at(prefix)
                if moved:
                    os.utime(prefix / envs.MANIFEST)
                result["pruned"] = envs.prune(layout, request.keep, {prefix})
        return _report(result, before, after, changed=moved)

    records, client = conda.solve(specs, urls, mirrors, platform, request.root / "cache")
    if check:
        return _report(result, before, _planned_contents(records, request, before), changed=True)

    with layout.locked():
        shutil.rmtree(prefix, ignore_errors=True)
        try:
            conda.install(records, prefix, client, request.root / "cache", urls, mirrors)
            if request.pip:
                pip.install(prefix, request.pip, request.pip_args)
            after = diff.contents(conda.installed(prefix), pip.installed(prefix))
            identity = {"channels": urls, "dependencies": request.dependencies, "pip": request.pip}
            envs.write_manifest(prefix, {"id": env_id, "request": identity, "packages": after})
        except BaseException:
            # Never served: nothing to keep. The current environment was not touched.
            shutil.rmtree(prefix, ignore_errors=True)
            raise
        layout.point_current_at(prefix)
        result["created"] = True
        result["pruned"] = envs.prune(layout, request.keep, {prefix})
    return _report(result, before, after, changed=True)


def _report(result: dict, before: dict | None, after: dict[str, str], changed: bool) -> dict:
    before_packages = before["packages"] if before else {}
    return {
        **result,
        "changed": changed,
        **diff.compare(before_packages, after),
        "before": diff.text(before_packages),
        "after": diff.text(after),
    }
