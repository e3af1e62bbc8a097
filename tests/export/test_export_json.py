"""``grievance-bot export`` as JSON: lossless against the database, table by table and
column by column, and a fresh database exports an empty document.

The tests build a real SQLite file with the ORM, run the real CLI, and read its output
back: JSON is checked column by column against the database (so a column added later
without an export fails here), CSV and markdown for what their readers rely on.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from storage.engine import Database
from storage.models import (
    Base,
    Case,
    CaseLead,
    EntryRevision,
    Grievance,
    GrievanceWithheld,
    TimelineEntry,
)
from tests.export.checks import (
    CHECKED_TABLES,
    _assert_exported,
    _assert_playbook_exported,
    _assert_recovery_exported,
    _by_id,
    _export,
)
from tests.export.facts import (
    CHECKIN_QUESTIONS,
    DELETED_SECRET,
    HEALTH_COMPONENTS,
    MULTILINE,
    NOT_JSON,
    Fixture,
    _at,
)

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
        # who may open the web view, not what happened; only hashes of tokens anyway
        "share_link",
    }
)
#: Bookkeeping derived from the history itself: the health score's running totals
#: (``case_load`` and the severity a grievance is counted under), rebuilt by
#: ``load.recount`` from the grievances the export carries.
DERIVED = ("load_severity",)
#: Link tables, exported as the grievance numbers in their owner's ``addressed``.
ADDRESSED_LINKS = frozenset(
    {"strategy_grievance", "progress_update_grievance", "commitment_grievance"}
)
#: The leads a confidential grievance names, exported as the people in its ``withheld_from``.
WITHHELD_LINKS = frozenset({"grievance_withheld"})


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
