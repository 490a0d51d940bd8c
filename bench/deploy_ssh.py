"""Deploy times over SSH, the transport real VMs use, against the docker CLI into a container.

    bench/deploy_ssh.sh [--runs 3]

A base-image container runs sshd beside runsvdir and plays the VM: the deploy playbook reaches it
over SSH with pipelining and a persistent control connection (ansible.cfg and Ansible's defaults),
so each task costs one SSH round trip on an open connection, where the docker CLI connection
starts a `podman exec` per task. Prints the fresh deploy and the median no-op rerun of each.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import tempfile
from pathlib import Path

from containers import DOCKER_CLI, ansible_playbook, example_vars, podman, running, wait_for_score
from report import table

SSH_SETUP = """set -e
apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openssh-server >/dev/null
install -d -m 700 /root/.ssh && cat > /root/.ssh/authorized_keys
mkdir -p /run/sshd && /usr/sbin/sshd
"""


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
        fresh = ansible_playbook("inferops.scoring.deploy", host, *example_vars(), host_vars=host_vars)
        wait_for_score(url)
        noop = [
            ansible_playbook("inferops.scoring.deploy", host, *example_vars(), host_vars=host_vars)
            for _ in range(runs)
        ]
    return {"fresh": fresh, "noop": statistics.median(noop)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    image = os.environ["INFEROPS_TEST_IMAGE"]
    with tempfile.TemporaryDirectory() as folder:
        key = Path(folder) / "id_ed25519"
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(key)], check=True)
        rows = [
            {"connection": "docker CLI (podman exec per task)", **deploy_times(image, args.runs, False, key)},
            {"connection": "SSH, pipelining + ControlPersist", **deploy_times(image, args.runs, True, key)},
        ]
    print(
        f"# Deploy playbook, examples/linear: fresh deploy and no-op rerun (median of {args.runs}), seconds"
    )
    print()
    print(table(rows, {"connection": "connection", "fresh": "fresh deploy", "noop": "no-op rerun"}))


if __name__ == "__main__":
    main()
