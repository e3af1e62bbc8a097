"""``grievance-bot export --case``: a case is chosen by client name or channel id, and an
unknown one exits 2 listing the known cases.

The tests build a real SQLite file with the ORM, run the real CLI, and read its output
back: JSON is checked column by column against the database (so a column added later
without an export fails here), CSV and markdown for what their readers rely on.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.export.checks import _export
from tests.export.facts import Fixture


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
