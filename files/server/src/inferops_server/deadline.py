"""Run a callable with a deadline that holds in every worker class, one call at a time.

On a process's main thread (gunicorn's sync worker, the CLI) a SIGALRM interval timer interrupts
run() where it is, even inside time.sleep or a blocking read. Elsewhere (gthread workers, where the
reference server silently enforces nothing) run() executes on a long-lived run thread: the request
thread waits with the deadline and answers on time, and an overrunning run thread is stopped by an
exception injected at its next Python instruction.

That exception cannot reach a call blocked in native code (a sleep, a read, a C extension): the
abandoned call goes on. The next call never starts beside it (scripts written for Azure ML rely on
one run() at a time): it waits for the abandoned one to stop, within a grace period after its
deadline. A call still running when the grace period ends is stuck: the stuck handler runs (under
gunicorn, the worker exits and gunicorn starts a fresh one) and calls meanwhile raise RunStuck.
"""

from __future__ import annotations

import contextvars
import ctypes
import logging
import os
import queue
import signal
import threading
import time
from typing import Any, Callable


class DeadlineExceeded(BaseException):
    """BaseException so that a run() with ``except Exception`` cannot swallow its own timeout."""


class RunStuck(Exception):
    """An earlier call overran its deadline and has not stopped: this one cannot start."""


def _log_stuck() -> None:
    logging.getLogger("inferops_server").error("an abandoned run() is stuck; nothing replaces this process")


# What to do when an abandoned call outlives its grace period; gunicorn's entry point (wsgi.py)
# makes the worker exit, so gunicorn replaces it.
_on_stuck: Callable[[], None] = _log_stuck


def on_stuck(handler: Callable[[], None]) -> None:
    global _on_stuck
    _on_stuck = handler


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
    Python instruction and never takes another call. It has ``grace`` seconds to stop before it
    counts as stuck.
    """

    def __init__(self) -> None:
        self.pid = os.getpid()
        self.abandoned = False
        self.stuck = False
        self.grace = 0.0
        self.stop_by = 0.0
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

    def run(self, call: Callable[[], Any], seconds: float, grace: float) -> Any:
        outcome: dict[str, Any] = {}
        done = threading.Event()
        # Flask's request context lives in context variables: the call sees the caller's.
        self._calls.put((_in_context(call), outcome, done))
        if not done.wait(seconds):
            self._abandon(grace)
            raise DeadlineExceeded
        if "error" in outcome:
            raise outcome["error"]
        return outcome["value"]

    def _abandon(self, grace: float) -> None:
        self.abandoned = True
        self.grace = grace
        self.stop_by = time.monotonic() + grace
        ctypes.pythonapi.PyThreadState_SetAsyncExc(
            ctypes.c_ulong(self.thread.ident), ctypes.py_object(DeadlineExceeded)
        )
        watchdog = threading.Timer(grace, self._check_stopped)
        watchdog.daemon = True
        watchdog.start()

    def _check_stopped(self) -> None:
        if self.thread.is_alive():
            self.stuck = True
            logging.getLogger("inferops_server").error(
                "run() has not stopped %.1f s after its timeout: replacing this worker", self.grace
            )
            _on_stuck()

    def wait_stopped(self) -> bool:
        """Whether an abandoned call stopped within its grace period (waiting for it if need be)."""
        if not self.stuck:
            self.thread.join(max(0.0, self.stop_by - time.monotonic()))
        return not self.thread.is_alive()


def _in_context(call: Callable[[], Any]) -> Callable[[], Any]:
    context = contextvars.copy_context()
    return lambda: context.run(call)


_run_thread: _RunThread | None = None
_run_thread_lock = threading.Lock()


def _with_run_thread(call: Callable[[], Any], seconds: float, grace: float) -> Any:
    global _run_thread
    with _run_thread_lock:
        current = _run_thread
        # A thread from before a fork (gunicorn's preload) does not exist in the child.
        abandoned_here = current is not None and current.pid == os.getpid() and current.abandoned
        if abandoned_here and not current.wait_stopped():
            raise RunStuck
        if current is None or current.abandoned or current.pid != os.getpid():
            _run_thread = _RunThread()
        runner = _run_thread
    return runner.run(call, seconds, grace)


def call_with_deadline(call: Callable[[], Any], timeout_ms: int, grace_ms: int = 5000) -> tuple[Any, float]:
    """Return ``(result, elapsed_ms)``; raise DeadlineExceeded after ``timeout_ms``, and RunStuck
    when an earlier overrunning call has not stopped ``grace_ms`` after its deadline."""
    seconds = timeout_ms / 1000
    started = time.perf_counter()
    if _on_main_thread():
        result = _with_alarm(call, seconds)
    else:
        result = _with_run_thread(call, seconds, grace_ms / 1000)
    return result, (time.perf_counter() - started) * 1000
