"""The conda engine builds exactly the environment asked for, reports what changed, and fails safely."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from conftest import run_in

BASE = ["python=3.11", "flask", "gunicorn", "six=1.16", "pytz"]
# From BASE: idna added, pytz removed, six upgraded.
EDITED = ["python=3.11", "flask", "gunicorn", "six=1.17", "idna"]


def wheelhouse_args(test_channel: Path) -> list[str]:
    return ["--no-index", "--find-links", str(test_channel / "wheels")]


def test_a_new_environment_is_created_with_the_packages_asked_for(engine):
    status, report = engine(BASE)
    assert status == 0, report
    assert (report["changed"], report["created"]) == (True, True)
    assert {"python", "flask", "gunicorn", "six", "pytz", "werkzeug"} <= set(report["added"])
    assert run_in(report, "import flask, gunicorn, six; print(six.__version__)") == "1.16.0"


def test_the_server_packages_run_from_the_new_environment(engine):
    _, report = engine(BASE)
    assert run_in(report, "import sys; print(sys.prefix)") == report["prefix"]
    script = Path(report["prefix"], "bin", "gunicorn").read_text()
    assert script.startswith(f"#!{report['prefix']}/bin/python")


def test_an_unchanged_request_changes_nothing(engine):
    _, first = engine(BASE)
    status, second = engine(BASE)
    assert status == 0, second
    assert (second["changed"], second["created"], second["prefix"]) == (False, False, first["prefix"])
    assert (second["added"], second["removed"], second["updated"]) == ([], [], [])


def test_an_edited_environment_reports_exactly_what_was_added_removed_and_updated(engine):
    engine(BASE)
    status, report = engine(EDITED)
    assert status == 0, report
    assert report["added"] == ["idna"]
    assert report["removed"] == ["pytz"]
    updated = report["updated"]
    versions = [(item["name"], item["before"].split()[0], item["after"].split()[0]) for item in updated]
    assert versions == [("six", "1.16.0", "1.17.0")]
    assert run_in(report, "import six; print(six.__version__)") == "1.17.0"
    assert subprocess.run([report["python"], "-c", "import pytz"], capture_output=True).returncode != 0


def test_a_python_version_bump_rebuilds_on_the_new_python(engine):
    engine(["python=3.10", "flask"])
    status, report = engine(["python=3.11", "flask"])
    assert status == 0, report
    updated = {item["name"]: (item["before"], item["after"]) for item in report["updated"]}
    assert updated["python"][0].startswith("3.10.") and updated["python"][1].startswith("3.11.")
    # A compiled package follows the Python it was built for.
    assert "py310" in updated["markupsafe"][0] and "py311" in updated["markupsafe"][1]
    assert run_in(report, "import sys, markupsafe; print(sys.version_info[:2])") == "(3, 11)"


def test_going_back_to_an_earlier_spec_reuses_its_environment(engine):
    _, first = engine(BASE)
    engine(EDITED)
    status, report = engine(BASE)
    assert status == 0, report
    assert (report["changed"], report["created"], report["prefix"]) == (True, False, first["prefix"])


def test_check_mode_reports_the_changes_and_writes_nothing(engine, tmp_path):
    _, first = engine(BASE)
    status, report = engine(EDITED, check=True)
    assert status == 0, report
    assert report["changed"] is True
    assert (report["added"], report["removed"]) == (["idna"], ["pytz"])
    assert not Path(report["prefix"]).exists()
    assert os.readlink(tmp_path / "conda" / "envs" / "current") == Path(first["prefix"]).name


def test_check_mode_on_a_fresh_host_creates_nothing(engine, tmp_path):
    status, report = engine(BASE, check=True)
    assert status == 0, report
    assert report["changed"] is True and "python" in report["added"]
    assert not (tmp_path / "conda" / "envs").exists()


def test_the_diff_lists_packages_before_and_after(engine):
    engine(BASE)
    _, report = engine(EDITED)
    assert "pytz " in report["before"] and "pytz " not in report["after"]
    assert "six 1.17.0 pyh0_inferops_test (conda-forge)" in report["after"]


def test_an_unsatisfiable_spec_names_the_conflicting_packages(engine):
    status, report = engine(["python=3.10", "python-dateutil>=4"])
    assert status == 1
    assert "cannot be solved" in report["msg"]
    assert "python-dateutil >=4" in report["msg"] and "python >=3.11" in report["msg"]


def test_a_package_no_channel_has_is_named(engine):
    status, report = engine(["python=3.11", "flask<1"])
    assert status == 1
    assert "No candidates were found for flask <1" in report["msg"]


def test_an_invalid_match_spec_is_named(engine):
    status, report = engine(["python=3.11", "numpy ===="])
    assert status == 1
    assert "'numpy ====' is not a valid conda match spec" in report["msg"]


def test_an_unreachable_channel_is_named_with_its_mirror(engine):
    status, report = engine(BASE, mirrors={"conda-forge": ["http://127.0.0.1:9/conda-forge"]})
    assert status == 1
    assert report["msg"].startswith(
        "channel https://conda.anaconda.org/conda-forge"
        " (through mirror http://127.0.0.1:9/conda-forge) could not be read"
    )


def test_packages_keep_the_canonical_channel_when_fetched_from_a_mirror(engine):
    _, report = engine(BASE)
    record = json.loads(next(Path(report["prefix"], "conda-meta").glob("six-*.json")).read_text())
    assert record["channel"].rstrip("/") == "https://conda.anaconda.org/conda-forge"


def test_channel_alias_resolves_channel_names(engine, channel_url):
    status, report = engine(BASE, channel_alias=channel_url, mirrors={})
    assert status == 0, report
    record = json.loads(next(Path(report["prefix"], "conda-meta").glob("six-*.json")).read_text())
    assert record["channel"].rstrip("/") == f"{channel_url}/conda-forge"


def test_a_file_channel_works_without_any_network(engine, test_channel):
    status, report = engine(BASE, channels=[f"file://{test_channel}/conda-forge"], mirrors={})
    assert status == 0, report
    assert run_in(report, "import six; print(six.__version__)") == "1.16.0"


def test_the_pip_section_is_installed_with_the_given_index_settings(engine, test_channel):
    status, report = engine(BASE, pip=["idna==3.7"], pip_args=wheelhouse_args(test_channel))
    assert status == 0, report
    assert "idna (pip)" in report["added"] and "pip" in report["added"]
    assert run_in(report, "import idna; print(idna.__version__)") == "3.7"


def test_a_failed_update_leaves_the_previous_environment_working(engine, test_channel, tmp_path):
    _, first = engine(BASE)
    status, report = engine(
        EDITED, pip=["no-such-package-inferops==1.0"], pip_args=wheelhouse_args(test_channel)
    )
    assert status == 1
    assert "pip could not install the pip: section (no-such-package-inferops==1.0)" in report["msg"]
    envs = tmp_path / "conda" / "envs"
    assert sorted(path.name for path in envs.iterdir()) == ["current", Path(first["prefix"]).name]
    assert os.readlink(envs / "current") == Path(first["prefix"]).name
    assert run_in(first, "import six, pytz; print(six.__version__)") == "1.16.0"


def test_old_environments_are_pruned_but_never_one_in_use(engine, tmp_path):
    _, serving = engine(["python=3.11", "six=1.16"], keep=1)
    code = "import time; print('ready', flush=True); time.sleep(120)"
    process = subprocess.Popen([serving["python"], "-c", code], stdout=subprocess.PIPE, text=True)
    assert process.stdout.readline() == "ready\n"
    try:
        _, middle = engine(["python=3.11", "six=1.17"], keep=1)
        _, newest = engine(["python=3.11", "idna"], keep=1)
    finally:
        process.kill()
        process.wait()
    assert newest["pruned"] == [Path(middle["prefix"]).name]
    assert Path(serving["prefix"]).exists() and not Path(middle["prefix"]).exists()
