"""``grievance-bot export`` writes the whole case history, and nothing confidential by default.

The tests build a real SQLite file with the ORM, run the real CLI, and read its output
back: JSON is checked column by column against the database (so a column added later
without an export fails here), CSV and markdown for what their readers rely on.
"""

from __future__ import annotations

import csv
import enum
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from bot.cli import main
from bot.export import (
    ANONYMOUS_MARK,
    DELETED_MARK,
    EDITED_MARK,
    ExportDocument,
    as_utc,
    build_export,
    render_csv,
)
from storage.clock import utcnow
from storage.engine import Database
from storage.migrate import upgrade
from storage.models import (
    Audience,
    Base,
    BuyInRule,
    Case,
    CaseLead,
    CaseMember,
    Category,
    CheckinAnswer,
    CheckinNudge,
    CheckinOccurrence,
    CheckinSchedule,
    DigestRun,
    EntryRevision,
    FinalRating,
    Grievance,
    GrievanceWithheld,
    HealthSnapshot,
    Interview,
    InterviewAnswer,
    InterviewQuestions,
    InterviewStatus,
    Notice,
    OccurrenceStatus,
    Person,
    ProgressUpdate,
    ProgressUpdateGrievance,
    Role,
    Side,
    Stage,
    Status,
    Strategy,
    StrategyAction,
    StrategyGrievance,
    StrategyStatus,
    TimelineEntry,
    Vote,
    VoteKind,
    Workspace,
)

T0 = datetime(2024, 3, 1, 9, 0, tzinfo=UTC)
MULTILINE = 'Line one, with "quotes" and a comma\nline two\n\nline four | with a pipe'
DELETED_SECRET = "I should not have written this"
CONFIDENTIAL_TEXT = "Dan keeps talking over our engineers in standups"
ANONYMOUS_ANSWER = "Nobody told us the launch moved.\nWe found out from a customer."
CHECKIN_QUESTIONS = [
    {"kind": "rating", "text": "How are we doing on reports?"},
    {"kind": "rating", "text": "How is communication?"},
    {"kind": "text", "text": "Anything we should know?"},
]
#: A stored value that is not JSON: the export must keep it, not drop it.
NOT_JSON = "rating: How are we doing?"
HEALTH_COMPONENTS = {
    "points": {"checkins": 20.0, "strategy": 25, "silence": -10.0},
    "reasons": ["Dan Client has not answered the last two check-ins"],
}

#: Tables that are not case history: the workspace is exported as the case's team id and
#: URL, processed events and seen requests only de-duplicate retries and refuse replays,
#: the health probe never keeps a row, and ``case_load`` is derived (see ``DERIVED``).
#: ``escalation`` holds grievances sent around the case's only lead, whom they name: a
#: lead's export must never carry them (``bot.playbook.confidential``).
NOT_CASE_HISTORY = frozenset(
    {
        "workspace",
        "processed_event",
        "seen_request",
        "held_text",
        "escalation",
        "health_probe",
        "case_load",
    }
)
#: Bookkeeping derived from the history itself: the health score's running totals
#: (``case_load`` and the severity a grievance is counted under), rebuilt by
#: ``load.recount`` from the grievances the export carries.
DERIVED = ("load_severity",)
#: Link tables, exported as the grievance numbers in their owner's ``addressed``.
ADDRESSED_LINKS = frozenset({"strategy_grievance", "progress_update_grievance"})
#: The leads a confidential grievance names, exported as the people in its ``withheld_from``.
WITHHELD_LINKS = frozenset({"grievance_withheld"})
#: Tables whose rows ``_assert_exported`` has checked, so a new table cannot go unexported.
CHECKED_TABLES: set[str] = set()


@dataclass(frozen=True)
class Fixture:
    """A database with two cases, and the facts the tests check against."""

    url: str
    path: Path
    acme_entries: int
    acme_confidential_entries: int
    globex_entries: int


def _at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def _seed(session: Session) -> tuple[int, int, int]:
    """A realistic history; returns (acme entries, of which confidential, globex entries)."""
    ws = Workspace(team_id="T0ACME", url="https://acme-agency.slack.com/", created_at=_at(0))
    session.add(ws)
    session.flush()

    def person(slack: str | None, name: str, side: Side, role: str | None = None) -> Person:
        p = Person(
            workspace_id=ws.id,
            slack_user_id=slack,
            display_name=name,
            side=side,
            role=role,
            timezone="Europe/Berlin" if side is Side.TEAM else None,
            created_at=_at(1),
        )
        session.add(p)
        return p

    alice = person("U0ALICE", "Alice Lead", Side.TEAM, "delivery lead")
    bob = person("U0BOB", "Bob Dev", Side.TEAM, "engineer")
    carol = person("U0CAROL", "Carol Client", Side.CLIENT, "CTO")
    dan = person("U0DAN", "Dan Client", Side.CLIENT)
    session.flush()

    acme = Case(
        workspace_id=ws.id,
        channel_id="C0ACME",
        client_name="Acme Corp",
        stage=Stage.REWORK,
        named=True,
        buyin_rule=BuyInRule.CLIENT_MAJORITY,
        interview_reminder_hours=24,
        digest_weekday=0,
        digest_time="09:00",
        digest_timezone="Europe/Berlin",
        closed_at=_at(500),
        created_at=_at(2),
        updated_at=_at(90),
    )
    globex = Case(
        workspace_id=ws.id,
        channel_id="C0GLOBEX",
        client_name="Globex",
        stage=Stage.STABILIZE,
        created_at=_at(3),
        updated_at=_at(4),
    )
    session.add_all([acme, globex])
    session.flush()
    session.add_all(
        [
            CaseLead(case_id=acme.id, person_id=alice.id, created_at=_at(5)),
            CaseLead(case_id=globex.id, person_id=bob.id, added_by_id=alice.id, created_at=_at(6)),
        ]
    )

    g1 = Grievance(
        case_id=acme.id,
        number=1,
        reporter_id=alice.id,
        raised_by_id=carol.id,
        raised_by_name="Carol Client",
        side=Side.CLIENT,
        category=Category.QUALITY,
        severity=3,
        text="The weekly reports arrive late and are full of errors.\n" + "x" * 120,
        status=Status.ADDRESSING,
        cares_about="Board meeting numbers",
        success_measure="Two clean reports in a row",
        source_permalink="https://acme-agency.slack.com/archives/C0ACME/p1709283600000100",
        slack_channel="C0ACME",
        slack_ts="1709283600.000100",
        created_at=_at(10),
        updated_at=_at(40),
    )
    g2 = Grievance(
        case_id=acme.id,
        number=2,
        raised_by_name="Erin (by email)",
        side=Side.CLIENT,
        category=Category.TIMELINE,
        severity=1,
        text="Launch slipped a week.",
        status=Status.RESOLVED,
        went_well="Daily updates during the slip",
        created_at=_at(20),
        updated_at=_at(60),
    )
    g3 = Grievance(
        case_id=acme.id,
        number=3,
        reporter_id=bob.id,
        raised_by_id=bob.id,
        side=Side.TEAM,
        category=Category.PEOPLE,
        severity=2,
        text=CONFIDENTIAL_TEXT,
        confidential=True,
        created_at=_at(30),
        updated_at=_at(30),
    )
    gx = Grievance(
        case_id=globex.id,
        number=1,
        raised_by_id=dan.id,
        side=Side.CLIENT,
        category=Category.COST,
        text="Invoice doubled.",
        created_at=_at(50),
        updated_at=_at(50),
    )
    session.add_all([g1, g2, g3, gx])
    session.flush()
    session.add(GrievanceWithheld(grievance_id=g3.id, person_id=alice.id))  # #3 names Alice

    def entry(case: Case, minute: int, kind: str, author: Person | None, text: str, **kw: Any):
        e = TimelineEntry(
            case_id=case.id,
            kind=kind,
            author_id=author.id if author else None,
            text=text,
            slack_channel=case.channel_id,
            slack_ts=f"17092836{minute:02d}.000200",
            created_at=_at(minute),
            **kw,
        )
        session.add(e)
        return e

    entry(acme, 2, "case_opened", alice, "Case opened for Acme")
    entry(acme, 5, "lead_added", alice, "Alice Lead leads this case")
    entry(acme, 10, "grievance_filed", carol, g1.text, grievance_id=g1.id)
    edited = entry(
        acme,
        12,
        "reply",
        bob,
        "We moved the report job to Monday.",
        grievance_id=g1.id,
        edited=True,
    )
    deleted = entry(acme, 13, "reply", carol, "", grievance_id=g1.id, deleted=True, edited=True)
    entry(acme, 14, "reply", carol, MULTILINE, grievance_id=g1.id)
    entry(acme, 20, "grievance_filed", None, g2.text, grievance_id=g2.id)
    entry(
        acme, 30, "grievance_filed", bob, CONFIDENTIAL_TEXT, grievance_id=g3.id, confidential=True
    )
    entry(acme, 31, "reply", alice, "Let us talk 1:1.", grievance_id=g3.id, confidential=True)
    entry(acme, 32, "status_changed", alice, "open → ack", grievance_id=g3.id, confidential=True)
    entry(acme, 40, "status_changed", alice, "acknowledged → addressing", grievance_id=g1.id)
    entry(acme, 60, "status_changed", alice, "addressing → resolved", grievance_id=g2.id)
    entry(acme, 90, "case_renamed", alice, "Renamed to Acme Corp")
    entry(globex, 3, "case_opened", bob, "Case opened for Globex")
    entry(globex, 50, "grievance_filed", dan, gx.text, grievance_id=gx.id)
    entry(globex, 51, "reply", bob, "Checking with finance.", grievance_id=gx.id)
    session.flush()
    session.add_all(
        [
            EntryRevision(entry_id=edited.id, text="We will look into it.", replaced_at=_at(12)),
            EntryRevision(entry_id=deleted.id, text=DELETED_SECRET, replaced_at=_at(13)),
        ]
    )
    frank = person("U0FRANK", "Frank Client", Side.CLIENT)  # named only by the playbook rows
    session.flush()
    _seed_playbook(session, acme, (alice, bob, carol, dan, frank), (g1, g2, g3))
    _seed_recovery(session, acme, (alice, bob, carol, dan, frank), (g1, g3))
    return 13, 3, 3


