"""Actions that only read the controller: they run in check mode, need no connection to the host,
and turn a refused input into a failed task whose message says what to fix."""

from __future__ import annotations

from typing import ClassVar

from ansible.plugins.action import ActionBase


class ControllerAction(ActionBase):
    _supports_check_mode = True
    _requires_connection = False
    # The task's arguments, as an argument spec, and the errors that refuse an input.
    arguments: ClassVar[dict] = {}
    refusals: ClassVar[tuple[type[Exception], ...]] = ()

    def read(self, args: dict) -> dict:
        """What the task returns, from its validated arguments."""
        raise NotImplementedError

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        _, args = self.validate_argument_spec(argument_spec=self.arguments)
        try:
            result.update(changed=False, **self.read(args))
        except self.refusals as error:
            result.update(failed=True, msg=str(error))
        return result
