"""Write or check the variables tables of every role README from its meta/argument_specs.yml, and
the top-level README's table of the endpoint variables a user typically sets.

    python tests/tools/role_docs.py --write   # regenerate the tables
    python tests/tools/role_docs.py --check   # exit 1 when a README is out of date

Each table sits between the markers below; the rest of each README is written by hand.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
BEGIN = "<!-- BEGIN VARIABLES (generated from meta/argument_specs.yml) -->"
END = "<!-- END VARIABLES -->"
# The top-level README shows the endpoint variables most deploys set; the role README shows all.
README_BEGIN = "<!-- BEGIN ENDPOINT VARIABLES (generated from roles/endpoint/meta/argument_specs.yml) -->"
COMMON = [
    "endpoint_entry_script",
    "endpoint_source_dir",
    "endpoint_model_path",
    "endpoint_models",
    "endpoint_mlflow_model",
    "endpoint_conda_file",
    "endpoint_requirements_file",
    "endpoint_conda_mirrors",
    "endpoint_env",
    "endpoint_timeout",
    "endpoint_workers",
    "endpoint_preload",
    "endpoint_port",
    "endpoint_ready_timeout",
    "endpoint_start_services",
]


# Ansible's documentation markup, rendered as markdown: C(code), O(option), RV(return value), ...
MARKUP = re.compile(r"\b(?:C|O|RV|V|E)\(((?:[^()]|\([^()]*\))*)\)")
ITALIC = re.compile(r"\bI\(((?:[^()]|\([^()]*\))*)\)")


def _cell(value: object) -> str:
    text = " ".join(value) if isinstance(value, list) else str(value)
    text = ITALIC.sub(r"*\1*", MARKUP.sub(r"`\1`", text))
    return text.replace("|", "\\|").replace("\n", " ")


def _default(option: dict) -> str:
    if option.get("required"):
        return "**required**"
    if "default" not in option:
        return "unset"
    default = option.get("default")
    return f"`{yaml.safe_dump(default, default_flow_style=True).strip().removesuffix('...').strip()}`"


def table(specs: dict) -> str:
    blocks = []
    for entry, spec in specs["argument_specs"].items():
        options = spec.get("options") or {}
        if not options:
            continue
        rows = ["| Variable | Type | Default | Description |", "|---|---|---|---|"]
        for name, option in options.items():
            kind = option.get("type", "str")
            if option.get("choices"):
                kind += " (" + ", ".join(map(str, option["choices"])) + ")"
            rows.append(
                f"| `{name}` | {kind} | {_cell(_default(option))} | {_cell(option.get('description', ''))} |"
            )
        title = "" if entry == "main" else f"Entry point `{entry}`:\n\n"
        blocks.append(title + "\n".join(rows))
    return "\n\n".join(blocks)


def common_table(specs: dict) -> str:
    options = specs["argument_specs"]["main"]["options"]
    rows = ["| Variable | Default | Meaning |", "|---|---|---|"]
    for name in COMMON:
        description = options[name].get("description", "")
        first = description[0] if isinstance(description, list) else description
        rows.append(f"| `{name}` | {_cell(_default(options[name]))} | {_cell(first)} |")
    return "\n".join(rows)


def render(readme: str, generated: str, begin: str = BEGIN) -> str:
    before, _, rest = readme.partition(begin)
    _, _, after = rest.partition(END)
    return f"{before}{begin}\n{generated}\n{END}{after}"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    stale = []

    def keep(path: Path, current: str, wanted: str, what: str) -> None:
        """Write ``wanted`` (--write) or note that ``path`` is out of date."""
        if wanted == current:
            return
        if args.write:
            path.write_text(wanted)
        else:
            stale.append(f"{path}: {what} is out of date (run {Path(__file__).name} --write)")

    for role in sorted((ROOT / "roles").iterdir()):
        readme_path = role / "README.md"
        specs = yaml.safe_load((role / "meta" / "argument_specs.yml").read_text())
        readme = readme_path.read_text() if readme_path.exists() else ""
        if BEGIN not in readme:
            stale.append(f"{readme_path}: no {BEGIN} marker")
            continue
        keep(readme_path, readme, render(readme, table(specs)), "variables table")
    readme_path = ROOT / "README.md"
    readme = readme_path.read_text()
    endpoint_specs = yaml.safe_load((ROOT / "roles/endpoint/meta/argument_specs.yml").read_text())
    if README_BEGIN not in readme:
        stale.append(f"{readme_path}: no {README_BEGIN} marker")
    else:
        keep(
            readme_path,
            readme,
            render(readme, common_table(endpoint_specs), README_BEGIN),
            "endpoint variables table",
        )
    print("\n".join(stale) or "role READMEs and README.md match the argument specs")
    return 1 if stale and not args.write else 0


if __name__ == "__main__":
    sys.exit(main())
