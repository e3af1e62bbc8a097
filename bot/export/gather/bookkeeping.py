"""What the bot kept about its own work on a case: health scores, notices, digest runs.

Notices (the bot's say-once markers) are internal bookkeeping, but they are also the only
record of what the bot told whom and when (a silence alert, a paused schedule), so they are
exported too. Health components are JSON, parsed so a reader does not decode JSON inside
JSON (:func:`bot.export.stored.parse_json_column`).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.export.model import DigestRecord, HealthRecord, NoticeRecord
from bot.export.stored import as_utc, as_utc_or_none, parse_json_column
from storage.models import DigestRun, HealthSnapshot, Notice


def health_records(session: Session, case_id: int) -> list[HealthRecord]:
    """Every health snapshot of the case, oldest first, as column rows in one query."""
    rows = session.execute(
        select(
            HealthSnapshot.id,
            HealthSnapshot.score,
            HealthSnapshot.components,
            HealthSnapshot.computed_at,
        )
        .where(HealthSnapshot.case_id == case_id)
        .order_by(HealthSnapshot.id)
    )
    return [
        HealthRecord(
            id=row.id,
            score=row.score,
            components=parse_json_column(row.components),
            computed_at=as_utc(row.computed_at),
        )
        for row in rows
    ]


def notice_records(session: Session, case_id: int) -> list[NoticeRecord]:
    """The case's say-once markers, in the order they were claimed."""
    rows = session.execute(
        select(Notice.id, Notice.kind, Notice.key, Notice.created_at)
        .where(Notice.case_id == case_id)
        .order_by(Notice.id)
    )
    return [
        NoticeRecord(id=row.id, kind=row.kind, key=row.key, created_at=as_utc(row.created_at))
        for row in rows
    ]


def digest_records(session: Session, case_id: int) -> list[DigestRecord]:
    """The case's weekly digest runs, by due time."""
    rows = session.execute(
        select(DigestRun.id, DigestRun.due_at, DigestRun.status, DigestRun.posted_at)
        .where(DigestRun.case_id == case_id)
        .order_by(DigestRun.due_at, DigestRun.id)
    )
    return [
        DigestRecord(
            id=row.id,
            due_at=as_utc(row.due_at),
            status=row.status.value,
            posted_at=as_utc_or_none(row.posted_at),
        )
        for row in rows
    ]