def _seed_playbook(
    session: Session,
    acme: Case,
    people: tuple[Person, Person, Person, Person, Person],
    grievances: tuple[Grievance, Grievance, Grievance],
) -> None:
    """Stakeholders, interviews and two strategy versions for Acme.

    v1 (superseded) addresses #1; v2 (approved, revising v1) addresses #1 and the
    confidential #3, so the export must withhold #3 unless asked.
    """
    alice, bob, carol, dan, frank = people
    g1, _, g3 = grievances
    session.add_all(
        [
            CaseMember(case_id=acme.id, person_id=alice.id, role=Role.TEAM_LEAD, created_at=_at(5)),
            CaseMember(case_id=acme.id, person_id=bob.id, role=Role.TEAM_MEMBER, created_at=_at(6)),
            CaseMember(
                case_id=acme.id,
                person_id=carol.id,
                role=Role.CLIENT_LEADER,
                created_at=_at(7),
                updated_at=_at(8),
            ),
            CaseMember(
                case_id=acme.id, person_id=frank.id, role=Role.CLIENT_MEMBER, created_at=_at(9)
            ),
            InterviewQuestions(
                case_id=acme.id,
                side=Side.CLIENT,
                questions="What went wrong?\nWhat would good look like?",
            ),
        ]
    )
    answered = Interview(
        case_id=acme.id,
        person_id=frank.id,
        invited_by_id=alice.id,
        status=InterviewStatus.ANSWERED,
        anonymous=True,
        invited_at=_at(100),
        reminded_at=_at(110),
        answered_at=_at(120),
        dm_channel="D0FRANK",
        dm_ts="1709290000.000100",
    )
    waiting = Interview(
        case_id=acme.id, person_id=dan.id, invited_by_id=alice.id, invited_at=_at(101)
    )
    session.add_all([answered, waiting])
    session.flush()
    session.add_all(
        [
            InterviewAnswer(
                interview_id=answered.id,
                position=1,
                question="What went wrong?",
                answer=ANONYMOUS_ANSWER,
                updated_at=_at(119),
            ),
            InterviewAnswer(
                interview_id=answered.id,
                position=2,
                question="What would good look like?",
                answer="",
                updated_at=_at(119),
            ),
            InterviewAnswer(
                interview_id=waiting.id, position=1, question="What went wrong?", answer=""
            ),
        ]
    )

    v1 = Strategy(
        case_id=acme.id,
        version=1,
        author_id=alice.id,
        summary="Fix the report pipeline.",
        success_measures="Two clean reports in a row",
        status=StrategyStatus.SUPERSEDED,
        slack_channel="C0ACME",
        slack_ts="1709291000.000100",
        created_at=_at(130),
    )
    session.add(v1)
    session.flush()
    v2 = Strategy(
        case_id=acme.id,
        version=2,
        author_id=alice.id,
        summary="Fix the report pipeline\nand pair Dan with our tech lead.",
        success_measures="Two clean reports in a row\nNo escalations for a month",
        previous_id=v1.id,
        status=StrategyStatus.APPROVED,
        slack_channel="C0ACME",
        slack_ts="1709292000.000100",
        created_at=_at(140),
        approved_at=_at(150),
    )
    session.add(v2)
    session.flush()
    session.add_all(
        [
            StrategyAction(strategy_id=v1.id, position=1, text="Move the report job"),
            StrategyAction(
                strategy_id=v2.id,
                position=1,
                text="Move the report job to Monday",
                owner_user_id="U0BOB",
                owner_name="Bob Dev",
                due=date(2024, 3, 15),
                done_at=_at(160),
            ),
            StrategyAction(strategy_id=v2.id, position=2, text="Weekly check-in with Dan"),
            StrategyGrievance(strategy_id=v1.id, grievance_id=g1.id),
            StrategyGrievance(strategy_id=v2.id, grievance_id=g1.id),
            StrategyGrievance(strategy_id=v2.id, grievance_id=g3.id),
            Vote(
                strategy_id=v1.id,
                person_id=dan.id,
                kind=VoteKind.OBJECT,
                reaction="x",
                updated_at=_at(135),
            ),
            Vote(
                strategy_id=v2.id,
                person_id=carol.id,
                kind=VoteKind.APPROVE,
                reaction="white_check_mark",
                updated_at=_at(145),
            ),
            Vote(
                strategy_id=v2.id,
                person_id=bob.id,
                kind=VoteKind.APPROVE,
                reaction="+1",
                updated_at=_at(146),
            ),
            Vote(
                strategy_id=v2.id,
                person_id=dan.id,
                kind=VoteKind.OBJECT,
                reaction="x",
                updated_at=_at(147),
            ),
        ]
    )


