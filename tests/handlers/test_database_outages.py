"""Database outages, told truthfully: a full disk, a lock held by another process, and on
PostgreSQL a lock held by another session.

Each fault is real, not mocked: SQLite's ``max_page_count`` stands in for a full disk (the
bot's connections may not grow the file by a page), a second connection holding
``BEGIN IMMEDIATE`` for another process's write lock, ``LOCK TABLE`` for a PostgreSQL
session's. Assertions are what people see in the emulated Slack, what ``/healthz`` tells a
load balancer, and what the database holds.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, event, func, select, text
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.orm import Session, SessionTransaction
from sqlalchemy.pool import ConnectionPoolEntry

from bot.sandbox.stack import SandboxStack
from handlers.grievances import RECORDED_NOT_POSTED
from storage.models import Case, Grievance, TimelineEntry
from tests.conftest import POSTGRES_SERVER_URL

on_sqlite = pytest.mark.skipif(bool(POSTGRES_SERVER_URL), reason="a SQLite fault")
on_postgres = pytest.mark.skipif(not POSTGRES_SERVER_URL, reason="a PostgreSQL fault")

COULD_NOT_SAVE = "I couldn't save this"
#: More than a 4 KB page even before the timeline keeps a copy: it needs a page to be kept.
LONG_TEXT = "Nobody told us the release slipped again, " + "é" * 3000


# ---- faults ---------------------------------------------------------------------------


@contextmanager
def disk_full(stack: SandboxStack) -> Iterator[None]:
    """No connection of the bot's may grow the database by one page, until the end.

    The file is vacuumed first: migrations that rebuild a table leave its old pages free,
    and a write that reuses a free page never needs to grow the file."""
    vacuum = sqlite3.connect(stack.db.engine.url.database or "", isolation_level=None)
    try:
        vacuum.execute("VACUUM")
    finally:
        vacuum.close()
    with stack.db.engine.connect() as connection:
        pages = int(connection.execute(text("PRAGMA page_count")).scalar_one())

    def cap(raw: DBAPIConnection, _record: ConnectionPoolEntry, _proxy: object) -> None:
        raw.execute(f"PRAGMA max_page_count = {pages}")

    event.listen(stack.db.engine, "checkout", cap)
    try:
        yield
    finally:
        event.remove(stack.db.engine, "checkout", cap)
        stack.settle()
        stack.db.engine.dispose()  # the disk has room again: fresh connections, no cap


@contextmanager
def locked_by_another_process(stack: SandboxStack) -> Iterator[None]:
    """Another process holds SQLite's write lock until the end."""
    other = sqlite3.connect(stack.db.engine.url.database or "", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        other.execute("ROLLBACK")
        other.close()


@contextmanager
def lock_when_a_grievance_commits(stack: SandboxStack) -> Iterator[None]:
    """Another process takes SQLite's write lock right after a grievance is committed."""
    database = stack.db.engine.url.database or ""
    other = sqlite3.connect(database, isolation_level=None, check_same_thread=False)

    def note_filing(session: Session, _context: object) -> None:
        if any(isinstance(row, Grievance) for row in session.new):
            session.info["filed"] = True

    def take_lock(session: Session, transaction: SessionTransaction) -> None:
        if transaction.parent is None and session.info.pop("filed", False):
            other.execute("BEGIN IMMEDIATE")

    event.listen(stack.db.sessions, "after_flush", note_filing)
    event.listen(stack.db.sessions, "after_transaction_end", take_lock)
    try:
        yield
    finally:
        event.remove(stack.db.sessions, "after_flush", note_filing)
        event.remove(stack.db.sessions, "after_transaction_end", take_lock)
        if other.in_transaction:
            other.execute("ROLLBACK")
        other.close()


@contextmanager
def locked_by_another_session(stack: SandboxStack) -> Iterator[None]:
    """Another PostgreSQL session holds the tables every request writes, until the end."""
    engine = create_engine(stack.db.engine.url)
    try:
        with engine.connect() as connection, connection.begin():
            connection.execute(text("LOCK TABLE seen_request, processed_event, grievance"))
            yield
    finally:
        engine.dispose()


# ---- helpers --------------------------------------------------------------------------


def _health(stack: SandboxStack) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(stack.url + "/healthz", timeout=10) as response:
            return response.status, json.loads(response.read())["status"]
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())["status"]


