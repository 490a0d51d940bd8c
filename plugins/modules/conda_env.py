#!/usr/bin/python
"""Drive the python_env role's conda engine on the host and report in Ansible's terms."""

from __future__ import annotations

DOCUMENTATION = r"""
module: conda_env
short_description: Build a conda environment from an environment file's contents
description:
  - Makes an environment of exactly the given conda dependencies and pip section exist, with the
    conda engine the C(inferops.scoring.python_env) role installs (py-rattler, in its own venv).
  - Environments are named after what they are built from and never changed in place. An
    unchanged request changes nothing; a changed one is built beside the current environment and
    becomes current only once complete, so a failure leaves the current one as it was.
  - Check mode solves and reports the packages that would change without writing anything;
    with C(--diff) the package lists before and after are shown.
  - Use the role; it installs the engine this module needs.
options:
  engine_python:
    description: Python of the engine's venv (with py-rattler).
    type: path
    required: true
  engine_path:
    description: Folder that holds the C(inferops_conda) package.
    type: path
    required: true
  root:
    description: Folder of the environments (C(envs/)), the package cache and the repodata cache.
    type: path
    required: true
  id:
    description:
      - Stands for what the environment is built from; an environment is never rebuilt under the
        same id. The role hashes the specs, channels and platform into it.
    type: str
    required: true
  name:
    description:
      - Name of the environment (letters, digits, C(.), C(_), C(-)).
      - Its folder is C(<root>/envs/<name>-<id>).
    type: str
    default: env
  channels:
    description: Channels as an environment file lists them (names, URLs, absolute paths).
    type: list
    elements: str
    required: true
  dependencies:
    description: Conda match specs.
    type: list
    elements: str
    required: true
  pip:
    description: Lines of the environment file's C(pip:) section.
    type: list
    elements: str
    default: []
  pip_args:
    description: Extra arguments for the pip install of the C(pip:) section.
    type: list
    elements: str
    default: []
  channel_alias:
    description: Base URL that channel names resolve under.
    type: str
    default: https://conda.anaconda.org
  mirrors:
    description: Channel (name or URL) to mirror URLs; packages keep the channel's own URL.
    type: dict
    default: {}
  keep:
    description: Environments kept, the current one included; environments in use are never removed.
    type: int
    default: 2
author:
  - inferops contributors
"""

EXAMPLES = r"""
- name: Build the scoring environment
  inferops.scoring.conda_env:
    engine_python: /opt/inferops/conda/engine/venv/bin/python
    engine_path: /opt/inferops/conda/engine/lib
    root: /opt/inferops/conda
    id: 3f2a9c1d0b7e
    name: scoring
    channels: [conda-forge]
    dependencies: [python=3.11, pip, scikit-learn=1.5]
    pip: [inference-schema]
    mirrors:
      conda-forge: [https://mirror.example/conda-forge]
  register: __env
"""

RETURN = r"""
prefix:
  description: Folder of the environment.
  type: str
  returned: success
python:
  description: Its interpreter.
  type: str
  returned: success
created:
  description: Whether this run built the environment.
  type: bool
  returned: success
previous:
  description: Prefix of the environment that was current before, if any.
  type: str
  returned: success
added:
  description: Packages the environment has that the previous one lacked (pip ones marked C((pip))).
  type: list
  elements: str
  returned: success
removed:
  description: Packages of the previous environment it no longer has.
  type: list
  elements: str
  returned: success
updated:
  description: Packages whose version, build or channel differ, with C(name), C(before), C(after).
  type: list
  elements: dict
  returned: success
pruned:
  description: Folders of old or unfinished environments removed.
  type: list
  elements: str
  returned: success
"""

import json
import os
import subprocess

from ansible.module_utils.basic import AnsibleModule

ARGUMENTS = {
    "engine_python": {"type": "path", "required": True},
    "engine_path": {"type": "path", "required": True},
    "root": {"type": "path", "required": True},
    "id": {"type": "str", "required": True},
    "name": {"type": "str", "default": "env"},
    "channels": {"type": "list", "elements": "str", "required": True},
    "dependencies": {"type": "list", "elements": "str", "required": True},
    "pip": {"type": "list", "elements": "str", "default": []},
    "pip_args": {"type": "list", "elements": "str", "default": []},
    "channel_alias": {"type": "str", "default": "https://conda.anaconda.org"},
    "mirrors": {"type": "dict", "default": {}},
    "keep": {"type": "int", "default": 2},
}
ENGINE_ONLY = ("engine_python", "engine_path")


def run_engine(params: dict, check: bool) -> tuple[int, dict]:
    request = {key: value for key, value in params.items() if key not in ENGINE_ONLY}
    command = [params["engine_python"], "-m", "inferops_conda", "ensure"] + (["--check"] if check else [])
    environment = {**os.environ, "PYTHONPATH": params["engine_path"]}
    result = subprocess.run(
        command, input=json.dumps(request), capture_output=True, text=True, env=environment, check=False
    )
    try:
        return result.returncode, json.loads(result.stdout.strip().splitlines()[-1])
    except (IndexError, ValueError):
        ended = f"the conda engine ended without a result (status {result.returncode})"
        return 2, {"msg": f"{ended}: {result.stderr}"}


def main() -> None:
    module = AnsibleModule(argument_spec=ARGUMENTS, supports_check_mode=True)
    status, report = run_engine(module.params, module.check_mode)
    if status != 0:
        module.fail_json(msg=report.get("msg", "the conda engine failed"))
    result = {key: report[key] for key in ("prefix", "python", "created", "previous", "added", "removed")}
    result.update(updated=report["updated"], pruned=report["pruned"], changed=report["changed"])
    if module._diff:
        result["diff"] = {
            "before": report["before"],
            "after": report["after"],
            "before_header": report["previous"] or "(no environment)",
            "after_header": report["prefix"],
        }
    module.exit_json(**result)


if __name__ == "__main__":
    main()
