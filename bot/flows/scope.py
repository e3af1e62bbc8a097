"""The case a request is about and the person making it, found inside a flow's transaction.

Most intents start the same way: the channel's case (or the "no case yet" refusal) and
the caller as a stored person. Flows call this inside their one transaction; listeners
never see the rows it returns.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from bot.playbook import access, cases, people
from bot.playbook.errors import PlaybookError
from bot.playbook.people import Profile
from storage.engine import Database
from storage.models import Case, Person

NO_CASE = (
    "There's no case in this channel yet. It opens with the first grievance: "
    "`/grievance <what happened>`."
)


@dataclass(frozen=True)
class CaseActor:
    """A channel's case and the person acting on it (rows of the open transaction)."""

    case: Case
    person: Person


def find_case_and_actor(
    session: Session, *, team_id: str, channel_id: str, caller: Profile
) -> CaseActor | None:
    """The channel's case and the caller as a person; None when the channel has no case."""
    workspace = people.ensure_workspace(session=session, team_id=team_id)
    case = cases.find_case(session=session, workspace=workspace, channel_id=channel_id)
    if case is None:
        return None
    person = people.ensure_person(session=session, workspace=workspace, profile=caller)
    return CaseActor(case=case, person=person)


def case_and_actor(
    session: Session, *, team_id: str, channel_id: str, caller: Profile
) -> CaseActor:
    """As ``find_case_and_actor``, refusing with ``NO_CASE`` when there is no case."""
    found = find_case_and_actor(session, team_id=team_id, channel_id=channel_id, caller=caller)
    if found is None:
        raise PlaybookError(NO_CASE)
    return found


def may(
    db: Database, *, team_id: str, channel_id: str, caller: Profile, action: access.Action
) -> bool:
    """True when ``caller`` may take ``action`` on the channel's case (False with no case)."""
    with db.transaction() as session:
        found = find_case_and_actor(session, team_id=team_id, channel_id=channel_id, caller=caller)
        return found is not None and access.allows(
            session=session, case=found.case, person=found.person, action=action
        )
