"""The markdown report, the export a person reads, rendered from ``templates/report.md.j2``.

The template lays the report out; the filters registered here keep people's words from
breaking it (one-line table cells, quoted and indented text) and say what a record means
in a few words (a check-in's averages, a strategy's addressed grievances). Autoescape is
off, since this is markdown and not HTML, and the blocks are trimmed so the template's
own line breaks never reach the report.

Notices and the individual digest runs are bookkeeping a person reading the report does
not need, so only the JSON (the archive) lists them; the report gives the digest schedule
and how many digests went out.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from typing import Any, TextIO

from jinja2 import Environment, PackageLoader, StrictUndefined, Template

from bot.export.collector import collector_paused
from bot.export.model import (
    ActionRecord,
    CheckinScheduleRecord,
    ExportDocument,
    HealthRecord,
    InterviewRecord,
    MemberRecord,
    OccurrenceRecord,
    PersonRef,
    VoteRecord,
)
from bot.playbook.anonymity import withheld_note
from bot.playbook.closing_check import OUTCOME_LABELS
from bot.playbook.schedules import DAY_NAMES, describe
from bot.playbook.targets import in_hours
from storage.models import ClosingOutcome, Role, VoteKind

#: How the report marks a reply its author deleted (its text is not exported).
DELETED_MARK = "_(deleted)_"

#: How the report marks a reply that was edited after it was posted.
EDITED_MARK = "_(edited)_"

#: How the report marks an anonymous interview or rating (it never names its person).
ANONYMOUS_MARK = "_(anonymous)_"

#: How the report shows a question its interviewee left blank.
NO_ANSWER_MARK = "_(no answer)_"

#: Characters of a grievance's text shown in the summary table.
SUMMARY_CHARS = 80

#: Health scores shown in the series; older ones are elided, the JSON has them all.
HEALTH_SERIES_POINTS = 24

#: Roles in the order the stakeholder section lists them, leaders first on each side.
ROLE_ORDER: tuple[str, ...] = tuple(role.value for role in Role)

#: Vote kinds in the order a strategy's votes are listed.
VOTE_ORDER: tuple[str, ...] = tuple(kind.value for kind in VoteKind)


# ---- people's words, kept from breaking the layout -----------------------------------


def when(value: datetime) -> str:
    """A moment as the report gives it: to the minute, in UTC."""
    return value.strftime("%Y-%m-%d %H:%M UTC")


def who(person: PersonRef | None, fallback: str = "someone") -> str:
    """A person's name, with their Slack id when they have one."""
    if person is None:
        return fallback
    if person.slack_user_id:
        return f"{person.display_name} ({person.slack_user_id})"
    return person.display_name


def flat(text: str) -> str:
    """Text on one line, runs of whitespace made single spaces."""
    return " ".join(text.split())


def cell(text: str) -> str:
    """Text that cannot break a markdown table row: one line, pipes escaped."""
    return flat(text).replace("|", "\\|")


def summary(text: str) -> str:
    """The start of a grievance's text, for the summary table."""
    line = flat(text)
    return line if len(line) <= SUMMARY_CHARS else line[: SUMMARY_CHARS - 1].rstrip() + "…"


def indented(text: str, prefix: str = "  ") -> str:
    """Continuation lines of a list item, indented so they stay inside it."""
    return "\n".join(
        line if index == 0 or not line else prefix + line
        for index, line in enumerate(text.split("\n"))
    )


def quoted(text: str) -> str:
    """Text as a block quote, blank lines included, so it reads as someone's words."""
    return "\n".join("> " + line if line else ">" for line in text.split("\n"))


# ---- what a record means, in a few words ---------------------------------------------


def label(value: str) -> str:
    """An enum value as a reader would say it: ``client_leader`` -> ``Client leader``."""
    return value.replace("_", " ").capitalize()


def average(value: float) -> str:
    """A mean rating as the check-in tally shows it: one decimal."""
    return f"{value:.1f}"


def business(minutes: int | None) -> str:
    """Business minutes as the response times table reads them (``2.5 h``, ``—``)."""
    return in_hours(minutes)


def addressed(numbers: Sequence[int], withheld: int) -> str:
    """``#1, #2 and 1 confidential grievance(s) withheld``, or "" for none at all."""
    listed = ", ".join(f"#{number}" for number in numbers)
    if withheld:
        hidden = f"{withheld} confidential grievance(s) withheld"
        listed = f"{listed} and {hidden}" if listed else hidden
    return listed


def _ranked(value: str, order: tuple[str, ...]) -> int:
    """Position of ``value`` in ``order``; values the order does not know go last."""
    return order.index(value) if value in order else len(order)


def by_role(members: Sequence[MemberRecord]) -> list[MemberRecord]:
    """Stakeholders leaders first on each side, then in the order they joined."""
    return sorted(members, key=lambda m: (_ranked(m.role, ROLE_ORDER), m.id))


def by_kind(votes: Sequence[VoteRecord]) -> list[tuple[str, list[VoteRecord]]]:
    """A strategy's votes grouped by kind, approvals first."""
    kinds = sorted({vote.kind for vote in votes}, key=lambda k: _ranked(k, VOTE_ORDER))
    return [(kind, [vote for vote in votes if vote.kind == kind]) for kind in kinds]


def ballot(vote: VoteRecord) -> str:
    """A voter and the reaction they voted with."""
    return f"{who(vote.person)} :{vote.reaction}:"


