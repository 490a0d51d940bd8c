#!/usr/bin/python
"""Define a runit service (its folder and scripts) and make sure runsvdir supervises it and it runs."""

from __future__ import annotations

DOCUMENTATION = r"""
module: runit_service
short_description: Write a runit service folder and bring the service up, in one step
description:
  - Writes the service's C(run) script, optional C(finish) script and C(control/) scripts into
    C(<service_dir>/<name>), each file atomically. A new service folder is assembled under a hidden
    name and renamed into place, so runsvdir never sees it half written.
  - "With O(state=up), waits until runsvdir supervises the folder and starts the service if it is
    down. It never restarts a running service: a changed C(run) script is reported in
    RV(run_changed), and the role that owns the service decides how to restart it (its handler)."
  - With O(log_dir), the service gets a C(log/) service - svlogd, run as O(log_user), writes what
    the service prints into O(log_dir), rotated by size, and echoes it to runsvdir's output (a
    container's log). A changed log service restarts at once (the pipe keeps what is written
    meanwhile); a log service added to a running service restarts its runsv once, since runsv only
    looks for C(log/) when it starts.
  - With O(state=absent), stops the service and its log service, makes their C(runsv) exit and
    deletes the folder; the log files stay.
  - Check mode reports what would change; C(--diff) shows the scripts before and after.
options:
  name:
    description: Service name, the folder's name.
    type: str
    required: true
  service_dir:
    description: Folder runsvdir scans.
    type: path
    required: true
  run:
    description: Content of the C(run) script; required unless O(state=absent).
    type: str
  finish:
    description: Content of the C(finish) script; empty for none.
    type: str
    default: ""
  control:
    description: Control scripts by letter (C(t), C(d), ...), as runsv runs them instead of sending a signal.
    type: dict
    default: {}
  state:
    description:
      - C(up) supervises and starts the service; C(present) only writes it (image baking); C(absent)
        stops and removes it.
    type: str
    choices: [up, present, absent]
    default: up
  timeout:
    description: Seconds to wait for runsvdir to pick the service up and for it to run.
    type: int
    default: 30
  log_dir:
    description: Folder of the service's rotated log; empty for no log service (output goes to runsvdir's).
    type: path
    default: ""
  log_user:
    description: User svlogd runs as; it must exist.
    type: str
    default: root
  log_size:
    description: Bytes a log file grows to before svlogd rotates it.
    type: int
    default: 10000000
  log_keep:
    description: Rotated log files kept; when the disk is full svlogd deletes old ones down to one.
    type: int
    default: 10
  log_echo:
    description: Also print every line to runsvdir's output (a container's log, or the systemd journal).
    type: bool
    default: true
author:
  - inferops contributors
"""

EXAMPLES = r"""
- name: Supervise gunicorn
  inferops.scoring.runit_service:
    name: gunicorn
    service_dir: /var/runit
    run: "{{ lookup('ansible.builtin.template', 'var/runit/gunicorn/run.j2') }}"
  register: __service
  notify: Restart gunicorn
"""

RETURN = r"""
created:
  description: Whether the service folder was new.
  type: bool
  returned: always
run_changed:
  description:
    - Whether the run or finish script of an existing service changed; its process runs the old one
      until restarted.
  type: bool
  returned: always
log_restarted:
  description: Whether the log service was restarted (changed) or its runsv restarted (log service added).
  type: bool
  returned: always
removed:
  description: Whether the service was stopped and its folder deleted (O(state=absent)).
  type: bool
  returned: always
started:
  description: Whether the service was down and was started.
  type: bool
  returned: always
status:
  description: The service's state as C(sv status) reports it, or empty when not supervised.
  type: str
  returned: always
"""

import os
import pwd
import shlex
import shutil
import tempfile
import time

from ansible.module_utils.basic import AnsibleModule


def _read(path: str) -> str | None:
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read()
    except FileNotFoundError:
        return None


def _write(path: str, content: str) -> None:
    folder = os.path.dirname(path)
    os.makedirs(folder, mode=0o755, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".tmp-")
    with os.fdopen(handle, "w", encoding="utf-8") as stream:
        stream.write(content)
    os.chmod(temporary, 0o755)
    os.rename(temporary, path)


