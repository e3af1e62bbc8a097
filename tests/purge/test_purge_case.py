"""``grievance-bot purge --case``: every row of the case is deleted and nothing of the
others; it logs one line, and refuses a name two workspaces share.

The database is seeded with the ORM so every table that holds people's words has rows
written by both people in both cases: Carla (client leader, the one who asks to be
erased) and Ana (team lead, who must keep every word). Carla's sentences carry the
marker ``CARLA-WORDS`` and Ana's ``ANA-WORDS``, so "every word is gone" and "everyone
else's words are intact" are checked by scanning every text column of every table, not by
listing the columns the purge happens to know about.
"""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from storage.engine import Database
from storage.models import Case, Person, Workspace
from tests.purge.seed import CARLA, _people, _seed_both, _seed_case
from tests.purge.snapshot import _purge, _snapshot

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
