"""``grievance-bot purge``: a person's words can be erased, a case deleted, nothing else.

The database is seeded with the ORM so every table that holds people's words has rows
written by both people in both cases: Carla (client leader, the one who asks to be
erased) and Ana (team lead, who must keep every word). Carla's sentences carry the
marker ``CARLA-WORDS`` and Ana's ``ANA-WORDS``, so "every word is gone" and "everyone
else's words are intact" are checked by scanning every text column of every table, not by
listing the columns the purge happens to know about.
"""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import String, select
from sqlalchemy.orm import Session

from bot.cli import main
from bot.playbook.purge import ERASED_NAME, ERASED_TEXT
from storage.engine import Database
from storage.migrate import upgrade
from storage.models import (
    Audience,
    Base,
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

T0 = datetime(2025, 5, 5, 9, 0, tzinfo=UTC)
CARLA, ANA = "CARLA-WORDS", "ANA-WORDS"
CARLA_ID, CARLA_NAME = "U0CARLA", "Carla Client"
#: Columns a user purge may rewrite; every other column of every row must stay as it was.
ERASABLE: dict[str, set[str]] = {
    "grievance": {"text", "cares_about", "success_measure", "went_well", "raised_by_name"},
    "timeline_entry": {"text"},
    "interview_answer": {"answer"},
    "checkin_answer": {"text"},
    "final_rating": {"comment"},
    "progress_update": {"text"},
    "strategy": {"summary"},
    "strategy_action": {"text", "owner_user_id", "owner_name"},
    "person": {"display_name", "slack_user_id", "timezone", "slack_names"},
}

Rows = dict[str, list[dict[str, Any]]]


def _at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


@pytest.fixture(autouse=True)
def _restore_logging(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The CLI configures the root logger; put it back so later tests log as before.

    Also run from an empty directory, so a developer's own ``.env`` is never read.
    """
    monkeypatch.chdir(tmp_path)
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    sdk_level = logging.getLogger("slack_sdk").level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    logging.getLogger("slack_sdk").setLevel(sdk_level)


@pytest.fixture
def db(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Database]:
    """A migrated database the CLI also reads (through DATABASE_URL)."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    database = Database.from_url(database_url)
    upgrade(database.engine)
    yield database
    database.dispose()


def _people(session: Session) -> tuple[Workspace, Person, Person]:
    ws = Workspace(team_id="T0AGENCY", created_at=_at(0))
    session.add(ws)
    session.flush()
    ana = Person(
        workspace_id=ws.id,
        slack_user_id="U0ANA",
        display_name="Ana Lead",
        side=Side.TEAM,
        timezone="Europe/Berlin",
        created_at=_at(0),
    )
    carla = Person(
        workspace_id=ws.id,
        slack_user_id=CARLA_ID,
        display_name=CARLA_NAME,
        side=Side.CLIENT,
        role="CTO",
        timezone="America/New_York",
        slack_names=f"carla\n{CARLA_NAME}\nCarla",
        created_at=_at(0),
    )
    session.add_all([ana, carla])
    session.flush()
    return ws, ana, carla


def _seed_case(session: Session, ws: Workspace, ana: Person, carla: Person, tag: str) -> None:
    """One case where both people wrote into every table that holds words."""

    def says(who: str, what: str) -> str:
        return f"{who} {what} in {tag}"

    case = Case(
        workspace_id=ws.id,
        channel_id=f"C0{tag.upper()}",
        client_name=f"{tag.capitalize()} Corp",
        created_at=_at(1),
        updated_at=_at(1),
    )
    session.add(case)
    session.flush()
    session.add_all(
        [
            CaseLead(case_id=case.id, person_id=ana.id, created_at=_at(2)),
            CaseMember(case_id=case.id, person_id=ana.id, role=Role.TEAM_LEAD, created_at=_at(2)),
            CaseMember(
                case_id=case.id, person_id=carla.id, role=Role.CLIENT_LEADER, created_at=_at(3)
            ),
            InterviewQuestions(case_id=case.id, side=Side.CLIENT, questions="What hurts?\nWhy?"),
        ]
    )
    carlas = Grievance(
        case_id=case.id,
        number=1,
        reporter_id=ana.id,
        raised_by_id=carla.id,
        raised_by_name=CARLA_NAME,
        side=Side.CLIENT,
        category=Category.QUALITY,
        severity=3,
        text=says(CARLA, "reports are late"),
        status=Status.ACKNOWLEDGED,
        cares_about=says(CARLA, "board numbers"),
        success_measure=says(CARLA, "two clean reports"),
        went_well=says(CARLA, "the old daily call"),
        slack_channel=case.channel_id,
        slack_ts="1000.0001",
        created_at=_at(10),
        updated_at=_at(11),
    )
    anas = Grievance(
        case_id=case.id,
        number=2,
        reporter_id=ana.id,
        raised_by_id=ana.id,
        side=Side.TEAM,
        category=Category.SCOPE,
        severity=1,
        text=says(ANA, "scope keeps growing"),
        cares_about=says(ANA, "a stable backlog"),
        created_at=_at(12),
        updated_at=_at(12),
    )
    session.add_all([carlas, anas])
    session.flush()

    def entry(kind: str, author: Person | None, text: str, **extra: Any) -> TimelineEntry:
        row = TimelineEntry(
            case_id=case.id, kind=kind, author_id=author.id if author else None, text=text, **extra
        )
        session.add(row)
        session.flush()
        return row

    entry("case_opened", ana, f"Case opened in #{tag}")
    entry("grievance_filed", ana, carlas.text, grievance_id=carlas.id)
    entry("grievance_filed", ana, anas.text, grievance_id=anas.id)
    edited = entry(
        "reply", carla, says(CARLA, "still late today"), grievance_id=carlas.id, edited=True
    )
    entry("reply", carla, "", grievance_id=carlas.id, deleted=True, edited=True)
    answered = entry(
        "reply",
        ana,
        says(ANA, f"thanks {CARLA_NAME}, fixing it"),
        grievance_id=carlas.id,
        edited=True,
    )
    entry("reply", carla, says(CARLA, "I feel this too"), grievance_id=anas.id)
    entry("status_changed", ana, "#1: open → acknowledged", grievance_id=carlas.id)
    entry("interview_invited", ana, f"{CARLA_NAME} invited to an interview (client side)")
    entry(
        "final_rating",
        None,
        "Final rating 4/5 from an anonymous stakeholder: " + says(CARLA, "better now"),
    )
    entry("final_rating", ana, "Final rating 5/5 from Ana Lead: " + says(ANA, "proud of us"))
    session.add_all(
        [
            EntryRevision(entry_id=edited.id, text=says(CARLA, "late again"), replaced_at=_at(20)),
            EntryRevision(entry_id=answered.id, text=says(ANA, "on it"), replaced_at=_at(21)),
        ]
    )

    for person, who, status in (
        (carla, CARLA, InterviewStatus.ANSWERED),
        (ana, ANA, InterviewStatus.IN_PROGRESS),
    ):
        interview = Interview(
            case_id=case.id,
            person_id=person.id,
            invited_by_id=ana.id,
            status=status,
            anonymous=person is carla,
            invited_at=_at(30),
            answered_at=_at(31) if status is InterviewStatus.ANSWERED else None,
        )
        session.add(interview)
        session.flush()
        session.add_all(
            [
                InterviewAnswer(
                    interview_id=interview.id,
                    position=1,
                    question="What hurts?",
                    answer=says(who, "the silence hurts"),
                    updated_at=_at(31),
                ),
                InterviewAnswer(
                    interview_id=interview.id,
                    position=2,
                    question="Why?",
                    answer="",
                    updated_at=_at(31),
                ),
            ]
        )

    by_ana = Strategy(
        case_id=case.id,
        version=1,
        author_id=ana.id,
        summary=says(ANA, "fix the pipeline"),
        success_measures="Two clean reports",
        status=StrategyStatus.SUPERSEDED,
        created_at=_at(40),
    )
    session.add(by_ana)
    session.flush()
    by_carla = Strategy(
        case_id=case.id,
        version=2,
        author_id=carla.id,
        summary=says(CARLA, "pair us with your tech lead"),
        previous_id=by_ana.id,
        status=StrategyStatus.APPROVED,
        created_at=_at(41),
        approved_at=_at(42),
    )
    session.add(by_carla)
    session.flush()
    session.add_all(
        [
            StrategyAction(
                strategy_id=by_ana.id,
                position=1,
                text=says(ANA, "move the report job"),
                owner_user_id=CARLA_ID,
                owner_name=CARLA_NAME,
                due=date(2025, 6, 1),
            ),
            StrategyAction(strategy_id=by_carla.id, position=1, text=says(CARLA, "weekly pairing")),
            StrategyGrievance(strategy_id=by_ana.id, grievance_id=carlas.id),
            StrategyGrievance(strategy_id=by_carla.id, grievance_id=anas.id),
            Vote(
                strategy_id=by_carla.id,
                person_id=carla.id,
                kind=VoteKind.APPROVE,
                reaction="+1",
                updated_at=_at(43),
            ),
            Vote(
                strategy_id=by_carla.id,
                person_id=ana.id,
                kind=VoteKind.APPROVE,
                reaction="white_check_mark",
                updated_at=_at(44),
            ),
        ]
    )

    schedule = CheckinSchedule(
        case_id=case.id,
        created_by_id=ana.id,
        channel_id=case.channel_id,
        days="mon-fri",
        anchor=date(2025, 5, 5),
        time_of_day="09:30",
        timezone="Europe/Berlin",
        audience=Audience.EVERYONE,
        questions=json.dumps([{"kind": "rating", "text": "How?"}, {"kind": "text", "text": "?"}]),
        checked_until=_at(50),
        created_at=_at(45),
    )
    session.add(schedule)
    session.flush()
    occurrence = CheckinOccurrence(
        schedule_id=schedule.id,
        due_at=_at(60),
        status=OccurrenceStatus.POSTED,
        claimed_at=_at(60),
        posted_at=_at(60),
    )
    session.add(occurrence)
    session.flush()
    for person, rating, text in (
        (carla, 2, None),
        (carla, None, says(CARLA, "not there yet")),
        (carla, None, ""),  # a reply she deleted in Slack
        (ana, 4, None),
        (ana, None, says(ANA, "we are getting there")),
    ):
        session.add(
            CheckinAnswer(
                occurrence_id=occurrence.id,
                person_id=person.id,
                question_index=0 if rating else 1,
                rating=rating,
                text=text,
                created_at=_at(61),
                updated_at=_at(62),
            )
        )
    session.add(CheckinNudge(occurrence_id=occurrence.id, person_id=carla.id, sent_at=_at(65)))

    for person, who in ((carla, CARLA), (ana, ANA)):
        update = ProgressUpdate(
            case_id=case.id,
            author_id=person.id,
            strategy_id=by_carla.id,
            text=says(who, "progress this week"),
            created_at=_at(70),
        )
        session.add(update)
        session.flush()
        session.add(ProgressUpdateGrievance(update_id=update.id, grievance_id=carlas.id))
    entry("progress_update", carla, says(CARLA, "progress this week"))

    session.add_all(
        [
            HealthSnapshot(case_id=case.id, score=55, components="{}", computed_at=_at(80)),
            Notice(case_id=case.id, kind="silence", key=f"{carla.id}:1", created_at=_at(81)),
            DigestRun(case_id=case.id, due_at=_at(82), status=OccurrenceStatus.POSTED),
            FinalRating(
                case_id=case.id,
                person_id=carla.id,
                rating=4,
                comment=says(CARLA, "better now"),
                anonymous=True,
                requested_at=_at(90),
                answered_at=_at(91),
            ),
            FinalRating(
                case_id=case.id,
                person_id=ana.id,
                rating=5,
                comment=says(ANA, "proud of us"),
                requested_at=_at(90),
                answered_at=_at(92),
            ),
        ]
    )
    session.flush()


def _seed_both(db: Database) -> None:
    with db.transaction() as session:
        ws, ana, carla = _people(session)
        _seed_case(session, ws, ana, carla, "acme")
        _seed_case(session, ws, ana, carla, "globex")


def _snapshot(db: Database) -> Rows:
    """Every row of every table, in primary-key order."""
    with db.engine.connect() as connection:
        return {
            table.name: [
                dict(row._mapping)
                for row in connection.execute(select(table).order_by(*table.primary_key.columns))
            ]
            for table in Base.metadata.sorted_tables
        }


def _strings(rows: Rows) -> list[tuple[str, str, str]]:
    """(table, column, value) of every non-empty string in the database."""
    found = []
    for table in Base.metadata.sorted_tables:
        text_columns = [c.name for c in table.columns if isinstance(c.type, String)]
        for row in rows[table.name]:
            found += [(table.name, c, row[c]) for c in text_columns if row[c]]
    return found


def _without(rows: Rows, table: str) -> list[dict[str, Any]]:
    drop = ERASABLE.get(table, set())
    return [{k: v for k, v in row.items() if k not in drop} for row in rows[table]]


def _purge(*args: str, stdin: str = "") -> int:
    import sys

    saved = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        return main(["purge", *args])
    finally:
        sys.stdin = saved


# ---- purge --user -------------------------------------------------------------------------


def test_purge_user_erases_every_word_of_the_person_and_nothing_else(
    db: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    _seed_both(db)
    before = _snapshot(db)
    assert sum(CARLA in value for _, _, value in _strings(before)) >= 30  # the seed is rich

    assert _purge("--user", CARLA_ID, "--yes") == 0
    after = _snapshot(db)
    out = capsys.readouterr().out
    assert "interview_answers: 2" in out and "revisions_deleted: 2" in out

    strings = _strings(after)
    # Every word, her name and her Slack id are gone (her name survives only where Ana
    # typed it in her own reply: Ana's words are Ana's to keep).
    assert [s for s in strings if CARLA in s[2] or CARLA_ID in s[2]] == []
    assert [s for s in strings if CARLA_NAME in s[2] and ANA not in s[2]] == []
    # Everyone else's words are intact, each one exactly where it was.
    assert sorted(s for s in _strings(before) if ANA in s[2]) == sorted(
        s for s in strings if ANA in s[2]
    )
    # Rows stay; numbers, statuses, severities, ratings, votes, flags and timestamps stay.
    for table in Base.metadata.sorted_tables:
        if table.name == "entry_revision":
            continue
        assert _without(after, table.name) == _without(before, table.name), table.name
    assert after["entry_revision"] == [
        r for r in before["entry_revision"] if CARLA not in r["text"]
    ]
    # Each changed value was hers, and now says why it is missing.
    for table, columns in ERASABLE.items():
        for old, new in zip(before[table], after[table], strict=True):
            for column in columns:
                if old[column] != new[column]:
                    assert new[column] in (ERASED_TEXT, ERASED_NAME, None) or (
                        CARLA_NAME in old[column] and ERASED_NAME in new[column]
                    ), (table, column, old[column], new[column])
    # Deleted Slack messages stay deleted: blank, not turned into the erasure mark.
    deleted = [e for e in after["timeline_entry"] if e["deleted"]]
    assert len(deleted) == 2 and all(e["text"] == "" for e in deleted)
    assert sum(a["text"] == "" for a in after["checkin_answer"]) == 2
    # Unanswered questions stay unanswered.
    assert sum(a["answer"] == "" for a in after["interview_answer"]) == 4

    person = next(p for p in after["person"] if p["display_name"] == ERASED_NAME)
    assert (person["slack_user_id"], person["timezone"], person["slack_names"]) == (None,) * 3
    assert person["side"] == "client"
    bot_lines = [e["text"] for e in after["timeline_entry"] if e["kind"] == "interview_invited"]
    assert bot_lines == [f"{ERASED_NAME} invited to an interview (client side)"] * 2


def test_purge_user_asks_first_and_refuses_without_a_yes(
    db: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    _seed_both(db)
    before = _snapshot(db)

    assert _purge("--user", CARLA_ID, stdin="") == 1  # end of input: no one said yes
    captured = capsys.readouterr()
    assert "timeline_entries:" in captured.out and 'Type "yes"' in captured.out
    assert "nothing changed" in captured.err
    assert _purge("--user", CARLA_ID, stdin="y\n") == 1
    assert _snapshot(db) == before

    assert _purge("--user", CARLA_ID, stdin="yes\n") == 0
    assert not any(CARLA in value for _, _, value in _strings(_snapshot(db)))
    # She is erased: asking again finds nobody.
    assert _purge("--user", CARLA_ID, "--yes") == 2


def test_purge_user_logs_one_structured_line_without_the_persons_words(
    db: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    _seed_both(db)
    assert _purge("--user", CARLA_ID, "--yes") == 0
    err = capsys.readouterr().err
    lines = [json.loads(line) for line in err.splitlines() if line.startswith("{")]
    purged = [line for line in lines if line["logger"] == "grievance_bot.purge"]
    assert len(purged) == 1
    line = purged[0]
    assert line["purge"] == "user" and line["people"] == 1 and line["interview_answers"] == 2
    assert line["timeline_entries"] > 0 and len(line["person_ids"]) == 1
    raw = json.dumps(line)
    assert CARLA not in raw and CARLA_NAME not in raw and CARLA_ID not in raw


def test_purge_unknown_user_or_case_exits_2_and_changes_nothing(
    db: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    _seed_both(db)
    before = _snapshot(db)
    assert _purge("--user", "U0NOBODY", "--yes") == 2
    assert "U0NOBODY" in capsys.readouterr().err
    assert _purge("--case", "Initech", "--yes") == 2
    err = capsys.readouterr().err
    assert "Initech" in err and "Acme Corp (C0ACME)" in err and "Globex Corp (C0GLOBEX)" in err
    assert _snapshot(db) == before


# ---- purge --case -------------------------------------------------------------------------


def test_purge_case_deletes_every_row_of_the_case_and_nothing_of_the_others(
    db: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    with db.transaction() as session:
        ws, ana, carla = _people(session)
        _seed_case(session, ws, ana, carla, "globex")
    only_globex = _snapshot(db)
    with db.transaction() as session:
        ws = session.scalars(select(Workspace)).one()
        ana, carla = session.scalars(select(Person).order_by(Person.id)).all()
        _seed_case(session, ws, ana, carla, "acme")
    both = _snapshot(db)

    assert _purge("--case", "#c0acme", stdin="") == 1  # asks first; EOF refuses
    assert _snapshot(db) == both
    capsys.readouterr()

    assert _purge("--case", "acme corp", "--yes") == 0
    out = capsys.readouterr().out
    # What it announced is, table by table, exactly what the acme seed added.
    for table, rows in both.items():
        added = len(rows) - len(only_globex[table])
        if table in ("workspace", "person"):
            assert added == 0
        elif added:
            assert f"  {table}: {added}\n" in out, table
    # Nothing of the case remains, and every row of the other case is as it was.
    assert _snapshot(db) == only_globex
    with db.transaction() as session:
        assert session.scalars(select(Case.client_name)).all() == ["Globex Corp"]


def test_purge_case_logs_one_structured_line(
    db: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    _seed_both(db)
    assert _purge("--case", "C0GLOBEX", "--yes") == 0
    lines = [json.loads(x) for x in capsys.readouterr().err.splitlines() if x.startswith("{")]
    purged = [line for line in lines if line["logger"] == "grievance_bot.purge"]
    assert len(purged) == 1
    assert purged[0]["purge"] == "case" and purged[0]["channel_id"] == "C0GLOBEX"
    assert purged[0]["rows"]["client_case"] == 1 and purged[0]["rows"]["timeline_entry"] == 12
    assert CARLA not in json.dumps(purged[0])


def test_purge_case_refuses_a_name_shared_by_two_workspaces(
    db: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    with db.transaction() as session:
        for team in ("T0ONE", "T0TWO"):
            ws = Workspace(team_id=team)
            session.add(ws)
            session.flush()
            session.add(Case(workspace_id=ws.id, channel_id=f"C{team}", client_name="Acme"))
    assert _purge("--case", "Acme", "--yes") == 2
    err = capsys.readouterr().err
    assert "CT0ONE in T0ONE" in err and "CT0TWO in T0TWO" in err
    assert _purge("--case", "CT0ONE", "--yes") == 0
    with db.transaction() as session:
        assert session.scalars(select(Case.channel_id)).all() == ["CT0TWO"]
