"""controller_path: a controller-side path as the shell would take it."""

from __future__ import annotations

DOCUMENTATION = r"""
name: controller_path
short_description: Absolute path of a controller-side input, taken as the shell would take it
description:
  - Expands C(~) and makes a relative path absolute from the directory ansible-playbook runs in,
    so a relative path means the same in every task, whatever folder a role or playbook lives in.
  - An empty string stays empty (an input that was not given).
options:
  _input:
    description: The path as the user gave it.
    type: str
    required: true
"""

EXAMPLES = r"""
script: "{{ './score.py' | inferops.scoring.controller_path }}"
"""

RETURN = r"""
_value:
  description: The absolute path, or an empty string.
  type: str
"""

from ansible_collections.inferops.scoring.plugins.plugin_utils.app_inputs import controller_path as absolute


def controller_path(path: str) -> str:
    return absolute(path) if path else ""


class FilterModule:
    def filters(self):
        return {"controller_path": controller_path}
