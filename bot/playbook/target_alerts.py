"""Which response targets are about to be missed, or were, at a moment.

Read in one statement over every open grievance of every open case still waiting for an
acknowledgement or a plan (a tick runs it every minute); the deadlines are computed from
each case's business hours and targets (``bot.playbook.targets``). A grievance waits for
its acknowledgement while it is *open*, for its plan while it is *open* or *acknowledged*.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from bot.playbook.answers import aware
from bot.playbook.targets import (
    WARN_BEFORE,
    WARN_SHARE,
    BusinessHours,
    Stage,
    Target,
    hours_of,
    targets_of,
)
from storage.models import Case, Grievance, Status
from storage.rows import plain


@dataclass(frozen=True)
class Alert:
    """A warning (``missed`` False) or a miss to tell the leads of, now."""

    grievance_id: int
    stage: Stage
    missed: bool
    deadline: datetime


@dataclass(frozen=True)
class _Waiting:
    grievance_id: int
    severity: int
    created_at: datetime
    status: Status
    ack_warned: bool
    ack_missed: bool
    plan_warned: bool
    plan_missed: bool
    hours: BusinessHours
    target: Target


_WAITING = (
    select(
        Grievance.id,
        Grievance.severity,
        Grievance.created_at,
        Grievance.status,
        Grievance.ack_warned,
        Grievance.ack_missed,
        Grievance.plan_warned,
        Grievance.plan_missed,
        Case.business_hours,
        Case.digest_timezone,
        Case.response_targets,
    )
    .join(Case, Case.id == Grievance.case_id)
    .where(
        Case.closed_at.is_(None),
        or_(
            (Grievance.status == Status.OPEN) & Grievance.ack_missed.is_(False),
            Grievance.status.in_((Status.OPEN, Status.ACKNOWLEDGED))
            & Grievance.plan_missed.is_(False),
        ),
    )
)


def _waiting(session: Session) -> list[_Waiting]:
    hours: dict[tuple[str | None, str | None], BusinessHours] = {}
    targets: dict[str | None, dict[int, Target]] = {}
    found = []
    for row in plain(session).execute(_WAITING):
        window = (row.business_hours, row.digest_timezone)
        if window not in hours:
            hours[window] = hours_of(*window)
        if row.response_targets not in targets:
            targets[row.response_targets] = targets_of(row.response_targets)
        found.append(
            _Waiting(
                grievance_id=row.id,
                severity=row.severity,
                created_at=aware(row.created_at),
                status=Status(row.status),
                ack_warned=row.ack_warned,
                ack_missed=row.ack_missed,
                plan_warned=row.plan_warned,
                plan_missed=row.plan_missed,
                hours=hours[window],
                target=targets[row.response_targets][row.severity],
            )
        )
    return found


def _stages(item: _Waiting) -> list[tuple[Stage, int, bool]]:
    """(stage, target minutes, warned) of what the grievance still waits for."""
    stages = []
    if item.status is Status.OPEN and not item.ack_missed:
        stages.append((Stage.ACKNOWLEDGE, item.target.acknowledge, item.ack_warned))
    if not item.plan_missed:
        stages.append((Stage.PLAN, item.target.plan, item.plan_warned))
    return stages


def warn_after(minutes: int) -> int:
    """Business minutes after filing at which a target of ``minutes`` is warned of:
    three quarters of its time, at the latest a quarter of an hour before it ends."""
    before = int(WARN_BEFORE.total_seconds() // 60)
    return max(0, min(int(minutes * WARN_SHARE), minutes - before))


def _moments(item: _Waiting, minutes: int) -> tuple[datetime, datetime]:
    """When to warn, and the deadline."""
    return (
        item.hours.add(item.created_at, warn_after(minutes)),
        item.hours.add(item.created_at, minutes),
    )


def due_alerts(*, session: Session, now: datetime) -> list[Alert]:
    """Every warning and miss to tell the leads of at ``now`` (the latest of each stage:
    a target found missed is not first warned). The business time gone is counted once
    per grievance; a deadline is worked out only for what is told."""
    alerts = []
    for item in _waiting(session):
        gone = item.hours.between(item.created_at, aware(now))
        for stage, minutes, warned in _stages(item):
            if gone >= minutes:
                missed = True
            elif gone >= warn_after(minutes) and not warned:
                missed = False
            else:
                continue
            deadline = item.hours.add(item.created_at, minutes)
            alerts.append(Alert(item.grievance_id, stage, missed, deadline))
    return alerts


def next_alert_at(*, session: Session, after: datetime) -> datetime | None:
    """The first instant after ``after`` at which a warning or a miss falls due."""
    later = []
    for item in _waiting(session):
        for _stage, minutes, warned in _stages(item):
            warn, deadline = _moments(item, minutes)
            later += [m for m in ((deadline,) if warned else (warn, deadline)) if m > aware(after)]
    return min(later, default=None)


_FLAGS = {
    (Stage.ACKNOWLEDGE, False): {"ack_warned": True},
    (Stage.ACKNOWLEDGE, True): {"ack_warned": True, "ack_missed": True},
    (Stage.PLAN, False): {"plan_warned": True},
    (Stage.PLAN, True): {"plan_warned": True, "plan_missed": True},
}


def claim(*, session: Session, alert: Alert) -> bool:
    """Claim ``alert`` (its flag, if not set yet, and only while the grievance still
    waits); False when another run said it, or the grievance moved meanwhile."""
    flag = {
        (Stage.ACKNOWLEDGE, False): Grievance.ack_warned,
        (Stage.ACKNOWLEDGE, True): Grievance.ack_missed,
        (Stage.PLAN, False): Grievance.plan_warned,
        (Stage.PLAN, True): Grievance.plan_missed,
    }[(alert.stage, alert.missed)]
    waiting = (
        (Status.OPEN,) if alert.stage is Stage.ACKNOWLEDGE else (Status.OPEN, Status.ACKNOWLEDGED)
    )
    flipped = plain(session).execute(
        update(Grievance)
        .where(Grievance.id == alert.grievance_id, flag.is_(False), Grievance.status.in_(waiting))
        .values(**_FLAGS[(alert.stage, alert.missed)])
    )
    return bool(flipped.rowcount)
