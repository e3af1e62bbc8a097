"""Who a confidential grievance is sent to, so that it reaches someone, and never only the
person it is about.

A confidential grievance goes by DM to the case's leads at once, marked urgent when it is
critical. One that names a lead (a mention, or their name as a word) is not sent to that
lead, and is kept from them in every view of the case (``bot.playbook.withheld``); when
that leaves nobody, the person filing is asked first: send it to that lead anyway, send it
to the escalation contact from the settings instead, or cancel. A grievance sent to the
escalation contact is kept as an ``Escalation``, apart from the case's grievances, so no
view of the case shows it to the lead it names.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.playbook.access import Action, leads_of, require
from bot.playbook.cases import find_case
from bot.playbook.errors import PlaybookError
from bot.playbook.grievances import GrievanceDraft
from bot.playbook.intake import Where
from bot.playbook.people import Profile, ensure_person, ensure_workspace
from bot.playbook.withheld import withhold
from storage.models import Case, Escalation, Grievance, Person, Workspace

#: Severity from which a confidential grievance is marked urgent (4 is "critical").
URGENT_SEVERITY = 4
#: Shorter names would match inside ordinary sentences ("Al", "Jo" are words too rarely).
MIN_NAME = 2


class Route(enum.StrEnum):
    """What the person filing chose when the only lead is the one their grievance names."""

    LEADS = "leads"
    ESCALATE = "escalate"


@dataclass(frozen=True)
class Lead:
    """A lead, and every name a grievance might call them by."""

    user_id: str
    name: str
    names: tuple[str, ...] = ()


@dataclass(frozen=True)
class Routing:
    """Whom a confidential grievance is sent to, and which leads it names (not sent it)."""

    recipients: tuple[Lead, ...]
    withheld: tuple[Lead, ...]

    @property
    def must_ask(self) -> bool:
        """It names every lead there is besides the person filing: ask before filing."""
        return bool(self.withheld) and not self.recipients


def names_lead(text: str, lead: Lead) -> bool:
    """``text`` mentions ``lead`` or calls them by one of their names, as a whole word."""
    if re.search(rf"<@{re.escape(lead.user_id)}\b", text):
        return True
    return any(
        re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text, re.IGNORECASE)
        for name in {lead.name, *lead.names}
        if len(name.strip()) >= MIN_NAME
    )


def route(text: str, leads: Sequence[Lead], *, reporter_id: str) -> Routing:
    """The leads other than the person filing, split into those sent it and those named."""
    others = [lead for lead in leads if lead.user_id != reporter_id]
    withheld = tuple(lead for lead in others if names_lead(text, lead))
    return Routing(tuple(lead for lead in others if lead not in withheld), withheld)


def leads_in(*, session: Session, team_id: str, channel_id: str) -> list[Person]:
    """The leads of the channel's case (none while it has no case)."""
    case = session.scalar(
        select(Case)
        .join(Workspace, Workspace.id == Case.workspace_id)
        .where(Workspace.team_id == team_id, Case.channel_id == channel_id)
    )
    if case is None:  # a read only: no workspace or case is made for a form's question
        return []
    return [lead for lead in leads_of(session=session, case=case) if lead.slack_user_id]


def keep_from_named(*, session: Session, grievance: Grievance, routing: Routing) -> None:
    """Keep a filed grievance from the leads it names, now and if they lead alone later."""
    named = {lead.user_id for lead in routing.withheld}
    withhold(
        session=session,
        grievance=grievance,
        people=[
            lead
            for lead in leads_of(session=session, case=grievance.case)
            if lead.slack_user_id in named
        ],
    )


def escalate(
    *, session: Session, where: Where, reporter: Profile, draft: GrievanceDraft, contact: str
) -> tuple[Escalation, Case]:
    """Keep a grievance for the escalation contact, outside the case's grievances."""
    workspace = ensure_workspace(session=session, team_id=where.team_id)
    case = find_case(session=session, workspace=workspace, channel_id=where.channel_id)
    if case is None:
        raise PlaybookError("This channel has no case any more; nothing was sent.")
    person = ensure_person(session=session, workspace=workspace, profile=reporter)
    require(session=session, case=case, person=person, action=Action.FILE_GRIEVANCE)
    escalation = Escalation(
        case_id=case.id,
        reporter_id=person.id,
        contact_user_id=contact,
        severity=draft.severity,
        text=draft.text,
    )
    session.add(escalation)
    session.flush()
    return escalation, case
