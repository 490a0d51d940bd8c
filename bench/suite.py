"""Our chain against Azure ML's stack, side by side in one container, in one run.

    bench/run.sh [--runs 3] [--seconds 5] [--connections 1 8 32] [--no-image]

One container of the test base image gets our chain from the deploy playbook and, beside it, the
reference stacks (bench/stacks): nginx answering a static body, nginx -> a trivial WSGI app under
gunicorn, nginx -> Microsoft's azmlinfsrv proxied as in Azure ML's image. wrk runs on the
container's loopback (in its network namespace). Figures: throughput and latency, health probes
under load, memory with a ~200 MB model, deploy times, a scikit-learn model end to end, and the
baked image's start. Tables go to stdout and bench/results/latest.md, charts to bench/results/.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

import figures
import report
from containers import ROOT, example_vars, podman, running, wait_for_score
from host import BenchHost

RESULTS = ROOT / "bench" / "results"
# The tuned configuration: sync workers, one request at a time per process and no thread
# hand-off, at the price of health probes queueing behind a busy worker (see the health figure).
TUNED = {"endpoint_worker_class": "sync"}
WSGI = "nginx -> trivial WSGI, gunicorn {} sync"
AZUREML_N = "nginx -> azmlinfsrv, {} workers"
SKLEARN_REQUIREMENTS = [
    line
    for line in (ROOT / "bench" / "apps" / "sklearn" / "requirements.txt").read_text().splitlines()
    if line[:1].isalpha()
]


def versions(host: BenchHost) -> str:
    nginx = podman("exec", host.name, "nginx", "-v").stderr.strip().removeprefix("nginx version: ")
    ours = podman("exec", host.name, host.our_python(), "-m", "gunicorn", "--version").stdout.strip()
    wrk = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.split(" [")[0]
    return f"{nginx}; ours: {ours}; azureml-inference-server-http 1.5.1; {wrk}"


def machine() -> str:
    cpuinfo = Path("/proc/cpuinfo").read_text().splitlines()
    cpu = next((line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")), "?")
    memory_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{platform.node()}: {os.cpu_count()} x {cpu}, {memory_gb:.0f} GB, Linux {platform.release()}"


def train_sklearn(folder: Path) -> Path:
    model = folder / "sklearn-model"
    model.mkdir()
    train = ROOT / "bench" / "apps" / "sklearn" / "train.py"
    subprocess.run([sys.executable, str(train), str(model / "model.joblib")], check=True)
    return model


def measure(args: argparse.Namespace) -> dict:
    workers = args.workers
    results: dict = {"machine": machine()}
    base_image = os.environ["INFEROPS_TEST_IMAGE"]
    with running(base_image, "/usr/bin/runsvdir", "-P", "/var/runit") as (name, url, start):
        host = BenchHost(name)
        host.deploy(*example_vars(endpoint_workers=workers))
        results["deploy"] = {"fresh": wait_for_score(url) - start}
        results["deploy"] |= figures.deploy_times(host, args.deploy_runs, endpoint_workers=workers)
        host.install_stacks(SKLEARN_REQUIREMENTS)
        results["versions"] = versions(host)

        served = host.served_app()
        stacks = {
            "nginx static body (ceiling)": ("static", None, workers, None),
            WSGI.format(workers): ("wsgi", "bench-wsgi", workers, None),
            "nginx -> azmlinfsrv, 1 worker (its default)": ("azureml", "bench-azureml", 1, served),
            AZUREML_N.format(workers): ("azureml", "bench-azureml", workers, served),
            "ours, defaults": ("ours", None, workers, None),
        }
        results["throughput"] = figures.throughput(host, stacks, args.connections, args.seconds, args.runs)
        results["redeploy"] = figures.redeploy_under_load(host)

        host.deploy(*example_vars(endpoint_workers=workers, **args.tuned))
        tuned = {"ours, tuned": ("ours", None, workers, None)}
        results["throughput"] += figures.throughput(host, tuned, args.connections, args.seconds, args.runs)

        results["health"] = figures.health(host, workers, args.tuned, seconds=10, sleep_s=0.5)
        results["memory"] = figures.memory(host, args.memory_workers)
        with tempfile.TemporaryDirectory() as folder:
            model = train_sklearn(Path(folder))
            results["sklearn"] = figures.sklearn(
                host, model, workers, args.connections, args.seconds, args.runs
            )
    if args.image:
        import image_start

        results["deploy"]["baked"] = image_start.measure_baked(base_image, runs=5)
    return results


def ratios(rows: list[dict], reference: str, key: str = "vs azmlinfsrv") -> None:
    """Add each row's req/s ratio to the reference stack's at the same concurrency."""
    base = {row["connections"]: row["rps"] for row in rows if row["stack"] == reference}
    for row in rows:
        row[key] = row["rps"] / base[row["connections"]]


def targets(results: dict, workers: int) -> list[dict]:
    """The issue's targets, each with what this run measured."""
    rows = results["throughput"]
    ours = [row for row in rows if row["stack"].startswith("ours")]
    best = {}
    for row in ours:
        if row["rps"] > best.get(row["connections"], {"rps": 0})["rps"]:
            best[row["connections"]] = row
    reference = {row["connections"]: row for row in rows if row["stack"] == AZUREML_N.format(workers)}
    wsgi = {row["connections"]: row for row in rows if row["stack"] == WSGI.format(workers)}
    vs_reference = min(best[c]["rps"] / reference[c]["rps"] for c in best)
    vs_wsgi = min(best[c]["rps"] / wsgi[c]["rps"] for c in best)
    p99 = max(best[c]["p99"] / reference[c]["p99"] for c in best)
    health = {row["stack"]: row["p99"] for row in results["health"]}
    memory = results["memory"][2]["vs one worker"]
    deploy = results["deploy"]
    return [
        {
            "target": "our req/s vs nginx -> azmlinfsrv, equal workers (worst level)",
            "goal": ">= 1.50",
            "measured": vs_reference,
            "met": vs_reference >= 1.5,
        },
        {
            "target": "our req/s vs nginx -> trivial WSGI under gunicorn (worst level)",
            "goal": ">= 0.85",
            "measured": vs_wsgi,
            "met": vs_wsgi >= 0.85,
        },
        {
            "target": "our p99 / azmlinfsrv p99 (worst level)",
            "goal": "<= 1.00",
            "measured": p99,
            "met": p99 <= 1,
        },
        {
            "target": "GET / p99 while all workers are busy (defaults), ms",
            "goal": "< 50",
            "measured": health["ours, defaults"],
            "met": health["ours, defaults"] < 50,
        },
        {
            "target": f"{results['memory'][2]['workers']} workers with preload vs 1 worker (PSS)",
            "goal": "<= 1.30",
            "measured": memory,
            "met": memory <= 1.3,
        },
        {
            "target": "no-op rerun of the deploy playbook, s",
            "goal": "< 20",
            "measured": deploy["noop"],
            "met": deploy["noop"] < 20,
        },
        {
            "target": "failed requests during a model redeploy",
            "goal": "0",
            "measured": results["redeploy"]["errors"],
            "met": results["redeploy"]["errors"] == 0,
        },
    ]


