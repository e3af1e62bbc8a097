"""Nudges: one gentle reminder to the people a check-in asked who have not answered.

When: ``nudge_after_minutes`` after the check-in was posted, but only within the
person's working hours (09:00–18:00, Monday to Friday, in their Slack time zone): a
nudge that falls in the evening or at the weekend waits for the next working morning,
and a tick that runs late never sends one at night. A check-in more than three days old
is not nudged about any more: by then a reminder is noise.

Who: the stakeholders on the audience's side (both sides for "everyone") with a Slack
account, who have given no answer at all (neither a rating nor a reply).

Exactly once: each nudge is claimed by INSERTing its ``CheckinNudge`` row (unique per
check-in and person) before the DM is sent, so concurrent runs, two processes or a
restart never nudge anyone twice. Like interview reminders, that is at most once: a DM
that fails after its claim is not retried.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.playbook.answers import AUDIENCE_SIDES, answered, aware, posted_time
from bot.playbook.timeline import Kind, record
from storage.models import (
    Case,
    CaseMember,
    CheckinNudge,
    CheckinOccurrence,
    CheckinSchedule,
    OccurrenceStatus,
    Person,
    Role,
)

WORK_START = time(9, 0)
WORK_END = time(18, 0)
#: Monday to Friday (``datetime.weekday()``).
WORKDAYS = frozenset(range(5))
#: A check-in older than this is not nudged about.
MAX_AGE = timedelta(days=3)


def zone(name: str | None, default: str = "UTC") -> ZoneInfo:
    """The person's zone, else ``default``, else UTC: a bad name never stops a nudge."""
    for candidate in (name, default, "UTC"):
        if not candidate:
            continue
        try:
            return ZoneInfo(candidate)
        except (ZoneInfoNotFoundError, ValueError):
            continue
    return ZoneInfo("UTC")


def in_working_hours(moment: datetime, tz: ZoneInfo) -> bool:
    """True on a weekday between 09:00 (included) and 18:00 (excluded), local time."""
    local = aware(moment).astimezone(tz)
    return local.weekday() in WORKDAYS and WORK_START <= local.time() < WORK_END


def next_working_moment(moment: datetime, tz: ZoneInfo) -> datetime:
    """``moment`` itself if it is within working hours, else the next 09:00 on a weekday."""
    moment = aware(moment)
    if in_working_hours(moment, tz):
        return moment
    local = moment.astimezone(tz)
    day = local.date()
    if local.weekday() not in WORKDAYS or local.time() >= WORK_START:
        day += timedelta(days=1)
    while day.weekday() not in WORKDAYS:
        day += timedelta(days=1)
    return datetime.combine(day, WORK_START, tzinfo=tz).astimezone(moment.tzinfo)


def nudge_at(posted_at: datetime, delay_minutes: int, tz: ZoneInfo) -> datetime:
    """When someone in ``tz`` is nudged about a check-in posted at ``posted_at``."""
    return next_working_moment(aware(posted_at) + timedelta(minutes=delay_minutes), tz)


def is_due(now: datetime, posted_at: datetime, delay_minutes: int, tz: ZoneInfo) -> bool:
    """Nudge now? The delay has passed, it is working time there, and the check-in is fresh."""
    now, posted_at = aware(now), aware(posted_at)
    if now - posted_at > MAX_AGE:
        return False
    return now >= nudge_at(posted_at, delay_minutes, tz) and in_working_hours(now, tz)


# ---- storage ------------------------------------------------------------------------------


@dataclass(frozen=True)
class DueNudge:
    """Someone to nudge about one check-in."""

    occurrence_id: int
    person_id: int
    user_id: str


def audience(*, session: Session, schedule: CheckinSchedule) -> list[Person]:
    """The stakeholders a check-in asks who can be reached in Slack, in joining order."""
    roles = [role for role in Role if role.side in AUDIENCE_SIDES[schedule.audience]]
    return list(
        session.scalars(
            select(Person)
            .join(CaseMember, CaseMember.person_id == Person.id)
            .where(
                CaseMember.case_id == schedule.case_id,
                CaseMember.role.in_(roles),
                Person.slack_user_id.is_not(None),
            )
            .order_by(CaseMember.id)
        )
    )


