"""The answered interviews findings are built from, and the name each one's answers may carry.

An anonymous interview is quoted only as ``bot.playbook.anonymity`` allows: by role, by
side, or not at all when too few anonymous people answered to hide among.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from bot.playbook.anonymity import Crowd
from bot.playbook.interviews.questions import role_of
from storage.models import Case, Interview, InterviewStatus, Role, Side


def answered_interviews(*, session: Session, case: Case) -> list[Interview]:
    """The case's finished interviews, first answered first, with answers and person loaded.

    Each ``Interview.answers`` holds every question as it was asked, blank answers
    included (use ``themed_answers`` for the ones given, with their theme). Quote an
    anonymous interview (``Interview.anonymous``) only as ``heard`` allows.
    """
    return list(
        session.scalars(
            select(Interview)
            .options(
                selectinload(Interview.answers),
                joinedload(Interview.person),
                joinedload(Interview.case),
            )
            .where(Interview.case_id == case.id, Interview.status == InterviewStatus.ANSWERED)
            .order_by(Interview.answered_at, Interview.id)
        )
    )


@dataclass(frozen=True)
class Heard:
    """An answered interview, its side and role, and how its answers may be shown.

    ``speaker`` is the person's name, or for an anonymous interview "a client leader" /
    "someone on the client side" as the anonymity rule allows; None when its answers
    must be held back (too few anonymous people to hide among).
    """

    interview: Interview
    side: Side
    role: Role
    speaker: str | None

    @property
    def withheld(self) -> bool:
        """True when nothing of these answers may be shown."""
        return self.speaker is None


def heard(*, session: Session, case: Case) -> list[Heard]:
    """Every answered interview of ``case`` with the name its answers may carry."""
    answered = answered_interviews(session=session, case=case)
    roles = {i.id: role_of(session=session, case=case, person=i.person) for i in answered}
    crowd = Crowd.of(roles[i.id] for i in answered if i.anonymous)
    return [
        Heard(
            interview=i,
            side=roles[i.id].side,
            role=roles[i.id],
            speaker=crowd.speaker(roles[i.id]) if i.anonymous else i.person.display_name,
        )
        for i in answered
    ]
