"""``grievance-bot sandbox``: start the stack and hand the terminal to the console."""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path
from typing import TextIO

from bot.logs import configure_logging
from bot.sandbox.console import Console
from bot.sandbox.stack import SandboxStack
from bot.settings import Settings

DEMO_SCRIPT = Path(__file__).with_name("demo.txt")

WELCOME = """\
Welcome to the grievance-bot sandbox: a local Slack workspace with the real bot in it.
Nothing leaves this machine; the bot keeps its data in {database}{lifetime}.
People: ana and ben (delivery team), carla (client, Slack Connect), dev (client guest),
erin (delivery team too, from the organisation's other workspace: Enterprise Grid).
Channel #acme-recovery is shared with the client. Try:
  /grievance The last release broke the invoice export and nobody told us
Type `help` for every command, `quit` to leave; `grievance-bot sandbox --demo` takes a tour.
"""


def run_sandbox(settings: Settings, lines: TextIO, out: TextIO, *, throwaway: bool = False) -> int:
    """Run a sandbox session reading ``lines`` until quit or end of input."""
    configure_logging(logging.WARNING, settings.secrets())
    with SandboxStack(settings) as stack:
        lifetime = ", deleted when you leave" if throwaway else ""
        out.write(WELCOME.format(database=settings.database_url, lifetime=lifetime))
        interactive = lines.isatty()
        if not interactive:
            out.write("(reading a script from standard input)\n")
        out.flush()
        return Console(stack, out).run(lines, interactive)


def run_demo(settings: Settings, out: TextIO) -> int:
    """The scripted tour, on a database of its own that is deleted afterwards.

    The script expects an empty workspace (it files grievance #1, its refs are m1, m6 …),
    so it must not meet what an earlier tour or the reader's own sandbox left behind.
    """
    with (
        tempfile.TemporaryDirectory(prefix="grievance-bot-demo-") as directory,
        DEMO_SCRIPT.open(encoding="utf-8") as script,
    ):
        database = f"sqlite:///{Path(directory) / 'demo.db'}"
        tour = settings.model_copy(update={"database_url": database})
        return run_sandbox(tour, script, out, throwaway=True)