def _count(stack: SandboxStack, model: type[Grievance | Case | TimelineEntry]) -> int:
    with stack.db.reading() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def _answer(delivery_json: dict[str, object] | None) -> str:
    return str((delivery_json or {}).get("text", ""))


# ---- /grievance <text> ----------------------------------------------------------------


@on_sqlite
def test_full_disk_answers_the_command_with_its_words_and_saves_nothing(
    stack: SandboxStack,
) -> None:
    assert _health(stack) == (200, "ok")
    with disk_full(stack):
        delivery = stack.slack.slash_command("UANA", "CACME", LONG_TEXT + " <!channel>")

        assert delivery.status == 200
        answer = _answer(delivery.json)
        assert answer.startswith(COULD_NOT_SAVE) and "try again in a minute" in answer
        assert "\n>Nobody told us the release slipped again, éééé" in answer
        assert len(answer) < 3000 and answer.endswith("…")  # trimmed to fit Slack
        [shown] = stack.workspace.ephemerals
        assert shown.user == "UANA" and shown.text == answer
        stack.settle()
        assert (_count(stack, Grievance), _count(stack, Case), _count(stack, TimelineEntry)) == (
            0,
            0,
            0,
        )
        status, reason = _health(stack)
        assert (status, reason) == (503, "database full: no room to write")

    # The disk has room again: the bot takes writes without a restart, numbering from 1.
    assert _health(stack) == (200, "ok")
    again = stack.slack.slash_command("UANA", "CACME", LONG_TEXT)
    assert "grievance #1" in json.dumps((again.json or {}).get("blocks"))
    stack.settle()
    assert _count(stack, Grievance) == 1


@on_sqlite
def test_a_lock_held_by_another_process_is_answered_within_slacks_three_seconds(
    stack: SandboxStack,
) -> None:
    with locked_by_another_process(stack):
        started = time.monotonic()
        delivery = stack.slack.slash_command("UANA", "CACME", "The demo server is down again")
        took = time.monotonic() - started

        assert delivery.status == 200 and took < 3.0
        answer = _answer(delivery.json)
        assert answer.startswith(COULD_NOT_SAVE)
        assert answer.endswith("\n>The demo server is down again")

        started = time.monotonic()
        assert _health(stack) == (503, "database busy: another process held its lock past the wait")
        assert time.monotonic() - started < 3.0
    assert _count(stack, Grievance) == 0
    assert _health(stack) == (200, "ok")
    stack.slack.slash_command("UANA", "CACME", "The demo server is down again")
    stack.settle()
    assert _count(stack, Grievance) == 1


@on_postgres
def test_a_lock_held_by_another_session_is_answered_within_slacks_three_seconds(
    stack: SandboxStack,
) -> None:
    with locked_by_another_session(stack):
        started = time.monotonic()
        delivery = stack.slack.slash_command("UANA", "CACME", "The demo server is down again")
        took = time.monotonic() - started

        assert delivery.status == 200 and took < 3.0
        answer = _answer(delivery.json)
        assert answer.startswith(COULD_NOT_SAVE)
        assert answer.endswith("\n>The demo server is down again")
        assert _health(stack)[0] == 200  # its own table is free: the database takes writes
    assert _count(stack, Grievance) == 0
    stack.slack.slash_command("UANA", "CACME", "The demo server is down again")
    stack.settle()
    assert _count(stack, Grievance) == 1


# ---- the grievance modal --------------------------------------------------------------


@on_sqlite
def test_full_disk_keeps_the_modal_open_with_every_answer_and_saves_nothing(
    stack: SandboxStack,
) -> None:
    stack.slack.slash_command("UCARLA", "CACME", "new")
    stack.settle()
    [modal] = stack.workspace.modal_stack("UCARLA")
    with disk_full(stack):
        delivery = stack.slack.submit_view("UCARLA", modal.id, {"text": LONG_TEXT})

        assert delivery.status == 200
        assert stack.workspace.modal_stack("UCARLA") == [modal]  # still open, words in it
        assert list(modal.errors) == ["text"]
        assert modal.errors["text"].startswith(COULD_NOT_SAVE)
        stack.settle()
        assert _count(stack, Grievance) == 0

    stack.slack.submit_view("UCARLA", modal.id, {"text": LONG_TEXT})
    stack.settle()
    assert stack.workspace.modal_stack("UCARLA") == []
    assert _count(stack, Grievance) == 1


