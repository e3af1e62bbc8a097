"""The CSV view: one flat row per exported timeline entry, for a spreadsheet.

Stakeholders, interviews, strategies, check-ins, progress updates, health, digests and
final ratings are in the JSON and the markdown but not here: they are not timeline
entries, and the timeline already carries a row for each change to them (role_changed,
interview_*, strategy_proposed, vote_cast, ...).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from typing import TextIO

from bot.export.collector import collector_paused
from bot.export.model import ExportDocument

#: The CSV header, one row per timeline entry.
CSV_COLUMNS: tuple[str, ...] = (
    "case",
    "channel_id",
    "entry_id",
    "grievance",
    "kind",
    "author",
    "author_slack_id",
    "side",
    "created_at",
    "edited",
    "deleted",
    "confidential",
    "text",
)

#: What a spreadsheet takes as the start of a formula (OWASP's CSV injection list).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _flag(value: bool) -> str:
    return "true" if value else "false"


def _inert(text: str) -> str:
    """People's words as a spreadsheet shows them, never as a formula it runs: the file
    holds confidential items and a client wrote the text, so ``=HYPERLINK(…)`` stays text."""
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def iter_csv_rows(document: ExportDocument) -> Iterator[dict[str, str]]:
    """One flat row per exported timeline entry, in case then entry order."""
    for case in document.cases:
        for entry in case.timeline:
            author = entry.author
            yield {
                "case": _inert(case.client_name),
                "channel_id": case.channel_id,
                "entry_id": str(entry.id),
                "grievance": "" if entry.grievance_number is None else str(entry.grievance_number),
                "kind": entry.kind,
                "author": _inert(author.display_name) if author else "",
                "author_slack_id": (author.slack_user_id or "") if author else "",
                "side": author.side if author else "",
                "created_at": entry.created_at.isoformat(),
                "edited": _flag(entry.edited),
                "deleted": _flag(entry.deleted),
                "confidential": _flag(entry.confidential),
                "text": _inert(entry.text),
            }


@collector_paused
def write_csv(document: ExportDocument, out: TextIO) -> None:
    """Write the CSV; ``out`` should be opened with ``newline=""`` as the csv module asks."""
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS)
    writer.writeheader()
    for row in iter_csv_rows(document):
        writer.writerow(row)
