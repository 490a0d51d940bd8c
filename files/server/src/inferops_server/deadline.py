"""Run a callable with a deadline that holds in every worker class.

On a process's main thread (gunicorn's sync worker, the CLI) a SIGALRM interval timer interrupts
run() where it is, even inside time.sleep or a blocking read. Elsewhere (gthread workers, where the
reference server silently enforces nothing) run() executes on a helper thread: the request thread
waits with the deadline and answers on time, and the abandoned helper is stopped by an exception
injected at its next Python instruction.
"""

from __future__ import annotations

import contextvars
import ctypes
import signal
import threading
import time
from typing import Any, Callable


class DeadlineExceeded(BaseException):
    """BaseException so that a run() with ``except Exception`` cannot swallow its own timeout."""


def _raise_deadline(signum: int, frame: object) -> None:
    raise DeadlineExceeded


def _on_main_thread() -> bool:
    return threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer")


def _with_alarm(call: Callable[[], Any], seconds: float) -> Any:
    previous = signal.signal(signal.SIGALRM, _raise_deadline)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        return call()
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _stop_thread(thread: threading.Thread) -> None:
    if thread.ident is not None:
        ctypes.pythonapi.PyThreadState_SetAsyncExc(
            ctypes.c_ulong(thread.ident), ctypes.py_object(DeadlineExceeded)
        )


def _with_helper_thread(call: Callable[[], Any], seconds: float) -> Any:
    outcome: dict[str, Any] = {}
    # Flask's request context lives in context variables: the helper sees the caller's.
    context = contextvars.copy_context()

    def target() -> None:
        try:
            outcome["value"] = context.run(call)
        except DeadlineExceeded:
            pass
        except BaseException as exc:
            outcome["error"] = exc

    helper = threading.Thread(target=target, name="scoring-run", daemon=True)
    helper.start()
    helper.join(seconds)
    if helper.is_alive():
        _stop_thread(helper)
        raise DeadlineExceeded
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def call_with_deadline(call: Callable[[], Any], timeout_ms: int) -> tuple[Any, float]:
    """Return ``(result, elapsed_ms)``; raise DeadlineExceeded after ``timeout_ms``."""
    seconds = timeout_ms / 1000
    runner = _with_alarm if _on_main_thread() else _with_helper_thread
    started = time.perf_counter()
    result = runner(call, seconds)
    return result, (time.perf_counter() - started) * 1000