def action_details(action: ActionRecord) -> str:
    """`` (owner …; due …; done …)`` after an action, or "" when it has none of them."""
    details: list[str] = []
    if action.owner_name and action.owner_user_id:
        details.append(f"owner {action.owner_name} ({action.owner_user_id})")
    elif action.owner_name or action.owner_user_id:
        details.append(f"owner {action.owner_name or action.owner_user_id}")
    if action.due is not None:
        details.append(f"due {action.due.isoformat()}")
    if action.done_at is not None:
        details.append(f"done {when(action.done_at)}")
    return f" ({'; '.join(details)})" if details else ""


def timestamps(interview: InterviewRecord) -> str:
    """When a named interview was sent, reminded and answered."""
    times = [f"invited {when(interview.invited_at)}"] if interview.invited_at else []
    if interview.reminded_at is not None:
        times.append(f"reminded {when(interview.reminded_at)}")
    if interview.answered_at is not None:
        times.append(f"answered {when(interview.answered_at)}")
    return ", ".join(times)


def cadence(schedule: CheckinScheduleRecord) -> str:
    """When a check-in is asked, as the bot describes it in Slack."""
    return describe(schedule.days, schedule.interval_weeks, schedule.time_of_day, schedule.timezone)


def readable_questions(questions: Any) -> list[tuple[int, str, str]]:
    """``(number, kind, text)`` of each readable question, numbered by stored position.

    Numbered from the stored list, not from what is readable, so "Q2" in an occurrence's
    averages is the second stored question (``question_index`` 1) even if one is malformed.
    """
    items = questions if isinstance(questions, list) else []
    return [
        (index + 1, str(item.get("kind", "")), str(item.get("text", "")))
        for index, item in enumerate(items)
        if isinstance(item, dict)
    ]


def occurrence_facts(occurrence: OccurrenceRecord) -> list[str]:
    """When a check-in was due, what became of it, how many answered, and the averages."""
    status = f"{occurrence.status} late" if occurrence.late else occurrence.status
    facts = [when(occurrence.due_at), status]
    if occurrence.error:
        facts[-1] += f": {cell(occurrence.error)}"
    if occurrence.status == "posted" or occurrence.answers:
        facts.append(f"{occurrence.respondents} response(s)")
    averages = occurrence.average_ratings()
    if len(averages) == 1:
        facts.append(f"average {average(next(iter(averages.values())))}")
    elif averages:
        facts.append(
            "averages "
            + ", ".join(f"{average(mean)} (Q{index + 1})" for index, mean in averages.items())
        )
    if occurrence.nudges:
        facts.append(f"{len(occurrence.nudges)} nudged")
    return facts


def points(components: Any) -> str:
    """``checkins 20, silence -10`` from a snapshot's components, or "" if unreadable.

    The health module stores ``{"points": {name: points}, "reasons": [...]}``; a plain
    ``{name: points}`` is read too, and anything else is left to the JSON.
    """
    if not isinstance(components, dict):
        return ""
    scored = components.get("points", components)
    if not isinstance(scored, dict):
        return ""
    return ", ".join(
        f"{name} {value:g}"
        for name, value in scored.items()
        if isinstance(value, int | float) and not isinstance(value, bool)
    )


def series(health: Sequence[HealthRecord]) -> list[str]:
    """The latest scores, oldest first, with "…" where older ones are left out."""
    shown = [str(snapshot.score) for snapshot in health[-HEALTH_SERIES_POINTS:]]
    return ["…", *shown] if len(health) > HEALTH_SERIES_POINTS else shown


def outcome(value: str | None) -> str:
    """``: recovered`` and the like; nothing for a case that is open."""
    return f": {OUTCOME_LABELS[ClosingOutcome(value)].lower()}" if value else ""


def weekdays(weekday: int) -> str:
    """The digest's day, as in "Mondays"; a day the bot does not know by its number."""
    return f"{DAY_NAMES[weekday]}s" if 0 <= weekday < len(DAY_NAMES) else f"weekday {weekday}"


_FILTERS: dict[str, Callable[..., Any]] = {
    function.__name__: function
    for function in (
        when,
        who,
        flat,
        cell,
        summary,
        indented,
        quoted,
        label,
        average,
        addressed,
        by_role,
        by_kind,
        ballot,
        action_details,
        timestamps,
        cadence,
        readable_questions,
        occurrence_facts,
        points,
        series,
        outcome,
        weekdays,
        business,
    )
}


def _environment() -> Environment:
    environment = Environment(
        loader=PackageLoader("bot.export", "templates"),
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=StrictUndefined,
    )
    environment.filters.update(_FILTERS)
    environment.globals.update(
        DELETED_MARK=DELETED_MARK,
        EDITED_MARK=EDITED_MARK,
        ANONYMOUS_MARK=ANONYMOUS_MARK,
        NO_ANSWER_MARK=NO_ANSWER_MARK,
        withheld_note=withheld_note,
    )
    return environment


@functools.cache
def _report() -> Template:
    """The compiled template, compiled on first use: importing the export does not."""
    return _environment().get_template("report.md.j2")


def iter_markdown(document: ExportDocument) -> Iterator[str]:
    """The markdown report in pieces: a section per case, the timeline last.

    People come first (leads, stakeholders, interviews), then the grievances, then the
    strategies that answer them, then how the recovery went (check-ins, progress updates,
    health, final ratings), so the report reads in the order the playbook works.
    """
    return _report().generate(document=document)


@collector_paused
def write_markdown(document: ExportDocument, out: TextIO) -> None:
    """Stream the markdown report to ``out``."""
    out.writelines(iter_markdown(document))
