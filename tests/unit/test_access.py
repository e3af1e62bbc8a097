"""The access policy: where people stand, how they are refused, the README's table, and
every playbook entry point called directly by someone who may not.

Handlers are not the playbook's only callers (jobs, the CLI, scripts, tests), so each
lead-only or team-only function must refuse on its own, before it writes anything.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import delete
from sqlalchemy.orm import Session

from bot import export
from bot.playbook import (
    access,
    buyin,
    cases,
    checkins,
    closing,
    digest,
    findings,
    grievances,
    history,
    interviews,
    progress,
    stakeholders,
    strategy,
)
from bot.playbook.access import AccessRole, Action
from bot.playbook.errors import PlaybookError
from bot.playbook.grievances import GrievanceDraft
from bot.playbook.intake import Where, file
from bot.playbook.people import Profile, ensure_person, ensure_workspace
from storage.engine import Database
from storage.migrate import upgrade
from storage.models import (
    BuyInRule,
    Case,
    CaseLead,
    CheckinSchedule,
    ClosingOutcome,
    Grievance,
    Person,
    ProgressUpdate,
    Role,
)
from storage.models import Status as GrievanceStatus
from tests.conftest import fresh_database

README = Path(__file__).resolve().parents[2] / "README.md"
NOW = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)
PROFILES = {
    "lead": Profile("UANA", "ana"),
    "team": Profile("UBEN", "ben"),
    "client": Profile("UCARLA", "carla", external=True),
    "guest": Profile("UDEV", "dev", external=True),
}


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """One database for the module: every test works in a session that is rolled back."""
    with fresh_database(tmp_path_factory.mktemp("access")) as url:
        database = Database.from_url(url)
        upgrade(database.engine)
        yield database
        database.dispose()


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


def _case(session: Session, cast: Cast) -> Case:
    return session.get_one(Case, cast.case_id)


def _person(session: Session, cast: Cast, who: str) -> Person:
    return session.get_one(Person, cast.people[who])


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


# ---- the policy the README promises --------------------------------------------------------


def test_the_readme_table_is_the_policy() -> None:
    found = re.search(
        r"<!-- access-policy:start -->\n(.*?)\n<!-- access-policy:end -->",
        README.read_text(encoding="utf-8"),
        re.DOTALL,
    )
    assert found is not None, "README.md has lost its access-policy table"
    assert found.group(1) == access.policy_table()


#: What the README's "Security and data" section guarantees, pinned here so that loosening
#: the table (and the README with it) still fails a test someone must read.
LEAD_ONLY = {
    Action.VIEW_CONFIDENTIAL,
    Action.EDIT_ANY_GRIEVANCE,
    Action.ADD_LEAD,
    Action.MANAGE_PEOPLE,
    Action.INVITE_TO_INTERVIEW,
    Action.EDIT_INTERVIEW_QUESTIONS,
    Action.SHARE_FINDINGS,
    Action.PROPOSE_STRATEGY,
    Action.SET_BUYIN_RULE,
    Action.MANAGE_CHECKINS,
    Action.SCHEDULE_DIGEST,
    Action.CLOSE_CASE,
    Action.EXPORT_CASE,
}
CLIENT_SIDE_MAY = {
    Action.FILE_GRIEVANCE,
    Action.EDIT_OWN_GRIEVANCE,
    Action.VIEW_HISTORY,
    Action.ANSWER_INTERVIEW,
    Action.ANSWER_CHECKIN,
    Action.VOTE,
    Action.RATE_RECOVERY,
}


def test_the_guarantees_hold() -> None:
    for action in LEAD_ONLY:
        assert access.POLICY[action].allowed == {AccessRole.LEAD}, action
    allowed_to_clients = {
        action for action, rule in access.POLICY.items() if AccessRole.CLIENT in rule.allowed
    }
    assert allowed_to_clients == CLIENT_SIDE_MAY


# ---- every playbook entry point refuses on its own ----------------------------------------


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
}


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
