"""The cast the access tests act on, and every lead-only or team-only playbook entry
point as a direct call.

Handlers are not the playbook's only callers (jobs, the CLI, scripts, tests), so each
lead-only or team-only function must refuse on its own, before it writes anything.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from bot import export
from bot.playbook import (
    buyin,
    cases,
    checkins,
    closing,
    commitments,
    digest,
    findings,
    grievances,
    interviews,
    progress,
    pulse,
    shares,
    stakeholders,
    strategy,
    targets,
)
from bot.playbook.access import Action
from bot.playbook.grievances import GrievanceDraft
from bot.playbook.people import Profile
from storage.models import (
    BuyInRule,
    Case,
    CheckinSchedule,
    ClosingOutcome,
    Grievance,
    Person,
    ProgressUpdate,
    Role,
)
from storage.models import Status as GrievanceStatus

NOW = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)
PROFILES = {
    "lead": Profile("UANA", "ana"),
    "team": Profile("UBEN", "ben"),
    "client": Profile("UCARLA", "carla", external=True),
    "guest": Profile("UDEV", "dev", external=True),
}


@dataclass(frozen=True)
class Cast:
    """Ids of the case and of what the calls act on."""

    case_id: int
    people: dict[str, int]
    #: Filed by the lead for someone not in Slack, and confidential.
    secret_id: int
    #: Filed by the client.
    public_id: int
    schedule_id: int
    #: A progress update the lead posted.
    update_id: int


def _case(session: Session, cast: Cast) -> Case:
    return session.get_one(Case, cast.case_id)


def _person(session: Session, cast: Cast, who: str) -> Person:
    return session.get_one(Person, cast.people[who])


@dataclass(frozen=True)
class Call:
    """One playbook function, called by ``person`` on the cast's case."""

    action: Action
    run: Callable[[Session, Cast, Case, Person], object]


def _schedule(session: Session, cast: Cast) -> CheckinSchedule:
    return session.get_one(CheckinSchedule, cast.schedule_id)


def _strategy_draft() -> strategy.StrategyDraft:
    return strategy.parse_draft(summary="Fix it", actions="", grievance_ids=[], measures="")


def _authored_by(session: Session, cast: Cast, person: Person) -> int:
    """The lead's update, as if ``person`` had posted it (a client-side author is only
    possible in a hand-edited database: their side still decides)."""
    update = session.get_one(ProgressUpdate, cast.update_id)
    update.author_id = person.id
    session.flush()
    return update.id


