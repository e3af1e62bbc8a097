"""Parse the text of ``/grievance`` into a subcommand and its arguments.

Slack hands the bot one free-text string; this module is the only place that decides
what a user meant by it, so help text and routing can never disagree. A text is a
command only when it parses fully as one: its first word names a subcommand and the rest
fits that subcommand's arguments (``fits``). Text that starts with a subcommand word but
does not fit ("export broken") and a lone unknown word ("Unacceptable.") read two ways;
the handlers ask the typist which they meant instead of guessing (``handlers.readings``).
Text that names no subcommand at all is a grievance.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Usage:
    """How one subcommand is written and what it does, for the help text."""

    name: str
    syntax: str
    summary: str


#: Every subcommand that exists, in the order the help lists them.
SUBCOMMANDS: tuple[Usage, ...] = (
    Usage(
        "file",
        "/grievance <what happened>",
        "File a grievance on this channel's case. Words that start like a command but "
        "don't fit it, or a lone unknown word, are shown to you first with *File as "
        "grievance* and *Run …* buttons.",
    ),
    Usage("new", "/grievance new", "Open the grievance form (also: `/grievance` alone)."),
    Usage(
        "history",
        "/grievance history [n]",
        "The case timeline, or grievance n with its whole thread.",
    ),
    Usage(
        "insights",
        "/grievance insights",
        "What the client cares about, how they measure success, what used to go well.",
    ),
    Usage(
        "lead", "/grievance lead @someone | me", "Add a case lead, or claim a case nobody leads."
    ),
    Usage(
        "case",
        "/grievance case rename <client name> | close | reopen",
        "Name the client of this case; close it, saying how it ended (leads), or reopen it.",
    ),
    Usage("people", "/grievance people", "Set the case's stakeholders and their roles (leads)."),
    Usage(
        "interview",
        "/grievance interview @a @b | status | questions",
        "Invite people to an interview by DM; see who has answered; edit the questions.",
    ),
    Usage("findings", "/grievance findings", "Share what was learnt with the channel."),
    Usage(
        "strategy",
        "/grievance strategy [status | rule default|majority]",
        "Propose a recovery strategy (leads); see its buy-in; set the buy-in rule.",
    ),
    Usage(
        "checkin",
        "/grievance checkin [every weekday at 9:30 | list | pause n | resume n "
        "| edit n | delete n]",
        "Schedule recurring check-ins in this channel (leads); manage them.",
    ),
    Usage(
        "update",
        "/grievance update [what moved forward]",
        "Post a progress update tied to the current strategy; tick off its actions. "
        "With words, you see it privately first: nothing is posted until you press "
        "*Post progress update*.",
    ),
    Usage(
        "commit",
        "/grievance commit [@owner <due> <what> [#n] [[internal]] | done <n> [note]]",
        "List the case's commitments; record one with its owner and due day (delivery "
        "team); mark one done (its owner or a lead).",
    ),
    Usage(
        "targets",
        "/grievance targets [<severity> ack <time> plan <time> | hours 09:00-17:00]",
        "See the response targets per severity; set them and the business hours (leads).",
    ),
    Usage(
        "pulse",
        "/grievance pulse [now | every 3 weeks | default | off]",
        "See how the client side rates things, round by round; ask them now, or set how "
        "often they are asked (leads).",
    ),
    Usage("status", "/grievance status", "The case's health score, its trend and why."),
    Usage(
        "digest",
        "/grievance digest [every friday at 16:00 Europe/Berlin]",
        "Post the weekly digest now, with its chart; or set when it is posted (leads).",
    ),
    Usage(
        "export",
        "/grievance export [md | json | csv]",
        "Send yourself this case's history as a file by DM, confidential items included (leads).",
    ),
    Usage("help", "/grievance help", "Show this help."),
)

#: What ``/grievance export`` takes, and the ``grievance-bot export --format`` each means:
#: the same writers, so a lead's file reads as the operator's would. ``md`` is the default.
EXPORT_FORMATS: dict[str, str] = {
    "md": "markdown",
    "markdown": "markdown",
    "json": "json",
    "csv": "csv",
}
DEFAULT_EXPORT_FORMAT = "md"

FILE = "file"
NEW = "new"
HELP = "help"
UPDATE = "update"
_WORDS = {usage.name for usage in SUBCOMMANDS} - {FILE}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
#: One or more mentions and nothing else. Spaces between mentions belong to one ``\s*``
#: only: with a ``\s*`` on both sides, a failing match backtracks exponentially.
_MENTIONS_ONLY = re.compile(r"\s*(<@[UW][A-Z0-9]+(\|[^>]*)?>\s*)+")

#: What each subcommand's arguments look like; a subcommand alone always fits. Text that
#: goes on in words that do not fit ("new release broke checkout", "history abc") is not
#: run: the typist is asked whether it is a grievance. ``update`` takes any words, so it
#: is confirmed privately before anything is posted (``handlers.progress``).
_ARGUMENTS: dict[str, re.Pattern[str]] = {
    "new": re.compile(r""),
    "help": re.compile(r""),
    "insights": re.compile(r""),
    "history": re.compile(r"(#?\d{1,9})?"),
    "lead": re.compile(r"me|" + _MENTIONS_ONLY.pattern, re.IGNORECASE),
    "case": re.compile(r"rename(\s.*)?|close|reopen", re.IGNORECASE | re.DOTALL),
    "people": re.compile(r""),
    "interview": re.compile(r"status|questions|" + _MENTIONS_ONLY.pattern, re.IGNORECASE),
    "findings": re.compile(r""),
    "strategy": re.compile(r"status|rule(\s+\w+)?", re.IGNORECASE),
    "checkin": re.compile(
        r"(every|weekdays?|daily|weekly|fortnightly|(mon|tue|wed|thu|fri|sat|sun)[a-z]*)\b.*"
        r"\bat\b.*"
        r"|list|(pause|resume|edit|delete)\s+#?\d+|pause\s+#?\d+\s.*",
        re.IGNORECASE | re.DOTALL,
    ),
    "update": re.compile(r".*", re.DOTALL),
    "commit": re.compile(
        r"list|done\s+#?\d{1,9}(\s.*)?|(me|<@[UW][A-Z0-9]+(\|[^>]*)?>)\s+\S.*",
        re.IGNORECASE | re.DOTALL,
    ),
    "targets": re.compile(
        r"[1-4]\s+(ack(nowledge)?\s+\S+)?\s*(plan\s+\S+)?|hours\s+\S+", re.IGNORECASE
    ),
    "pulse": re.compile(r"now|off|default|(every\s+)?(\d{1,3}\s*)?(weeks?|w)?", re.IGNORECASE),
    "status": re.compile(r""),
    "digest": re.compile(r"(every\s.*)?", re.IGNORECASE | re.DOTALL),
    "export": re.compile(f"({'|'.join(EXPORT_FORMATS)})?", re.IGNORECASE),
}


@dataclass(frozen=True)
class ParsedCommand:
    """A subcommand name, its argument text, and a suggestion when it was misspelt.

    ``text`` is everything typed (less control characters): what a grievance would say.
    ``fits`` is False when the arguments do not parse as that subcommand's.
    """

    name: str
    args: str = ""
    unknown: str | None = None
    suggestion: str | None = None
    text: str = ""
    fits: bool = True

    @property
    def reads_two_ways(self) -> bool:
        """True when the typist must say whether this is a command or a grievance."""
        return self.unknown is not None or not self.fits


def parse(text: str | None) -> ParsedCommand:
    """Decide which subcommand ``text`` asks for; an empty text opens the form."""
    cleaned = _CONTROL.sub("", text or "").strip()
    if not cleaned:
        return ParsedCommand(NEW)
    word, _, rest = cleaned.partition(" ")
    name = word.lower()
    if name in _WORDS:
        args = rest.strip()
        fits = not args or _ARGUMENTS[name].fullmatch(args) is not None
        return ParsedCommand(name, args, text=cleaned, fits=fits)
    if len(cleaned.split()) == 1:
        close = difflib.get_close_matches(name, sorted(_WORDS), n=1, cutoff=0.7)
        return ParsedCommand(
            HELP, unknown=word[:40], suggestion=close[0] if close else None, text=cleaned
        )
    return ParsedCommand(FILE, cleaned, text=cleaned)


def usage_of(name: str) -> Usage:
    """How subcommand ``name`` is written (for the reminder when its arguments misfit)."""
    return next(usage for usage in SUBCOMMANDS if usage.name == name)


def words_after(text: str) -> str:
    """``text`` without its first word: ``update the fix is live`` → ``the fix is live``."""
    return text.strip().partition(" ")[2].strip()


def split_mentions(args: str) -> list[str]:
    """User ids mentioned in escaped command text (``<@U123|ana>`` → ``U123``)."""
    return re.findall(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>", args)


def parse_number(args: str) -> int | None:
    """A grievance number like ``7`` or ``#7``; None when there is none."""
    match = re.fullmatch(r"#?(\d{1,9})", args.strip())
    return int(match.group(1)) if match else None
