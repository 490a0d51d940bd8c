"""Fault figures: deploy the endpoint into a container and break it on purpose, one way at a time,
writing what a client saw to bench/results/faults.json and a table to stdout.

- each process killed with SIGKILL (a gunicorn worker and master, nginx's master and a worker, the
  metrics exporter, each runsv, a log service's svlogd), while a client inside the container
  scores every 20 ms: the time back to a fully supervised endpoint serving the current release,
  and the requests that failed meanwhile;
- run() allocating past the container's memory limit (the OOM killer);
- each kind of redeploy (model, script, Python environment, worker count, preload on and off)
  under wrk at 8 connections, and one with the state folder's disk full;
- hostile input (bad bodies, a 200 MB body, huge or many headers, slowloris, a burst).

Run through bench/faults.sh, which installs what it needs.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import tempfile
import time
from pathlib import Path

from containers import EXAMPLE, ROOT, deploy_vars, podman, running
from host import BenchHost, progress, write_model_version
from load import until_stopped

APP = ROOT / "bench" / "apps" / "faults"
BODY = json.dumps({"data": [[5.1, 3.5, 1.4, 0.2]]})
INSIDE = "/tmp/faults_inside.py"
KILLS = [
    "gunicorn worker",
    "gunicorn master",
    "nginx master",
    "nginx worker",
    "metrics exporter",
    "runsv gunicorn",
    "runsv nginx",
    "runsv metrics",
    "svlogd gunicorn",
]
HOSTILE = [
    "invalid JSON",
    "non-UTF-8 body",
    "empty body",
    "10k-deep JSON",
    "200 MB body",
    "32 KB header",
    "300 headers",
    "200 slowloris connections",
    "3,000-request burst at concurrency 64",
]
STATE_DIR_SIZE = "64m"


def inside(name: str, *arguments: str) -> dict:
    result = podman("exec", name, "python3", INSIDE, *arguments)
    return json.loads(result.stdout)


def app_vars(
    app: Path = APP,
    model: Path = EXAMPLE / "model",
    requirements: Path = APP / "requirements.txt",
    **settings,
):
    return deploy_vars(app, model, requirements, endpoint_workers=2, **settings)


def kill_row(name: str, target: str) -> dict:
    figures = inside(name, "kill", target)
    return {
        "name": f"kill -9 {target}",
        "recovery_s": figures.get("recovery_s"),
        "lost_requests": figures.get("lost"),
        "detail": figures.get("error")
        or f"{figures['requests']} requests at 20 ms intervals: {figures['statuses']}",
    }


def hostile_row(name: str, kind: str) -> dict:
    figures = inside(name, "hostile", kind)
    stayed = "stayed up" if figures["up"] else "DOWN afterwards"
    restarted = ", a service restarted" if figures["restarted"] else ", nothing restarted"
    return {
        "name": kind,
        "recovery_s": None,
        "lost_requests": 0 if figures["up"] and not figures["restarted"] else None,
        "detail": f"client got: {figures['answer']}; endpoint {stayed}{restarted} ({figures['seconds']} s)",
    }


def oom_row(name: str) -> dict:
    limit = podman("exec", name, "cat", "/sys/fs/cgroup/memory.max", check=False).stdout.strip()
    if not limit.isdigit():
        return {
            "name": "run() allocating until the OOM killer fires",
            "recovery_s": None,
            "lost_requests": None,
            "detail": f"not measured: no memory limit in the container (memory.max {limit or 'missing'})",
        }
    figures = inside(name, "oom", str(2 * int(limit) // (1024 * 1024)))
    return {
        "name": "run() allocating until the OOM killer fires",
        "recovery_s": figures["recovery_s"],
        "lost_requests": figures["lost"],
        "detail": f"the allocating request got: {figures['answer']}; workers replaced: "
        f"{figures['workers_replaced']}; other requests at 20 ms intervals: {figures['statuses']}",
    }


def under_load(host: BenchHost, *extra_vars: str) -> tuple[dict, str]:
    """wrk at 8 connections through nginx while the deploy runs; its figures and the deploy's
    outcome ("ok" or the end of its error)."""
    with until_stopped(host.url("ours"), 8, BODY, host.pid) as load:
        time.sleep(2)
        try:
            seconds = host.deploy(*extra_vars)
            outcome = f"deployed in {seconds:.0f} s"
        except RuntimeError as error:
            outcome = "deploy failed: " + " ".join(str(error).split())[-300:]
        time.sleep(2)
    return load, outcome


def redeploy_rows(host: BenchHost, folder: Path) -> list[dict]:
    script = folder / "app"
    script.mkdir()
    (script / "score.py").write_text((APP / "score.py").read_text() + "\n# a new version of the script\n")
    requirements = folder / "requirements.txt"
    requirements.write_text((APP / "requirements.txt").read_text() + "idna==3.10\n")
    model = write_model_version(folder / "model", EXAMPLE / "model", intercept=1.0)
    kinds = [
        ("a new model", app_vars(model=model)),
        ("a new score.py", app_vars(app=script, model=model)),
        ("a new Python environment", app_vars(app=script, model=model, requirements=requirements)),
        (
            "a new worker count (2 -> 3)",
            app_vars(app=script, model=model, requirements=requirements, endpoint_workers=3),
        ),
        ("preload on", app_vars(app=script, model=model, requirements=requirements, endpoint_preload=True)),
        ("preload off", app_vars(app=script, model=model, requirements=requirements, endpoint_preload=False)),
    ]
    rows = []
    for kind, extra_vars in kinds:
        progress(f"redeploy under load: {kind}")
        load, outcome = under_load(host, *extra_vars)
        rows.append(
            {
                "name": f"redeploy under load: {kind}",
                "recovery_s": None,
                "lost_requests": load["errors"],
                "detail": f"{load['requests']} requests at 8 connections, {load['errors']} failed; {outcome}",
            }
        )
    return rows


def full_disk_row(host: BenchHost, folder: Path) -> dict:
    """The state folder (a small tmpfs here) filled up, then a new model deployed under load."""
    before = host.post(host.url("ours"), BODY)
    podman("exec", host.name, "sh", "-c", "dd if=/dev/zero of=/var/lib/inferops/filler bs=1M", check=False)
    model = write_model_version(folder / "model-full-disk", EXAMPLE / "model", intercept=2.0)
    try:
        load, outcome = under_load(host, *app_vars(model=model))
        after = host.post(host.url("ours"), BODY)
    finally:
        podman("exec", host.name, "rm", "-f", "/var/lib/inferops/filler")
    kept = "the serving release kept answering" if after == before else f"the answer changed: {after}"
    return {
        "name": "redeploy with the state folder's disk full",
        "recovery_s": None,
        "lost_requests": load["errors"],
        "detail": f"{load['requests']} requests at 8 connections, {load['errors']} failed; {outcome}; {kept}",
    }


def table(faults: list[dict]) -> str:
    lines = ["| fault | recovery (s) | lost requests | detail |", "|---|---|---|---|"]
    for fault in faults:
        recovery = "-" if fault["recovery_s"] is None else f"{fault['recovery_s']:.2f}"
        lost = "-" if fault["lost_requests"] is None else str(fault["lost_requests"])
        lines.append(f"| {fault['name']} | {recovery} | {lost} | {fault['detail']} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--output", type=Path, default=ROOT / "bench" / "results" / "faults.json")
    parser.add_argument("--memory", default="1536m", help="the container's memory limit (OOM fault)")
    args = parser.parse_args()
    image = os.environ["INFEROPS_TEST_IMAGE"]
    options = (
        "--memory",
        args.memory,
        "--tmpfs",
        f"/var/lib/inferops:rw,exec,size={STATE_DIR_SIZE},mode=0755",
    )
    faults: list[dict] = []
    with running(image, "/usr/bin/runsvdir", "-P", "/var/runit", options=options) as (name, _, _):
        host = BenchHost(name)
        host.deploy(*app_vars())
        subprocess.run(
            ["podman", "cp", str(ROOT / "bench" / "faults_inside.py"), f"{name}:{INSIDE}"], check=True
        )
        for target in KILLS:
            progress(f"kill -9 {target}")
            faults.append(kill_row(name, target))
        for kind in HOSTILE:
            progress(f"hostile input: {kind}")
            faults.append(hostile_row(name, kind))
        progress("OOM")
        faults.append(oom_row(name))
        with tempfile.TemporaryDirectory() as folder:
            faults += redeploy_rows(host, Path(folder))
            progress("full disk")
            faults.append(full_disk_row(host, Path(folder)))
    args.output.write_text(json.dumps({"faults": faults}, indent=2) + "\n")
    print(table(faults))


if __name__ == "__main__":
    main()
