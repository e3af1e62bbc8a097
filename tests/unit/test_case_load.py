"""The health score's grievance load, kept as running totals, is always what reading every
open grievance would give, and costs the same whatever the case's size."""

from __future__ import annotations

import random
import time
from contextlib import suppress
from datetime import UTC, timedelta

import pytest
from sqlalchemy import event, select

from bot.playbook import grievances, health, load
from bot.playbook.errors import PlaybookError
from bot.playbook.grievances import GrievanceDraft
from bot.playbook.intake import Where, file
from bot.playbook.load import GrievanceLoad, OpenGrievance
from bot.playbook.people import Profile
from storage.clock import CLOCK, utcnow
from storage.engine import Database
from storage.models import Case, CaseLoad, Grievance, Person, Status

WHERE = Where("T1", "C1", "acme")
LEAD = Profile("UANA", "ana")


def _file(db: Database, severity: int = 2, confidential: bool = False) -> int:
    with db.transaction() as session:
        draft = GrievanceDraft.parse(text="slow", severity=severity, confidential=confidential)
        return file(session=session, where=WHERE, reporter=LEAD, draft=draft).grievance.id


def _by_hand(db: Database) -> GrievanceLoad:
    """The load read the slow way: every open, non-confidential grievance."""
    now = utcnow()
    with db.reading() as session:
        rows = session.execute(
            select(Grievance.severity, Grievance.created_at).where(
                Grievance.status.in_((Status.OPEN, Status.ACKNOWLEDGED, Status.ADDRESSING)),
                Grievance.confidential.is_(False),
            )
        )
        return GrievanceLoad.of(
            [
                OpenGrievance(s, (now - c.replace(tzinfo=UTC)).total_seconds() / 86400)
                for s, c in rows
            ]
        )


def _kept(db: Database) -> GrievanceLoad:
    with db.reading() as session:
        case_id = session.scalars(select(Case.id)).one()
        return load.summary(session=session, case_id=case_id, now=utcnow())


def _same(kept: GrievanceLoad, by_hand: GrievanceLoad) -> None:
    assert (kept.count, kept.worst) == (by_hand.count, by_hand.worst)
    assert kept.load == pytest.approx(by_hand.load, rel=1e-9, abs=1e-6)  # to the millisecond
    assert kept.oldest_days == pytest.approx(by_hand.oldest_days, abs=1e-3)


def test_filing_moving_editing_and_time_passing_keep_the_totals_exact(db: Database) -> None:
    rng = random.Random(7)
    ids = [_file(db, severity=rng.randint(1, 4)) for _ in range(6)]
    for _step in range(60):
        choice = rng.random()
        if choice < 0.25:
            ids.append(_file(db, severity=rng.randint(1, 4), confidential=rng.random() < 0.2))
        elif choice < 0.55:
            with db.transaction() as session:
                grievance = session.get_one(Grievance, rng.choice(ids))
                if grievance.status not in grievances.FINAL:
                    actor = session.scalars(select(Person)).first()
                    assert actor is not None
                    nexts = [s for s in grievances.STATUS_ORDER if s is not grievance.status]
                    with suppress(PlaybookError):  # not a move forward: nothing changes
                        grievances.change_status(
                            session=session, grievance=grievance, actor=actor, new=rng.choice(nexts)
                        )
        elif choice < 0.8:
            with db.transaction() as session:
                grievance = session.get_one(Grievance, rng.choice(ids))
                actor = session.scalars(select(Person)).first()
                assert actor is not None
                draft = GrievanceDraft.parse(
                    text=grievance.text,
                    severity=rng.randint(1, 4),
                    confidential=rng.random() < 0.3,
                )
                grievances.update_details(
                    session=session, grievance=grievance, actor=actor, draft=draft
                )
        else:  # days pass: some grievances cross the 28-day cap, some are aged by a rescore
            CLOCK.advance(utcnow() + timedelta(days=rng.choice([1, 9, 20, 30])))
            if rng.random() < 0.5:
                with db.transaction() as session:
                    case = session.scalars(select(Case)).one()
                    health.recompute(session=session, case=case, now=utcnow())
        _same(_kept(db), _by_hand(db))
    with db.transaction() as session:
        load.recount(session=session, case_id=session.scalars(select(Case.id)).one(), now=utcnow())
    _same(_kept(db), _by_hand(db))


