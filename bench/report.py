"""The benchmark's output: markdown tables for the terminal and README, one PNG per figure."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt


def table(rows: list[dict], columns: dict[str, str]) -> str:
    """A markdown table of ``rows``; ``columns`` maps a row key to its heading (text left,
    numbers right-aligned)."""
    lines = ["| " + " | ".join(columns.values()) + " |"]
    lines.append("|" + "|".join("---" if _is_text(rows, key) else "---:" for key in columns) + "|")
    for row in rows:
        lines.append("| " + " | ".join(_cell(row.get(key)) for key in columns) + " |")
    return "\n".join(lines)


def _is_text(rows: list[dict], key: str) -> bool:
    return any(isinstance(row.get(key), str) for row in rows)


def _cell(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.2f}" if abs(value) < 10 else f"{value:.0f}"
    return "" if value is None else str(value)


def throughput_chart(rows: list[dict], path: Path, title: str) -> None:
    figure, (rps_axis, p99_axis) = plt.subplots(1, 2, figsize=(11, 4.2))
    for stack in dict.fromkeys(row["stack"] for row in rows):
        own = [row for row in rows if row["stack"] == stack]
        connections = [row["connections"] for row in own]
        rps_axis.plot(connections, [row["rps"] for row in own], marker="o", label=stack)
        p99_axis.plot(connections, [row["p99"] for row in own], marker="o", label=stack)
    for axis, label in ((rps_axis, "requests/s"), (p99_axis, "p99 latency, ms")):
        axis.set_xscale("log", base=2)
        axis.set_xlabel("concurrent connections")
        axis.set_ylabel(label)
        axis.grid(alpha=0.3)
    # The static ceiling is an order of magnitude above the rest: log scales keep all readable.
    rps_axis.set_yscale("log")
    p99_axis.set_yscale("log")
    rps_axis.legend(fontsize=8)
    figure.suptitle(title)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


def bar_chart(values: dict[str, float], path: Path, title: str, unit: str, target=None) -> None:
    """One horizontal bar per label, in the order given."""
    figure, axis = plt.subplots(figsize=(8, 0.5 * len(values) + 1.5))
    bars = axis.barh(list(values), list(values.values()), color="#4c72b0")
    axis.bar_label(bars, fmt="%.1f", padding=3, fontsize=8)
    axis.invert_yaxis()
    axis.set_xlabel(unit)
    if target is not None:
        axis.axvline(target, color="#c44e52", linestyle="--", label=f"target {target:g}")
        axis.legend(fontsize=8)
    axis.set_title(title)
    axis.grid(axis="x", alpha=0.3)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
