"""Response target intents: see them, set them, and what an alert tells the leads.

Each owns its transaction (the alert's is the job's claim) and hands back plain views,
rendered by ``bot.blocks.targets``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from bot.flows import scope
from bot.playbook import access, grievances, people, targets
from bot.playbook.target_alerts import Alert
from bot.playbook.targets import Stage
from bot.views import GrievanceView
from storage.engine import Database
from storage.models import Case, Grievance


@dataclass(frozen=True)
class TargetRow:
    """One severity's targets, in words."""

    severity: int
    acknowledge: str
    plan: str


@dataclass(frozen=True)
class TargetsView:
    """A case's response targets and business hours."""

    client_name: str
    hours: str
    rows: tuple[TargetRow, ...]
    defaults: bool


def show(db: Database, *, team_id: str, channel_id: str, caller: people.Profile) -> TargetsView:
    """The channel's case's targets; anyone who may read the case may see them."""
    with db.transaction() as session:
        found = scope.case_and_actor(session, team_id=team_id, channel_id=channel_id, caller=caller)
        access.require(
            session=session, case=found.case, person=found.person, action=access.Action.VIEW_HISTORY
        )
        return _view(found.case)


def change(
    db: Database, *, team_id: str, channel_id: str, caller: people.Profile, args: str
) -> tuple[str, TargetsView]:
    """A lead sets a severity's targets or the business hours; what changed, and all."""
    with db.transaction() as session:
        found = scope.case_and_actor(session, team_id=team_id, channel_id=channel_id, caller=caller)
        said = targets.set_targets(session=session, case=found.case, actor=found.person, args=args)
        return said, _view(found.case)


def _view(case: Case) -> TargetsView:
    hours = targets.case_hours(case)
    chosen = targets.targets_of(case.response_targets)
    day = hours.day_minutes
    return TargetsView(
        client_name=case.client_name,
        hours=f"{hours.start:%H:%M}–{hours.end:%H:%M} on weekdays, {hours.zone.key}",
        rows=tuple(
            TargetRow(
                severity=s,
                acknowledge=targets.describe(chosen[s].acknowledge, day),
                plan=targets.describe(chosen[s].plan, day),
            )
            for s in targets.SEVERITIES
        ),
        defaults=case.response_targets is None,
    )


@dataclass(frozen=True)
class AlertView:
    """What the leads are told of one warning or miss."""

    grievance: GrievanceView
    client_name: str
    stage: Stage
    missed: bool
    #: The deadline on the case's clock (``Tue 08 Dec 10:15``).
    deadline: str
    target: str
    leads: tuple[str, ...]
    #: The grievance's message, to mark a miss on (None: confidential or not posted).
    message: tuple[str, str] | None


def alert_view(session: Session, alert: Alert, now: datetime) -> AlertView:
    """The alert as the leads read it; a miss also goes on the grievance's timeline."""
    grievance = session.get_one(Grievance, alert.grievance_id)
    case = grievance.case
    hours = targets.case_hours(case)
    chosen = targets.targets_of(case.response_targets)[grievance.severity]
    minutes = chosen.acknowledge if alert.stage is Stage.ACKNOWLEDGE else chosen.plan
    target = targets.describe(minutes, hours.day_minutes)
    if alert.missed:
        targets.note_missed(session=session, grievance=grievance, stage=alert.stage, target=target)
    leads = tuple(
        lead.slack_user_id
        for lead in access.leads_of(session=session, case=case)
        if lead.slack_user_id
    )
    posted = grievance.slack_channel and grievance.slack_ts and not grievance.confidential
    return AlertView(
        grievance=grievances.view(grievance),
        client_name=case.client_name,
        stage=alert.stage,
        missed=alert.missed,
        deadline=f"{alert.deadline.astimezone(hours.zone):%a %d %b %H:%M}",
        target=target,
        leads=leads,
        message=(str(grievance.slack_channel), str(grievance.slack_ts)) if posted else None,
    )
