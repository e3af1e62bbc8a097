"""Tables, targets and the results file: what every section hands back, and how it is shown.

Sections return plain data (a :class:`Section` of tables and target checks) so the same
figures go to the terminal and to ``bench/RESULTS.md`` without a section knowing either.
The results file keeps a hand-written notes part across runs: the bench measures, a person
explains a miss, and a re-run must not erase the explanation.
"""

from __future__ import annotations

import os
import platform
import sqlite3
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

#: Everything below this line in RESULTS.md is written by people and kept on a re-run.
NOTES_MARKER = "<!-- notes: written by hand, kept when the bench rewrites this file -->"


@dataclass
class Table:
    """One printed table; every cell is already text."""

    title: str
    columns: Sequence[str]
    rows: list[Sequence[str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Check:
    """A target from the issue and the figure measured against it."""

    what: str
    target: str
    value: str
    met: bool

    @property
    def verdict(self) -> str:
        return "PASS" if self.met else "MISS"


@dataclass
class Section:
    """A measurement's method (how it was run), its tables and its targets."""

    name: str
    method: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    seconds: float = 0.0


# ---- numbers as text ----------------------------------------------------------------------


def percentile(values: Sequence[float], fraction: float) -> float:
    """The nearest-rank percentile (no interpolation: p99 is a latency someone saw)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, int(fraction * len(ordered) + 0.999999) - 1))
    return ordered[rank]


def ms(seconds: float) -> str:
    """Seconds shown as milliseconds, with precision where it matters."""
    value = seconds * 1000
    if value != value:  # NaN: nothing was measured
        return "–"
    return (
        f"{value:.2f} ms" if value < 10 else f"{value:.1f} ms" if value < 100 else f"{value:.0f} ms"
    )


# ---- terminal -----------------------------------------------------------------------------


def render_text(section: Section) -> str:
    """A section as aligned plain-text tables, then its targets with PASS/MISS."""
    out = [f"\n=== {section.name} ({section.seconds:.0f} s) ==="]
    for table in section.tables:
        out.append(f"\n{table.title}")
        widths = [
            max(len(str(cell)) for cell in column)
            for column in zip(table.columns, *table.rows, strict=True)
        ]
        for i, row in enumerate([table.columns, *table.rows]):
            out.append("  " + "  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)))
            if i == 0:
                out.append("  " + "  ".join("-" * w for w in widths))
        out.extend(f"  * {note}" for note in table.notes)
    if section.checks:
        out.append("\nTargets")
        width = max(len(c.what) for c in section.checks)
        out.extend(
            f"  {c.verdict}  {c.what.ljust(width)}  {c.value}  (target {c.target})"
            for c in section.checks
        )
    return "\n".join(out)


# ---- RESULTS.md ---------------------------------------------------------------------------


def machine() -> list[tuple[str, str]]:
    """What the figures were measured on."""
    model = "unknown"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    usable = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []
    load = os.getloadavg() if hasattr(os, "getloadavg") else (float("nan"),) * 3
    return [
        ("Date", datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")),
        ("CPU", f"{model}, {os.cpu_count()} logical cores (usable: {usable})"),
        ("Load average at start", ", ".join(f"{x:.2f}" for x in load)),
        ("OS", platform.platform()),
        ("Python", sys.version.split()[0]),
        ("SQLite", sqlite3.sqlite_version),
        (
            "Packages",
            ", ".join(
                f"{name} {metadata.version(name)}"
                for name in ("slack-bolt", "slack-sdk", "waitress", "SQLAlchemy")
            ),
        ),
    ]


def _markdown_table(table: Table) -> list[str]:
    lines = [f"**{table.title}**", ""]
    lines.append("| " + " | ".join(table.columns) + " |")
    lines.append("|" + "|".join("---" for _ in table.columns) + "|")
    lines.extend("| " + " | ".join(str(c) for c in row) + " |" for row in table.rows)
    lines.extend(["", *(f"- {note}" for note in table.notes)] if table.notes else [])
    lines.append("")
    return lines


def render_markdown(
    sections: Sequence[Section], facts: Sequence[tuple[str, str]], command: str, total: float
) -> str:
    """The generated part of RESULTS.md: machine, method, figures, targets."""
    lines = [
        "# Benchmark results",
        "",
        f"Written by `{command}` in {total:.0f} s. Re-run it to refresh the figures; the notes",
        "at the end are kept.",
        "",
        "## Machine",
        "",
        *(f"- **{name}:** {value}" for name, value in facts),
        "",
        "## Targets",
        "",
        "| | Section | Measure | Figure | Target |",
        "|---|---|---|---|---|",
    ]
    for section in sections:
        lines.extend(
            f"| {c.verdict} | {section.name} | {c.what} | {c.value} | {c.target} |"
            for c in section.checks
        )
    for section in sections:
        lines += ["", f"## {section.name}", "", *(f"- {line}" for line in section.method), ""]
        for table in section.tables:
            lines += _markdown_table(table)
    return "\n".join(lines).rstrip() + "\n"


def write_results(path: Path, generated: str) -> None:
    """Write the figures, keeping the hand-written notes of the previous file."""
    kept = f"\n{NOTES_MARKER}\n\n## Notes\n\n(none yet)\n"
    if path.exists():
        previous = path.read_text(encoding="utf-8")
        if NOTES_MARKER in previous:
            kept = "\n" + NOTES_MARKER + previous.split(NOTES_MARKER, 1)[1]
    path.write_text(generated + kept, encoding="utf-8")
