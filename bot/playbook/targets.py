"""Response targets: how soon, in business time, a grievance is acknowledged and gets a plan.

A lead sets, per severity, how many business minutes may pass from filing to
*acknowledged* and to *being worked on* (the plan); the case's business hours (a daily
window in its time zone, Monday to Friday) decide what counts. Until a lead sets them,
the defaults below hold, and the README lists them. The scheduler warns the leads when
three quarters of a target's business time has gone (at the latest a quarter of an hour
of it before the end) and the grievance has not moved, and tells
them when it is missed; a missed target marks the grievance (``Grievance.ack_missed``,
``plan_missed``) and goes on its timeline. Each warning and miss is claimed by an UPDATE
of its flag before anything is said, so it is said once.
"""

from __future__ import annotations

import enum
import json
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.playbook.access import Action, require
from bot.playbook.answers import aware
from bot.playbook.errors import PlaybookError
from bot.playbook.timeline import Kind, record
from storage.models import Case, Grievance, Person, Status

WORKDAYS = frozenset(range(5))
SEVERITIES = (4, 3, 2, 1)
DEFAULT_HOURS = "09:00-17:00"
#: A warning comes when this share of a target's business time has gone, at the latest
#: ``WARN_BEFORE`` of business time before it is missed.
WARN_SHARE = 0.75
WARN_BEFORE = timedelta(minutes=15)
USAGE = (
    "Use `/grievance targets` to see them; `/grievance targets 4 ack 1h plan 1d` to set "
    "severity 4's (m, h, or d: a business day); `/grievance targets hours 08:30-17:00` "
    "for the case's business hours (leads)."
)


@dataclass(frozen=True)
class Target:
    """Business minutes from filing to acknowledged, and to being worked on."""

    acknowledge: int
    plan: int


#: Until a lead sets them (a business day is the case's daily window, 8 hours by default).
DEFAULTS: dict[int, Target] = {
    4: Target(acknowledge=60, plan=8 * 60),
    3: Target(acknowledge=4 * 60, plan=2 * 8 * 60),
    2: Target(acknowledge=8 * 60, plan=5 * 8 * 60),
    1: Target(acknowledge=2 * 8 * 60, plan=10 * 8 * 60),
}


class Stage(enum.Enum):
    """Which target: acknowledged, or a plan (being worked on)."""

    ACKNOWLEDGE = "ack"
    PLAN = "plan"