def log_run(params: dict) -> str:
    """The log service's run script: svlogd over the log folder, its config written at each start."""
    folder, user = shlex.quote(params["log_dir"]), shlex.quote(params["log_user"])
    config = [f"s{params['log_size']}", f"n{params['log_keep']}"]
    # On a full disk, old files go (down to one) before svlogd stops writing and the service blocks.
    config += ["N1"] if params["log_keep"] > 1 else []
    config += ["e*"] if params["log_echo"] else []
    return (
        "#!/bin/sh\n"
        "# Written by inferops.scoring.runit_service: what the service prints, rotated by size.\n"
        "# svlogd echoes on its standard error: to runsvdir's standard output, where the service's\n"
        "# own output went before it had a log service.\n"
        "exec 2>&1\n"
        f"install -d -m 0750 -o {user} -g {user} {folder}\n"
        f"printf '%s\\n' {' '.join(shlex.quote(line) for line in config)} > {folder}/config\n"
        f"exec chpst -u {user}:{user} svlogd {folder}\n"
    )


def wanted_files(params: dict) -> dict[str, str | None]:
    """Relative path -> content; None for a file that must not exist."""
    files = {"run": params["run"], "finish": params["finish"] or None}
    files.update({f"control/{letter}": content for letter, content in params["control"].items()})
    if params.get("log_dir"):
        files["log/run"] = log_run(params)
    return files


def changes(folder: str, files: dict[str, str | None]) -> dict[str, tuple[str | None, str | None]]:
    """Relative path -> (before, after) for each file that differs, stale control scripts included."""
    control = os.path.join(folder, "control")
    present = {f"control/{name}" for name in os.listdir(control)} if os.path.isdir(control) else set()
    wanted = {**{name: None for name in present if name not in files}, **files}
    differing = {}
    for name, content in wanted.items():
        before = _read(os.path.join(folder, name))
        if before != content:
            differing[name] = (before, content)
    return differing


def apply(folder: str, differing: dict[str, tuple[str | None, str | None]]) -> None:
    for name, (_, content) in differing.items():
        path = os.path.join(folder, name)
        if content is None:
            os.unlink(path)
        else:
            _write(path, content)


def status(module: AnsibleModule, folder: str) -> str:
    """The service's line of ``sv status``; empty when runsv does not supervise it. sv exits 1
    while a log/ folder has no runsv behind it, and still reports the service: that line counts."""
    _, out, _ = module.run_command(["sv", "status", folder])
    first = out.strip().splitlines()[0] if out.strip() else ""
    return first if first.startswith(("run:", "down:", "finish:")) else ""


def log_unsupervised(folder: str) -> bool:
    """A log/ service that the running runsv never started: runsv looks for log/ only at its start."""
    return os.path.isfile(os.path.join(folder, "log", "run")) and not os.path.exists(
        os.path.join(folder, "log", "supervise", "ok")
    )


def wait_supervised(folder: str, timeout: int) -> bool:
    deadline = time.monotonic() + timeout
    while not os.path.exists(os.path.join(folder, "supervise", "ok")):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.2)
    return True


def wait_running(module: AnsibleModule, folder: str, timeout: int) -> str:
    """Until runsv supervises ``folder`` and its log again and the service runs; its status."""
    deadline = time.monotonic() + timeout
    while True:
        current = status(module, folder)
        if (current.startswith("run:") and not log_unsupervised(folder)) or time.monotonic() > deadline:
            return current
        time.sleep(0.2)


def restart_log(module: AnsibleModule, folder: str, timeout: int) -> None:
    """Make a new or changed log service take effect."""
    if log_unsupervised(folder):
        # This runsv started before log/ existed: it exits (stopping the service as a restart
        # would) and runsvdir starts a new one, with the log service, within its 5 s scan.
        module.run_command(["sv", "-w", str(timeout), "exit", folder])
        started = wait_running(module, folder, timeout + 10)
        if not started.startswith("run:") or log_unsupervised(folder):
            module.fail_json(msg=f"{folder} did not come back after runsv restarted for its log: {started}")
    else:
        module.run_command(["sv", "restart", os.path.join(folder, "log")])


def runsv_running(folder: str) -> bool:
    """Whether a runsv supervises ``folder``: it holds supervise/ok open for reading."""
    try:
        handle = os.open(os.path.join(folder, "supervise", "ok"), os.O_WRONLY | os.O_NONBLOCK)
    except OSError:  # ENXIO: a FIFO nobody reads; ENOENT: never supervised
        return False
    os.close(handle)
    return True


