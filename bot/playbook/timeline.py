"""Append to a case's timeline: every change in the playbook leaves an entry."""

from __future__ import annotations

import enum

from sqlalchemy import insert
from sqlalchemy.orm import Session

from storage.models import Case, Grievance, Person, TimelineEntry
from storage.rows import plain


class Kind(enum.StrEnum):
    """The kinds of timeline entry, as stored and exported."""

    CASE_OPENED = "case_opened"
    CASE_RENAMED = "case_renamed"
    LEAD_ADDED = "lead_added"
    LEAD_REMOVED = "lead_removed"
    GRIEVANCE_FILED = "grievance_filed"
    GRIEVANCE_UPDATED = "grievance_updated"
    STATUS_CHANGED = "status_changed"
    REPLY = "reply"
    ROLE_CHANGED = "role_changed"
    SIDE_CORRECTED = "side_corrected"
    INTERVIEW_INVITED = "interview_invited"
    INTERVIEW_REMINDED = "interview_reminded"
    INTERVIEW_ANSWERED = "interview_answered"
    QUESTIONS_CHANGED = "questions_changed"
    FINDINGS_SHARED = "findings_shared"
    STRATEGY_PROPOSED = "strategy_proposed"
    VOTE_CAST = "vote_cast"
    VOTE_WITHDRAWN = "vote_withdrawn"
    BUYIN_REACHED = "buyin_reached"
    BUYIN_LOST = "buyin_lost"
    BUYIN_RULE_CHANGED = "buyin_rule_changed"
    STAGE_CHANGED = "stage_changed"
    # check-ins: answers, nudges and health
    CHECKIN_NUDGED = "checkin_nudged"
    SILENCE_NOTICED = "silence_noticed"
    # check-ins: schedules
    CHECKIN_SCHEDULED = "checkin_scheduled"
    CHECKIN_CHANGED = "checkin_changed"
    CHECKIN_PAUSED = "checkin_paused"
    CHECKIN_RESUMED = "checkin_resumed"
    CHECKIN_DELETED = "checkin_deleted"
    CHECKIN_POSTED = "checkin_posted"
    # progress, digest and closing
    PROGRESS_UPDATE = "progress_update"
    PROGRESS_CORRECTED = "progress_corrected"
    PROGRESS_WITHDRAWN = "progress_withdrawn"
    DIGEST_POSTED = "digest_posted"
    DIGEST_SCHEDULED = "digest_scheduled"
    FINAL_RATING = "final_rating"
    # commitments
    COMMITMENT_MADE = "commitment_made"
    COMMITMENT_DONE = "commitment_done"
    COMMITMENT_OVERDUE = "commitment_overdue"
    # response targets
    TARGETS_CHANGED = "targets_changed"
    TARGET_MISSED = "target_missed"
    # client pulse
    PULSE_SENT = "pulse_sent"
    PULSE_CADENCE = "pulse_cadence"
    # exports
    CASE_EXPORTED = "case_exported"


#: ``record``'s INSERT, built once: every filing and reply writes one.
_ADD = insert(TimelineEntry)


def record(
    *,
    session: Session,
    case: Case,
    kind: Kind,
    author: Person | None,
    text: str = "",
    grievance: Grievance | None = None,
    channel: str | None = None,
    ts: str | None = None,
    confidential: bool = False,
) -> int:
    """Add one entry and give its id; entries about a confidential grievance are
    confidential too.

    A plain INSERT (``storage.rows.plain``): nothing reads the entry back as an object, and
    the session's unit of work cost four times the statement."""
    added = plain(session).execute(
        _ADD,
        {
            "case_id": case.id,
            "kind": kind.value,
            "author_id": author.id if author else None,
            "text": text,
            "grievance_id": grievance.id if grievance else None,
            "confidential": confidential or bool(grievance and grievance.confidential),
            "slack_channel": channel,
            "slack_ts": ts,
        },
    )
    return int(added.inserted_primary_key[0])
