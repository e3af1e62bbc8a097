"""The one path by which a grievance enters a case, whatever Slack surface it came from.

Slash command, modal and message shortcut all end here, so the rules (open the case on
first use, who becomes lead, who raised it) are the same for each.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from bot.playbook.access import leads_of
from bot.playbook.cases import find_or_open_case, lead_confirmed_opener, may_rename, rename_case
from bot.playbook.grievances import GrievanceDraft, file_grievance
from bot.playbook.people import (
    Profile,
    ensure_person,
    ensure_workspace,
    find_person,
    named_person,
)
from bot.playbook.sides import confirm_from_slack
from bot.playbook.stakeholders import ensure_member, follow_confirmed_side
from storage.models import Case, Grievance, Person, Side


@dataclass(frozen=True)
class Where:
    """The Slack place a grievance is filed in."""

    team_id: str
    channel_id: str
    channel_name: str


@dataclass(frozen=True)
class Intake:
    """A filed grievance, whether its case was opened by it or was closed, and its leads.

    ``leads`` are the case's leads other than the reporter, as Slack user ids: whom to
    tell about a grievance that lands on a closed case or is confidential.
    """

    grievance: Grievance
    case: Case
    reporter: Person
    case_opened: bool
    case_closed: bool = False
    leads: tuple[str, ...] = ()
    reporter_leads: bool = False

    @property
    def needs_a_lead(self) -> bool:
        """A case a client opened has no lead until the team claims it."""
        return self.case_opened and self.reporter.side is Side.CLIENT


def file(
    *,
    session: Session,
    where: Where,
    reporter: Profile,
    draft: GrievanceDraft,
    raised_by: Profile | None = None,
) -> Intake:
    """File ``draft`` on the case of ``where.channel_id``, opening the case if needed."""
    workspace = ensure_workspace(session=session, team_id=where.team_id)
    person = ensure_person(session=session, workspace=workspace, profile=reporter)
    case, opened = find_or_open_case(
        session=session,
        workspace=workspace,
        channel_id=where.channel_id,
        channel_name=where.channel_name,
        opener=person,
    )
    if (
        draft.client_name
        and not case.named
        and may_rename(session=session, case=case, person=person)
    ):
        rename_case(session=session, case=case, actor=person, name=draft.client_name)
    who: Person | None = None
    if raised_by is not None:
        who = ensure_person(session=session, workspace=workspace, profile=raised_by)
    elif draft.raised_by_name:
        who = named_person(
            session=session,
            workspace=workspace,
            name=draft.raised_by_name,
            side=draft.side or Side.CLIENT,
        )
    grievance = file_grievance(
        session=session, case=case, reporter=person, draft=draft, raised_by=who
    )
    for stakeholder in (person, who):
        if stakeholder is not None and stakeholder.slack_user_id:
            ensure_member(session=session, case=case, person=stakeholder)
    leads = leads_of(session=session, case=case)
    return Intake(
        grievance=grievance,
        case=case,
        reporter=person,
        case_opened=opened,
        case_closed=case.closed_at is not None,
        leads=tuple(
            lead.slack_user_id for lead in leads if lead.slack_user_id and lead.id != person.id
        ),
        reporter_leads=any(lead.id == person.id for lead in leads),
    )


def confirm_filers(
    *,
    session: Session,
    grievance_id: int,
    profiles: Sequence[Profile],
    draft: GrievanceDraft,
    opened: bool,
) -> bool:
    """Settle the people of a grievance filed before Slack's profiles of them arrived
    (``Profile.confirmed``) with ``profiles``; True when its reporter is on the team side.

    What was decided from a provisional client side follows, as if Slack had answered in
    time: the grievance's side when it came from whoever raised it (``draft`` chose
    none), the lead of the case this grievance ``opened``, the client's name the draft
    gave, and the roles they joined with.
    """
    grievance = session.get_one(Grievance, grievance_id)
    case = grievance.case
    confirmed: list[Person] = []
    for profile in profiles:
        person = find_person(session=session, workspace=case.workspace, user_id=profile.user_id)
        if person is not None and confirm_from_slack(
            session=session, person=person, profile=profile
        ):
            confirmed.append(person)
    raiser, reporter = grievance.raised_by, grievance.reporter
    if draft.side is None and raiser is not None:
        grievance.side = raiser.side
    if reporter is None or reporter.side is not Side.TEAM:
        return False
    if opened:
        lead_confirmed_opener(session=session, case=case, opener=reporter)
    if (
        draft.client_name
        and not case.named
        and may_rename(session=session, case=case, person=reporter)
    ):
        rename_case(session=session, case=case, actor=reporter, name=draft.client_name or "")
    for person in confirmed:
        follow_confirmed_side(session=session, person=person)
    return True
