"""Run a callable with a deadline that holds in every worker class.

On a process's main thread (gunicorn's sync worker, the CLI) a SIGALRM interval timer interrupts
run() where it is, even inside time.sleep or a blocking read. Elsewhere (gthread workers, where the
reference server silently enforces nothing) run() executes on a long-lived run thread: the request
thread waits with the deadline and answers on time, and an overrunning run thread is stopped by an
exception injected at its next Python instruction.
"""

from __future__ import annotations

import contextvars
import ctypes
import os
import queue
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


class _RunThread:
    """A long-lived daemon thread that runs run() calls, so no call pays for a thread start.

    When a call overruns, the request answers without it; the thread is told to stop at its next
    Python instruction and never takes another call, and the next request starts a fresh one.
    """

    def __init__(self) -> None:
        self.pid = os.getpid()
        self.abandoned = False
        self._calls: queue.SimpleQueue = queue.SimpleQueue()
        self.thread = threading.Thread(target=self._serve, name="scoring-run", daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        try:
            while not self.abandoned:
                call, outcome, done = self._calls.get()
                try:
                    outcome["value"] = call()
                except BaseException as exc:
                    outcome["error"] = exc
                finally:
                    done.set()
        except DeadlineExceeded:
            # The stop arrived between calls, after the deadline raced the call's end.
            return

    def run(self, call: Callable[[], Any], seconds: float) -> Any:
        outcome: dict[str, Any] = {}
        done = threading.Event()
        # Flask's request context lives in context variables: the call sees the caller's.
        self._calls.put((_in_context(call), outcome, done))
        if not done.wait(seconds):
            self.abandoned = True
            ctypes.pythonapi.PyThreadState_SetAsyncExc(
                ctypes.c_ulong(self.thread.ident), ctypes.py_object(DeadlineExceeded)
            )
            raise DeadlineExceeded
        if "error" in outcome:
            raise outcome["error"]
        return outcome["value"]


def _in_context(call: Callable[[], Any]) -> Callable[[], Any]:
    context = contextvars.copy_context()
    return lambda: context.run(call)


_run_thread: _RunThread | None = None
_run_thread_lock = threading.Lock()


def _with_run_thread(call: Callable[[], Any], seconds: float) -> Any:
    global _run_thread
    with _run_thread_lock:
        # A thread from before a fork (gunicorn's preload) does not exist in the child.
        if _run_thread is None or _run_thread.abandoned or _run_thread.pid != os.getpid():
            _run_thread = _RunThread()
        runner = _run_thread
    return runner.run(call, seconds)


def call_with_deadline(call: Callable[[], Any], timeout_ms: int) -> tuple[Any, float]:
    """Return ``(result, elapsed_ms)``; raise DeadlineExceeded after ``timeout_ms``."""
    seconds = timeout_ms / 1000
    runner = _with_alarm if _on_main_thread() else _with_run_thread
    started = time.perf_counter()
    result = runner(call, seconds)
    return result, (time.perf_counter() - started) * 1000