@on_sqlite
def test_a_grievance_saved_before_the_lock_was_taken_is_told_as_kept_not_lost(
    stack: SandboxStack,
) -> None:
    """Another process takes the lock the moment the grievance commits: it cannot be
    posted, and the reporter hears it is kept, never "I couldn't save this"."""
    with lock_when_a_grievance_commits(stack):
        delivery = stack.slack.slash_command("UANA", "CACME", "The nightly build is red")
        assert "grievance #1" in json.dumps((delivery.json or {}).get("blocks"))
        stack.settle()
    said = [e.text for e in stack.workspace.ephemerals if e.user == "UANA"]
    assert RECORDED_NOT_POSTED in said
    assert not any(COULD_NOT_SAVE in text for text in said)
    assert _count(stack, Grievance) == 1
    assert not [m for m in stack.workspace.messages if m.channel == "CACME" and m.bot_id]


# ---- thread replies -------------------------------------------------------------------


@on_sqlite
def test_a_thread_reply_meeting_a_lock_is_refused_for_slack_to_deliver_again(
    stack: SandboxStack, caplog: pytest.LogCaptureFixture
) -> None:
    stack.slack.slash_command("UANA", "CACME", "The nightly build is red")
    stack.settle()
    [root] = [m for m in stack.workspace.messages if m.channel == "CACME" and m.bot_id]
    with locked_by_another_process(stack), caplog.at_level(logging.WARNING):
        _, delivery = stack.slack.post_message("UCARLA", "CACME", "Still red today", root.ts)
        assert delivery is not None and delivery.status == 503
    assert any(r.getMessage() == "database outage" for r in caplog.records)
    _, later = stack.slack.post_message("UCARLA", "CACME", "And green at last", root.ts)
    stack.settle()
    assert later is not None and later.status == 200
    with stack.db.reading() as session:
        replies = session.scalars(select(TimelineEntry.text)).all()
    assert "And green at last" in replies and "Still red today" not in replies


@on_sqlite
def test_a_thread_reply_the_full_disk_cannot_keep_is_logged_and_the_bot_carries_on(
    stack: SandboxStack, caplog: pytest.LogCaptureFixture
) -> None:
    stack.slack.slash_command("UANA", "CACME", "The nightly build is red")
    stack.settle()
    [root] = [m for m in stack.workspace.messages if m.channel == "CACME" and m.bot_id]
    with disk_full(stack), caplog.at_level(logging.WARNING):
        _, delivery = stack.slack.post_message("UCARLA", "CACME", LONG_TEXT, root.ts)
        stack.settle()
        assert delivery is not None and delivery.status == 200
    assert any(r.getMessage() == "database outage" for r in caplog.records)
    assert not any(r.levelno >= logging.ERROR for r in caplog.records)
    stack.slack.post_message("UCARLA", "CACME", "And green at last", root.ts)
    stack.settle()
    with stack.db.reading() as session:
        replies = session.scalars(select(TimelineEntry.text)).all()
    assert "And green at last" in replies


@on_sqlite
def test_a_reply_the_full_disk_refuses_is_kept_once_when_slack_delivers_it_again(
    stack: SandboxStack,
) -> None:
    """The event's delivery record is written with the reply or not at all: a refused
    delivery leaves no record, so Slack's retry is kept (once, however often it comes)."""
    stack.slack.slash_command("UANA", "CACME", "The nightly build is red")
    stack.settle()
    [root] = [m for m in stack.workspace.messages if m.channel == "CACME" and m.bot_id]
    reply = stack.workspace.post_user_message("UANA", "CACME", LONG_TEXT, root.ts)
    event = stack.workspace.message_json(reply) | {
        "channel": "CACME",
        "event_ts": reply.ts,
        "channel_type": "channel",
    }
    with disk_full(stack):
        refused, event_id = stack.slack.deliver_event(event)
        assert refused.status == 503
    for retry in (1, 2):
        delivered, _ = stack.slack.deliver_event(event, event_id, retry_num=retry)
        assert delivered.status == 200
    stack.settle()
    with stack.db.reading() as session:
        kept = session.scalars(select(TimelineEntry.text)).all()
    assert kept.count(LONG_TEXT) == 1
