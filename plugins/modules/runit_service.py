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
    description: Content of the C(run) script.
    type: str
    required: true
  finish:
    description: Content of the C(finish) script; empty for none.
    type: str
    default: ""
  control:
    description: Control scripts by letter (C(t), C(d), ...), as runsv runs them instead of sending a signal.
    type: dict
    default: {}
  state:
    description: C(up) supervises and starts the service; C(present) only writes it (image baking).
    type: str
    choices: [up, present]
    default: up
  timeout:
    description: Seconds to wait for runsvdir to pick the service up and for it to run.
    type: int
    default: 30
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


def wanted_files(params: dict) -> dict[str, str | None]:
    """Relative path -> content; None for a file that must not exist."""
    files = {"run": params["run"], "finish": params["finish"] or None}
    files.update({f"control/{letter}": content for letter, content in params["control"].items()})
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
    rc, out, _ = module.run_command(["sv", "status", folder])
    return out.strip() if rc == 0 else ""


def wait_supervised(folder: str, timeout: int) -> bool:
    deadline = time.monotonic() + timeout
    while not os.path.exists(os.path.join(folder, "supervise", "ok")):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.2)
    return True


def main() -> None:
    module = AnsibleModule(
        argument_spec={
            "name": {"type": "str", "required": True},
            "service_dir": {"type": "path", "required": True},
            "run": {"type": "str", "required": True},
            "finish": {"type": "str", "default": ""},
            "control": {"type": "dict", "default": {}},
            "state": {"type": "str", "choices": ["up", "present"], "default": "up"},
            "timeout": {"type": "int", "default": 30},
        },
        supports_check_mode=True,
    )
    params = module.params
    if "/" in params["name"] or params["name"].startswith("."):
        module.fail_json(msg=f"service name {params['name']!r} must be a plain folder name")
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