def _fresh_occurrences(*, session: Session, now: datetime) -> list[CheckinOccurrence]:
    """Posted check-ins of open cases and running schedules, at most three days old."""
    since = aware(now) - MAX_AGE
    found = session.scalars(
        select(CheckinOccurrence)
        .join(CheckinSchedule, CheckinSchedule.id == CheckinOccurrence.schedule_id)
        .join(Case, Case.id == CheckinSchedule.case_id)
        .where(
            CheckinOccurrence.status == OccurrenceStatus.POSTED,
            CheckinOccurrence.due_at >= since - timedelta(days=1),  # late posts: see below
            CheckinSchedule.paused.is_(False),
            Case.closed_at.is_(None),
        )
        .order_by(CheckinOccurrence.id)
    )
    return [o for o in found if posted_time(o) >= since]


def _owed(
    *, session: Session, now: datetime, default_timezone: str
) -> list[tuple[CheckinOccurrence, Person, ZoneInfo]]:
    """(check-in, person, their zone) for everyone a fresh check-in may still nudge."""
    owed = []
    for occurrence in _fresh_occurrences(session=session, now=now):
        done = answered(session=session, occurrence_id=occurrence.id) | set(
            session.scalars(
                select(CheckinNudge.person_id).where(CheckinNudge.occurrence_id == occurrence.id)
            )
        )
        for person in audience(session=session, schedule=occurrence.schedule):
            if person.id not in done and person.slack_user_id:
                owed.append((occurrence, person, zone(person.timezone, default_timezone)))
    return owed


def due_nudges(*, session: Session, now: datetime, default_timezone: str = "UTC") -> list[DueNudge]:
    """Everyone to nudge at ``now``; the caller claims each before sending."""
    return [
        DueNudge(occurrence.id, person.id, person.slack_user_id or "")
        for occurrence, person, tz in _owed(
            session=session, now=now, default_timezone=default_timezone
        )
        if is_due(now, posted_time(occurrence), occurrence.schedule.nudge_after_minutes, tz)
    ]


def next_nudge_at(
    *, session: Session, after: datetime, default_timezone: str = "UTC"
) -> datetime | None:
    """The first instant after ``after`` at which someone falls due for a nudge."""
    moment = aware(after)
    found = []
    for occurrence, _person, tz in _owed(
        session=session, now=after, default_timezone=default_timezone
    ):
        posted = posted_time(occurrence)
        at = nudge_at(posted, occurrence.schedule.nudge_after_minutes, tz)
        if at > moment and at - posted <= MAX_AGE:
            found.append(at)
    return min(found, default=None)


def claim(*, session: Session, nudge: DueNudge, now: datetime) -> bool:
    """Take one nudge; False when it was taken already or the person has since answered.

    The INSERT runs in a SAVEPOINT: the unique (check-in, person) constraint makes the
    second of two racing claims fail there, without spoiling the caller's transaction.
    """
    if nudge.person_id in answered(session=session, occurrence_id=nudge.occurrence_id):
        return False
    try:
        with session.begin_nested():
            session.add(
                CheckinNudge(
                    occurrence_id=nudge.occurrence_id, person_id=nudge.person_id, sent_at=now
                )
            )
    except IntegrityError:
        return False
    return True


def note_nudged(*, session: Session, occurrence_id: int, count: int) -> None:
    """One timeline entry per check-in and run; who was nudged is not named (it says who
    had not answered)."""
    if count <= 0:
        return
    occurrence = session.get_one(CheckinOccurrence, occurrence_id)
    people = "1 person" if count == 1 else f"{count} people"
    record(
        session=session,
        case=occurrence.schedule.case,
        kind=Kind.CHECKIN_NUDGED,
        author=None,
        text=f"Nudged {people} who had not answered the check-in of "
        f"{posted_time(occurrence):%Y-%m-%d}",
        channel=occurrence.slack_channel,
        ts=occurrence.slack_ts,
    )
