"""Time to serve: a baked image against a fresh deploy of the same example.

    bench/image_start.sh [--runs 5] [--deploy-runs 1] [--image localhost/inferops-scoring:TAG]

The image is baked from examples/linear with packer/ (unless --image names one). Each run starts a
container and times until POST /score answers 200 through nginx on 5001. The fresh deploy starts a
container of the base image and runs the deploy playbook into it, timed the same way.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess

from containers import ROOT, ansible_playbook, example_vars, podman, running, wait_for_score
from keys import ENVIRONMENT


def bake(base_image: str, tag: str) -> str:
    # Packer starts its container through the docker shim: podman's settings come from the file.
    conf = ROOT / "tests" / "images" / "containers.conf"
    variables = {
        "deploy_vars_file": "packer/example-vars.yml",
        "base_image": base_image,
        "pull_base_image": "false",
        "image_tag": tag,
    }
    command = ["packer", "build", "-only=docker.container"]
    command += [argument for name, value in variables.items() for argument in ("-var", f"{name}={value}")]
    subprocess.run(
        [*command, "packer/"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        env={**os.environ, "CONTAINERS_CONF": str(conf), **ENVIRONMENT},
    )
    return f"localhost/inferops-scoring:{tag}"


def baked_start(image: str) -> float:
    with running(image) as (_, url, start):
        return wait_for_score(url) - start


def fresh_deploy(base_image: str) -> float:
    with running(base_image, "/usr/bin/runsvdir", "-P", "/var/runit") as (name, url, start):
        ansible_playbook("inferops.scoring.deploy", name, *example_vars())
        return wait_for_score(url) - start


def measure_baked(base_image: str, runs: int, image: str = "") -> float:
    """Median seconds from container start to the first 200, of an image baked here unless given."""
    image = image or bake(base_image, f"bench-{os.getpid()}")
    try:
        return statistics.median(baked_start(image) for _ in range(runs))
    finally:
        if image.endswith(f"bench-{os.getpid()}"):
            podman("rmi", "-f", image, check=False)


def measure(base_image: str, runs: int, deploy_runs: int, image: str = "") -> list[dict]:
    baked = measure_baked(base_image, runs, image)
    deployed = statistics.median(fresh_deploy(base_image) for _ in range(deploy_runs))
    return [
        {"path": "baked image (packer/), container start", "seconds": baked, "runs": runs},
        {
            "path": "fresh deploy (deploy playbook into a base container)",
            "seconds": deployed,
            "runs": deploy_runs,
        },
    ]


def table(rows: list[dict]) -> str:
    lines = ["| path | to first 200 on /score, s | runs | vs baked image |", "|---|---:|---:|---:|"]
    for row in rows:
        ratio = row["seconds"] / rows[0]["seconds"]
        lines.append(f"| {row['path']} | {row['seconds']:.1f} | {row['runs']} | {ratio:.1f}x |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--deploy-runs", type=int, default=1)
    parser.add_argument("--image", default="", help="a baked image to time instead of baking one")
    args = parser.parse_args()
    rows = measure(os.environ["INFEROPS_TEST_IMAGE"], args.runs, args.deploy_runs, args.image)
    print("# Time to serve examples/linear: baked image vs fresh deploy (median)")
    print()
    print(table(rows))


if __name__ == "__main__":
    main()
