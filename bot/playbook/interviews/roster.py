"""Who was invited and who answered, per role: the coverage findings show, and whom to invite next.

The playbook needs the client's leadership heard above all, so coverage counts the
client leaders who answered, and the invite form starts from the stakeholders not yet
invited, client leadership first.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from bot.playbook.interviews.questions import role_of
from bot.playbook.stakeholders import members
from storage.models import Case, Interview, InterviewStatus, Person, Role


@dataclass(frozen=True)
class CoverageRow:
    """One stakeholder and where their interview stands (None: not invited)."""

    name: str
    status: InterviewStatus | None
    reminded: bool = False
    anonymous: bool = False


@dataclass(frozen=True)
class Coverage:
    """Who was heard, per role, and how much of the client's leadership."""

    groups: dict[Role, list[CoverageRow]]

    def _count(self, *statuses: InterviewStatus) -> int:
        return sum(1 for rows in self.groups.values() for r in rows if r.status in statuses)

    @property
    def invited(self) -> int:
        """Everyone with an interview, whatever its status."""
        return self._count(*InterviewStatus)

    @property
    def answered(self) -> int:
        """Interviews finished."""
        return self._count(InterviewStatus.ANSWERED)

    @property
    def waiting(self) -> int:
        """Invited, not finished."""
        return self._count(InterviewStatus.INVITED, InterviewStatus.IN_PROGRESS)

    @property
    def leaders_total(self) -> int:
        """Client leaders named in the case."""
        return len(self.groups[Role.CLIENT_LEADER])

    @property
    def leaders_heard(self) -> int:
        """Client leaders who answered their interview."""
        return sum(
            1 for r in self.groups[Role.CLIENT_LEADER] if r.status is InterviewStatus.ANSWERED
        )

    @property
    def leadership_share(self) -> int | None:
        """Percentage of client leaders heard, rounded; None when none are named."""
        if not self.leaders_total:
            return None
        return round(100 * self.leaders_heard / self.leaders_total)

    @property
    def leadership_summary(self) -> str:
        """``2 of 3 client leaders heard (67%)``, or how to name them when there are none."""
        if not self.leaders_total:
            return "No client leaders named yet: set them with `/grievance people`."
        noun = "client leader" if self.leaders_total == 1 else "client leaders"
        return (
            f"{self.leaders_heard} of {self.leaders_total} {noun} heard ({self.leadership_share}%)"
        )


def coverage(*, session: Session, case: Case) -> Coverage:
    """Every stakeholder grouped by role with their interview's status.

    Someone interviewed but no longer a stakeholder still counts, under the plain member
    role of their side.
    """
    interviews = {
        i.person_id: i
        for i in session.scalars(
            select(Interview)
            .options(joinedload(Interview.person))
            .where(Interview.case_id == case.id)
        )
    }
    groups: dict[Role, list[CoverageRow]] = {role: [] for role in Role}
    placed: set[int] = set()

    def row(person: Person) -> CoverageRow:
        interview = interviews.get(person.id)
        if interview is None:
            return CoverageRow(person.display_name, None)
        return CoverageRow(
            person.display_name,
            interview.status,
            reminded=interview.reminded_at is not None,
            anonymous=interview.anonymous,
        )

    for member in members(session=session, case=case):
        groups[member.role].append(row(member.person))
        placed.add(member.person_id)
    for person_id, interview in interviews.items():
        if person_id not in placed:
            groups[role_of(session=session, case=case, person=interview.person)].append(
                row(interview.person)
            )
    return Coverage(groups)


def not_yet_invited(*, session: Session, case: Case, lead: Person) -> list[str]:
    """Slack ids of stakeholders with no interview yet, client leadership first, leaving
    out the ``lead`` who is inviting.

    The invite form starts from them: the people whose voice the playbook needs most.
    """
    invited = set(session.scalars(select(Interview.person_id).where(Interview.case_id == case.id)))
    invited.add(lead.id)
    order = {Role.CLIENT_LEADER: 0, Role.TEAM_LEAD: 1, Role.CLIENT_MEMBER: 2, Role.TEAM_MEMBER: 3}
    waiting = [m for m in members(session=session, case=case) if m.person_id not in invited]
    waiting.sort(key=lambda m: order[m.role])
    return [m.person.slack_user_id for m in waiting if m.person.slack_user_id]
