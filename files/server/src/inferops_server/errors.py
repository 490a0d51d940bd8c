"""Typed failures of the server, each mapped to its HTTP status in one place (app.py)."""

from __future__ import annotations


class ServerError(Exception):
    """A failure the server reports to the client as JSON ``{"message": ...}``."""

    status = 500

    def __init__(self, message: str, *, run_function_failed: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.run_function_failed = run_function_failed


class BadInput(ServerError):
    status = 400


class UnsupportedInput(ServerError):
    status = 415


class HeaderTooLarge(ServerError):
    status = 431


class NotReady(ServerError):
    """The scoring script is still initialising or failed to; nothing can be scored."""

    status = 503


class RunFailed(ServerError):
    """The user's run() raised: its text stays in the log, never in the response."""

    def __init__(self) -> None:
        super().__init__(
            "An unexpected error occurred in scoring script. Check the logs for more info.",
            run_function_failed=True,
        )


class ScoringTimeout(ServerError):
    def __init__(self, timeout_ms: int) -> None:
        super().__init__(f"Scoring timeout after {timeout_ms} ms", run_function_failed=True)
        self.timeout_ms = timeout_ms


class RunBusy(ServerError):
    """An earlier run() overran its timeout and has not stopped: this worker is being replaced."""

    status = 503

    def __init__(self) -> None:
        super().__init__(
            "The previous run() overran SCORING_TIMEOUT_MS and has not stopped; this worker is being "
            "replaced. Retry."
        )


class SwaggerNotFound(ServerError):
    status = 404


class ScriptError(Exception):
    """The scoring script cannot be served; ``step`` names what failed, for the 503 and the log."""

    def __init__(self, step: str, detail: str) -> None:
        super().__init__(f"{step}: {detail}")
        self.step = step
        self.detail = detail


class SettingsError(ValueError):
    """A setting from the environment or config.json is invalid; the message names it."""
