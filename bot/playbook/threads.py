"""A grievance's thread is its discussion: replies, edits and deletions are kept.

Edits keep the earlier text as a revision; deletions blank the text everywhere (the
reply's revisions too) and leave only a "deleted" mark, as the author asked Slack to.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    DateTime,
    Integer,
    String,
    Text,
    bindparam,
    delete,
    false,
    insert,
    literal,
    select,
)
from sqlalchemy.orm import Session

from bot.playbook.timeline import Kind
from storage.models import EntryRevision, Grievance, TimelineEntry
from storage.rows import plain

#: A reply's timeline entry, written in one statement that takes the case, the channel
#: and the confidentiality from the grievance row as it is in the writing transaction (a
#: grievance made confidential meanwhile keeps its replies confidential too). Built once:
#: a reply is the most frequent write there is.
_REPLY = insert(TimelineEntry.__table__).from_select(
    [
        "case_id",
        "kind",
        "author_id",
        "text",
        "slack_channel",
        "slack_ts",
        "grievance_id",
        "confidential",
        "deleted",
        "edited",
        "created_at",
    ],
    select(
        Grievance.case_id,
        literal(Kind.REPLY.value, String),
        bindparam("author_id", type_=Integer),
        bindparam("text", type_=Text),
        Grievance.slack_channel,
        bindparam("ts", type_=String),
        Grievance.id,
        Grievance.confidential,
        false(),
        false(),
        bindparam("at", type_=DateTime(timezone=True)),
    ).where(Grievance.id == bindparam("grievance_id")),
)


_THREAD = select(Grievance.id).where(
    Grievance.slack_channel == bindparam("channel"), Grievance.slack_ts == bindparam("ts")
)


def thread_of(*, session: Session, channel: str, ts: str) -> int | None:
    """The id of the grievance whose message starts the thread at ``channel``/``ts``."""
    return plain(session).scalar(_THREAD, {"channel": channel, "ts": ts})


def record_reply(
    *, session: Session, grievance_id: int, ts: str, author: int | None, text: str, now: datetime
) -> bool:
    """Store a reply in the thread of grievance ``grievance_id`` (``thread_of``), by the
    person with id ``author``; False when the grievance is gone."""
    written = plain(session).execute(
        _REPLY,
        {"grievance_id": grievance_id, "author_id": author, "text": text, "ts": ts, "at": now},
    )
    return bool(written.rowcount)


def _reply_at(*, session: Session, channel: str, ts: str) -> TimelineEntry | None:
    return session.scalar(
        select(TimelineEntry).where(
            TimelineEntry.slack_channel == channel,
            TimelineEntry.slack_ts == ts,
            TimelineEntry.kind == Kind.REPLY.value,
        )
    )


def record_edit(*, session: Session, channel: str, ts: str, text: str) -> TimelineEntry | None:
    """Apply an edit to a stored reply, keeping what it said before."""
    entry = _reply_at(session=session, channel=channel, ts=ts)
    if entry is None or entry.deleted or entry.text == text:
        return None
    session.add(EntryRevision(entry_id=entry.id, text=entry.text))
    entry.text = text
    entry.edited = True
    return entry


def record_deletion(*, session: Session, channel: str, ts: str) -> TimelineEntry | None:
    """Blank a deleted reply and its earlier versions, leaving the "deleted" mark."""
    entry = _reply_at(session=session, channel=channel, ts=ts)
    if entry is None or entry.deleted:
        return None
    session.execute(delete(EntryRevision).where(EntryRevision.entry_id == entry.id))
    entry.text = ""
    entry.deleted = True
    return entry