def test_several_changes_in_one_transaction_are_each_counted(db: Database) -> None:
    """A progress update moves several grievances at once, each rescoring the case."""
    ids = [_file(db, severity=s) for s in (1, 2, 3, 4)]
    with db.transaction() as session:
        actor = session.scalars(select(Person)).one()
        for grievance_id in ids[:3]:
            grievance = session.get_one(Grievance, grievance_id)
            grievances.change_status(
                session=session, grievance=grievance, actor=actor, new=Status.ADDRESSING
            )
        for grievance_id in ids[1:]:
            grievance = session.get_one(Grievance, grievance_id)
            grievances.change_status(
                session=session, grievance=grievance, actor=actor, new=Status.RESOLVED
            )
        case = session.scalars(select(Case)).one()
        inside = load.summary(session=session, case_id=case.id, now=utcnow())
        assert (inside.count, inside.worst) == (1, 1)
    _same(_kept(db), _by_hand(db))


def test_a_grievance_past_four_weeks_weighs_three_times_its_severity(db: Database) -> None:
    _file(db, severity=2)
    CLOCK.advance(utcnow() + timedelta(days=40))
    assert _kept(db).load == pytest.approx(6)
    with db.transaction() as session:  # moved to the aged count once: the same weight
        health.recompute(session=session, case=session.scalars(select(Case)).one(), now=utcnow())
        assert sum(row.aged_count for row in session.scalars(select(CaseLoad))) == 1
    assert _kept(db).load == pytest.approx(6)


def _statements_and_time_to_file(db: Database) -> tuple[int, float]:
    count = 0

    def counted(*_args: object) -> None:
        nonlocal count
        count += 1

    event.listen(db.engine, "before_cursor_execute", counted)
    try:
        started = time.perf_counter()
        for _ in range(20):
            _file(db)
        return count, time.perf_counter() - started
    finally:
        event.remove(db.engine, "before_cursor_execute", counted)


def test_filing_costs_the_same_with_ten_or_three_thousand_open_grievances(db: Database) -> None:
    _file(db)
    small = _statements_and_time_to_file(db)
    with db.transaction() as session:  # a big case, written directly and then counted
        case = session.scalars(select(Case)).one()
        reporter = session.scalars(select(Person)).one()
        start = utcnow() - timedelta(days=60)
        session.add_all(
            Grievance(
                case_id=case.id,
                number=1000 + n,
                reporter_id=reporter.id,
                side=reporter.side,
                severity=n % 4 + 1,
                text="old",
                created_at=start + timedelta(minutes=n * 20),
            )
            for n in range(3000)
        )
        session.flush()
        load.recount(session=session, case_id=case.id, now=utcnow())
    big = _statements_and_time_to_file(db)
    # The same statements, but for one index seek of those that passed four weeks since
    # the last move (a young case has none to look for); fewer snapshots: the score stops
    # moving.
    assert big[0] <= small[0] + 20
    assert big[1] < small[1] * 2 + 0.2  # and no statement that reads the whole case
    _same(_kept(db), _by_hand(db))


def test_the_score_reads_the_totals_everyone_sees(db: Database) -> None:
    """Slack, the scheduler and the export read one stored score: a filing rescores it."""
    _file(db, severity=4)
    with db.reading() as session:
        case = session.scalars(select(Case)).one()
        latest = health.latest_snapshot(session=session, case=case)
        assert latest is not None
        found = health.assess(session=session, case=case, now=utcnow())
        assert latest.score == found.score.value
        assert "1 open grievance, the most severe 4/4, the oldest open today" in (
            found.score.reasons
        )
