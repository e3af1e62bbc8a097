"""The export's formats by the name ``--format`` takes, and the file each one makes.

Each format has a writer that streams its text to an open file in pieces, so a large
history is never held twice in memory as one giant string, and ``render`` gives the same
text as one string for tests and small exports. The three formats serve different
readers: JSON is the lossless archive a program can read back, CSV is one row per
timeline entry for a spreadsheet, markdown is the report a person reads.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from datetime import datetime
from typing import TextIO

from bot.export.csv_format import write_csv
from bot.export.json_format import write_json
from bot.export.markdown import write_markdown
from bot.export.model import ExportDocument

#: Writers by the name ``--format`` takes.
WRITERS: dict[str, Callable[[ExportDocument, TextIO], None]] = {
    "json": write_json,
    "csv": write_csv,
    "markdown": write_markdown,
}

#: The choices of ``--format``, JSON (the lossless one) first as the default.
FORMATS: tuple[str, ...] = tuple(WRITERS)

#: The file name extension of each format, so a file opens in the right program.
EXTENSIONS: dict[str, str] = {"json": "json", "csv": "csv", "markdown": "md"}


def file_name(client_name: str, fmt: str, exported_at: datetime) -> str:
    """A name that says whose history a file holds and when it was taken.

    Kept to lowercase ASCII, digits and dashes, since the file leaves Slack for whatever
    file system its reader keeps it on.
    """
    slug = re.sub(r"[^a-z0-9]+", "-", client_name.casefold())[:60].strip("-") or "case"
    return f"grievance-history-{slug}-{exported_at:%Y-%m-%d}.{EXTENSIONS[fmt]}"


def render(document: ExportDocument, fmt: str) -> str:
    """The whole export in format ``fmt`` as one string."""
    buffer = io.StringIO(newline="")
    WRITERS[fmt](document, buffer)
    return buffer.getvalue()


def render_json(document: ExportDocument) -> str:
    """The lossless JSON document as a string."""
    return render(document, "json")


def render_csv(document: ExportDocument) -> str:
    """The CSV view as a string (rows end in CRLF, as RFC 4180 and the csv module do)."""
    return render(document, "csv")


def render_markdown(document: ExportDocument) -> str:
    """The markdown report as a string."""
    return render(document, "markdown")
