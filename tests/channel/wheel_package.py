"""Convert a wheel from PyPI into a conda package, the way conda-forge's Python packages look.

A pure wheel (``py3-none-any``) becomes a ``noarch: python`` package: its files under
``site-packages/``, its console scripts as entry points in info/link.json. A CPython wheel
(``cp311-cp311-manylinux...``) becomes a linux-64 package for that one Python version.
"""

from __future__ import annotations

import configparser
import shutil
import zipfile
from email.parser import Parser
from pathlib import Path

from conda_package import write_package
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name, parse_wheel_filename

# Shebang prefix of the scripts written for CPython wheels; the installer replaces it.
BUILD_PREFIX = "/opt/inferops-test-build-prefix-placeholder"


def _metadata(wheel: zipfile.ZipFile) -> tuple[str, dict]:
    dist_info = next(name.split("/")[0] for name in wheel.namelist() if ".dist-info/" in name)
    message = Parser().parsestr(wheel.read(f"{dist_info}/METADATA").decode())
    return dist_info, message


def _entry_points(wheel: zipfile.ZipFile, dist_info: str) -> list[str]:
    try:
        text = wheel.read(f"{dist_info}/entry_points.txt").decode()
    except KeyError:
        return []
    parser = configparser.ConfigParser(delimiters=("=",))
    parser.optionxform = str
    parser.read_string(text)
    if not parser.has_section("console_scripts"):
        return []
    return [f"{name} = {target.strip()}" for name, target in parser.items("console_scripts")]


# conda-forge names a few packages differently from PyPI; the test channel names them as it does.
CONDA_FORGE_NAMES = {"prometheus-client": "prometheus_client"}


def conda_name(name: str) -> str:
    canonical = canonicalize_name(name)
    return CONDA_FORGE_NAMES.get(canonical, canonical)


def conda_depends(requires: list[str], python_versions: list[str]) -> list[str]:
    """Requires-Dist lines as conda dependencies: kept when a marker holds for any given Python."""
    depends = []
    for line in requires:
        requirement = Requirement(line)
        marker = requirement.marker
        if marker and not any(marker.evaluate({"python_version": v, "extra": ""}) for v in python_versions):
            continue
        spec = str(requirement.specifier).replace(" ", "")
        depends.append(f"{conda_name(requirement.name)} {spec}".strip())
    return sorted(set(depends))


def _unpack(wheel: zipfile.ZipFile, site_packages: Path, scripts: Path) -> None:
    for member in wheel.infolist():
        if member.is_dir():
            continue
        parts = member.filename.split("/")
        if parts[0].endswith(".data"):
            kind, rest = parts[1], parts[2:]
            target = (scripts if kind == "scripts" else site_packages).joinpath(*rest)
        else:
            target = site_packages.joinpath(*parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(wheel.read(member))
        if member.external_attr >> 16 & 0o111:
            target.chmod(0o755)


def convert(wheel_path: Path, channel: Path, workdir: Path, python_versions: list[str]) -> Path:
    """Write the conda package of ``wheel_path`` into ``channel``; return the archive."""
    name, version, _, tags = parse_wheel_filename(wheel_path.name)
    tag = next(iter(tags))
    pure = tag.abi == "none" and tag.platform == "any"
    staging = workdir / wheel_path.stem
    shutil.rmtree(staging, ignore_errors=True)
    with zipfile.ZipFile(wheel_path) as wheel:
        dist_info, metadata = _metadata(wheel)
        entry_points = _entry_points(wheel, dist_info)
        if pure:
            _unpack(wheel, staging / "site-packages", staging / "python-scripts")
        else:
            python = f"{tag.interpreter[2]}.{tag.interpreter[3:]}"
            python_versions = [python]
            _unpack(wheel, staging / f"lib/python{python}/site-packages", staging / "bin")
    # As in conda-forge's packages: pip sees the package as installed, by conda.
    (next(staging.rglob(dist_info)) / "INSTALLER").write_text("conda\n")
    depends = conda_depends(metadata.get_all("Requires-Dist") or [], python_versions)
    index = {"name": conda_name(name), "version": str(version)}
    if pure:
        requires_python = metadata.get("Requires-Python")
        depends.append(f"python {requires_python.replace(' ', '')}" if requires_python else "python")
        index.update(build="pyh0_inferops_test", subdir="noarch", noarch="python", depends=sorted(depends))
        link = {"noarch": {"type": "python", "entry_points": entry_points}, "package_metadata_version": 1}
        return write_package(channel, index, staging, link=link)

    minor = int(python.split(".")[1])
    depends.append(f"python >={python},<3.{minor + 1}.0a0")
    for entry_point in entry_points:
        script, target = (part.strip() for part in entry_point.split("="))
        module, function = target.split(":")
        (staging / "bin" / script).parent.mkdir(exist_ok=True)
        (staging / "bin" / script).write_text(
            f"#!{BUILD_PREFIX}/bin/python\nimport sys\nfrom {module} import {function}\n"
            f"sys.exit({function}())\n"
        )
        (staging / "bin" / script).chmod(0o755)
    index.update(
        build=f"py{python.replace('.', '')}h0_inferops_test",
        subdir="linux-64",
        platform="linux",
        arch="x86_64",
        depends=sorted(depends),
    )
    return write_package(channel, index, staging, placeholder=BUILD_PREFIX)
