"""Deploy times over SSH, the transport real VMs use, against the docker CLI into a container.

    bench/deploy_ssh.sh [--runs 3]

A base-image container runs sshd beside runsvdir and plays the VM: the deploy playbook reaches it
over SSH with pipelining and a persistent control connection (ansible.cfg and Ansible's defaults),
so each task costs one SSH round trip on an open connection, where the docker CLI connection
starts a `podman exec` per task. Prints the fresh deploy and the median no-op rerun of each, the
no-op's costliest tasks (ansible.posix.profile_tasks), and writes bench/results/deploy_ssh.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import statistics
import subprocess
import tempfile
from pathlib import Path

from containers import (
    DOCKER_CLI,
    ROOT,
    ansible_playbook_output,
    example_vars,
    podman,
    running,
    wait_for_score,
)
from report import table

SSH_SETUP = """set -e
apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openssh-server >/dev/null
install -d -m 700 /root/.ssh && cat > /root/.ssh/authorized_keys
mkdir -p /run/sshd && /usr/sbin/sshd
"""
PROFILE = {
    "ANSIBLE_CALLBACKS_ENABLED": "ansible.posix.profile_tasks",
    "PROFILE_TASKS_TASK_OUTPUT_LIMIT": "all",
}
RESULTS = ROOT / "bench" / "results" / "deploy_ssh.json"


def recap(output: str) -> dict[str, int]:
    """The PLAY RECAP counters of the deploy's host (the last play's line)."""
    line = [line for line in output.splitlines() if " ok=" in line][-1]
    return {key: int(value) for key, value in re.findall(r"(\w+)=(\d+)", line)}


def task_costs(output: str) -> list[tuple[str, float]]:
    """(task, seconds) from profile_tasks' summary, costliest first."""
    costs = re.findall(r"^(.+?) -+ (\d+\.\d+)s$", output, flags=re.MULTILINE)
    return sorted(((name.strip(), float(seconds)) for name, seconds in costs), key=lambda cost: -cost[1])


def deploy_times(image: str, runs: int, over_ssh: bool, key: Path) -> dict:
    with running(image, "/usr/bin/runsvdir", "-P", "/var/runit", publish=(22,)) as (name, url, _):
        host, host_vars = name, DOCKER_CLI
        if over_ssh:
            public_key = key.with_suffix(".pub").read_text()
            subprocess.run(
                ["podman", "exec", "-i", name, "sh", "-c", SSH_SETUP],
                input=public_key,
                text=True,
                check=True,
                capture_output=True,
            )
            port = podman("port", name, "22").stdout.strip().rsplit(":", 1)[1]
            host, host_vars = (
                "vm",
                (
                    f"ansible_host=127.0.0.1 ansible_port={port} ansible_user=root "
                    f"ansible_ssh_private_key_file={key} "
                    "ansible_ssh_common_args='-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null'"
                ),
            )
        fresh, _ = ansible_playbook_output(
            "inferops.scoring.deploy", host, *example_vars(), host_vars=host_vars
        )
        wait_for_score(url)
        noops = [
            ansible_playbook_output(
                "inferops.scoring.deploy", host, *example_vars(), host_vars=host_vars, env=PROFILE
            )
            for _ in range(runs)
        ]
    seconds = [elapsed for elapsed, _ in noops]
    last = noops[seconds.index(statistics.median(seconds))][1] if runs % 2 else noops[-1][1]
    counters = recap(last)
    if counters["changed"]:
        raise RuntimeError(f"the rerun changed {counters['changed']} things: it is not a no-op")
    return {
        "fresh": fresh,
        "noop": statistics.median(seconds),
        "noop_runs": seconds,
        "tasks": counters["ok"],
        "skipped": counters["skipped"],
        "costs": task_costs(last),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    image = os.environ["INFEROPS_TEST_IMAGE"]
    with tempfile.TemporaryDirectory() as folder:
        key = Path(folder) / "id_ed25519"
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(key)], check=True)
        ssh = deploy_times(image, args.runs, True, key)
        docker = deploy_times(image, args.runs, False, key)
    rows = [
        {"connection": "SSH, pipelining + ControlPersist", **ssh},
        {"connection": "docker CLI (podman exec per task)", **docker},
    ]
    columns = {
        "connection": "connection",
        "fresh": "fresh deploy",
        "noop": "no-op rerun",
        "tasks": "tasks run",
    }
    print(
        f"# Deploy playbook, examples/linear: fresh deploy and no-op rerun (median of {args.runs}), seconds"
    )
    print()
    print(table(rows, columns))
    print()
    print("# The no-op over SSH, costliest tasks (profile_tasks), seconds")
    print()
    print(
        table(
            [{"task": name, "seconds": cost} for name, cost in ssh["costs"][:15]],
            {"task": "task", "seconds": "s"},
        )
    )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {
                "fresh_s": round(ssh["fresh"], 1),
                "noop_s": round(ssh["noop"], 1),
                "noop_tasks": ssh["tasks"],
                "noop_skipped_tasks": ssh["skipped"],
                "noop_runs_s": [round(run, 1) for run in ssh["noop_runs"]],
                "noop_costliest_tasks": [{"task": name, "s": cost} for name, cost in ssh["costs"][:15]],
                "docker_cli": {"fresh_s": round(docker["fresh"], 1), "noop_s": round(docker["noop"], 1)},
                "machine": f"{os.cpu_count()} CPUs, {platform.machine()}, Linux {platform.release()}",
                "runs": args.runs,
            },
            indent=2,
        )
        + "\n"
    )
    print(f"\nwrote {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
