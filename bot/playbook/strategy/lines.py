"""Reading the lines a lead types in the strategy form: actions, and success measures.

Action lines are typed freely in a plain-text box ("Fix the export @ana by 2026-12-01");
``parse_action_line`` finds the owner and the due date in them and says which line is
wrong when a date is not a date, and ``action_line`` writes an action back as a line it
reads the same way. Nothing here touches the database: the stakeholders an ``@name`` may
mean are handed in.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from storage.clock import utcnow
from storage.models import StrategyAction

MAX_ACTION_LINE = 300

_BULLET = re.compile(r"^\s*(?:[-*•·]+|\d{1,2}[.)])\s+")
_ISO = re.compile(r"(?<![\w-])(\d{4})-(\d{1,2})-(\d{1,2})(?![\w-])")
_DUE_WORDS = r"(?:by|due(?:\s+(?:on|by))?|before|deadline)\s*:?\s*"
_MONTHS = {
    name.lower(): number
    for number in range(1, 13)
    for name in (calendar.month_name[number], calendar.month_abbr[number])
}
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
_WORDY_DATE = re.compile(
    rf"\b{_DUE_WORDS}(?:(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<m1>{_MONTH})\.?"
    rf"|(?P<m2>{_MONTH})\.?\s+(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?)(?:,?\s+(?P<y>\d{{4}}))?\b",
    re.IGNORECASE,
)
_ISO_DUE = re.compile(rf"(?:\b{_DUE_WORDS})?{_ISO.pattern}", re.IGNORECASE)
_MENTION = re.compile(r"(?:\b(?:owner|by)\s*:?\s*)?<@([UW][A-Z0-9]+)(?:\|([^>]*))?>", re.IGNORECASE)
_LOOSE_AT = re.compile(r"(?:\b(?:owner|by)\s*:?\s*)?(?<![\w@])@([A-Za-z][\w.'-]*)")
_BROADCASTS = frozenset({"channel", "here", "everyone"})
_NOT_OWNER = frozenset({"with", "to", "for", "and", "from", "cc", "of", "about", "tell", "ask"})
_SEP = r"(?:[—–|]|(?<=\s)-(?=\s|$)|(?<=\s)--+)"
_SEP_RUN = re.compile(rf"\s*{_SEP}(?:\s*{_SEP})+\s*")
_SEP_EDGE = re.compile(rf"^(?:\s*{_SEP}\s*|[\s,;:]+)|(?:\s*{_SEP}\s*|[\s,;:]+)$")


class ActionLineError(ValueError):
    """One action line cannot be read; the message says why, without the line number."""


@dataclass(frozen=True)
class ParsedAction:
    """One action as typed: what, who owns it (Slack id and/or name) and by when."""

    text: str
    owner_user_id: str | None = None
    owner_name: str | None = None
    due: date | None = None


def _tidy(text: str) -> str:
    """Collapse the separators left where an owner or a date was cut out of a line."""
    text = " ".join(text.split())
    text = _SEP_RUN.sub(" — ", text)
    while True:
        stripped = _SEP_EDGE.sub("", text)
        if stripped == text:
            return text.strip()
        text = stripped


def _real_date(year: int, month: int, day: int, shown: str) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise ActionLineError(
            f"“{shown}” is not a date; write it as YYYY-MM-DD, e.g. 2026-12-01"
        ) from None


def take_due(line: str, today: date) -> tuple[str, date | None]:
    """Find the due date (ISO anywhere, or "by 1 December"); refuse impossible dates."""
    for match in _ISO.finditer(line):
        _real_date(*(int(g) for g in match.groups()), shown=match.group(0))
    iso = _ISO_DUE.search(line)
    if iso is not None:
        due = date(*(int(g) for g in iso.groups()))
        return line[: iso.start()] + " " + line[iso.end() :], due
    wordy = _WORDY_DATE.search(line)
    if wordy is None:
        return line, None
    month = _MONTHS[(wordy["m1"] or wordy["m2"]).lower()]
    day = int(wordy["d1"] or wordy["d2"])
    shown = f"{day} {calendar.month_name[month]}" + (f" {wordy['y']}" if wordy["y"] else "")
    if wordy["y"]:
        due = _real_date(int(wordy["y"]), month, day, shown)
    else:
        due = _real_date(today.year, month, day, shown)
        if due < today:
            due = _real_date(today.year + 1, month, day, shown)
    return line[: wordy.start()] + " " + line[wordy.end() :], due


def _name_patterns(directory: Sequence[tuple[str, str]]) -> list[tuple[re.Pattern[str], str, str]]:
    """``@name`` patterns for stakeholders: the full display name, or a unique first name."""
    first_names: dict[str, list[tuple[str, str]]] = {}
    for user_id, name in directory:
        first_names.setdefault(name.split()[0].lower() if name.split() else "", []).append(
            (user_id, name)
        )
    keys: list[tuple[str, str, str]] = [(name, user_id, name) for user_id, name in directory]
    keys += [
        (first, entries[0][0], entries[0][1])
        for first, entries in first_names.items()
        if first and len(entries) == 1
    ]
    keys.sort(key=lambda k: len(k[0]), reverse=True)
    return [
        (
            re.compile(
                rf"(?:\b(?:owner|by)\s*:?\s*)?(?<![\w@])@{re.escape(key)}(?![\w])", re.IGNORECASE
            ),
            user_id,
            name,
        )
        for key, user_id, name in keys
        if key
    ]


def _inline(line: str, start: int) -> bool:
    """True when a mention is part of the sentence ("review with @carla"), not its owner."""
    before = line[:start].split()
    return bool(before) and before[-1].lower() in _NOT_OWNER


def _take_owner(
    line: str, directory: Sequence[tuple[str, str]]
) -> tuple[str, str | None, str | None]:
    """Find the owner: a Slack mention, a stakeholder's ``@name``, or any other ``@word``.

    A mention after "with", "to", "for"... belongs to the sentence and stays in the text.
    """
    for mention in _MENTION.finditer(line):
        if _inline(line, mention.start()):
            continue
        user_id = mention.group(1)
        known = dict(directory).get(user_id)
        name = known or (mention.group(2) or "").strip() or None
        return line[: mention.start()] + " " + line[mention.end() :], user_id, name
    for pattern, user_id, name in _name_patterns(directory):
        for found in pattern.finditer(line):
            if not _inline(line, found.start()):
                return line[: found.start()] + " " + line[found.end() :], user_id, name
    for loose in _LOOSE_AT.finditer(line):
        if loose.group(1).lower() not in _BROADCASTS and not _inline(line, loose.start()):
            return line[: loose.start()] + " " + line[loose.end() :], None, loose.group(1)
    return line, None, None


def parse_action_line(
    line: str, *, directory: Sequence[tuple[str, str]] = (), today: date | None = None
) -> ParsedAction:
    """Read one action line: its text, its owner and its due date where given.

    ``directory`` is the case's stakeholders as ``(slack user id, display name)``, so that
    "@ana" typed in a plain-text box (which Slack does not turn into a mention) still
    finds Ana. Raises ``ActionLineError`` for a line that is too long, has an impossible
    date, or says nothing but an owner and a date.
    """
    raw = line.strip()
    if len(raw) > MAX_ACTION_LINE:
        raise ActionLineError(
            f"it is {len(raw)} characters long; keep each action under {MAX_ACTION_LINE}"
        )
    rest = _BULLET.sub("", raw)
    rest, due = take_due(rest, today or utcnow().date())
    rest, owner_id, owner_name = _take_owner(rest, directory)
    text = _tidy(rest)
    if not text:
        raise ActionLineError("it names an owner or a date but not the action itself")
    return ParsedAction(text=text, owner_user_id=owner_id, owner_name=owner_name, due=due)


def split_measures(text: str | None) -> list[str]:
    """One success measure per line, bullets dropped, repeats removed."""
    seen: dict[str, str] = {}
    for line in (text or "").splitlines():
        item = " ".join(_BULLET.sub("", line).split())
        if item and item.lower() not in seen:
            seen[item.lower()] = item
    return list(seen.values())


def action_line(action: StrategyAction | ParsedAction) -> str:
    """An action written back as a line the parser reads the same way (for prefilling)."""
    parts = [action.text]
    if action.owner_name:
        parts.append(f"@{action.owner_name}")
    elif action.owner_user_id:
        parts.append(f"<@{action.owner_user_id}>")
    if action.due:
        parts.append(action.due.isoformat())
    return " — ".join(parts)
