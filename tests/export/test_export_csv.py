"""``grievance-bot export`` as CSV: one row per timeline entry that parses back, with
newlines kept inside quoted fields.

The tests build a real SQLite file with the ORM, run the real CLI, and read its output
back: JSON is checked column by column against the database (so a column added later
without an export fails here), CSV and markdown for what their readers rely on.
"""

from __future__ import annotations

import csv
from datetime import datetime
from pathlib import Path

import pytest

from bot.export import build_export, render_csv
from storage.engine import Database
from tests.export.checks import _export
from tests.export.facts import MULTILINE, Fixture, _at


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


def test_render_csv_keeps_newlines_inside_quoted_fields(seeded: Fixture) -> None:
    db = Database.from_url(seeded.url)
    try:
        with db.transaction() as session:
            document = build_export(session=session, case_filter="C0ACME")
    finally:
        db.dispose()
    text = render_csv(document)
    assert '"Line one, with ""quotes"" and a comma\nline two\n\nline four | with a pipe"' in text