CALLS: dict[str, Call] = {
    "cases.add_lead": Call(
        Action.ADD_LEAD,
        lambda s, c, case, p: cases.add_lead(
            session=s, case=case, actor=p, person=_person(s, c, "team")
        ),
    ),
    "cases.claim_lead": Call(
        Action.CLAIM_LEAD, lambda s, c, case, p: cases.claim_lead(session=s, case=case, actor=p)
    ),
    "cases.rename_case": Call(
        Action.RENAME_CASE,
        lambda s, c, case, p: cases.rename_case(session=s, case=case, actor=p, name="Acme"),
    ),
    "grievances.change_status (acknowledge)": Call(
        Action.MOVE_GRIEVANCE,
        lambda s, c, case, p: grievances.change_status(
            session=s,
            grievance=s.get_one(Grievance, c.public_id),
            actor=p,
            new=GrievanceStatus.ACKNOWLEDGED,
        ),
    ),
    "grievances.change_status (resolve someone else's)": Call(
        Action.EDIT_ANY_GRIEVANCE,
        lambda s, c, case, p: grievances.change_status(
            session=s,
            grievance=s.get_one(Grievance, c.secret_id),
            actor=p,
            new=GrievanceStatus.RESOLVED,
        ),
    ),
    "grievances.update_details (someone else's)": Call(
        Action.EDIT_ANY_GRIEVANCE,
        lambda s, c, case, p: grievances.update_details(
            session=s,
            grievance=s.get_one(Grievance, c.secret_id),
            actor=p,
            draft=GrievanceDraft(text="Rewritten"),
        ),
    ),
    "stakeholders.set_role": Call(
        Action.MANAGE_PEOPLE,
        lambda s, c, case, p: stakeholders.set_role(
            session=s, case=case, actor=p, person=_person(s, c, "guest"), role=Role.CLIENT_LEADER
        ),
    ),
    "stakeholders.assign_roles": Call(
        Action.MANAGE_PEOPLE,
        lambda s, c, case, p: stakeholders.assign_roles(session=s, case=case, actor=p, roles={}),
    ),
    "interviews.invite": Call(
        Action.INVITE_TO_INTERVIEW,
        lambda s, c, case, p: interviews.invite(
            session=s, case=case, actor=p, invitees=[_person(s, c, "guest")]
        ),
    ),
    "interviews.set_questions": Call(
        Action.EDIT_INTERVIEW_QUESTIONS,
        lambda s, c, case, p: interviews.set_questions(
            session=s, case=case, actor=p, client=None, team=None, reminder_hours=72
        ),
    ),
    "findings.share": Call(
        Action.SHARE_FINDINGS,
        lambda s, c, case, p: findings.share(session=s, case=case, actor=p),
    ),
    "strategy.propose": Call(
        Action.PROPOSE_STRATEGY,
        lambda s, c, case, p: strategy.propose(
            session=s, case=case, author=p, draft=_strategy_draft()
        ),
    ),
    "buyin.set_rule": Call(
        Action.SET_BUYIN_RULE,
        lambda s, c, case, p: buyin.set_rule(
            session=s, case=case, actor=p, rule=BuyInRule.CLIENT_MAJORITY
        ),
    ),
    "checkins.create": Call(
        Action.MANAGE_CHECKINS,
        lambda s, c, case, p: checkins.create(
            session=s,
            case=case,
            actor=p,
            draft=checkins.ScheduleDraft(days=(1,), time_of_day="10:00", timezone="UTC"),
            now=NOW,
        ),
    ),
    "checkins.update_schedule": Call(
        Action.MANAGE_CHECKINS,
        lambda s, c, case, p: checkins.update_schedule(
            session=s,
            schedule=_schedule(s, c),
            actor=p,
            draft=checkins.ScheduleDraft(days=(1,), time_of_day="10:00", timezone="UTC"),
            now=NOW,
        ),
    ),
    "checkins.pause": Call(
        Action.MANAGE_CHECKINS,
        lambda s, c, case, p: checkins.pause(
            session=s, schedule=_schedule(s, c), actor=p, until=None, now=NOW
        ),
    ),
    "checkins.resume": Call(
        Action.MANAGE_CHECKINS,
        lambda s, c, case, p: checkins.resume(
            session=s, schedule=_schedule(s, c), actor=p, now=NOW
        ),
    ),
    "checkins.remove": Call(
        Action.MANAGE_CHECKINS,
        lambda s, c, case, p: checkins.remove(session=s, schedule=_schedule(s, c), actor=p),
    ),
    "progress.post_update": Call(
        Action.POST_PROGRESS,
        lambda s, c, case, p: progress.post_update(
            session=s, case=case, author=p, draft=progress.parse_draft(text="Shipped"), now=NOW
        ),
    ),
    "progress.correct_update (anyone's)": Call(
        Action.CORRECT_ANY_PROGRESS,
        lambda s, c, case, p: progress.correct_update(
            session=s, update_id=c.update_id, actor=p, text="Shipped on Monday"
        ),
    ),
    "progress.withdraw_update (anyone's)": Call(
        Action.CORRECT_ANY_PROGRESS,
        lambda s, c, case, p: progress.withdraw_update(session=s, update_id=c.update_id, actor=p),
    ),
    "progress.withdraw_update (own)": Call(
        Action.CORRECT_OWN_PROGRESS,
        lambda s, c, case, p: progress.withdraw_update(
            session=s, update_id=_authored_by(s, c, p), actor=p
        ),
    ),
    "digest.require_poster": Call(
        Action.POST_DIGEST,
        lambda s, c, case, p: digest.require_poster(session=s, case=case, person=p),
    ),
    "digest.set_schedule": Call(
        Action.SCHEDULE_DIGEST,
        lambda s, c, case, p: digest.set_schedule(
            session=s,
            case=case,
            actor=p,
            schedule=digest.parse_schedule("every monday at 10:00", default_timezone="UTC"),
        ),
    ),
    "closing.close_case": Call(
        Action.CLOSE_CASE,
        lambda s, c, case, p: closing.close_case(
            session=s, case=case, actor=p, now=NOW, outcome=ClosingOutcome.NOT_RECOVERED
        ),
    ),
    "closing.reopen_case": Call(
        Action.CLOSE_CASE,
        lambda s, c, case, p: closing.reopen_case(session=s, case=case, actor=p, now=NOW),
    ),
    "export.export_for_lead": Call(
        Action.EXPORT_CASE,
        lambda s, c, case, p: export.export_for_lead(session=s, case=case, person=p, now=NOW),
    ),
    "export.note_exported": Call(
        Action.EXPORT_CASE,
        lambda s, c, case, p: export.note_exported(session=s, case=case, person=p, fmt="json"),
    ),
    "targets.set_targets": Call(
        Action.SET_TARGETS,
        lambda s, c, case, p: targets.set_targets(
            session=s, case=case, actor=p, args="4 ack 30m plan 4h"
        ),
    ),
    "pulse.set_cadence": Call(
        Action.SET_PULSE,
        lambda s, c, case, p: pulse.set_cadence(session=s, case=case, actor=p, args="every 3"),
    ),
    "pulse.start_round": Call(
        Action.SET_PULSE,
        lambda s, c, case, p: pulse.start_round(session=s, case=case, now=NOW, by=p),
    ),
    "commitments.make": Call(
        Action.MAKE_COMMITMENT,
        lambda s, c, case, p: commitments.make(
            session=s,
            case=case,
            author=p,
            owner=p,
            draft=commitments.CommitmentDraft(
                owner_user_id=None, due=NOW.date(), text="Send the plan"
            ),
        ),
    ),
    "shares.create": Call(
        Action.SHARE,
        lambda s, c, case, p: shares.create(session=s, case=case, person=p, now=NOW),
    ),
    "shares.revoke": Call(
        Action.SHARE,
        lambda s, c, case, p: shares.revoke(session=s, case=case, person=p, link_id=1, now=NOW),
    ),
}
