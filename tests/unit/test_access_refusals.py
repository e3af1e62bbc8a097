"""The access policy enforced: where people stand, how they are refused, every playbook
entry point called directly by someone who may not, and who reads confidential items.

Handlers are not the playbook's only callers (jobs, the CLI, scripts, tests), so each
lead-only or team-only function must refuse on its own, before it writes anything.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import delete
from sqlalchemy.orm import Session

from bot.playbook import access, checkins, history, progress, stakeholders
from bot.playbook.access import AccessRole, Action
from bot.playbook.errors import PlaybookError
from bot.playbook.grievances import GrievanceDraft
from bot.playbook.intake import Where, file
from bot.playbook.people import ensure_person, ensure_workspace
from storage.engine import Database
from storage.migrate import upgrade
from storage.models import CaseLead, Grievance, Person, Role
from tests.conftest import fresh_database
from tests.unit.access_cast import CALLS, NOW, PROFILES, Cast, _case, _person


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """One database for the module: every test works in a session that is rolled back."""
    with fresh_database(tmp_path_factory.mktemp("access")) as url:
        database = Database.from_url(url)
        upgrade(database.engine)
        yield database
        database.dispose()


@pytest.fixture(scope="module")
def cast(db: Database) -> Cast:
    """Ana opens the case (so she leads), files a confidential grievance for Erin; Carla
    files one; Ana schedules a check-in; Ben and Dev are met."""
    where = Where("T1", "C1", "acme")
    with db.transaction() as session:
        secret = file(
            session=session,
            where=where,
            reporter=PROFILES["lead"],
            draft=GrievanceDraft(
                text="Erin's contract worry", raised_by_name="Erin", confidential=True
            ),
        ).grievance
        public = file(
            session=session,
            where=where,
            reporter=PROFILES["client"],
            draft=GrievanceDraft(text="The export broke"),
        ).grievance
        workspace = ensure_workspace(session=session, team_id="T1")
        people = {
            who: ensure_person(session=session, workspace=workspace, profile=profile).id
            for who, profile in PROFILES.items()
        }
        lead = session.get_one(Person, people["lead"])
        schedule = checkins.create(
            session=session,
            case=public.case,
            actor=lead,
            draft=checkins.ScheduleDraft(days=(0,), time_of_day="09:30", timezone="UTC"),
            now=NOW,
        )
        update = progress.post_update(
            session=session,
            case=public.case,
            author=lead,
            draft=progress.parse_draft(text="Shipped"),
            now=NOW,
        )
        return Cast(public.case_id, people, secret.id, public.id, schedule.id, update.update_id)


@pytest.fixture
def session(db: Database, cast: Cast) -> Iterator[Session]:
    """A session on the cast whose changes are thrown away, so tests cannot meet."""
    with db.sessions() as session:
        yield session
        session.rollback()


# ---- where people stand ------------------------------------------------------------------


def _role(session: Session, cast: Cast, who: str) -> AccessRole:
    return access.role_of(
        session=session, case=_case(session, cast), person=_person(session, cast, who)
    )


def test_leads_team_members_guests_and_slack_connect_users_stand_apart(
    session: Session, cast: Cast
) -> None:
    assert {who: _role(session, cast, who) for who in PROFILES} == {
        "lead": AccessRole.LEAD,
        "team": AccessRole.TEAM,
        "client": AccessRole.CLIENT,
        "guest": AccessRole.CLIENT,
    }


def test_someone_never_met_counts_as_the_client_side(session: Session, cast: Cast) -> None:
    case = _case(session, cast)
    assert access.role_of(session=session, case=case, person=None) is AccessRole.CLIENT
    assert not access.allows(
        session=session, case=case, person=None, action=Action.VIEW_CONFIDENTIAL
    )


def test_a_client_side_person_with_a_lead_record_is_still_the_client_side(
    session: Session, cast: Cast
) -> None:
    session.add(CaseLead(case_id=cast.case_id, person_id=cast.people["client"]))
    session.flush()
    assert _role(session, cast, "client") is AccessRole.CLIENT


def test_the_people_form_will_not_move_a_lead_to_the_client_side(
    session: Session, cast: Cast
) -> None:
    lead = _person(session, cast, "lead")
    with pytest.raises(PlaybookError, match="is on the delivery team, so they can"):
        stakeholders.set_role(
            session=session,
            case=_case(session, cast),
            actor=lead,
            person=lead,
            role=Role.CLIENT_LEADER,
        )
    assert _role(session, cast, "lead") is AccessRole.LEAD


# ---- refusals ------------------------------------------------------------------------------


def test_a_lead_only_refusal_names_the_leads_to_ask_without_pinging_anyone(
    session: Session, cast: Cast
) -> None:
    _person(session, cast, "lead").display_name = "<!here> ana"
    said = access.refusal(session=session, case=_case(session, cast), action=Action.CLOSE_CASE)
    assert said == "Only a lead of this case can close it or reopen it. Ask &lt;!here&gt; ana."


def test_a_case_without_a_lead_says_how_to_get_one(session: Session, cast: Cast) -> None:
    session.execute(delete(CaseLead))
    said = access.refusal(session=session, case=_case(session, cast), action=Action.ADD_LEAD)
    assert "no lead yet" in said and "`/grievance lead me`" in said


# ---- every playbook entry point refuses on its own ----------------------------------------


def _refused_cells() -> list[object]:
    stands = {"team": AccessRole.TEAM, "client": AccessRole.CLIENT, "guest": AccessRole.CLIENT}
    return [
        pytest.param(name, who, id=f"{name}-{who}")
        for name, call in CALLS.items()
        for who, role in stands.items()
        if role not in access.POLICY[call.action].allowed
    ]


@pytest.mark.parametrize(("name", "who"), _refused_cells())
def test_a_direct_call_by_someone_not_allowed_is_refused_before_anything_is_written(
    session: Session, cast: Cast, name: str, who: str
) -> None:
    call = CALLS[name]
    case = _case(session, cast)
    expected = access.refusal(session=session, case=case, action=call.action)
    with pytest.raises(PlaybookError) as refused:
        call.run(session, cast, case, _person(session, cast, who))
    assert not session.new and not session.dirty and not session.deleted
    own_rule = call.action in {
        Action.EDIT_ANY_GRIEVANCE,
        Action.CORRECT_ANY_PROGRESS,
        Action.CORRECT_OWN_PROGRESS,
    }
    assert own_rule or str(refused.value).startswith(expected)


def test_every_lead_only_and_team_only_action_has_a_direct_call() -> None:
    checked = {call.action for call in CALLS.values()}
    restricted = {a for a, rule in access.POLICY.items() if AccessRole.CLIENT not in rule.allowed}
    assert restricted - checked == {Action.VIEW_CONFIDENTIAL}


def test_only_leads_read_confidential_items(session: Session, cast: Cast) -> None:
    case = _case(session, cast)
    secret = session.get_one(Grievance, cast.secret_id)
    seen = {
        who: (
            history.include_confidential_for(
                session=session, case=case, viewer=_person(session, cast, who)
            ),
            history.may_see(session=session, grievance=secret, viewer=_person(session, cast, who)),
        )
        for who in PROFILES
    }
    assert seen == {
        "lead": (True, True),
        "team": (False, False),
        "client": (False, False),
        "guest": (False, False),
    }
