"""Prometheus metrics of the server, summed over gunicorn's workers by prometheus_client's
multiprocess mode: each process writes its values to files in PROMETHEUS_MULTIPROC_DIR, and the
exporter (``python -m inferops_server.exporter``) reads them all.

Metrics are on only when that variable names a folder (the gunicorn role sets it). Otherwise every
call below does nothing and prometheus_client need not be installed: the server runs in the user's
environment and imports nothing it did not ask for.
"""

from __future__ import annotations

import functools
import os

SCRIPT_STATES = ("starting", "ready", "failed")
RUN_FAILURES = ("exception", "timeout", "busy", "output")


class Metrics:
    """The interface, doing nothing: what the server calls when metrics are off."""

    def request_started(self) -> None:
        pass

    def request_answered(self, route: str, method: str, status: int, seconds: float) -> None:
        pass

    def request_ended(self) -> None:
        pass

    def run_finished(self, seconds: float) -> None:
        pass

    def run_failed(self, reason: str) -> None:
        pass

    def script_state(self, state: str, init_seconds: float | None = None) -> None:
        pass

    def worker_started(self) -> None:
        pass

    def worker_exited(self, pid: int) -> None:
        pass

    def master_ready(self, pid: int) -> None:
        pass


class PrometheusMetrics(Metrics):
    def __init__(self) -> None:
        from prometheus_client import Counter, Gauge, Histogram

        # registry=None: in multiprocess mode the values live in files, read by the exporter.
        self.requests = Counter(
            "inferops_requests",
            "Requests answered by the scoring server.",
            ["route", "method", "status"],
            registry=None,
        )
        self.request_seconds = Histogram(
            "inferops_request_duration_seconds",
            "Time the server took to answer, by route.",
            ["route"],
            registry=None,
        )
        # live*: a dead worker's values leave the sum when gunicorn reaps it (worker_exited).
        self.in_flight = Gauge(
            "inferops_requests_in_flight",
            "Requests the workers are answering now.",
            registry=None,
            multiprocess_mode="livesum",
        )
        self.run_seconds = Histogram(
            "inferops_run_duration_seconds", "Duration of successful run() calls.", registry=None
        )
        self.run_failures = Counter(
            "inferops_run_failures", "run() calls that failed, by reason.", ["reason"], registry=None
        )
        self.init_seconds = Gauge(
            "inferops_init_duration_seconds",
            "Seconds the scoring script's init() took (the slowest live process).",
            registry=None,
            multiprocess_mode="livemax",
        )
        self.script_processes = Gauge(
            "inferops_scoring_script_processes",
            "Serving processes whose scoring script is starting, ready or failed.",
            ["state"],
            registry=None,
            multiprocess_mode="livesum",
        )
        self.workers = Gauge(
            "inferops_workers", "Live gunicorn workers.", registry=None, multiprocess_mode="livesum"
        )
        self.worker_starts = Counter("inferops_worker_starts", "gunicorn workers started.", registry=None)
        self.worker_exits = Counter(
            "inferops_worker_exits", "gunicorn workers that exited (replaced ones included).", registry=None
        )
        for reason in RUN_FAILURES:
            self.run_failures.labels(reason)
        self._state: tuple[str, float | None] | None = None

    def request_started(self) -> None:
        self.in_flight.inc()

    def request_answered(self, route: str, method: str, status: int, seconds: float) -> None:
        self.requests.labels(route, method, str(status)).inc()
        self.request_seconds.labels(route).observe(seconds)

    def request_ended(self) -> None:
        self.in_flight.dec()

    def run_finished(self, seconds: float) -> None:
        self.run_seconds.observe(seconds)

    def run_failed(self, reason: str) -> None:
        self.run_failures.labels(reason).inc()

    def script_state(self, state: str, init_seconds: float | None = None) -> None:
        # Remembered: a preloaded script settles in the master, and each worker reports it again.
        self._state = (state, init_seconds)
        for name in SCRIPT_STATES:
            self.script_processes.labels(name).set(1 if name == state else 0)
        if init_seconds is not None:
            self.init_seconds.set(init_seconds)

    def worker_started(self) -> None:
        # The state first: a scrape that counts this worker also sees its script's state.
        if self._state is not None:
            self.script_state(*self._state)
        self.worker_starts.inc()
        self.workers.set(1)

    def worker_exited(self, pid: int) -> None:
        from prometheus_client import multiprocess

        self.worker_exits.inc()
        multiprocess.mark_process_dead(pid)

    def master_ready(self, pid: int) -> None:
        # The master served a preloaded init() but answers no request: its live values go, the
        # workers it forks report their own.
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(pid)


@functools.cache
def metrics() -> Metrics:
    """The process's metrics: one set per process, shared by the app and gunicorn's hooks."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return PrometheusMetrics()
    return Metrics()


# gunicorn server hooks (the gunicorn role's config calls them).
def on_master_ready(server) -> None:
    metrics().master_ready(os.getpid())


def on_worker_start(server, worker) -> None:
    metrics().worker_started()


def on_worker_exit(server, worker) -> None:
    metrics().worker_exited(worker.pid)