THROUGHPUT_COLUMNS = {
    "stack": "stack",
    "connections": "connections",
    "rps": "req/s",
    "vs azmlinfsrv": "vs azmlinfsrv N",
    "p50": "p50 ms",
    "p99": "p99 ms",
    "errors": "errors",
}


def render(results: dict, args: argparse.Namespace) -> str:
    workers = args.workers
    ratios(results["throughput"], AZUREML_N.format(workers))
    sklearn = results["sklearn"]
    ratios(sklearn["rows"], f"azmlinfsrv, {workers} workers")
    deploy = results["deploy"]
    redeploy = results["redeploy"]
    deploy_rows = [
        {"step": "fresh host (base container) to first 200 on /score", "seconds": deploy["fresh"]},
        {
            "step": f"no-op rerun of the deploy playbook (median of {args.deploy_runs})",
            "seconds": deploy["noop"],
        },
        {
            "step": f"model redeploy under load ({redeploy['requests']} requests, "
            f"{redeploy['errors']} failed; then answers `{redeploy['answer'].strip()}`)",
            "seconds": redeploy["seconds"],
        },
    ]
    if "baked" in deploy:
        deploy_rows.append(
            {"step": "baked image (packer/): container start to first 200", "seconds": deploy["baked"]}
        )
    load = f"wrk -t2, {args.seconds} s per level, median of {args.runs} interleaved runs"
    tuned = ", ".join(f"{key}={value}" for key, value in args.tuned.items())
    sections = [
        f"Machine: {results['machine']}  ",
        f"Versions: {results['versions']}  ",
        f"Load: {load}; {workers} gunicorn workers everywhere; ours, tuned = {tuned}",
        "",
        "### Targets",
        report.table(
            targets(results, workers),
            {"target": "target", "goal": "goal", "measured": "measured", "met": "met"},
        ),
        "",
        "### 1. Throughput and latency (examples/linear, POST /score through nginx)",
        report.table(results["throughput"], THROUGHPUT_COLUMNS),
        "",
        "### 2. Health probe (GET / every 50 ms) while slow /score calls keep every worker busy",
        report.table(
            results["health"],
            {"stack": "stack", "probes": "probes", "failed": "failed", "p50": "p50 ms", "p99": "p99 ms"},
        ),
        "",
        "### 3. Memory with a 200 MB model (gunicorn master + workers)",
        report.table(
            results["memory"],
            {
                "stack": "stack",
                "processes": "processes",
                "pss": "PSS MB",
                "rss": "RSS MB",
                "vs one worker": "PSS vs ours, 1 worker",
            },
        ),
        "",
        "### 4. Deploy",
        report.table(deploy_rows, {"step": "step", "seconds": "seconds"}),
        "",
        "### 5. scikit-learn random forest end to end",
        f"Deploy with a new environment (scikit-learn): {sklearn['deploy_s']:.0f} s. "
        f"Same answer from both servers: {len(set(sklearn['answers'].values())) == 1} "
        f"(`{sklearn['answers']['ours'].strip()}`).",
        "",
        report.table(sklearn["rows"], THROUGHPUT_COLUMNS),
    ]
    return "\n".join(sections) + "\n"


