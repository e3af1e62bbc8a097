"""Saying a silence once: the claim that keeps a notice from repeating, and its timeline line.

The nudge job tells the leads about a silent client leader; a ``Notice`` row per silence
makes that happen once however many runs or processes see it.
"""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.playbook.health.inputs import Silence
from bot.playbook.timeline import Kind, record
from storage.models import Case, Notice

NOTICE_SILENCE = "silence"


def claim_notice(*, session: Session, case: Case, kind: str, key: str) -> bool:
    """Take the right to say something once; False when it was said (or claimed) already.

    A SAVEPOINT holds the INSERT so a lost race (the unique case+kind+key constraint)
    leaves the caller's transaction usable.
    """
    try:
        with session.begin_nested():
            session.add(Notice(case_id=case.id, kind=kind, key=key[:120]))
    except IntegrityError:
        return False
    return True


def note_silence(*, session: Session, case: Case, silence: Silence) -> None:
    """Put the silence on the timeline, visible to leads only (it names the person)."""
    record(
        session=session,
        case=case,
        kind=Kind.SILENCE_NOTICED,
        author=None,
        text=f"{silence.name} (client leader) has not answered the last two check-ins; "
        "the leads were told",
        confidential=True,
    )
