"""``python -m bench [--quick] [--only SECTION ...] [--results FILE]``: measure and report.

A full run of every section writes ``bench/RESULTS.md``; a ``--quick`` run (small sizes, a
smoke test of the bench itself) or a run of some sections only prints, unless
``--results`` names a file.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from bench import case_size, fanout, footprint, history, latency, reminders
from bench.report import Section, machine, render_markdown, render_text, write_results

SECTIONS: dict[str, Callable[[bool], Section]] = {
    "latency": latency.run,
    "case_size": case_size.run,
    "history": history.run,
    "fanout": fanout.run,
    "reminders": reminders.run,
    "footprint": footprint.run,
}
RESULTS = Path(__file__).with_name("RESULTS.md")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes: a smoke run")
    parser.add_argument(
        "--only",
        action="append",
        choices=sorted(SECTIONS),
        help="run only this section (repeatable); default: all",
    )
    parser.add_argument(
        "--results",
        type=Path,
        help=f"write the results here (default: {RESULTS.name} after a full run of every section)",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the chosen sections in order, print each table as it is ready, then write."""
    args = _parser().parse_args(argv)
    chosen = args.only or list(SECTIONS)
    facts = machine()  # the load average before the bench adds its own
    started = time.perf_counter()
    sections = []
    for name in SECTIONS:
        if name not in chosen:
            continue
        print(f"--- {name} ...", flush=True)
        began = time.perf_counter()
        section = SECTIONS[name](args.quick)
        section.seconds = time.perf_counter() - began
        print(render_text(section), flush=True)
        sections.append(section)
    total = time.perf_counter() - started
    missed = [c for s in sections for c in s.checks if not c.met]
    print(f"\nTotal {total:.0f} s; {len(missed)} target(s) missed.")
    complete = not args.quick and set(chosen) == set(SECTIONS)
    target = args.results or (RESULTS if complete else None)
    if target is not None:
        command = "python -m bench " + " ".join(sys.argv[1:] if argv is None else argv)
        write_results(target, render_markdown(sections, facts, command.strip(), total))
        print(f"Results written to {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