def charts(results: dict, folder: Path) -> None:
    report.throughput_chart(results["throughput"], folder / "throughput.png", "examples/linear through nginx")
    report.throughput_chart(results["sklearn"]["rows"], folder / "sklearn.png", "scikit-learn random forest")
    health = {row["stack"]: row["p99"] for row in results["health"]}
    report.bar_chart(health, folder / "health.png", "GET / p99 while every worker is busy", "ms", target=50)
    memory = {row["stack"]: row["pss"] for row in results["memory"]}
    report.bar_chart(memory, folder / "memory.png", "PSS of gunicorn's processes, 200 MB model", "MB")
    names = {"fresh": "fresh deploy", "noop": "no-op rerun", "baked": "baked image start"}
    deploy = {name: results["deploy"][key] for key, name in names.items() if key in results["deploy"]}
    deploy["model redeploy"] = results["redeploy"]["seconds"]
    report.bar_chart(deploy, folder / "deploy.png", "Deploy, seconds", "s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--connections", type=int, nargs="+", default=[1, 8, 32])
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--memory-workers", type=int, default=4)
    parser.add_argument("--deploy-runs", type=int, default=2)
    parser.add_argument("--tuned", type=json.loads, default=TUNED, help="deploy variables, as JSON")
    parser.add_argument("--no-image", dest="image", action="store_false", help="skip baking an image")
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--report-only", type=Path, help="redraw tables and charts from a results.json")
    args = parser.parse_args()
    results = json.loads(args.report_only.read_text()) if args.report_only else measure(args)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "results.json").write_text(json.dumps(results, indent=1))
    text = render(results, args)
    (args.out / "latest.md").write_text(text)
    charts(results, args.out)
    print(text)


if __name__ == "__main__":
    main()
