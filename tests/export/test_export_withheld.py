"""What ``grievance-bot export`` withholds: confidential grievances by default (counted,
and kept whole on request), and anonymous interviews and ratings whenever fewer than
three people answered anonymously, in every format.

The tests build a real SQLite file with the ORM, run the real CLI, and read its output
back: JSON is checked column by column against the database (so a column added later
without an export fails here), CSV and markdown for what their readers rely on.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from storage.engine import Database
from storage.migrate import upgrade
from storage.models import (
    Case,
    CaseMember,
    FinalRating,
    Interview,
    InterviewAnswer,
    InterviewStatus,
    Person,
    Role,
    Side,
    Workspace,
)
from tests.export.checks import _export
from tests.export.facts import CONFIDENTIAL_TEXT, Fixture, _at


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
    # The internal commitment is the team's own business, kept like confidential items.
    assert [c["number"] for c in acme["commitments"]] == [1]
    assert "Audit the export job" not in out

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
    internal = doc["cases"][0]["commitments"][1]
    assert (internal["internal"], internal["answers"]) == (True, [3])


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
