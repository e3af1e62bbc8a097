"""Who leads a case, and who raised what, stay decided when two people act at the same
moment, and someone Slack could not tell us about is never trusted as the delivery team.

Runs on PostgreSQL when ``TEST_DATABASE_URL`` is set (where transactions interleave), and
on SQLite otherwise.
"""

from __future__ import annotations

import threading

import pytest
from slack_sdk import WebClient
from sqlalchemy import func, select

from bot.playbook import access
from bot.playbook.cases import claim_lead
from bot.playbook.errors import PlaybookError
from bot.playbook.people import Profile, ensure_person, ensure_workspace, named_person
from bot.sandbox.webapi import EmulatorServer
from bot.sandbox.workspace import Workspace
from bot.slack.identity import Installation
from bot.slack.lookup import profile_of
from storage.engine import Database
from storage.models import Case, CaseLead, Person, Side


def _unled_case(db: Database) -> tuple[int, list[int]]:
    """A case nobody leads (a client opened it) and two team members."""
    with db.transaction() as session:
        workspace = ensure_workspace(session=session, team_id="T1")
        case = Case(workspace_id=workspace.id, channel_id="C1", client_name="Acme")
        session.add(case)
        team = [
            ensure_person(session=session, workspace=workspace, profile=Profile(u, u))
            for u in ("UANA", "UBEN")
        ]
        session.flush()
        return case.id, [p.id for p in team]


def test_two_claims_at_once_leave_one_lead_and_tell_the_other(db: Database) -> None:
    case_id, people = _unled_case(db)
    first_in = threading.Event()
    outcomes: dict[int, str] = {}

    def claim(person_id: int, hold: bool) -> None:
        try:
            with db.transaction() as session:
                case, actor = session.get_one(Case, case_id), session.get_one(Person, person_id)
                claim_lead(session=session, case=case, actor=actor)
                if hold:  # keep the transaction open while the other claim starts
                    first_in.set()
                    threading.Event().wait(0.5)
            outcomes[person_id] = "lead"
        except PlaybookError as refusal:
            outcomes[person_id] = str(refusal)

    holder = threading.Thread(target=claim, args=(people[0], True))
    holder.start()
    assert first_in.wait(10)
    claim(people[1], hold=False)
    holder.join(10)

    assert outcomes[people[0]] == "lead"
    assert "already has a lead" in outcomes[people[1]]
    with db.transaction() as session:
        assert session.scalar(select(func.count()).select_from(CaseLead)) == 1


def test_someone_slack_will_not_describe_counts_as_the_client_side(db: Database) -> None:
    workspace = Workspace.demo()
    workspace.inject("users.info", "user_not_found")
    with EmulatorServer(workspace) as emulator:
        client = WebClient(token=workspace.bot_token, base_url=emulator.base_url)
        profile = profile_of(client, "UDEV", Installation(workspace.team_id))
    case_id, _ = _unled_case(db)
    with db.transaction() as session:
        workspace_row = ensure_workspace(session=session, team_id="T1")
        guest = ensure_person(session=session, workspace=workspace_row, profile=profile)
        case = session.get_one(Case, case_id)
        assert guest.side is Side.CLIENT
        assert not access.allows(
            session=session, case=case, person=guest, action=access.Action.CLAIM_LEAD
        )
        with pytest.raises(PlaybookError):
            claim_lead(session=session, case=case, actor=guest)


def test_two_grievances_naming_the_same_raiser_at_once_find_one_person(db: Database) -> None:
    _unled_case(db)
    first_in = threading.Event()

    def name_erin(hold: bool) -> None:
        with db.transaction() as session:
            workspace = ensure_workspace(session=session, team_id="T1")
            named_person(session=session, workspace=workspace, name="Erin", side=Side.CLIENT)
            if hold:  # keep the transaction open while the other grievance names Erin too
                first_in.set()
                threading.Event().wait(0.5)

    holder = threading.Thread(target=name_erin, args=(True,))
    holder.start()
    assert first_in.wait(10)
    name_erin(hold=False)
    holder.join(10)

    with db.transaction() as session:
        erins = session.scalar(
            select(func.count()).select_from(Person).where(Person.display_name == "Erin")
        )
    assert erins == 1
