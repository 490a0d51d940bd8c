"""runit_service writes exactly the service's scripts and tells a changed run script apart."""

import importlib.util
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("runit_service", ROOT / "plugins/modules/runit_service.py")
runit_service = importlib.util.module_from_spec(spec)
sys.modules["runit_service"] = runit_service
spec.loader.exec_module(runit_service)

PARAMS = {"run": "#!/bin/sh\nexec sleep 1\n", "finish": "", "control": {"t": "#!/bin/sh\nkill -QUIT 1\n"}}


def written(folder: Path, params: dict = PARAMS) -> Path:
    runit_service.apply(str(folder), runit_service.changes(str(folder), runit_service.wanted_files(params)))
    return folder


def test_a_new_service_gets_its_run_and_control_scripts_executable(tmp_path):
    folder = written(tmp_path / "svc")
    assert (folder / "run").read_text() == PARAMS["run"]
    assert (folder / "control" / "t").stat().st_mode & 0o777 == 0o755
    assert not (folder / "finish").exists()


def test_an_unchanged_service_has_no_changes(tmp_path):
    folder = written(tmp_path / "svc")
    assert runit_service.changes(str(folder), runit_service.wanted_files(PARAMS)) == {}


def test_a_changed_run_script_is_reported_with_before_and_after(tmp_path):
    folder = written(tmp_path / "svc")
    changed = runit_service.changes(str(folder), runit_service.wanted_files({**PARAMS, "run": "new\n"}))
    assert changed == {"run": (PARAMS["run"], "new\n")}


def test_a_control_script_no_longer_wanted_is_removed(tmp_path):
    folder = written(tmp_path / "svc")
    written(folder, {**PARAMS, "control": {}})
    assert not (folder / "control" / "t").exists()


LOGGED = {
    **PARAMS,
    "log_dir": "/var/log/inferops/svc",
    "log_user": "inferops-log",
    "log_size": 4096,
    "log_keep": 3,
}


def test_a_log_folder_gives_the_service_an_svlogd_log_service_rotating_by_size(tmp_path):
    folder = written(tmp_path / "svc", {**LOGGED, "log_echo": True})
    script = (folder / "log" / "run").read_text()
    assert "exec chpst -u inferops-log:inferops-log svlogd /var/log/inferops/svc" in script
    assert "\nexec 2>&1\n" in script
    assert "printf '%s\\n' s4096 n3 N1 'e*' > /var/log/inferops/svc/config" in script
    assert (folder / "log" / "run").stat().st_mode & 0o777 == 0o755


def test_a_log_that_is_not_echoed_has_no_stderr_pattern(tmp_path):
    script = (written(tmp_path / "svc", {**LOGGED, "log_echo": False}) / "log" / "run").read_text()
    assert "'e*'" not in script


def test_a_changed_log_setting_changes_only_the_log_script(tmp_path):
    folder = written(tmp_path / "svc", {**LOGGED, "log_echo": True})
    changed = runit_service.changes(
        str(folder), runit_service.wanted_files({**LOGGED, "log_echo": True, "log_size": 8192})
    )
    assert set(changed) == {"log/run"}


def test_without_a_log_folder_no_log_service_is_written(tmp_path):
    assert not (written(tmp_path / "svc") / "log").exists()


def test_a_runsv_is_seen_by_the_reader_of_its_ok_fifo(tmp_path):
    supervise = tmp_path / "supervise"
    supervise.mkdir()
    assert not runit_service.runsv_running(str(tmp_path))  # never supervised
    os.mkfifo(supervise / "ok")
    assert not runit_service.runsv_running(str(tmp_path))  # its runsv is gone
    reader = os.open(supervise / "ok", os.O_RDONLY | os.O_NONBLOCK)  # what runsv holds open
    try:
        assert runit_service.runsv_running(str(tmp_path))
    finally:
        os.close(reader)