def _seed_recovery(
    session: Session,
    acme: Case,
    people: tuple[Person, Person, Person, Person, Person],
    grievances: tuple[Grievance, Grievance],
) -> None:
    """Check-ins, progress updates, health, notices, digests and final ratings for Acme.

    Check-in 1 has three occurrences: one answered (Carol's rating pressed twice, so only
    her latest counts), one late and nudged, one failed. Check-in 2 is paused and its
    questions are not JSON. The first progress update addresses #1 and the confidential #3.
    """
    alice, bob, carol, dan, frank = people
    g1, g3 = grievances
    v2 = session.scalars(
        select(Strategy).where(Strategy.case_id == acme.id, Strategy.version == 2)
    ).one()
    weekday = CheckinSchedule(
        case_id=acme.id,
        created_by_id=alice.id,
        channel_id="C0ACME",
        days="mon-fri",
        interval_weeks=1,
        anchor=date(2024, 3, 4),
        time_of_day="09:30",
        timezone="Europe/Berlin",
        audience=Audience.EVERYONE,
        questions=json.dumps(CHECKIN_QUESTIONS),
        open_tally=True,
        holidays="2024-03-29,2024-04-01",
        grace_minutes=30,
        nudge_after_minutes=120,
        checked_until=_at(3000),
        created_at=_at(200),
    )
    paused = CheckinSchedule(
        case_id=acme.id,
        channel_id="C0ACMEOLD",
        days="fri",
        interval_weeks=2,
        anchor=date(2024, 3, 8),
        time_of_day="11:00",
        timezone="America/New_York",
        audience=Audience.CLIENT,
        questions=NOT_JSON,
        paused=True,
        paused_reason="channel_not_found",
        pause_from=date(2024, 4, 1),
        pause_until=date(2024, 4, 15),
        checked_until=_at(210),
        created_at=_at(210),
    )
    session.add_all([weekday, paused])
    session.flush()
    answered = CheckinOccurrence(
        schedule_id=weekday.id,
        due_at=_at(300),
        status=OccurrenceStatus.POSTED,
        claimed_at=_at(300),
        posted_at=_at(301),
        slack_channel="C0ACME",
        slack_ts="1709301600.000100",
    )
    late = CheckinOccurrence(
        schedule_id=weekday.id,
        due_at=_at(1740),
        status=OccurrenceStatus.POSTED,
        late=True,
        claimed_at=_at(1800),
        posted_at=_at(1801),
        slack_channel="C0ACME",
        slack_ts="1709387000.000100",
    )
    failed = CheckinOccurrence(
        schedule_id=weekday.id,
        due_at=_at(3180),
        status=OccurrenceStatus.FAILED,
        claimed_at=_at(3180),
        error="channel_not_found",
    )
    update = ProgressUpdate(
        case_id=acme.id,
        author_id=alice.id,
        strategy_id=v2.id,
        text="Report job moved.\nPairing starts Monday.",
        slack_channel="C0ACME",
        slack_ts="1709310000.000100",
        created_at=_at(400),
    )
    quiet = ProgressUpdate(case_id=acme.id, text="Weekly report shipped.", created_at=_at(450))
    session.add_all([answered, late, failed, update, quiet])
    session.flush()

    def answer(occurrence: CheckinOccurrence, who: Person, index: int, **kw: Any) -> None:
        session.add(
            CheckinAnswer(
                occurrence_id=occurrence.id,
                person_id=who.id,
                question_index=index,
                created_at=_at(310),
                updated_at=_at(311),
                **kw,
            )
        )
        session.flush()  # ids in insertion order: the latest press has the higher id

    answer(answered, carol, 0, rating=2)
    answer(answered, carol, 0, rating=4)
    answer(answered, dan, 0, rating=3)
    answer(answered, carol, 1, rating=5)
    answer(answered, bob, 2, text="Reports are on time now.", slack_ts="1709301700.000100")
    answer(answered, dan, 2, text="", slack_ts="1709301800.000100")  # deleted reply, blanked
    answer(late, frank, 0, rating=1)
    session.add_all(
        [
            CheckinNudge(occurrence_id=late.id, person_id=dan.id, sent_at=_at(1920)),
            CheckinNudge(occurrence_id=late.id, person_id=carol.id, sent_at=_at(1921)),
            ProgressUpdateGrievance(update_id=update.id, grievance_id=g1.id),
            ProgressUpdateGrievance(update_id=update.id, grievance_id=g3.id),
            HealthSnapshot(case_id=acme.id, score=55, components="{}", computed_at=_at(320)),
            HealthSnapshot(
                case_id=acme.id,
                score=62,
                components=json.dumps({"points": {"checkins": 12.5}}),
                computed_at=_at(1500),
            ),
            HealthSnapshot(
                case_id=acme.id,
                score=70,
                components=json.dumps(HEALTH_COMPONENTS),
                computed_at=_at(1900),
            ),
            Notice(
                case_id=acme.id, kind="silence", key=f"{dan.id}:{late.id}", created_at=_at(1950)
            ),
            Notice(
                case_id=acme.id, kind="schedule_paused", key=str(paused.id), created_at=_at(220)
            ),
            DigestRun(
                case_id=acme.id,
                due_at=_at(420),
                status=OccurrenceStatus.POSTED,
                posted_at=_at(421),
            ),
            DigestRun(
                case_id=acme.id, due_at=_at(420 + 7 * 24 * 60), status=OccurrenceStatus.SKIPPED
            ),
            FinalRating(
                case_id=acme.id,
                person_id=carol.id,
                rating=4,
                comment="Much better now.\nThanks.",
                requested_at=_at(500),
                answered_at=_at(510),
            ),
            FinalRating(
                case_id=acme.id,
                person_id=frank.id,
                rating=2,
                comment="Still slow.",
                anonymous=True,
                requested_at=_at(500),
                answered_at=_at(520),
            ),
            FinalRating(case_id=acme.id, person_id=dan.id, requested_at=_at(500)),
        ]
    )


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Fixture]:
    path = tmp_path_factory.mktemp("export") / "history.db"
    url = f"sqlite:///{path}"
    db = Database.from_url(url)
    upgrade(db.engine)
    with db.transaction() as session:
        acme, confidential, globex = _seed(session)
    db.dispose()
    yield Fixture(url, path, acme, confidential, globex)


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)


def _export(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    url: str,
    *args: str,
) -> tuple[int, str, str]:
    monkeypatch.setenv("DATABASE_URL", url)
    status = main(["export", *args])
    out, err = capsys.readouterr()
    return status, out, err


