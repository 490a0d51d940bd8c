"""Name a release after its content, on the controller. The documentation is in
plugins/modules/release_content.py."""

from __future__ import annotations

import os

from ansible.plugins.action import ActionBase
from ansible_collections.inferops.scoring.plugins.plugin_utils.release_content import release_id

ARGUMENTS = {
    "parts": {"type": "list", "elements": "dict", "required": True},
    "extra": {"type": "list", "elements": "str", "default": []},
}


class ActionModule(ActionBase):
    _supports_check_mode = True
    _requires_connection = False

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        _, args = self.validate_argument_spec(argument_spec=ARGUMENTS)
        missing = [part["src"] for part in args["parts"] if not os.path.exists(part["src"])]
        if missing:
            result.update(failed=True, msg=f"release part(s) missing on the controller: {', '.join(missing)}")
            return result
        try:
            result.update(changed=False, id=release_id(args["parts"], args["extra"]))
        except OSError as error:
            result.update(failed=True, msg=f"cannot read a release part on the controller: {error}")
        return result
