"""Every row of the database as plain values, what a user purge may rewrite, and
``grievance-bot purge`` run as the CLI with a chosen standard input.
"""

from __future__ import annotations

import io
from typing import Any

from sqlalchemy import String, select

from bot.cli import main
from storage.engine import Database
from storage.models import Base

#: Columns a user purge may rewrite; every other column of every row must stay as it was.
ERASABLE: dict[str, set[str]] = {
    "grievance": {"text", "cares_about", "success_measure", "went_well", "raised_by_name"},
    "timeline_entry": {"text"},
    "interview_answer": {"answer"},
    "checkin_answer": {"text"},
    "final_rating": {"comment"},
    "pulse_reply": {"comment"},
    "commitment": {"text", "done_note"},
    "progress_update": {"text"},
    "strategy": {"summary"},
    "strategy_action": {"text", "owner_user_id", "owner_name"},
    "person": {"display_name", "slack_user_id", "timezone", "slack_names"},
}

Rows = dict[str, list[dict[str, Any]]]


def _snapshot(db: Database) -> Rows:
    """Every row of every table, in primary-key order."""
    with db.engine.connect() as connection:
        return {
            table.name: [
                dict(row._mapping)
                for row in connection.execute(select(table).order_by(*table.primary_key.columns))
            ]
            for table in Base.metadata.sorted_tables
        }


def _strings(rows: Rows) -> list[tuple[str, str, str]]:
    """(table, column, value) of every non-empty string in the database."""
    found = []
    for table in Base.metadata.sorted_tables:
        text_columns = [c.name for c in table.columns if isinstance(c.type, String)]
        for row in rows[table.name]:
            found += [(table.name, c, row[c]) for c in text_columns if row[c]]
    return found


def _without(rows: Rows, table: str) -> list[dict[str, Any]]:
    drop = ERASABLE.get(table, set())
    return [{k: v for k, v in row.items() if k not in drop} for row in rows[table]]


def _purge(*args: str, stdin: str = "") -> int:
    import sys

    saved = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        return main(["purge", *args])
    finally:
        sys.stdin = saved
