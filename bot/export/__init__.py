"""The export: a case history taken out of the bot as JSON, CSV or markdown.

The export is the team's way out of the bot: a lead hands the history to someone who has
no Slack access, or keeps it when the bot is retired. So everything the database knows
about a case is read into one plain, typed document (:mod:`bot.export.model`) that no
ORM object escapes, and each format is written from that document alone:

* :mod:`bot.export.gather` reads the cases, part by part, in a fixed number of queries;
* :mod:`bot.export.rules` decides what a reader may see (confidential items, anonymous
  interviews and ratings, deleted messages), once for every format;
* :mod:`bot.export.json_format`, :mod:`bot.export.csv_format` and
  :mod:`bot.export.markdown` write the archive, the spreadsheet and the report;
  :mod:`bot.export.formats` names them for ``--format`` and for the file.
"""

from bot.export.csv_format import CSV_COLUMNS, iter_csv_rows, write_csv
from bot.export.formats import (
    EXTENSIONS,
    FORMATS,
    WRITERS,
    file_name,
    render,
    render_csv,
    render_json,
    render_markdown,
)
from bot.export.gather import (
    UnknownCaseError,
    build_export,
    case_for_reader,
    export_for_lead,
    find_cases,
    note_exported,
)
from bot.export.json_format import iter_json, write_json
from bot.export.markdown import (
    ANONYMOUS_MARK,
    DELETED_MARK,
    EDITED_MARK,
    NO_ANSWER_MARK,
    iter_markdown,
    write_markdown,
)
from bot.export.model import FORMAT_VERSION, CaseRecord, ExportDocument
from bot.export.stored import as_utc

__all__ = [
    "ANONYMOUS_MARK",
    "CSV_COLUMNS",
    "DELETED_MARK",
    "EDITED_MARK",
    "EXTENSIONS",
    "FORMATS",
    "FORMAT_VERSION",
    "NO_ANSWER_MARK",
    "WRITERS",
    "CaseRecord",
    "ExportDocument",
    "UnknownCaseError",
    "as_utc",
    "build_export",
    "case_for_reader",
    "export_for_lead",
    "file_name",
    "find_cases",
    "iter_csv_rows",
    "iter_json",
    "iter_markdown",
    "note_exported",
    "render",
    "render_csv",
    "render_json",
    "render_markdown",
    "write_csv",
    "write_json",
    "write_markdown",
]
