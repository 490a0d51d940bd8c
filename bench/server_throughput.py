"""Throughput of our scoring server against Microsoft's azmlinfsrv 1.5.1, side by side.

    bench/server_throughput.sh            (installs wrk and the two servers' environments)

Both servers run under gunicorn on loopback with the same score.py (the bundled example) and the
same worker count; wrk sends the same POST for each. Each figure is the median of several runs,
and ratios are against the reference in the same run, because this machine is noisy.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "files/server/tests"))

from contract.servers import OUR_APP, REFERENCE_APP, free_port, process  # noqa: E402
from load import wrk  # noqa: E402

EXAMPLE = ROOT / "examples/linear"
BODY = json.dumps({"data": [[5.1, 3.5, 1.4, 0.2], [6.7, 3.0, 5.2, 2.3]]})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reference-python", required=True)
    parser.add_argument("--ours-python", default=sys.executable)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--connections", type=int, nargs="+", default=[1, 8, 32])
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    env = {
        **os.environ,
        "AML_APP_ROOT": str(EXAMPLE),
        "AZUREML_ENTRY_SCRIPT": "score.py",
        "AZUREML_MODEL_DIR": str(EXAMPLE / "model"),
    }
    workers = ("-w", str(args.workers))
    servers = [
        ("azmlinfsrv (sync)", args.reference_python, REFERENCE_APP, ("-k", "sync", *workers)),
        ("ours (sync)", args.ours_python, OUR_APP, ("-k", "sync", *workers)),
        ("ours (gthread, default)", args.ours_python, OUR_APP, ("-k", "gthread", "--threads", "4", *workers)),
    ]
    results: dict[tuple[str, int], list[dict]] = {}
    # Rounds interleave the servers so that drift in the machine's speed hits all of them alike.
    for _ in range(args.runs):
        for name, python, app, gunicorn_args in servers:
            port = free_port()
            command = [python, "-m", "gunicorn", "-b", f"127.0.0.1:{port}", *gunicorn_args, app]
            with process(command, port, env):
                for connections in args.connections:
                    results.setdefault((name, connections), []).append(
                        wrk(f"http://127.0.0.1:{port}/score", connections, args.seconds, BODY)
                    )

    machine = f"{platform.node()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
    load = f"wrk -t2 {args.seconds}s x {args.runs} runs (median)"
    print(f"# Scoring server throughput: {machine}")
    print(f"# examples/linear/score.py, {args.workers} gunicorn workers, {load}")
    print()
    print("| server | connections | req/s | vs azmlinfsrv | p50 ms | p99 ms | errors |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for connections in args.connections:
        reference = statistics.median(r["rps"] for r in results[(servers[0][0], connections)])
        for name, *_ in servers:
            runs = results[(name, connections)]
            rps = statistics.median(r["rps"] for r in runs)
            print(
                f"| {name} | {connections} | {rps:.0f} | {rps / reference:.2f}x "
                f"| {statistics.median(r['p50'] for r in runs):.2f} "
                f"| {statistics.median(r['p99'] for r in runs):.2f} "
                f"| {sum(r['errors'] for r in runs)} |"
            )


if __name__ == "__main__":
    main()
