"""What an export may carry: the confidentiality and anonymity rules, decided once.

They are decided here rather than in each gathering step or format, so every format
agrees, and the gathering code (:mod:`bot.export.gather`) only asks:

* confidential grievances, and every entry that belongs to one, are withheld unless the
  caller asks for them, and the document counts what was withheld so a reader knows the
  history is partial; a lead's export also withholds the ones that name that lead
  (``bot.playbook.withheld``), while the operator's full export keeps them and lists, on
  each, whom it is kept from;
* a deleted Slack message is exported as deleted with empty text and no earlier revisions,
  because its author removed it and an export must not bring it back;
* a strategy or progress update that addresses a withheld confidential grievance says
  only how many such grievances it addresses, never their numbers, so the number cannot be
  matched back to the grievance's Slack thread;
* an anonymous interview or final rating never carries its person, nor anything that
  leads back to them (when it was sent, reminded or answered, its DM, who invited them,
  its place in the order): only ``speaker``, what ``bot.playbook.anonymity`` allows ("a
  client leader", "someone on the client side"); where fewer than three people could
  hide among one another its words and score are held back (``withheld``), and the
  document says how many. The database keeps them; an export is read by people who were
  never promised anything.

Check-in answers are exported in full: they were given in the channel, by name. So are
client pulse answers: the DM that asked told each person the leads read who said what.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.export.model import AnswerRecord, FinalRatingRecord, InterviewRecord, RevisionRecord
from bot.playbook.anonymity import Crowd
from storage.models import Grievance, Person, Role, Side

#: What an anonymous record is called when its words are held back.
UNNAMED_SPEAKER = "anonymous"


# ---- confidentiality -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Confidentiality:
    """What one export withholds of one case: confidential grievances and their entries."""

    #: The ids of the grievances left out; their entries go with them.
    withheld: frozenset[int]
    include_confidential: bool

    @classmethod
    def of(
        cls,
        grievances: Iterable[Grievance],
        *,
        include_confidential: bool,
        reader: Person | None,
        kept: Mapping[int, Sequence[int]],
    ) -> Confidentiality:
        """Decide for the case's ``grievances``; ``kept`` is whom each is kept from, by
        grievance id, and ``reader`` the lead a Slack export is for."""
        reader_id = None if reader is None else reader.id
        withheld = frozenset(
            g.id
            for g in grievances
            if g.confidential and (not include_confidential or reader_id in kept.get(g.id, ()))
        )
        return cls(withheld=withheld, include_confidential=include_confidential)

    def hides_entry(self, grievance_id: int | None, confidential: bool) -> bool:
        """True for an entry of a withheld grievance, or a confidential one not asked for."""
        return grievance_id in self.withheld or (confidential and not self.include_confidential)

    def addressed(
        self, links: Iterable[tuple[int, int, int]]
    ) -> tuple[dict[int, tuple[int, ...]], dict[int, int]]:
        """Split ``(owner id, grievance id, grievance number)`` links into the numbers each
        owner (a strategy, a progress update) may list and how many it must only count.

        A withheld grievance is counted, not listed: the owner itself is public in the
        channel, and the number alone would tell a reader which thread to look for.
        """
        listed: dict[int, list[int]] = {}
        counted: dict[int, int] = {}
        for owner_id, grievance_id, number in links:
            if grievance_id in self.withheld:
                counted[owner_id] = counted.get(owner_id, 0) + 1
            else:
                listed.setdefault(owner_id, []).append(number)
        return {owner: tuple(numbers) for owner, numbers in listed.items()}, counted


def kept_words(
    text: str, revisions: tuple[RevisionRecord, ...], *, deleted: bool
) -> tuple[str, tuple[RevisionRecord, ...]]:
    """An entry's text and earlier texts as exported: nothing of a deleted message."""
    return ("", ()) if deleted else (text, revisions)


# ---- anonymity -----------------------------------------------------------------------


def role_of(person_id: int, members: Mapping[int, Role], side: str | None) -> Role:
    """A person's role in the case: a stakeholder's own, else the member role of their
    ``side`` (as ``bot.playbook.interviews.role_of`` says), without a query per person."""
    if person_id in members:
        return members[person_id]
    return Role.CLIENT_MEMBER if side == Side.CLIENT.value else Role.TEAM_MEMBER


def speakers(roles: Sequence[tuple[int, Role]]) -> dict[int, str | None]:
    """What each anonymous person may be called, by the one anonymity rule.

    ``roles`` holds ``(person id, role)`` of everyone who answered anonymously (the crowd
    they hide in); None means their words are held back.
    """
    crowd = Crowd.of(role for _person, role in roles)
    return {person_id: crowd.speaker(role) for person_id, role in roles}


def anonymous_interview(
    *, status: str, answers: Iterable[AnswerRecord], speaker: str | None
) -> InterviewRecord:
    """An anonymous interview as an export may carry it: ``speaker`` and, unless held
    back, what was answered, without the answers' row ids and times (they point back)."""
    return InterviewRecord(
        id=None,
        person=None,
        speaker=speaker or UNNAMED_SPEAKER,
        anonymous=True,
        withheld=speaker is None,
        invited_by=None,
        status=status,
        invited_at=None,
        answered_at=None,
        reminded_at=None,
        dm_channel=None,
        dm_ts=None,
        answers=tuple(
            AnswerRecord(
                id=None,
                position=answer.position,
                question=answer.question,
                answer=answer.answer,
                updated_at=None,
            )
            for answer in answers
        )
        if speaker
        else (),
    )


def anonymous_rating(
    *, rating: int | None, comment: str | None, requested_at: datetime, speaker: str | None
) -> FinalRatingRecord:
    """An anonymous final rating as an export may carry it: as an anonymous interview, no
    id, person or answer time, only ``speaker``, and no score or comment when held back."""
    return FinalRatingRecord(
        id=None,
        person=None,
        speaker=speaker or UNNAMED_SPEAKER,
        anonymous=True,
        withheld=speaker is None,
        rating=rating if speaker else None,
        comment=comment if speaker else None,
        requested_at=requested_at,
        answered_at=None,
    )


def interview_order(record: InterviewRecord) -> tuple[bool, str, list[str]]:
    """Where an anonymous interview goes among the others: by what it says, not when."""
    return (record.withheld, record.speaker, [answer.answer for answer in record.answers])


def rating_order(record: FinalRatingRecord) -> tuple[bool, str, int, str]:
    """Where an anonymous rating goes among the others: by what it says, not when."""
    return (record.withheld, record.speaker, record.rating or 0, record.comment or "")
