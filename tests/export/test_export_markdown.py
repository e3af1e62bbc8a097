"""``grievance-bot export`` as a markdown report: the grievance table, the discussion,
the playbook and recovery sections, and the marks for edited, deleted and anonymous.

The tests build a real SQLite file with the ORM, run the real CLI, and read its output
back: JSON is checked column by column against the database (so a column added later
without an export fails here), CSV and markdown for what their readers rely on.
"""

from __future__ import annotations

import pytest

from bot.export import ANONYMOUS_MARK, DELETED_MARK, EDITED_MARK
from tests.export.checks import _export
from tests.export.facts import CONFIDENTIAL_TEXT, DELETED_SECRET, NOT_JSON, Fixture


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
        "### Client pulse\n\n"
        "| Round | Sent | Asked | Answered | Average |\n"
        "|---|---|---|---|---|\n"
        "| #1 | 2024-03-01 19:00 UTC | 2 | 1 | 2.0 |\n"
        "| #2 | 2024-03-01 20:40 UTC by Alice Lead (U0ALICE) | 1 | 1 | 4.0 |\n\n"
        "- **Carol Client (U0CAROL)** (2/5), round #1: Demos are back, the bugs are not gone\n"
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
