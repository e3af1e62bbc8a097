"""A grievance's thread is its discussion: replies, edits and deletions are kept.

Edits keep the earlier text as a revision; deletions blank the text everywhere (the
reply's revisions too) and leave only a "deleted" mark, as the author asked Slack to.
"""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.playbook.timeline import Kind, record
from storage.models import EntryRevision, Grievance, Person, TimelineEntry


def record_reply(
    *, session: Session, grievance: Grievance, ts: str, author: Person | None, text: str
) -> TimelineEntry:
    """Store a reply in ``grievance``'s thread (found with ``grievances.find_by_message``)."""
    return record(
        session=session,
        case=grievance.case,
        kind=Kind.REPLY,
        author=author,
        text=text,
        grievance=grievance,
        channel=grievance.slack_channel,
        ts=ts,
    )


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
