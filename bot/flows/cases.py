"""Who leads a channel's case and what it is called: each change is one transaction that
finds the case, checks the caller may make it, and returns what the caller is told."""

from __future__ import annotations

from collections.abc import Sequence

from bot.flows import scope
from bot.playbook import cases, people
from bot.playbook.people import Profile
from storage.engine import Database


def claim_lead(db: Database, *, team_id: str, channel_id: str, caller: Profile) -> bool:
    """The caller claims the channel's case; False when they already led it."""
    with db.transaction() as session:
        found = scope.case_and_actor(session, team_id=team_id, channel_id=channel_id, caller=caller)
        return cases.claim_lead(session=session, case=found.case, actor=found.person)


def add_leads(
    db: Database, *, team_id: str, channel_id: str, caller: Profile, targets: Sequence[Profile]
) -> list[str]:
    """A lead adds ``targets`` as leads; the names of those who did not lead it yet."""
    with db.transaction() as session:
        found = scope.case_and_actor(session, team_id=team_id, channel_id=channel_id, caller=caller)
        added = []
        for profile in targets:
            person = people.ensure_person(
                session=session, workspace=found.case.workspace, profile=profile
            )
            if cases.add_lead(session=session, case=found.case, actor=found.person, person=person):
                added.append(person.display_name)
        return added


def rename(db: Database, *, team_id: str, channel_id: str, caller: Profile, name: str) -> str:
    """Rename the channel's case to ``name`` as ``caller``; the client name it now has."""
    with db.transaction() as session:
        found = scope.case_and_actor(session, team_id=team_id, channel_id=channel_id, caller=caller)
        cases.rename_case(session=session, case=found.case, actor=found.person, name=name)
        return found.case.client_name
