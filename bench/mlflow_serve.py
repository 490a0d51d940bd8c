"""An MLflow scikit-learn model served by our chain against `mlflow models serve`, in one run.

    bench/mlflow_serve.sh [--runs 3] [--seconds 5] [--connections 1 8 32] [--workers N]

One container of the test base image gets the fixture model (tests/mlflow/models.py) from the
deploy playbook with no score.py, in a venv built from the model's requirements.txt. Beside it,
MLflow's own server (`mlflow models serve --env-manager local`: uvicorn, FastAPI) serves the same
model folder from the same environment with the same worker count. wrk POSTs the same
dataframe_split body to each on the container's loopback, in interleaved rounds; ratios are
against MLflow's server in the same run. Writes bench/results/mlflow.md.

uvicorn with --workers > 1 leaves Nagle's algorithm on (uvicorn issue #3149), so each keep-alive
request past the first waits ~40 ms for a delayed ACK: MLflow's server is also measured with a new
connection per request, and the ratio is against the better of its two figures.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import tempfile
from pathlib import Path

import report
from containers import ROOT, podman, running, shell
from host import BenchHost, progress
from load import wrk

COLUMNS = ["sepal_length", "sepal_width", "petal_length", "petal_width"]
BODY = json.dumps({"dataframe_split": {"columns": COLUMNS, "data": [[5.1, 3.5, 1.4, 0.2]]}})
MODEL = "/var/azureml-app/azureml-models/model/1/sklearn"
MLFLOW_PORT = 5005
REFERENCE = "mlflow models serve (uvicorn), direct"
REFERENCE_CLOSE = "mlflow models serve, new connection per request"
RUNSVDIR = ("/usr/bin/runsvdir", "-P", "/var/runit")
PACKAGES = "^(mlflow|uvicorn|gunicorn|scikit-learn) "


def save_models(mlflow_python: str, folder: Path) -> Path:
    script = ROOT / "tests" / "mlflow" / "models.py"
    subprocess.run([mlflow_python, str(script), str(folder)], check=True, capture_output=True)
    return folder / "sklearn"


def start_mlflow(host: BenchHost, workers: int) -> None:
    """MLflow's server on the deployed model, from the environment our server runs in."""
    env_bin = Path(host.our_python()).parent
    command = (
        f"cd /tmp && PATH={env_bin}:$PATH exec {env_bin}/mlflow models serve -m {MODEL} --env-manager local "
        f"-w {workers} -h 127.0.0.1 -p {MLFLOW_PORT} >/tmp/mlflow-serve.log 2>&1"
    )
    podman("exec", "-d", host.name, "sh", "-c", command)


def measure(args: argparse.Namespace) -> dict:
    with (
        tempfile.TemporaryDirectory() as folder,
        running(os.environ["INFEROPS_TEST_IMAGE"], *RUNSVDIR) as (name, _, _),
    ):
        model = save_models(args.mlflow_python, Path(folder))
        host = BenchHost(name)
        variables = {
            "endpoint_mlflow_model": str(model),
            "endpoint_python_backend": "venv",
            "endpoint_requirements_file": str(model / "requirements.txt"),
            "endpoint_workers": args.workers,
        }
        deploy_s = host.deploy("-e", json.dumps(variables))
        start_mlflow(host, args.workers)
        mlflow_url = f"http://127.0.0.1:{MLFLOW_PORT}/invocations"
        # name -> (url, a new connection per request)
        stacks = {
            "ours: nginx -> gunicorn": ("http://127.0.0.1:5001/score", False),
            "ours: gunicorn, direct": ("http://127.0.0.1:9090/score", False),
            REFERENCE: (mlflow_url, False),
            REFERENCE_CLOSE: (mlflow_url, True),
        }
        try:
            for url, _ in stacks.values():
                host.wait_ready(url, BODY, deadline_s=180)
        except TimeoutError as error:
            raise TimeoutError(
                f"{error}; MLflow's log:\n{shell(name, 'tail -20 /tmp/mlflow-serve.log')}"
            ) from None
        answers = {stack: host.post(url, BODY).strip() for stack, (url, _) in stacks.items()}
        runs: dict[tuple[str, int], list[dict]] = {}
        # Interleaved rounds: drift in the machine's speed hits every stack alike.
        for round_number in range(args.runs):
            progress(f"round {round_number + 1} of {args.runs}")
            for stack, (url, close) in stacks.items():
                for connections in args.connections:
                    runs.setdefault((stack, connections), []).append(
                        wrk(url, connections, args.seconds, BODY, host.pid, close)
                    )
        versions = shell(
            name,
            f"{host.our_python()} -m pip list 2>/dev/null | grep -iE '{PACKAGES}'",
        )
    rows = []
    for (stack, connections), figures in runs.items():
        rows.append(
            {
                "stack": stack,
                "connections": connections,
                "rps": statistics.median(f["rps"] for f in figures),
                "p50": statistics.median(f["p50"] for f in figures),
                "p99": statistics.median(f["p99"] for f in figures),
                "errors": sum(f["errors"] for f in figures),
            }
        )
    return {"deploy_s": deploy_s, "answers": answers, "rows": rows, "versions": " ".join(versions.split())}


def render(results: dict, args: argparse.Namespace) -> str:
    rows = sorted(results["rows"], key=lambda row: (row["connections"], row["stack"]))
    reference: dict[int, float] = {}
    for row in rows:
        if row["stack"] in (REFERENCE, REFERENCE_CLOSE):
            reference[row["connections"]] = max(row["rps"], reference.get(row["connections"], 0))
    for row in rows:
        row["ratio"] = row["rps"] / reference[row["connections"]]
    same = len(set(json.loads(a)["predictions"][0] for a in results["answers"].values())) == 1
    return (
        "\n".join(
            [
                f"MLflow scikit-learn model (tests/mlflow/models.py), {args.workers} workers everywhere, "
                f"wrk -t2 {args.seconds} s x {args.runs} interleaved rounds (median), "
                "one-row dataframe_split.  ",
                f"Versions: {results['versions']}.  ",
                f"Deploy with no score.py (fresh container, venv from the model's requirements.txt): "
                f"{results['deploy_s']:.0f} s. Same prediction from every stack: {same}.",
                "",
                report.table(
                    rows,
                    {
                        "stack": "stack",
                        "connections": "connections",
                        "rps": "req/s",
                        "ratio": "vs mlflow models serve (better of the two)",
                        "p50": "p50 ms",
                        "p99": "p99 ms",
                        "errors": "errors",
                    },
                ),
            ]
        )
        + "\n"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mlflow-python", required=True, help="a python with MLflow (tests/mlflow/venv.sh)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--connections", type=int, nargs="+", default=[1, 8, 32])
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    args = parser.parse_args()
    text = render(measure(args), args)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "mlflow.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
