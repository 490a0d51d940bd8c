"""Name a release after its content, on the controller. The documentation is in
plugins/modules/release_content.py."""

from __future__ import annotations

import os

from ansible_collections.inferops.scoring.plugins.plugin_utils.controller_action import ControllerAction
from ansible_collections.inferops.scoring.plugins.plugin_utils.release_content import release_id

ARGUMENTS = {
    "parts": {"type": "list", "elements": "dict", "required": True},
    "extra": {"type": "list", "elements": "str", "default": []},
}


class ActionModule(ControllerAction):
    arguments = ARGUMENTS
    refusals = (OSError,)

    def read(self, args: dict) -> dict:
        missing = [part["src"] for part in args["parts"] if not os.path.exists(part["src"])]
        if missing:
            raise FileNotFoundError(f"release part(s) missing on the controller: {', '.join(missing)}")
        return {"id": release_id(args["parts"], args["extra"])}