@dataclass(frozen=True)
class BusinessHours:
    """A daily window, Monday to Friday, in a time zone."""

    start: time
    end: time
    zone: ZoneInfo

    @property
    def day_minutes(self) -> int:
        return (self.end.hour * 60 + self.end.minute) - (self.start.hour * 60 + self.start.minute)

    def _window(self, day: date) -> tuple[datetime, datetime]:
        return (
            datetime.combine(day, self.start, tzinfo=self.zone),
            datetime.combine(day, self.end, tzinfo=self.zone),
        )

    def add(self, moment: datetime, minutes: int) -> datetime:
        """The moment ``minutes`` of business time after ``moment``."""
        local = aware(moment).astimezone(self.zone)
        day, left = local.date(), timedelta(minutes=minutes)
        cursor = local
        while True:
            opens, closes = self._window(day)
            if day.weekday() in WORKDAYS and cursor < closes:
                begin = max(cursor, opens)
                if begin + left <= closes:
                    return (begin + left).astimezone(aware(moment).tzinfo)
                left -= closes - begin
            day += timedelta(days=1)
            cursor = datetime.combine(day, time(0, 0), tzinfo=self.zone)

    def between(self, start: datetime, end: datetime) -> int:
        """Business minutes from ``start`` to ``end`` (0 if it is not after)."""
        local, finish = aware(start).astimezone(self.zone), aware(end).astimezone(self.zone)
        total, day = timedelta(), local.date()
        while day <= finish.date():
            opens, closes = self._window(day)
            if day.weekday() in WORKDAYS:
                begin, stop = max(opens, local), min(closes, finish)
                if stop > begin:
                    total += stop - begin
            day += timedelta(days=1)
        return int(total.total_seconds() // 60)


def _zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


_HOURS = re.compile(r"([01]?\d|2[0-3]):([0-5]\d)\s*[-–]\s*([01]?\d|2[0-3]):([0-5]\d)")


def parse_hours(text: str) -> tuple[time, time]:
    """``09:00-17:00`` → the window; refuses an empty or inverted one."""
    found = _HOURS.fullmatch(text.strip())
    if found is None:
        raise PlaybookError(f"Write business hours as `09:00-17:00`. {USAGE}")
    start = time(int(found.group(1)), int(found.group(2)))
    end = time(int(found.group(3)), int(found.group(4)))
    if end <= start:
        raise PlaybookError("Business hours must end after they start, within one day.")
    return start, end


def hours_of(business_hours: str | None, timezone: str | None) -> BusinessHours:
    """A case's business hours, from its stored window and time zone."""
    try:
        start, end = parse_hours(business_hours or DEFAULT_HOURS)
    except PlaybookError:
        start, end = parse_hours(DEFAULT_HOURS)
    return BusinessHours(start, end, _zone(timezone))


def case_hours(case: Case) -> BusinessHours:
    return hours_of(case.business_hours, case.digest_timezone)


def targets_of(stored: str | None) -> dict[int, Target]:
    """The targets a case keeps (JSON of severity → [ack, plan] minutes), defaults for
    the severities it does not set."""
    chosen = dict(DEFAULTS)
    try:
        raw = json.loads(stored) if stored else {}
    except ValueError:
        raw = {}
    for key, value in raw.items() if isinstance(raw, dict) else ():
        known = str(key).isdigit() and int(key) in DEFAULTS
        if known and _two_minutes(value):
            chosen[int(key)] = Target(acknowledge=value[0], plan=value[1])
    return chosen


def _two_minutes(value: object) -> bool:
    return (
        isinstance(value, list)
        and len(value) == 2
        and all(isinstance(v, int) and v > 0 for v in value)
    )


_DURATION = re.compile(r"(\d+(?:\.\d+)?)\s*(m|min|mins|minutes?|h|hours?|d|days?)", re.IGNORECASE)


def parse_duration(text: str, day_minutes: int) -> int:
    """``30m``, ``2h``, ``1.5h``, ``1d`` (a business day) → business minutes."""
    found = _DURATION.fullmatch(text.strip())
    if found is None:
        raise PlaybookError(f"I couldn't read “{text}” as a duration. {USAGE}")
    amount, unit = float(found.group(1)), found.group(2).lower()[0]
    minutes = round(amount * {"m": 1, "h": 60, "d": day_minutes}[unit])
    if minutes <= 0:
        raise PlaybookError("A target must be at least a minute.")
    return minutes


def describe(minutes: int, day_minutes: int) -> str:
    """Business minutes as people say them: ``1 business hour``, ``2 business days``."""
    if minutes % day_minutes == 0:
        days = minutes // day_minutes
        return f"{days} business day{'s' if days != 1 else ''}"
    if minutes % 60 == 0:
        hours = minutes // 60
        return f"{hours} business hour{'s' if hours != 1 else ''}"
    return f"{minutes} business minutes"


_TARGET_WORDS = re.compile(
    r"([1-4])\s+(?:ack(?:nowledge)?\s+(\S+))?\s*(?:plan\s+(\S+))?", re.IGNORECASE
)


def set_targets(*, session: Session, case: Case, actor: Person, args: str) -> str:
    """``4 ack 1h plan 1d`` or ``hours 08:30-17:00``; what is now set, in words."""
    require(session=session, case=case, person=actor, action=Action.SET_TARGETS)
    hours = case_hours(case)
    if args.lower().startswith("hours"):
        start, end = parse_hours(args[5:])
        case.business_hours = f"{start:%H:%M}-{end:%H:%M}"
        said = f"Business hours: {case.business_hours} on weekdays, {hours.zone.key}"
    else:
        found = _TARGET_WORDS.fullmatch(args.strip())
        if found is None or not (found.group(2) or found.group(3)):
            raise PlaybookError(USAGE)
        severity = int(found.group(1))
        current = targets_of(case.response_targets)
        old = current[severity]
        new = Target(
            acknowledge=parse_duration(found.group(2), hours.day_minutes)
            if found.group(2)
            else old.acknowledge,
            plan=parse_duration(found.group(3), hours.day_minutes) if found.group(3) else old.plan,
        )
        if new.plan < new.acknowledge:
            raise PlaybookError("A plan cannot be due before the acknowledgement.")
        current[severity] = new
        case.response_targets = json.dumps(
            {str(s): [t.acknowledge, t.plan] for s, t in sorted(current.items())}
        )
        day = hours.day_minutes
        said = (
            f"Severity {severity}: acknowledged within {describe(new.acknowledge, day)}, "
            f"a plan within {describe(new.plan, day)}"
        )
    record(session=session, case=case, kind=Kind.TARGETS_CHANGED, author=actor, text=said)
    return said


def first_time(grievance: Grievance, new: Status, now: datetime) -> None:
    """Stamp when a grievance first reached ``new`` (what response times are measured by):
    resolving also counts as acknowledged and planned, since nothing is left to wait for."""
    moved = {
        Status.ACKNOWLEDGED: ("acknowledged_at",),
        Status.ADDRESSING: ("acknowledged_at", "planned_at"),
        Status.RESOLVED: ("acknowledged_at", "planned_at", "resolved_at"),
        Status.WITHDRAWN: (),
    }.get(new, ())
    for name in moved:
        if getattr(grievance, name) is None:
            setattr(grievance, name, now)


_STAGE_WORDS = {Stage.ACKNOWLEDGE: "acknowledged", Stage.PLAN: "worked on"}


def note_missed(*, session: Session, grievance: Grievance, stage: Stage, target: str) -> None:
    """A missed target on the grievance's timeline (confidential with it)."""
    record(
        session=session,
        case=grievance.case,
        kind=Kind.TARGET_MISSED,
        author=None,
        text=f"Response target missed: #{grievance.number} was not {_STAGE_WORDS[stage]} "
        f"within {target}",
        grievance=grievance,
    )


@dataclass(frozen=True)
class ResponseTime:
    """How fast one severity's grievances from one side were answered: the medians, in
    business minutes, of those that got there (None: none yet), and the targets missed."""

    severity: int
    side: str
    grievances: int
    acknowledge: int | None
    resolve: int | None
    missed: int


@dataclass(frozen=True)
class Timing:
    """What response times are computed from, for one grievance."""

    severity: int
    side: str
    created_at: datetime
    acknowledged_at: datetime | None
    resolved_at: datetime | None
    missed: bool


def _median(values: list[int]) -> int | None:
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) // 2


