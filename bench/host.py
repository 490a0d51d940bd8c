"""The benchmark's host: one container with our chain (deployed by the collection) and the
reference stacks beside it (bench/stacks), all reached on the container's own loopback."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from containers import ROOT, ansible_playbook, main_pid, podman, shell
from keys import AUTHORIZATION
from load import wrk

# Where each stack answers inside the container (bench/stacks/nginx-sites.conf).
PORTS = {"ours": 5001, "static": 5002, "wsgi": 5003, "azureml": 5004}
# The process trees whose memory is summed: our gunicorn, Microsoft's.
PROCESS_PATTERNS = {"ours": "-m gunicorn --config", "azureml": "-m gunicorn .*azureml_inference_server_http"}


@dataclass
class BenchHost:
    name: str

    @property
    def pid(self) -> int:
        return main_pid(self.name)

    def url(self, stack: str, path: str = "/score") -> str:
        return f"http://127.0.0.1:{PORTS[stack]}{path}"

    def deploy(self, *extra_vars: str) -> float:
        seconds = ansible_playbook("inferops.scoring.deploy", self.name, *extra_vars)
        progress(f"deployed in {seconds:.0f} s")
        return seconds

    def inside(self, *command: str) -> list[str]:
        """``command`` run in the container's network namespace: its loopback, no port forwarding."""
        return ["nsenter", f"--net=/proc/{self.pid}/ns/net", *command]

    def post(self, url: str, body: str) -> str:
        """The body of one JSON POST to ``url``, sent inside the container."""
        json_header = "Content-Type: application/json"
        key_header = f"Authorization: {AUTHORIZATION['Authorization']}"
        command = self.inside("curl", "-s", "-H", json_header, "-H", key_header, "-d", body, url)
        return subprocess.run(command, capture_output=True, text=True, check=True).stdout

    def install_stacks(self, requirements: list[str]) -> None:
        variables = json.dumps({"bench_requirements": requirements})
        ansible_playbook(str(ROOT / "bench" / "stacks" / "playbook.yml"), self.name, "-e", variables)

    def served_app(self) -> dict[str, str]:
        """The app root, scoring script and model folder our server runs now (from its config)."""
        script = "exec(open('/etc/inferops/gunicorn_conf.py').read()); print(json.dumps(raw_env))"
        raw_env = json.loads(podman("exec", self.name, "python3", "-c", f"import json; {script}").stdout)
        env = dict(item.split("=", 1) for item in raw_env)
        return {name: env[name] for name in ("AML_APP_ROOT", "AZUREML_ENTRY_SCRIPT", "AZUREML_MODEL_DIR")}

    def our_python(self) -> str:
        """The interpreter our gunicorn runs on (the environment python_env built)."""
        run = podman("exec", self.name, "cat", "/var/runit/gunicorn/run").stdout
        return re.search(r"(\S+python\S*) -m gunicorn", run).group(1)

    def start(self, service: str, workers: int, env: dict[str, str] | None = None) -> None:
        """Start a reference stack's gunicorn (bench-wsgi or bench-azureml) with its environment."""
        progress(f"starting {service} with {workers} workers")
        settings = {"WORKER_COUNT": str(workers), **(env or {})}
        writes = " && ".join(
            f"printf %s '{value}' > /opt/bench/env/{name}" for name, value in settings.items()
        )
        shell(self.name, f"rm -rf /opt/bench/env && mkdir -p /opt/bench/env && {writes}")
        shell(self.name, f"sv up /var/runit/{service}")

    def stop(self, service: str) -> None:
        shell(self.name, f"sv -w 30 down /var/runit/{service}")

    def wait_ready(self, url: str, body: str, deadline_s: float = 120) -> None:
        """Until a POST to ``url`` answers 200 on every worker: a few short wrk runs without errors."""
        deadline = time.monotonic() + deadline_s
        while time.monotonic() < deadline:
            try:
                if wrk(url, 4, 1, body, self.pid)["errors"] == 0:
                    return
            except subprocess.CalledProcessError:  # not listening yet: wrk fails to connect
                pass
            time.sleep(1)
        raise TimeoutError(f"{url} never answered without errors")

    def memory(self, stack: str) -> dict[str, float]:
        """PSS and RSS (MB) summed over the stack's gunicorn master and workers. PSS charges each
        shared page once across them, so it is what the processes cost the host together. Read
        from the host: root in the container may not read another user's smaps (no ptrace)."""
        listing = podman("top", self.name, "hpid", "args").stdout.splitlines()[1:]
        pids = [line.split()[0] for line in listing if re.search(PROCESS_PATTERNS[stack], line)]
        totals = {"Rss:": 0, "Pss:": 0}
        processes = 0
        for pid in pids:
            try:
                rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
            except FileNotFoundError:  # exited since the listing: it no longer counts
                continue
            processes += 1
            for line in rollup.splitlines():
                key, *value = line.split()
                if key in totals:
                    totals[key] += int(value[0])
        return {"pss": totals["Pss:"] / 1024, "rss": totals["Rss:"] / 1024, "processes": processes}

    def settled_memory(self, stack: str, seconds: float = 90) -> dict[str, float]:
        """Memory once every worker has finished init(): PSS unchanged for three readings."""
        deadline, readings = time.monotonic() + seconds, []
        while time.monotonic() < deadline:
            readings.append(self.memory(stack))
            if len(readings) >= 3 and len({round(r["pss"]) for r in readings[-3:]}) == 1:
                break
            time.sleep(2)
        return readings[-1]


def progress(message: str) -> None:
    """What the benchmark is doing, on stderr (stdout is the report)."""
    print(f"bench {time.strftime('%H:%M:%S')}: {message}", file=sys.stderr, flush=True)


def write_model_version(folder: Path, source: Path, intercept: float) -> Path:
    """A copy of the example's model with another intercept: a new model version to redeploy."""
    folder.mkdir(parents=True, exist_ok=True)
    model = json.loads((source / "model.json").read_text())
    model["intercept"] = intercept
    (folder / "model.json").write_text(json.dumps(model))
    return folder
