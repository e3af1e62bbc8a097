"""When a commitment's owner is reminded, and when it is flagged overdue.

The owner hears of it twice within their working hours (09:00–18:00 on weekdays, in their
Slack time zone, ``bot.playbook.nudges``): on the working day before the due day, and on
the due day. The day after the due day (in the case's time zone, as due days are counted),
an open commitment is flagged overdue, once, to its owner and the leads. Each is claimed
by an UPDATE of its flag before anything is sent (``bot.playbook.commitments``), so
several processes or repeated ticks tell nobody twice; a reminder whose moment passed
while the bot was down is not sent late, but the overdue flag always is.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import bindparam, or_, select
from sqlalchemy.orm import Session

from bot.playbook.answers import aware
from bot.playbook.nudges import WORK_START, WORKDAYS, in_working_hours
from storage.models import Case, Commitment, Person
from storage.rows import plain

#: How far ahead the job looks: a Monday's commitment is reminded on the Friday before.
LOOKAHEAD = timedelta(days=4)


class Reminder(enum.Enum):
    """What the owner is told."""

    EVE = "eve"
    DAY = "day"
    OVERDUE = "overdue"


@dataclass(frozen=True)
class DueReminder:
    """One reminder to give now."""

    commitment_id: int
    kind: Reminder


def working_day_before(day: date) -> date:
    """The last weekday before ``day`` (a Monday's is the Friday before)."""
    day -= timedelta(days=1)
    while day.weekday() not in WORKDAYS:
        day -= timedelta(days=1)
    return day


def _zone(name: str | None, default: str) -> ZoneInfo:
    for candidate in (name, default, "UTC"):
        try:
            return ZoneInfo(candidate or "")
        except (ZoneInfoNotFoundError, ValueError):
            continue
    raise AssertionError("UTC is always known")  # pragma: no cover


@dataclass(frozen=True)
class _Pending:
    """What deciding a commitment's reminders reads of it: one row, no objects."""

    id: int
    due: date
    reminded_eve: bool
    reminded_day: bool
    overdue_told: bool
    owner_zone: ZoneInfo
    case_zone: ZoneInfo


_PENDING = (
    select(
        Commitment.id,
        Commitment.due,
        Commitment.reminded_eve,
        Commitment.reminded_day,
        Commitment.overdue_told,
        Person.timezone,
        Case.digest_timezone,
    )
    .join(Case, Case.id == Commitment.case_id)
    .outerjoin(Person, Person.id == Commitment.owner_id)
    .where(
        Commitment.done_at.is_(None),
        Case.closed_at.is_(None),
        Commitment.due <= bindparam("horizon"),
        or_(
            Commitment.reminded_eve.is_(False),
            Commitment.reminded_day.is_(False),
            Commitment.overdue_told.is_(False),
        ),
    )
    .order_by(Commitment.due, Commitment.id)
)


def _pending(session: Session, now: datetime, default_timezone: str) -> list[_Pending]:
    """Open commitments of open cases with something still to say, due soon or past: one
    statement, whatever the number of cases (a tick runs it every minute)."""
    zones: dict[str | None, ZoneInfo] = {}

    def zone_of(name: str | None) -> ZoneInfo:
        if name not in zones:
            zones[name] = _zone(name, default_timezone)
        return zones[name]

    horizon = aware(now).date() + LOOKAHEAD
    return [
        _Pending(id_, due, eve, day, told, zone_of(owner_tz), zone_of(case_tz or "UTC"))
        for id_, due, eve, day, told, owner_tz, case_tz in plain(session).execute(
            _PENDING, {"horizon": horizon}
        )
    ]


def _due_now(pending: _Pending, now: datetime) -> Reminder | None:
    if aware(now).astimezone(pending.case_zone).date() > pending.due:
        return None if pending.overdue_told else Reminder.OVERDUE
    if not in_working_hours(now, pending.owner_zone):
        return None
    today = aware(now).astimezone(pending.owner_zone).date()
    if today == pending.due and not pending.reminded_day:
        return Reminder.DAY
    if today == working_day_before(pending.due) and not pending.reminded_eve:
        return Reminder.EVE
    return None


def due_reminders(*, session: Session, now: datetime, default_timezone: str) -> list[DueReminder]:
    """Every reminder and overdue flag to give at ``now``."""
    found = []
    for pending in _pending(session, now, default_timezone):
        kind = _due_now(pending, now)
        if kind is not None:
            found.append(DueReminder(pending.id, kind))
    return found


def _moments(pending: _Pending) -> list[datetime]:
    """The instants at which this commitment has something to say (some may be past)."""
    at_nine = [
        datetime.combine(day, WORK_START, tzinfo=pending.owner_zone)
        for day, said in (
            (working_day_before(pending.due), pending.reminded_eve),
            (pending.due, pending.reminded_day),
        )
        if not said and day.weekday() in WORKDAYS
    ]
    overdue = datetime.combine(
        pending.due + timedelta(days=1), time(0, 0), tzinfo=pending.case_zone
    )
    return [*at_nine, *([] if pending.overdue_told else [overdue])]


def next_reminder_at(
    *, session: Session, after: datetime, default_timezone: str
) -> datetime | None:
    """The first instant after ``after`` at which a reminder or an overdue flag is due."""
    later = [
        moment
        for pending in _pending(session, after + LOOKAHEAD, default_timezone)
        for moment in _moments(pending)
        if moment > aware(after)
    ]
    return min(later, default=None)
