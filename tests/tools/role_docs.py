"""Write or check the variables table of every role README from its meta/argument_specs.yml.

    python tests/tools/role_docs.py --write   # regenerate the tables
    python tests/tools/role_docs.py --check   # exit 1 when a README is out of date

The table sits between the markers below; the rest of each README is written by hand.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
BEGIN = "<!-- BEGIN VARIABLES (generated from meta/argument_specs.yml) -->"
END = "<!-- END VARIABLES -->"


def _cell(value: object) -> str:
    text = " ".join(value) if isinstance(value, list) else str(value)
    return text.replace("|", "\\|").replace("\n", " ")


def _default(option: dict) -> str:
    if option.get("required"):
        return "**required**"
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


def render(readme: str, generated: str) -> str:
    before, _, rest = readme.partition(BEGIN)
    _, _, after = rest.partition(END)
    return f"{before}{BEGIN}\n{generated}\n{END}{after}"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    stale = []
    for role in sorted((ROOT / "roles").iterdir()):
        readme_path = role / "README.md"
        specs = yaml.safe_load((role / "meta" / "argument_specs.yml").read_text())
        readme = readme_path.read_text() if readme_path.exists() else ""
        if BEGIN not in readme:
            stale.append(f"{readme_path}: no {BEGIN} marker")
            continue
        wanted = render(readme, table(specs))
        if wanted != readme:
            if args.write:
                readme_path.write_text(wanted)
            else:
                stale.append(
                    f"{readme_path}: variables table is out of date (run {Path(__file__).name} --write)"
                )
    print("\n".join(stale) or "role READMEs match their argument specs")
    return 1 if stale and not args.write else 0


if __name__ == "__main__":
    sys.exit(main())