def response_times(timings: list[Timing], hours: BusinessHours) -> list[ResponseTime]:
    """Per severity (most severe first) and side, the median business time to
    acknowledge and to resolve, and how many missed a target."""
    groups: dict[tuple[int, str], list[Timing]] = {}
    for timing in timings:
        groups.setdefault((timing.severity, timing.side), []).append(timing)
    return [
        ResponseTime(
            severity=severity,
            side=side,
            grievances=len(group),
            acknowledge=_median(
                [hours.between(t.created_at, t.acknowledged_at) for t in group if t.acknowledged_at]
            ),
            resolve=_median(
                [hours.between(t.created_at, t.resolved_at) for t in group if t.resolved_at]
            ),
            missed=sum(t.missed for t in group),
        )
        for (severity, side), group in sorted(groups.items(), key=lambda kv: (-kv[0][0], kv[0][1]))
    ]


def timings_of(*, session: Session, case: Case) -> list[Timing]:
    """The case's grievances the client side may read (never a confidential one), as
    response times are computed from them."""
    rows = session.execute(
        select(
            Grievance.severity,
            Grievance.side,
            Grievance.created_at,
            Grievance.acknowledged_at,
            Grievance.resolved_at,
            Grievance.ack_missed | Grievance.plan_missed,
        ).where(Grievance.case_id == case.id, Grievance.confidential.is_(False))
    )
    return [
        Timing(
            severity=severity,
            side=str(side.value if hasattr(side, "value") else side),
            created_at=aware(created),
            acknowledged_at=aware(acked) if acked else None,
            resolved_at=aware(resolved) if resolved else None,
            missed=bool(missed),
        )
        for severity, side, created, acked, resolved, missed in rows
    ]


def in_hours(minutes: int | None) -> str:
    """Business minutes as a short reading: ``45 min``, ``2.5 h``, ``—``."""
    if minutes is None:
        return "—"
    if minutes < 60:
        return f"{minutes} min"
    return f"{minutes / 60:.1f} h".replace(".0 h", " h")
