"""``AMLResponse`` as Azure ML scoring scripts import it."""

import json

from flask import Response


class AMLResponse(Response):
    """A response run() returns as-is; ``json_str`` serialises ``message`` as JSON."""

    def __init__(
        self, message, status_code, response_headers=None, json_str=False, run_function_failed=False
    ):
        if message is None:
            super().__init__(json.dumps({}), status=status_code, mimetype="application/json")
        elif json_str:
            super().__init__(json.dumps(message), status=status_code, mimetype="application/json")
        else:
            super().__init__(message, status=status_code)
            if "Content-Type" in (response_headers or {}):
                del self.headers["Content-Type"]
        self.headers["x-ms-run-function-failed"] = str(run_function_failed)
        # Repeated header values arrive comma-separated (RFC 9110 list syntax).
        for name, value in (response_headers or {}).items():
            for item in value.split(","):
                self.headers.add(name, item.strip())
