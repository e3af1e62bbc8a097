"""Parse the text of ``/grievance`` into a subcommand and its arguments.

Slack hands the bot one free-text string; this module is the only place that decides
what a user meant by it, so help text and routing can never disagree.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass


@dataclass(frozen=True)
class Usage:
    """How one subcommand is written and what it does, for the help text."""

    name: str
    syntax: str
    summary: str


#: Every subcommand that exists, in the order the help lists them.
SUBCOMMANDS: tuple[Usage, ...] = (Usage("help", "/grievance help", "Show this help."),)

HELP = "help"
_BY_NAME = {usage.name: usage for usage in SUBCOMMANDS}


@dataclass(frozen=True)
class ParsedCommand:
    """A subcommand name, its argument text, and a suggestion when it was misspelt."""

    name: str
    args: str = ""
    unknown: str | None = None
    suggestion: str | None = None


def parse(text: str | None) -> ParsedCommand:
    """Split ``text`` into a known subcommand; anything unknown asks for help."""
    cleaned = " ".join((text or "").replace("\x00", "").split())
    if not cleaned:
        return ParsedCommand(HELP)
    word, _, rest = cleaned.partition(" ")
    name = word.lower()
    if name in _BY_NAME:
        return ParsedCommand(name, rest)
    close = difflib.get_close_matches(name, list(_BY_NAME), n=1, cutoff=0.75)
    return ParsedCommand(HELP, unknown=word[:40], suggestion=close[0] if close else None)
