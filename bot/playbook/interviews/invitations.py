"""A lead invites stakeholders to an interview; each is sent the questions of their side by DM.

Invitees become stakeholders, so their role (and side) is known when findings weigh
their answers. Inviting twice is harmless: someone already invited keeps their interview
and answers, and only an invitation that never arrived is sent again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.playbook.access import Action, require
from bot.playbook.interviews.questions import questions_for, side_of
from bot.playbook.stakeholders import ensure_member
from bot.playbook.timeline import Kind, record
from storage.clock import utcnow
from storage.models import Case, Interview, InterviewAnswer, InterviewStatus, Person, Side
from storage.rows import lock


@dataclass(frozen=True)
class Invitation:
    """An interview whose invitation must be sent by DM now."""

    interview_id: int
    name: str
    user_id: str | None
    side: Side
    #: An earlier invitation never reached them (the DM failed): this is another try.
    again: bool = False


#: A lead gathers the interviews; answering their own questionnaire would only be noise.
SELF_INVITE = "I didn't invite you: you lead this case, and a lead doesn't interview themselves."


@dataclass(frozen=True)
class InviteOutcome:
    """What inviting did: whom to DM, and who already had an interview (and its status)."""

    to_send: list[Invitation] = field(default_factory=list)
    already: list[tuple[str, InterviewStatus]] = field(default_factory=list)
    #: Sentences for whoever was left out and why (the lead inviting themselves).
    skipped: list[str] = field(default_factory=list)


def find_interview(*, session: Session, case: Case, person: Person) -> Interview | None:
    """The person's interview on this case, if they were invited."""
    return session.scalar(
        select(Interview).where(Interview.case_id == case.id, Interview.person_id == person.id)
    )


def invite(
    *,
    session: Session,
    case: Case,
    actor: Person,
    invitees: Sequence[Person],
    now: datetime | None = None,
) -> InviteOutcome:
    """A lead invites people; each gets the questions of their side, copied onto the interview.

    Someone already invited keeps their interview and answers untouched; only one whose
    invitation never arrived is sent it again.
    """
    require(session=session, case=case, person=actor, action=Action.INVITE_TO_INTERVIEW)
    lock(session, case)  # two leads inviting the same person at once: one interview, no error
    outcome = InviteOutcome()
    seen: set[int] = set()
    for person in invitees:
        if person.id in seen:
            continue
        seen.add(person.id)
        if person.id == actor.id:
            outcome.skipped.append(SELF_INVITE)
            continue
        existing = find_interview(session=session, case=case, person=person)
        if existing is not None:
            side = side_of(session=session, case=case, person=person)
            if existing.dm_ts is None and existing.status is InterviewStatus.INVITED:
                outcome.to_send.append(
                    Invitation(existing.id, person.display_name, person.slack_user_id, side, True)
                )
            else:
                outcome.already.append((person.display_name, existing.status))
            continue
        member = ensure_member(session=session, case=case, person=person)
        side = member.role.side
        interview = Interview(
            case_id=case.id,
            person_id=person.id,
            invited_by_id=actor.id,
            status=InterviewStatus.INVITED,
            invited_at=now or utcnow(),
        )
        session.add(interview)
        session.flush()
        for position, question in enumerate(
            questions_for(session=session, case=case, side=side), start=1
        ):
            session.add(
                InterviewAnswer(
                    interview_id=interview.id, position=position, question=question, answer=""
                )
            )
        record(
            session=session,
            case=case,
            kind=Kind.INTERVIEW_INVITED,
            author=actor,
            text=f"{person.display_name} invited to an interview ({side.value} side)",
        )
        outcome.to_send.append(
            Invitation(interview.id, person.display_name, person.slack_user_id, side)
        )
    session.flush()
    return outcome


def remember_dm(
    *, session: Session, interview_id: int, channel: str, ts: str, keep_existing: bool = False
) -> None:
    """Keep where the interview's DM is, so each save can update it in place.

    ``keep_existing``: a reminder only takes over when the invitation never arrived.
    """
    interview = session.get_one(Interview, interview_id)
    if keep_existing and interview.dm_ts:
        return
    interview.dm_channel, interview.dm_ts = channel, ts