def _json(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime):
        return as_utc(value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def _joined(record: dict[str, Any], key: str) -> dict[str, Any]:
    """``record`` with its one-per-line list column joined back as the database stores it."""
    return {**record, key: "\n".join(record[key])}


def _assert_exported(
    session: Session,
    people: dict[int, dict[str, Any]],
    row: Base,
    record: dict[str, Any],
    *implicit: str,
) -> None:
    """Every column of ``row`` is in ``record``: by name, or a ``x_id`` as a nested ``x``.

    ``implicit`` names the columns the JSON nesting already says (a grievance's case_id).
    A nested person is a short reference whose full record is in the case's ``people``.
    """
    where = f"{type(row).__name__} {record.get('id')}"
    CHECKED_TABLES.add(row.__table__.name)  # type: ignore[attr-defined]
    for column in row.__table__.columns:  # type: ignore[attr-defined]
        if column.name in implicit:
            continue
        value = getattr(row, column.key)
        if column.name in record:
            assert record[column.name] == _json(value), f"{where}.{column.name}"
            continue
        nested_key = column.name.removesuffix("_id")
        assert nested_key != column.name and nested_key in record, (
            f"{where}: column {column.name} is not exported"
        )
        nested = record[nested_key]
        assert (nested["id"] if nested else None) == value, f"{where}.{column.name}"
        if nested:
            person = session.get(Person, value)
            assert person is not None
            assert nested == {
                "id": person.id,
                "display_name": person.display_name,
                "slack_user_id": person.slack_user_id,
                "side": person.side.value,
            }
            _assert_exported(session, people, person, people[person.id], "workspace_id")


def _stored_json(text: str) -> Any:
    """What the export makes of a JSON text column: the value, or the text if not JSON."""
    try:
        return json.loads(text)
    except ValueError:
        return text


def _by_id(records: list[dict[str, Any]]) -> dict[int, dict[str, Any]]:
    return {record["id"]: record for record in records}


def _rows(session: Session, model: type[Base], *where: Any) -> list[Any]:
    return list(session.scalars(select(model).where(*where)))


def _assert_playbook_exported(
    session: Session, people: dict[int, dict[str, Any]], case: Case, exported: dict[str, Any]
) -> None:
    """Stakeholders, interviews, question sets and strategies, every column of every row."""
    members = _rows(session, CaseMember, CaseMember.case_id == case.id)
    assert len(exported["stakeholders"]) == len(members)
    for member in members:
        record = _by_id(exported["stakeholders"])[member.id]
        _assert_exported(session, people, member, record, "case_id")

    question_sets = _rows(session, InterviewQuestions, InterviewQuestions.case_id == case.id)
    assert len(exported["interview_questions"]) == len(question_sets)
    for question_set in question_sets:
        record = _by_id(exported["interview_questions"])[question_set.id]
        assert record["questions"] == question_set.questions.split("\n")
        _assert_exported(session, people, question_set, _joined(record, "questions"), "case_id")

    interviews = _rows(session, Interview, Interview.case_id == case.id)
    assert len(exported["interviews"]) == len(interviews)
    for interview in interviews:
        if interview.anonymous:  # deliberately lossy: see test_anonymous_..._nobody_singled_out
            continue
        record = _by_id(exported["interviews"])[interview.id]
        _assert_exported(session, people, interview, record, "case_id")
        answers = _rows(session, InterviewAnswer, InterviewAnswer.interview_id == interview.id)
        assert [a["position"] for a in record["answers"]] == sorted(a.position for a in answers)
        for answer in answers:
            exported_answer = _by_id(record["answers"])[answer.id]
            _assert_exported(session, people, answer, exported_answer, "interview_id")

    strategies = _rows(session, Strategy, Strategy.case_id == case.id)
    assert len(exported["strategies"]) == len(strategies)
    versions = {strategy.id: strategy.version for strategy in strategies}
    for strategy in strategies:
        record = _by_id(exported["strategies"])[strategy.id]
        _assert_exported(session, people, strategy, _joined(record, "success_measures"), "case_id")
        assert record["previous_version"] == versions.get(strategy.previous_id)
        actions = _rows(session, StrategyAction, StrategyAction.strategy_id == strategy.id)
        assert [a["position"] for a in record["actions"]] == sorted(a.position for a in actions)
        for action in actions:
            exported_action = _by_id(record["actions"])[action.id]
            _assert_exported(session, people, action, exported_action, "strategy_id")
        votes = _rows(session, Vote, Vote.strategy_id == strategy.id)
        assert len(record["votes"]) == len(votes)
        for vote in votes:
            _assert_exported(session, people, vote, _by_id(record["votes"])[vote.id], "strategy_id")
        addressed = session.scalars(
            select(Grievance.number)
            .join(StrategyGrievance, StrategyGrievance.grievance_id == Grievance.id)
            .where(StrategyGrievance.strategy_id == strategy.id)
        )
        # StrategyGrievance's two columns: the strategy by nesting, the grievance by number.
        assert record["addressed"] == sorted(addressed)
        assert record["withheld_addressed"] == 0


def _assert_checkins_exported(
    session: Session, people: dict[int, dict[str, Any]], case: Case, exported: dict[str, Any]
) -> None:
    """Check-in schedules, their occurrences, answers and nudges, every column of every row."""
    schedules = _rows(session, CheckinSchedule, CheckinSchedule.case_id == case.id)
    assert [s["id"] for s in exported["checkin_schedules"]] == sorted(s.id for s in schedules)
    for schedule in schedules:
        record = _by_id(exported["checkin_schedules"])[schedule.id]
        assert record["questions"] == _stored_json(schedule.questions)
        stored = {
            **record,
            "questions": schedule.questions,
            "holidays": ",".join(record["holidays"]),
        }
        _assert_exported(session, people, schedule, stored, "case_id")
        occurrences = _rows(
            session, CheckinOccurrence, CheckinOccurrence.schedule_id == schedule.id
        )
        by_due = sorted(occurrences, key=lambda o: as_utc(o.due_at))
        assert [o["id"] for o in record["occurrences"]] == [o.id for o in by_due]
        for occurrence in occurrences:
            exported_occurrence = _by_id(record["occurrences"])[occurrence.id]
            _assert_exported(session, people, occurrence, exported_occurrence, "schedule_id")
            answers = _rows(session, CheckinAnswer, CheckinAnswer.occurrence_id == occurrence.id)
            assert len(exported_occurrence["answers"]) == len(answers)
            for answer in answers:
                exported_answer = _by_id(exported_occurrence["answers"])[answer.id]
                _assert_exported(session, people, answer, exported_answer, "occurrence_id")
            nudges = _rows(session, CheckinNudge, CheckinNudge.occurrence_id == occurrence.id)
            assert len(exported_occurrence["nudges"]) == len(nudges)
            for nudge in nudges:
                exported_nudge = _by_id(exported_occurrence["nudges"])[nudge.id]
                _assert_exported(session, people, nudge, exported_nudge, "occurrence_id")


def _assert_recovery_exported(
    session: Session, people: dict[int, dict[str, Any]], case: Case, exported: dict[str, Any]
) -> None:
    """Progress updates, health, notices, digests and final ratings, every column."""
    _assert_checkins_exported(session, people, case, exported)

    updates = _rows(session, ProgressUpdate, ProgressUpdate.case_id == case.id)
    assert [u["id"] for u in exported["progress_updates"]] == sorted(u.id for u in updates)
    versions = {s.id: s.version for s in _rows(session, Strategy, Strategy.case_id == case.id)}
    for update in updates:
        record = _by_id(exported["progress_updates"])[update.id]
        _assert_exported(session, people, update, record, "case_id")
        assert record["strategy_version"] == versions.get(update.strategy_id)
        addressed = session.scalars(
            select(Grievance.number)
            .join(ProgressUpdateGrievance, ProgressUpdateGrievance.grievance_id == Grievance.id)
            .where(ProgressUpdateGrievance.update_id == update.id)
        )
        # The link table's two columns: the update by nesting, the grievance by number.
        assert record["addressed"] == sorted(addressed)
        assert record["withheld_addressed"] == 0

    snapshots = _rows(session, HealthSnapshot, HealthSnapshot.case_id == case.id)
    assert [h["id"] for h in exported["health"]] == sorted(h.id for h in snapshots)
    for snapshot in snapshots:
        record = _by_id(exported["health"])[snapshot.id]
        assert record["components"] == _stored_json(snapshot.components)
        stored = {**record, "components": snapshot.components}
        _assert_exported(session, people, snapshot, stored, "case_id")

    for model, key in ((Notice, "notices"), (DigestRun, "digests"), (FinalRating, "final_ratings")):
        rows = _rows(session, model, model.case_id == case.id)  # type: ignore[attr-defined]
        assert len(exported[key]) == len(rows), key
        for row in rows:
            if getattr(row, "anonymous", False):  # deliberately lossy, as interviews are
                continue
            _assert_exported(session, people, row, _by_id(exported[key])[row.id], "case_id")


def test_json_is_lossless_against_the_database(
    seeded: Fixture, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    CHECKED_TABLES.clear()
    status, out, _ = _export(capsys, monkeypatch, seeded.url, "--include-confidential")
    assert status == 0
    doc = json.loads(out)
    assert doc["format_version"] == 1
    assert doc["withheld_confidential"] == 0
    assert datetime.fromisoformat(doc["exported_at"]).utcoffset() == timedelta(0)

    db = Database.from_url(seeded.url)
    with db.transaction() as session:
        cases = list(session.scalars(select(Case).order_by(Case.id)))
        assert [c["id"] for c in doc["cases"]] == [c.id for c in cases]
        for case, exported in zip(cases, doc["cases"], strict=True):
            people = _by_id(exported["people"])
            _assert_exported(session, people, case, exported)
            assert exported["team_id"] == "T0ACME"
            assert exported["created_at"].endswith("+00:00")

            leads = session.scalars(select(CaseLead).where(CaseLead.case_id == case.id)).all()
            assert len(exported["leads"]) == len(leads)
            for lead in leads:
                _assert_exported(
                    session, people, lead, _by_id(exported["leads"])[lead.id], "case_id"
                )

            _assert_playbook_exported(session, people, case, exported)
            _assert_recovery_exported(session, people, case, exported)

            grievances = session.scalars(select(Grievance).where(Grievance.case_id == case.id))
            exported_grievances = _by_id(exported["grievances"])
            entries = session.scalars(
                select(TimelineEntry).where(TimelineEntry.case_id == case.id)
            ).all()
            for grievance in grievances:
                record = exported_grievances.pop(grievance.id)
                _assert_exported(session, people, grievance, record, "case_id", *DERIVED)
                kept = session.scalars(
                    select(GrievanceWithheld.person_id)
                    .where(GrievanceWithheld.grievance_id == grievance.id)
                    .order_by(GrievanceWithheld.person_id)
                ).all()
                assert [p["id"] for p in record["withheld_from"]] == kept
                assert all(p["id"] in people for p in record["withheld_from"])
                replies = [
                    e.id for e in entries if e.grievance_id == grievance.id and e.kind == "reply"
                ]
                assert [r["id"] for r in record["replies"]] == replies
            assert exported_grievances == {}

            assert [e["id"] for e in exported["timeline"]] == sorted(e.id for e in entries)
            numbers = {g["id"]: g["number"] for g in exported["grievances"]}
            for entry in entries:
                record = _by_id(exported["timeline"])[entry.id]
                _assert_exported(session, people, entry, record, "case_id")
                assert record["grievance_number"] == numbers.get(entry.grievance_id)
                revisions = session.scalars(
                    select(EntryRevision).where(EntryRevision.entry_id == entry.id)
                ).all()
                if entry.deleted:
                    assert record["revisions"] == []  # a deleted message stays deleted
                    continue
                assert len(record["revisions"]) == len(revisions)
                for revision, exported_revision in zip(revisions, record["revisions"], strict=True):
                    _assert_exported(session, people, revision, exported_revision, "entry_id")
    db.dispose()
    # Every table is checked row by row, or knowingly exported another way.
    assert set(Base.metadata.tables) == (
        CHECKED_TABLES | NOT_CASE_HISTORY | ADDRESSED_LINKS | WITHHELD_LINKS
    )

    acme = doc["cases"][0]
    assert len(acme["timeline"]) == seeded.acme_entries
    deleted = [e for e in acme["timeline"] if e["deleted"]]
    assert len(deleted) == 1
    assert deleted[0]["text"] == ""
    assert DELETED_SECRET not in out
    assert MULTILINE in [e["text"] for e in acme["timeline"]]

    assert (acme["buyin_rule"], acme["interview_reminder_hours"]) == ("client_majority", 24)
    roles = {m["person"]["display_name"]: m["role"] for m in acme["stakeholders"]}
    assert roles == {
        "Alice Lead": "team_lead",
        "Bob Dev": "team_member",
        "Carol Client": "client_leader",
        "Frank Client": "client_member",
    }
    assert acme["interview_questions"] == [
        {
            "id": acme["interview_questions"][0]["id"],
            "side": "client",
            "questions": ["What went wrong?", "What would good look like?"],
        }
    ]
    # Frank alone answered anonymously: nothing of his interview may point back to him.
    anonymous = next(i for i in acme["interviews"] if i["anonymous"])
    assert anonymous["person"] is None and anonymous["speaker"] == "anonymous"
    assert anonymous["withheld"] and anonymous["answers"] == []
    assert anonymous["status"] == "answered" and anonymous["id"] is None
    assert [anonymous[k] for k in ("invited_at", "answered_at", "dm_channel", "invited_by")] == [
        None
    ] * 4
    v1, v2 = acme["strategies"]
    assert (v1["version"], v1["status"], v1["previous_version"]) == (1, "superseded", None)
    assert (v2["version"], v2["status"], v2["previous_version"]) == (2, "approved", 1)
    assert v2["success_measures"] == ["Two clean reports in a row", "No escalations for a month"]
    assert v2["actions"][0]["due"] == "2024-03-15"
    assert v2["actions"][1]["owner_user_id"] is None and v2["actions"][1]["due"] is None
    assert v2["addressed"] == [1, 3]
    assert [(v["person"]["display_name"], v["kind"]) for v in v2["votes"]] == [
        ("Carol Client", "approve"),
        ("Bob Dev", "approve"),
        ("Dan Client", "object"),
    ]
    assert doc["cases"][1]["stakeholders"] == [] and doc["cases"][1]["strategies"] == []

    assert (acme["digest_weekday"], acme["digest_time"]) == (0, "09:00")
    assert acme["closed_at"] == _at(500).isoformat()
    weekday, paused = acme["checkin_schedules"]
    assert weekday["questions"] == CHECKIN_QUESTIONS
    assert weekday["holidays"] == ["2024-03-29", "2024-04-01"]
    assert weekday["anchor"] == "2024-03-04"
    assert paused["questions"] == NOT_JSON  # kept verbatim, not dropped
    assert (paused["paused"], paused["pause_until"]) == (True, "2024-04-15")
    assert [o["status"] for o in weekday["occurrences"]] == ["posted", "posted", "failed"]
    first = weekday["occurrences"][0]
    assert [(a["person"]["display_name"], a["rating"]) for a in first["answers"][:2]] == [
        ("Carol Client", 2),
        ("Carol Client", 4),
    ]
    assert [n["person"]["display_name"] for n in weekday["occurrences"][1]["nudges"]] == [
        "Dan Client",
        "Carol Client",
    ]
    assert [u["addressed"] for u in acme["progress_updates"]] == [[1, 3], []]
    assert acme["progress_updates"][0]["strategy_version"] == 2
    assert [h["score"] for h in acme["health"]] == [55, 62, 70]
    assert acme["health"][-1]["components"] == HEALTH_COMPONENTS
    assert [n["kind"] for n in acme["notices"]] == ["silence", "schedule_paused"]
    assert [d["status"] for d in acme["digests"]] == ["posted", "skipped"]
    anonymous_rating = next(r for r in acme["final_ratings"] if r["anonymous"])
    assert anonymous_rating["person"] is None and anonymous_rating["withheld"]
    assert anonymous_rating["rating"] is None and anonymous_rating["comment"] is None
    globex = doc["cases"][1]
    for key in ("checkin_schedules", "progress_updates", "health", "notices", "digests"):
        assert globex[key] == [], key
    assert globex["final_ratings"] == [] and globex["closed_at"] is None


def test_confidential_is_withheld_by_default_and_counted(
    seeded: Fixture, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    status, out, err = _export(capsys, monkeypatch, seeded.url)
    assert status == 0
    doc = json.loads(out)
    assert doc["withheld_confidential"] == 1
    assert doc["withheld_confidential_entries"] == seeded.acme_confidential_entries
    acme = doc["cases"][0]
    assert [g["number"] for g in acme["grievances"]] == [1, 2]
    assert len(acme["timeline"]) == seeded.acme_entries - seeded.acme_confidential_entries
    assert not any(e["confidential"] for e in acme["timeline"])
    assert CONFIDENTIAL_TEXT not in out
    assert "Let us talk" not in out
    assert "withheld 1 confidential grievance" in err
    v1, v2 = acme["strategies"]
    assert (v1["addressed"], v1["withheld_addressed"]) == ([1], 0)
    assert (v2["addressed"], v2["withheld_addressed"]) == ([1], 1)
    update, quiet = acme["progress_updates"]
    assert (update["addressed"], update["withheld_addressed"]) == ([1], 1)
    assert update["text"] == "Report job moved.\nPairing starts Monday."  # public in the channel
    assert (quiet["addressed"], quiet["withheld_addressed"]) == ([], 0)

    status, out, err = _export(capsys, monkeypatch, seeded.url, "--include-confidential")
    doc = json.loads(out)
    confidential = [g for g in doc["cases"][0]["grievances"] if g["confidential"]]
    assert [g["number"] for g in confidential] == [3]
    assert confidential[0]["text"] == CONFIDENTIAL_TEXT
    assert [r["text"] for r in confidential[0]["replies"]] == ["Let us talk 1:1."]
    assert "withheld 1" not in err
    # Kept whole for the operator, and it says from whom the bot keeps #3.
    assert [p["display_name"] for p in confidential[0]["withheld_from"]] == ["Alice Lead"]
    assert "1 confidential grievance(s) the bot keeps from the lead(s) they name" in err
    v2 = doc["cases"][0]["strategies"][1]
    assert (v2["addressed"], v2["withheld_addressed"]) == ([1, 3], 0)
    update = doc["cases"][0]["progress_updates"][0]
    assert (update["addressed"], update["withheld_addressed"]) == ([1, 3], 0)


@pytest.mark.parametrize(
    ("case", "client"),
    [("acme corp", "Acme Corp"), ("  ACME CORP ", "Acme Corp"), ("C0GLOBEX", "Globex")],
)
def test_case_is_chosen_by_client_name_or_channel_id(
    seeded: Fixture,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    case: str,
    client: str,
) -> None:
    status, out, _ = _export(capsys, monkeypatch, seeded.url, "--case", case)
    assert status == 0
    doc = json.loads(out)
    assert [c["client_name"] for c in doc["cases"]] == [client]
    assert doc["case_filter"] == case


def test_unknown_case_exits_2_listing_the_known_cases(
    seeded: Fixture,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    target = tmp_path / "nope.json"
    status, out, err = _export(
        capsys, monkeypatch, seeded.url, "--case", "Initech", "--output", str(target)
    )
    assert status == 2
    assert out == ""
    assert err.count("\n") == 1
    assert "no case matches 'Initech'" in err
    assert "Acme Corp (C0ACME)" in err and "Globex (C0GLOBEX)" in err
    assert not target.exists()


def test_csv_is_one_row_per_entry_and_parses_back(
    seeded: Fixture,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    target = tmp_path / "history.csv"
    status, out, err = _export(
        capsys, monkeypatch, seeded.url, "--format", "csv", "--output", str(target)
    )
    assert status == 0
    assert out == ""
    assert str(target) in err
    with target.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    visible = seeded.acme_entries - seeded.acme_confidential_entries
    assert len(rows) == visible + seeded.globex_entries
    assert {"case", "grievance", "kind", "author", "side", "created_at", "text"} <= set(rows[0])
    multiline = next(row for row in rows if row["text"] == MULTILINE)
    assert (multiline["case"], multiline["grievance"], multiline["kind"]) == (
        "Acme Corp",
        "1",
        "reply",
    )
    assert (multiline["author"], multiline["side"]) == ("Carol Client", "client")
    assert datetime.fromisoformat(multiline["created_at"]) == _at(14)
    deleted = next(row for row in rows if row["deleted"] == "true")
    assert deleted["text"] == ""
    anonymous = next(row for row in rows if row["kind"] == "grievance_filed" and not row["author"])
    assert anonymous["grievance"] == "2"


def test_markdown_report_has_table_discussion_and_marks(
    seeded: Fixture, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    status, out, _ = _export(capsys, monkeypatch, seeded.url, "--format", "markdown")
    assert status == 0
    assert "## Acme Corp" in out and "## Globex" in out
    assert "- Alice Lead (U0ALICE), since 2024-03-01 09:05 UTC" in out
    assert "| # | Status | Severity | Category | Side | Raised by | Summary |" in out
    summary = "The weekly reports arrive late and are full of errors. " + "x" * 24 + "…"
    assert len(summary) == 80
    assert f"| 1 | addressing | 3 | quality | client | Carol Client | {summary} |" in out
    assert (
        "| 2 | resolved | 1 | timeline | client | Erin (by email) | Launch slipped a week. |" in out
    )
    assert "#### Grievance #1: quality, addressing" in out
    assert "\n> The weekly reports arrive late and are full of errors.\n> xxx" in out
    assert '09:14 UTC:\n  Line one, with "quotes" and a comma\n  line two\n\n  line four |' in out
    assert f"- **Carol Client (U0CAROL)**, 2024-03-01 09:13 UTC: {DELETED_MARK}" in out
    assert f"- **Bob Dev (U0BOB)**, 2024-03-01 09:12 UTC {EDITED_MARK}:" in out
    assert "### Timeline" in out
    assert "- 2024-03-01 09:20 UTC · grievance_filed #2: Launch slipped a week." in out
    assert "2024-03-01 09:40 UTC · status_changed #1 · Alice Lead (U0ALICE)" in out
    assert "1 confidential grievance(s)" in out and "--include-confidential" in out
    assert CONFIDENTIAL_TEXT not in out
    assert DELETED_SECRET not in out

    assert "- Buy-in rule client_majority; interview reminders after 24 hours" in out
    assert (
        "### Stakeholders\n\n"
        "- Client leader: Carol Client (U0CAROL), since 2024-03-01 09:07 UTC\n"
        "- Client member: Frank Client (U0FRANK), since 2024-03-01 09:09 UTC\n"
        "- Team lead: Alice Lead (U0ALICE), since 2024-03-01 09:05 UTC\n"
        "- Team member: Bob Dev (U0BOB), since 2024-03-01 09:06 UTC\n"
    ) in out
    assert "Custom questions for the client side:\n\n1. What went wrong?\n" in out
    assert (
        f"- **anonymous** {ANONYMOUS_MARK}: answered\n"
        "  1 anonymous answer is held back: fewer than 3 people on that side answered "
        "anonymously, so the answer would point at the person. The answers are kept.\n"
    ) in out
    assert "Nobody told us the launch moved" not in out
    assert "- **Dan Client (U0DAN)**: invited (invited 2024-03-01 10:41 UTC)\n" in out
    assert "#### Strategy v1: superseded" in out
    assert "#### Strategy v2: approved\n\n- Proposed by Alice Lead (U0ALICE)" in out
    assert "- Revises v1\n" in out
    assert "- Addresses: #1 and 1 confidential grievance(s) withheld\n" in out
    assert (
        "- Votes to approve (2): Carol Client (U0CAROL) :white_check_mark:, Bob Dev (U0BOB) :+1:\n"
        "- Votes to object (1): Dan Client (U0DAN) :x:\n"
    ) in out
    assert "  - No escalations for a month\n" in out
    assert (
        "1. Move the report job to Monday "
        "(owner Bob Dev (U0BOB); due 2024-03-15; done 2024-03-01 11:40 UTC)\n"
        "2. Weekly check-in with Dan\n"
    ) in out
    assert "_No strategies._" in out  # Globex

    assert "- Weekly digest Mondays at 09:00 (Europe/Berlin); 1 posted\n" in out
    assert "- Closed 2024-03-01 17:20 UTC\n" in out
    assert (
        "### Check-ins\n\n"
        "#### Check-in 1: every weekday at 09:30 (Europe/Berlin)\n\n"
        "- In C0ACME, asking everyone; set up by Alice Lead (U0ALICE), 2024-03-01 12:20 UTC\n"
        "- Tally open: everyone sees who rated what\n"
        "- Holidays: 2024-03-29, 2024-04-01\n"
        "- Questions:\n"
        "  1. How are we doing on reports? (rating)\n"
        "  2. How is communication? (rating)\n"
        "  3. Anything we should know? (text)\n\n"
        # Carol pressed 2 then 4: only her latest counts, so Q1 is (4 + 3) / 2.
        "- 2024-03-01 14:00 UTC · posted · 3 response(s) · averages 3.5 (Q1), 5.0 (Q2)\n"
        "- 2024-03-02 14:00 UTC · posted late · 1 response(s) · average 1.0 · 2 nudged\n"
        "- 2024-03-03 14:00 UTC · failed: channel_not_found\n\n"
        "#### Check-in 2: every 2 weeks on Friday at 11:00 (America/New_York)\n\n"
        "- In C0ACMEOLD, asking client, 2024-03-01 12:30 UTC\n"
        "- **Paused**: channel_not_found\n"
        "- No check-ins from 2024-04-01 until 2024-04-15\n\n"
        "_No check-ins posted yet._\n\n"
    ) in out
    assert (
        "### Progress updates\n\n"
        "- **Alice Lead (U0ALICE)**, 2024-03-01 15:40 UTC, on strategy v2, "
        "addresses #1 and 1 confidential grievance(s) withheld:\n"
        "  Report job moved.\n  Pairing starts Monday.\n"
        "- **someone**, 2024-03-01 16:30 UTC:\n  Weekly report shipped.\n\n"
    ) in out
    assert (
        "### Health\n\n"
        "- Latest score 70/100, 2024-03-02 16:40 UTC (checkins 20, strategy 25, silence -10)\n"
        "- Series (3 snapshots, 2024-03-01 to 2024-03-02): 55 → 62 → 70\n\n"
    ) in out
    assert (
        "### Final ratings\n\n"
        "Average 4.0 from 1 rating(s).\n\n"
        "- Carol Client (U0CAROL): 4/5, 2024-03-01 17:30 UTC\n"
        "  > Much better now.\n  > Thanks.\n"
        "- Dan Client (U0DAN): not answered (asked 2024-03-01 17:20 UTC)\n"
        f"- anonymous {ANONYMOUS_MARK}: 1 anonymous answer is held back"
    ) in out
    globex = out[out.index("## Globex") :]
    for empty in (
        "_No check-ins._",
        "_No progress updates._",
        "_Health was never computed._",
        "_No final ratings._",
    ):
        assert empty in globex
    assert NOT_JSON not in out and "schedule_paused" not in out  # JSON-only bookkeeping


def test_fresh_database_is_migrated_and_exports_an_empty_document(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    status, out, err = _export(capsys, monkeypatch, url)
    assert status == 0
    doc = json.loads(out)
    assert doc["cases"] == []
    assert doc["withheld_confidential"] == 0
    assert err == ""

    status, out, _ = _export(capsys, monkeypatch, url, "--format", "markdown")
    assert status == 0 and "_No cases._" in out

    status, _, err = _export(capsys, monkeypatch, url, "--case", "Acme")
    assert status == 2 and "there are no cases yet" in err


def _add_playbook_rows(session: Session, case: Case, person: Person, *, version: int) -> None:
    """One more stakeholder, interview, voted strategy and recovery rows for ``person``.

    Recovery rows: a check-in schedule with an answered, nudged occurrence, a progress
    update addressing a grievance, a health snapshot, a notice, a digest run and a rating.
    """
    grievance = session.scalars(select(Grievance).where(Grievance.case_id == case.id)).first()
    assert grievance is not None
    interview = Interview(case_id=case.id, person_id=person.id, anonymous=version % 2 == 0)
    strategy = Strategy(case_id=case.id, version=version, author_id=person.id, summary="Plan")
    session.add_all(
        [CaseMember(case_id=case.id, person_id=person.id, role=Role.CLIENT_MEMBER), interview]
    )
    session.add(strategy)
    session.flush()
    session.add_all(
        [
            InterviewAnswer(interview_id=interview.id, position=1, question="Q?", answer="A."),
            StrategyAction(strategy_id=strategy.id, position=1, text="Do it", due=utcnow().date()),
            StrategyGrievance(strategy_id=strategy.id, grievance_id=grievance.id),
            Vote(
                strategy_id=strategy.id, person_id=person.id, kind=VoteKind.APPROVE, reaction="+1"
            ),
        ]
    )
    schedule = CheckinSchedule(
        case_id=case.id,
        created_by_id=person.id,
        channel_id=case.channel_id,
        days="mon",
        anchor=date(2024, 3, 4),
        time_of_day="09:30",
        timezone="UTC",
        questions=json.dumps(CHECKIN_QUESTIONS),
    )
    update = ProgressUpdate(
        case_id=case.id, author_id=person.id, strategy_id=strategy.id, text="Done"
    )
    session.add_all([schedule, update])
    session.flush()
    occurrence = CheckinOccurrence(
        schedule_id=schedule.id, due_at=_at(version), status=OccurrenceStatus.POSTED
    )
    session.add(occurrence)
    session.flush()
    session.add_all(
        [
            CheckinAnswer(
                occurrence_id=occurrence.id, person_id=person.id, question_index=0, rating=3
            ),
            CheckinNudge(occurrence_id=occurrence.id, person_id=person.id),
            ProgressUpdateGrievance(update_id=update.id, grievance_id=grievance.id),
            HealthSnapshot(case_id=case.id, score=version, components="{}"),
            Notice(case_id=case.id, kind="silence", key=str(person.id)),
            DigestRun(case_id=case.id, due_at=_at(version), status=OccurrenceStatus.POSTED),
            FinalRating(case_id=case.id, person_id=person.id, rating=5),
        ]
    )


def test_export_reads_each_case_in_a_fixed_number_of_queries(seeded: Fixture) -> None:
    """More entries, authors, revisions and playbook rows must not mean more queries."""
    db = Database.from_url(seeded.url)
    statements: list[str] = []
    event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    try:
        with Session(db.engine) as session:  # rolled back: the module's data stays as seeded
            session.execute(select(1))  # opens the transaction, so its BEGIN is not counted

            def export_globex() -> ExportDocument:
                # One case, so each run starts with no people cached from another case.
                return build_export(
                    session=session, case_filter="C0GLOBEX", include_confidential=True
                )

            before = len(statements)
            small = export_globex()
            cost = len(statements) - before
            globex = session.scalars(select(Case).where(Case.channel_id == "C0GLOBEX")).one()
            for i in range(30):
                extra = Person(
                    workspace_id=globex.workspace_id,
                    slack_user_id=f"U0X{i}",
                    display_name=f"Extra {i}",
                    side=Side.CLIENT,
                )
                session.add(extra)
                session.flush()
                reply = TimelineEntry(
                    case_id=globex.id, kind="reply", author_id=extra.id, text=f"me too {i}"
                )
                session.add(reply)
                session.flush()
                session.add(EntryRevision(entry_id=reply.id, text="draft"))
                _add_playbook_rows(session, globex, extra, version=i + 1)
            session.flush()
            before = len(statements)
            large = export_globex()
            assert len(statements) - before == cost
            assert large.entry_count == small.entry_count + 30
            [grown] = large.cases
            assert len(grown.strategies) == len(grown.interviews) == len(grown.stakeholders) == 30
            recovery = (
                grown.checkin_schedules,
                grown.progress_updates,
                grown.health,
                grown.notices,
                grown.digests,
                grown.final_ratings,
            )
            assert [len(rows) for rows in recovery] == [30] * 6
            session.rollback()
    finally:
        db.dispose()


def test_render_csv_keeps_newlines_inside_quoted_fields(seeded: Fixture) -> None:
    db = Database.from_url(seeded.url)
    try:
        with db.transaction() as session:
            document = build_export(session=session, case_filter="C0ACME")
    finally:
        db.dispose()
    text = render_csv(document)
    assert '"Line one, with ""quotes"" and a comma\nline two\n\nline four | with a pipe"' in text


@pytest.mark.parametrize("leaders", [1, 2, 3])
def test_anonymous_interviews_and_ratings_export_with_nobody_singled_out(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    leaders: int,
) -> None:
    """Every format, with or without confidential items: an anonymous person is one of at
    least three, or their words and score are held back (and the export says so)."""
    url = f"sqlite:///{tmp_path / 'anonymous.db'}"
    db = Database.from_url(url)
    upgrade(db.engine)
    with db.transaction() as session:
        ws = Workspace(team_id="T0ACME", created_at=_at(0))
        session.add(ws)
        session.flush()
        case = Case(workspace_id=ws.id, channel_id="C0ACME", client_name="Acme", created_at=_at(0))
        session.add(case)
        session.flush()
        for n in range(1, leaders + 1):
            person = Person(workspace_id=ws.id, display_name=f"Leader{n}", side=Side.CLIENT)
            session.add(person)
            session.flush()
            interview = Interview(
                case_id=case.id,
                person_id=person.id,
                anonymous=True,
                status=InterviewStatus.ANSWERED,
                invited_at=_at(10 * n),
                answered_at=_at(10 * n + 5),
                dm_channel=f"D0LEADER{n}",
            )
            session.add_all(
                [
                    CaseMember(case_id=case.id, person_id=person.id, role=Role.CLIENT_LEADER),
                    interview,
                    FinalRating(
                        case_id=case.id,
                        person_id=person.id,
                        rating=n,
                        comment=f"Closing words {n}",
                        anonymous=True,
                        answered_at=_at(100 + n),
                    ),
                ]
            )
            session.flush()
            session.add(
                InterviewAnswer(
                    interview_id=interview.id, position=1, question="Q?", answer=f"Worry {n}"
                )
            )
    db.dispose()

    for flags in ((), ("--include-confidential",)):
        status, out, _ = _export(capsys, monkeypatch, url, *flags)
        assert status == 0
        (exported,) = json.loads(out)["cases"]
        interviews, ratings = exported["interviews"], exported["final_ratings"]
        assert [i["person"] for i in interviews] == [None] * leaders
        assert [r["person"] for r in ratings] == [None] * leaders
        assert not [i for i in interviews if i["dm_channel"] or i["answered_at"]]
        texts = [a["answer"] for i in interviews for a in i["answers"]]
        scores = sorted(r["rating"] for r in ratings if r["rating"] is not None)
        if leaders < 3:
            assert texts == [] and scores == []
            assert {i["speaker"] for i in interviews} == {"anonymous"}
            assert all(i["withheld"] for i in interviews)
        else:
            assert sorted(texts) == ["Worry 1", "Worry 2", "Worry 3"] and scores == [1, 2, 3]
            assert {i["speaker"] for i in interviews + ratings} == {"a client leader"}
        for fmt in ("markdown", "csv"):
            status, out, _ = _export(capsys, monkeypatch, url, "--format", fmt, *flags)
            assert status == 0
            assert "D0LEADER" not in out
            assert ("Worry 1" in out) is (leaders >= 3 and fmt == "markdown")
            assert ("held back" in out) is (leaders < 3 and fmt == "markdown")
            for n in range(1, leaders + 1):  # stakeholders are listed; never beside words
                assert f"Leader{n}**" not in out and f"Leader{n} _(anonymous)" not in out
