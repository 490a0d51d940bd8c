"""The benchmark's figures, each measured on one BenchHost and returned as table rows."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from containers import EXAMPLE, ROOT, deploy_vars, example_vars
from host import BenchHost, progress, write_model_version
from load import until_stopped, wrk

APPS = ROOT / "bench" / "apps"
EXAMPLE_BODY = json.dumps({"data": [[5.1, 3.5, 1.4, 0.2], [6.7, 3.0, 5.2, 2.3]]})
REQUIREMENTS = EXAMPLE / "requirements.txt"


def median_of(runs: list[dict]) -> dict:
    return {key: statistics.median(run[key] for run in runs) for key in ("rps", "p50", "p99")} | {
        "errors": sum(run["errors"] for run in runs)
    }


def throughput(
    host: BenchHost, stacks: dict, connections: list[int], seconds: float, runs: int
) -> list[dict]:
    """req/s, p50, p99 and errors of each stack at each concurrency. ``stacks`` maps a label to
    (stack, service to start or None, its worker count, the service's environment); rounds
    interleave the stacks so that the machine's drift hits all of them alike."""
    results: dict[tuple[str, int], list[dict]] = {}
    for _ in range(runs):
        for label, (stack, service, workers, env) in stacks.items():
            if service:
                host.start(service, workers, env)
            host.wait_ready(host.url(stack), EXAMPLE_BODY)
            progress(f"throughput of {label}")
            for count in connections:
                results.setdefault((label, count), []).append(
                    wrk(host.url(stack), count, seconds, EXAMPLE_BODY, host.pid)
                )
            if service:
                host.stop(service)
    return [
        {"stack": label, "connections": count, **median_of(results[(label, count)])}
        for count in connections
        for label in stacks
    ]


def health_under_load(host: BenchHost, stacks: dict, seconds: float, sleep_s: float) -> list[dict]:
    """p99 of GET / probed every 50 ms while slow /score calls keep every worker busy (two calls
    in flight per worker, each sleeping ``sleep_s`` in run())."""
    rows = []
    body = json.dumps({"sleep": sleep_s})
    for label, (stack, service, workers, env) in stacks.items():
        if service:
            host.start(service, workers, env)
        host.wait_ready(host.url(stack), json.dumps({"sleep": 0}))
        progress(f"health probes of {label}")
        load = threading.Thread(target=wrk, args=(host.url(stack), 2 * workers, seconds + 2, body, host.pid))
        load.start()
        time.sleep(1)
        probe = subprocess.run(
            host.inside(
                sys.executable, str(ROOT / "bench" / "probe.py"), host.url(stack, "/"), str(seconds), "0.05"
            ),
            capture_output=True,
            text=True,
            check=True,
        )
        load.join()
        samples = json.loads(probe.stdout)
        latencies = sorted(ms for _, ms in samples)
        rows.append(
            {
                "stack": label,
                "probes": len(samples),
                "failed": sum(status != 200 for status, _ in samples),
                "p50": latencies[len(latencies) // 2],
                "p99": latencies[min(len(latencies) - 1, round(0.99 * len(latencies)))],
            }
        )
        if service:
            host.stop(service)
    return rows


def memory(host: BenchHost, workers: int) -> list[dict]:
    """PSS/RSS of gunicorn's processes with a ~200 MB model: ours with 1 worker, N workers and N
    workers with preload (each a deploy of the ballast app), Microsoft's with 1 and N workers."""
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        model = Path(folder) / "model"
        model.mkdir()
        # Random bytes: pages that no kernel or allocator trick can share or leave unmapped.
        with open(model / "ballast.bin", "wb") as handle:
            for _ in range(200):
                handle.write(os.urandom(1 << 20))
        for label, count, preload in (
            ("ours, 1 worker", 1, False),
            (f"ours, {workers} workers", workers, False),
            (f"ours, {workers} workers, preload", workers, True),
        ):
            host.deploy(
                *deploy_vars(
                    APPS / "ballast", model, REQUIREMENTS, endpoint_workers=count, endpoint_preload=preload
                )
            )
            rows.append({"stack": label, "workers": count, **host.settled_memory("ours")})
        served = host.served_app()
        for count in (1, workers):
            host.start("bench-azureml", count, served)
            host.wait_ready(host.url("azureml"), json.dumps({"data": [[1]]}))
            rows.append(
                {
                    "stack": f"azmlinfsrv, {count} worker{'s' * (count > 1)}",
                    "workers": count,
                    **host.settled_memory("azureml"),
                }
            )
            host.stop("bench-azureml")
    one = rows[0]["pss"]
    for row in rows:
        row["vs one worker"] = row["pss"] / one
    return rows


def redeploy_under_load(host: BenchHost, connections: int = 8) -> dict:
    """Deploy a new model version while wrk scores through nginx: failed requests, and whether
    the new version answers afterwards."""
    with tempfile.TemporaryDirectory() as folder:
        model = write_model_version(Path(folder) / "model", EXAMPLE / "model", intercept=1.0)
        with until_stopped(host.url("ours"), connections, EXAMPLE_BODY, host.pid) as load:
            time.sleep(2)
            seconds = host.deploy(*deploy_vars(EXAMPLE, model, REQUIREMENTS))
            time.sleep(2)
    return {
        "seconds": seconds,
        "requests": load["requests"],
        "errors": load["errors"],
        "answer": host.post(host.url("ours"), EXAMPLE_BODY),
    }


def deploy_times(host: BenchHost, runs: int, **settings: object) -> dict:
    """No-op reruns of the example's deploy (the first, fresh deploy is timed by the caller)."""
    return {"noop": statistics.median(host.deploy(*example_vars(**settings)) for _ in range(runs))}


def health(host: BenchHost, workers: int, tuned: dict, seconds: float, sleep_s: float) -> list[dict]:
    """Health probes under load for ours tuned, ours with defaults and azmlinfsrv, each serving
    the slow app (a deploy each for ours)."""
    slow = (APPS / "slow", EXAMPLE / "model", REQUIREMENTS)
    host.deploy(*deploy_vars(*slow, endpoint_workers=workers, **tuned))
    rows = health_under_load(host, {"ours, tuned": ("ours", None, workers, None)}, seconds, sleep_s)
    host.deploy(*deploy_vars(*slow, endpoint_workers=workers))
    stacks = {
        "ours, defaults": ("ours", None, workers, None),
        f"azmlinfsrv, {workers} workers": ("azureml", "bench-azureml", workers, host.served_app()),
    }
    return health_under_load(host, stacks, seconds, sleep_s) + rows


def sklearn(
    host: BenchHost, model_dir: Path, workers: int, connections: list[int], seconds: float, runs: int
):
    """The scikit-learn app end to end: deploy (a new environment), then ours against Microsoft's
    server on the same score.py, model and worker count."""
    deploy_s = host.deploy(*deploy_vars(APPS / "sklearn", model_dir, APPS / "sklearn" / "requirements.txt"))
    served = host.served_app()
    stacks = {
        "ours (defaults)": ("ours", None, workers, None),
        f"azmlinfsrv, {workers} workers": ("azureml", "bench-azureml", workers, served),
    }
    rows = throughput(host, stacks, connections, seconds, runs)
    # The same answer from both servers, or the comparison means nothing.
    host.start("bench-azureml", 1, served)
    host.wait_ready(host.url("azureml"), EXAMPLE_BODY)
    answers = {stack: host.post(host.url(stack), EXAMPLE_BODY) for stack in ("ours", "azureml")}
    host.stop("bench-azureml")
    return {"deploy_s": deploy_s, "rows": rows, "answers": answers}