def remove(module: AnsibleModule, service_dir: str, name: str, timeout: int) -> None:
    """Stop the service and its log service, make their runsv exit, delete the folder."""
    folder = os.path.join(service_dir, name)
    # Hidden, runsvdir lets go of it; `down` keeps it from starting if anything restarts runsv.
    staging = os.path.join(service_dir, f".{name}.removed")
    shutil.rmtree(staging, ignore_errors=True)
    with open(os.path.join(folder, "down"), "w", encoding="utf-8"):
        pass
    os.rename(folder, staging)
    for supervised in (staging, os.path.join(staging, "log")):
        if runsv_running(supervised):
            module.run_command(["sv", "-w", str(timeout), "force-stop", supervised])
            module.run_command(["sv", "exit", supervised])
    deadline = time.monotonic() + timeout
    while runsv_running(staging) or runsv_running(os.path.join(staging, "log")):
        if time.monotonic() > deadline:
            module.fail_json(
                msg=f"the runsv of {folder} did not exit within {timeout} s; it is kept in {staging}"
            )
        time.sleep(0.1)
    shutil.rmtree(staging)


def main() -> None:
    module = AnsibleModule(
        argument_spec={
            "name": {"type": "str", "required": True},
            "service_dir": {"type": "path", "required": True},
            "run": {"type": "str"},
            "finish": {"type": "str", "default": ""},
            "control": {"type": "dict", "default": {}},
            "state": {"type": "str", "choices": ["up", "present", "absent"], "default": "up"},
            "timeout": {"type": "int", "default": 30},
            "log_dir": {"type": "path", "default": ""},
            "log_user": {"type": "str", "default": "root"},
            "log_size": {"type": "int", "default": 10000000},
            "log_keep": {"type": "int", "default": 10},
            "log_echo": {"type": "bool", "default": True},
        },
        required_if=[("state", "up", ["run"]), ("state", "present", ["run"])],
        supports_check_mode=True,
    )
    params = module.params
    if "/" in params["name"] or params["name"].startswith("."):
        module.fail_json(msg=f"service name {params['name']!r} must be a plain folder name")
    if params["state"] == "absent":
        present = os.path.isdir(os.path.join(params["service_dir"], params["name"]))
        if present and not module.check_mode:
            remove(module, params["service_dir"], params["name"], params["timeout"])
        module.exit_json(
            changed=present,
            removed=present,
            created=False,
            run_changed=False,
            log_restarted=False,
            started=False,
            status="",
        )
    if params["log_dir"]:
        try:
            pwd.getpwnam(params["log_user"])
        except KeyError:
            # In check mode the role that creates the user has not really run.
            if not module.check_mode:
                module.fail_json(msg=f"log_user {params['log_user']!r} does not exist: svlogd runs as it")
        if params["log_size"] < 4096 or params["log_keep"] < 1:
            module.fail_json(msg="log_size must be at least 4096 bytes and log_keep at least 1")
    folder = os.path.join(params["service_dir"], params["name"])
    files = wanted_files(params)
    created = not os.path.isdir(folder)
    differing = {name: (None, content) for name, content in files.items() if content is not None}
    if not created:
        differing = changes(folder, files)
    result = {
        "changed": bool(differing),
        "created": created,
        "run_changed": not created and bool({"run", "finish"} & set(differing)),
        "log_restarted": False,
        "removed": False,
        "started": False,
        "status": "",
    }
    if module._diff and differing:
        result["diff"] = [
            {
                "before_header": os.path.join(folder, name),
                "after_header": os.path.join(folder, name),
                "before": before or "",
                "after": after or "",
            }
            for name, (before, after) in sorted(differing.items())
        ]
    if module.check_mode:
        module.exit_json(**result)

    if created:
        # Assembled under a hidden name, which runsvdir ignores, then renamed into place whole.
        staging = os.path.join(params["service_dir"], f".{params['name']}.new")
        shutil.rmtree(staging, ignore_errors=True)
        os.makedirs(staging, mode=0o755)
        apply(staging, differing)
        os.rename(staging, folder)
    else:
        apply(folder, differing)
        # Also when log/run is unchanged but never ran: a run that failed half way left it so.
        needed = "log/run" in differing or log_unsupervised(folder)
        if needed and params["state"] == "up" and status(module, folder):
            restart_log(module, folder, params["timeout"])
            result.update(log_restarted=True, changed=True)

    if params["state"] == "up":
        if not wait_supervised(folder, params["timeout"]):
            module.fail_json(
                msg=f"runsvdir did not pick up {folder} within {params['timeout']} s: is runsvdir "
                f"running over {params['service_dir']}?",
                **result,
            )
        result["status"] = status(module, folder)
        if not result["status"].startswith("run:"):
            rc, out, err = module.run_command(["sv", "-w", str(params["timeout"]), "up", folder])
            result["status"] = status(module, folder)
            if rc != 0 or not result["status"].startswith("run:"):
                module.fail_json(
                    msg=f"service {params['name']} does not stay up: {(out + err).strip()}", **result
                )
            result.update(started=True, changed=True)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
