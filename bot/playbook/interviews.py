"""Structured interviews: hear each stakeholder, client and team, before planning the rework.

The playbook's second step is to congregate: a lead invites people by DM, each answers a
short set of questions phrased for their side, and findings are built from what they
said. The rules live here, free of Slack:

- Only a case's leads invite people and change the questions; invitees become
  stakeholders, so their role (and side) is known when findings weigh their answers.
- The questions are copied onto the interview when it is created, so an interview is
  always answered against the questions it was sent, and later edits to the case's
  set only change the next invitations (``InterviewAnswer.question`` keeps the text).
- Someone who has not answered is reminded once, ``Case.interview_reminder_hours``
  after the invitation; each reminder is claimed in the database before it is sent.

For the findings module: ``answered_interviews`` is the query, ``answer_theme`` /
``themed_answers`` tell which answers say what went wrong, what matters most, how
success is judged, what used to go well and what would give confidence
(``QUESTION_THEMES``), and ``heard`` says, for each answered interview, on which side
and under which name its answers may be shown: the person's, or for an anonymous one
what ``bot.playbook.anonymity`` allows (their role, their side, or nothing at all).
"""

from __future__ import annotations

import enum
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session, joinedload, selectinload

from bot.playbook.access import Action, require
from bot.playbook.anonymity import Crowd
from bot.playbook.errors import PlaybookError
from bot.playbook.stakeholders import ensure_member, members, membership
from bot.playbook.timeline import Kind, record
from storage.clock import utcnow
from storage.models import (
    Case,
    Interview,
    InterviewAnswer,
    InterviewQuestions,
    InterviewStatus,
    Person,
    Role,
    Side,
)
from storage.rows import lock

MAX_QUESTIONS = 10
MAX_QUESTION_LENGTH = 300
#: Slack caps a plain_text_input at 3,000 characters; an answer is one input.
MAX_ANSWER_LENGTH = 3000
MIN_REMINDER_HOURS = 1
#: Thirty days: a reminder later than that reminds nobody of anything.
MAX_REMINDER_HOURS = 720


class Theme(enum.StrEnum):
    """What a question asks about, so findings can group answers across people and sides."""

    WENT_WRONG = "went_wrong"
    MATTERS_MOST = "matters_most"
    SUCCESS = "success"
    WENT_WELL = "went_well"
    CONFIDENCE = "confidence"


#: The theme of each question of the default sets, by position (both sides share it).
QUESTION_THEMES: tuple[Theme, ...] = (
    Theme.WENT_WRONG,
    Theme.MATTERS_MOST,
    Theme.SUCCESS,
    Theme.WENT_WELL,
    Theme.CONFIDENCE,
)

#: The playbook's questions, phrased for the side that answers them.
DEFAULT_QUESTIONS: dict[Side, tuple[str, ...]] = {
    Side.CLIENT: (
        "What went wrong, from your point of view?",
        "What matters most to you now?",
        "How will you judge that the recovery is a success?",
        "What used to work well between us, that we should keep?",
        "What would make you confident in our plan?",
    ),
    Side.TEAM: (
        "What went wrong, from where you stand?",
        "What matters most to you now, for this client?",
        "How will you judge that the recovery is a success?",
        "What used to work well with this client?",
        "What would make you confident in the plan?",
    ),
}

#: Words that give a custom question a theme, tried in this order (first match wins).
THEME_KEYWORDS: tuple[tuple[Theme, tuple[str, ...]], ...] = (
    (Theme.WENT_WRONG, ("went wrong", "go wrong", "gone wrong", "goes wrong", "what broke")),
    (
        Theme.WENT_WELL,
        ("went well", "work well", "worked well", "works well", "go well", "used to"),
    ),
    (Theme.CONFIDENCE, ("confident", "confidence", "reassur", "trust")),
    (Theme.SUCCESS, ("success", "succeed", "judge", "measure", "back on track")),
    (
        Theme.MATTERS_MOST,
        ("matters most", "matter most", "care about", "most important", "priorit"),
    ),
)

_BULLET = re.compile(r"^\s*(?:[-*•·]|\d{1,2}[.)])\s+")


# ---- themes (for findings) -----------------------------------------------------------


def theme_of(question: str) -> Theme | None:
    """The theme of a question: by position if it is a default one, else by its keywords.

    Custom questions that match no keyword have no theme (None): findings then show
    them as they are instead of guessing.
    """
    for defaults in DEFAULT_QUESTIONS.values():
        if question in defaults:
            return QUESTION_THEMES[defaults.index(question)]
    lowered = question.casefold()
    for theme, words in THEME_KEYWORDS:
        if any(word in lowered for word in words):
            return theme
    return None


def answer_theme(answer: InterviewAnswer) -> Theme | None:
    """The theme of one stored answer, from the question text it was asked with."""
    return theme_of(answer.question)


def themed_answers(interview: Interview) -> list[tuple[Theme | None, InterviewAnswer]]:
    """The answers someone actually gave (blank ones left out), each with its theme."""
    return [(answer_theme(answer), answer) for answer in interview.answers if answer.answer.strip()]


# ---- questions -----------------------------------------------------------------------


class QuestionsError(PlaybookError):
    """The question set or reminder delay is not usable; ``fields`` says where and why.

    Keys are ``"client"``, ``"team"`` and ``"hours"``, so a modal can show each message
    under its own input.
    """

    def __init__(self, fields: dict[str, str]) -> None:
        super().__init__(" ".join(fields.values()))
        self.fields = fields


def questions_for(*, session: Session, case: Case, side: Side) -> list[str]:
    """The case's own questions for ``side``, or the playbook's default set."""
    custom = session.scalar(
        select(InterviewQuestions.questions).where(
            InterviewQuestions.case_id == case.id, InterviewQuestions.side == side
        )
    )
    return parse_questions(custom) if custom else list(DEFAULT_QUESTIONS[side])


def parse_questions(text: str | None) -> list[str]:
    """One question per non-blank line; list bullets and numbers are dropped."""
    lines = (_BULLET.sub("", line) for line in (text or "").splitlines())
    return [" ".join(line.split()) for line in lines if line.strip()]


def question_problem(questions: Sequence[str]) -> str | None:
    """Why a question set can't be used, in a sentence for the person editing it."""
    if not questions:
        return "Give at least one question, one per line."
    if len(questions) > MAX_QUESTIONS:
        return f"Keep it to {MAX_QUESTIONS} questions (there are {len(questions)})."
    for number, question in enumerate(questions, start=1):
        if len(question) > MAX_QUESTION_LENGTH:
            return (
                f"Question {number} has {len(question)} characters; "
                f"keep each under {MAX_QUESTION_LENGTH + 1}."
            )
    return None


def parse_hours(value: object) -> int | None:
    """A whole number of hours within the allowed range, or None."""
    text = str(value if value is not None else "").strip()
    if not re.fullmatch(r"\d{1,4}", text):
        return None
    hours = int(text)
    return hours if MIN_REMINDER_HOURS <= hours <= MAX_REMINDER_HOURS else None


def set_questions(
    *,
    session: Session,
    case: Case,
    actor: Person,
    client: str | None,
    team: str | None,
    reminder_hours: object,
) -> bool:
    """A lead replaces the question sets (raw text, one per line) and the reminder delay.

    A set equal to the default is stored as no set at all, so the case follows the
    playbook again. Interviews already sent keep their questions. False when nothing
    changed.
    """
    require(session=session, case=case, person=actor, action=Action.EDIT_INTERVIEW_QUESTIONS)
    wanted = {Side.CLIENT: parse_questions(client), Side.TEAM: parse_questions(team)}
    problems = {
        side.value: problem
        for side, questions in wanted.items()
        if (problem := question_problem(questions))
    }
    hours = parse_hours(reminder_hours)
    if hours is None:
        problems["hours"] = (
            f"Give a whole number of hours from {MIN_REMINDER_HOURS} to {MAX_REMINDER_HOURS}."
        )
    if problems:
        raise QuestionsError(problems)
    assert hours is not None
    changed: list[str] = []
    for side, questions in wanted.items():
        if questions == questions_for(session=session, case=case, side=side):
            continue
        changed.append(f"{side.value} side: {len(questions)} questions")
        session.execute(
            delete(InterviewQuestions).where(
                InterviewQuestions.case_id == case.id, InterviewQuestions.side == side
            )
        )
        if questions != list(DEFAULT_QUESTIONS[side]):
            session.add(
                InterviewQuestions(case_id=case.id, side=side, questions="\n".join(questions))
            )
    if hours != case.interview_reminder_hours:
        changed.append(f"reminder after {hours} hours")
        case.interview_reminder_hours = hours
    if not changed:
        return False
    session.flush()
    record(
        session=session,
        case=case,
        kind=Kind.QUESTIONS_CHANGED,
        author=actor,
        text="Interview questions changed: " + "; ".join(changed),
    )
    return True


# ---- who, and on which side ----------------------------------------------------------


def role_of(*, session: Session, case: Case, person: Person) -> Role:
    """The person's role in the case; someone not (or no longer) a stakeholder gets
    the plain member role of their side."""
    member = membership(session=session, case=case, person=person)
    if member is not None:
        return member.role
    return Role.CLIENT_MEMBER if person.side is Side.CLIENT else Role.TEAM_MEMBER


def side_of(*, session: Session, case: Case, person: Person) -> Side:
    """The side whose questions a person answers: their role's, else their profile's."""
    return role_of(session=session, case=case, person=person).side


# ---- inviting ------------------------------------------------------------------------


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


# ---- answering -----------------------------------------------------------------------


@dataclass(frozen=True)
class InterviewCard:
    """Everything the DM and the modal show of one interview, read in one transaction."""

    interview_id: int
    client_name: str
    person_name: str
    user_id: str | None
    inviter_name: str | None
    side: Side
    status: InterviewStatus
    questions: tuple[str, ...]
    answers: tuple[str, ...]
    anonymous: bool
    reminded: bool
    dm_channel: str | None = None
    dm_ts: str | None = None

    @property
    def answered_count(self) -> int:
        """How many questions have a non-blank answer."""
        return sum(1 for answer in self.answers if answer.strip())


def card(*, session: Session, interview_id: int) -> InterviewCard:
    """The interview as the DM and the modal show it."""
    interview = session.scalar(
        select(Interview)
        .options(
            joinedload(Interview.person),
            joinedload(Interview.case),
            selectinload(Interview.answers),
        )
        .where(Interview.id == interview_id)
    )
    if interview is None:
        raise PlaybookError("That interview no longer exists.")
    inviter = session.get(Person, interview.invited_by_id) if interview.invited_by_id else None
    return InterviewCard(
        interview_id=interview.id,
        client_name=interview.case.client_name,
        person_name=interview.person.display_name,
        user_id=interview.person.slack_user_id,
        inviter_name=inviter.display_name if inviter else None,
        side=side_of(session=session, case=interview.case, person=interview.person),
        status=interview.status,
        questions=tuple(a.question for a in interview.answers),
        answers=tuple(a.answer for a in interview.answers),
        anonymous=interview.anonymous,
        reminded=interview.reminded_at is not None,
        dm_channel=interview.dm_channel,
        dm_ts=interview.dm_ts,
    )


def card_for(*, session: Session, interview_id: int, user_id: str) -> InterviewCard:
    """The interview, for the one person it belongs to (nobody else may open it)."""
    found = card(session=session, interview_id=interview_id)
    if found.user_id != user_id:
        raise PlaybookError("This interview was sent to someone else, so only they can open it.")
    interview = session.get_one(Interview, interview_id)
    require(
        session=session,
        case=interview.case,
        person=interview.person,
        action=Action.ANSWER_INTERVIEW,
    )
    return found


class AnswersError(PlaybookError):
    """Answers that can't be saved as asked (e.g. finishing with nothing answered)."""


@dataclass(frozen=True)
class SaveOutcome:
    """The interview after a save, and whether this save finished it."""

    card: InterviewCard
    finished_now: bool


def save_answers(
    *,
    session: Session,
    interview_id: int,
    user_id: str,
    answers: Sequence[str],
    anonymous: bool,
    finish: bool,
    now: datetime | None = None,
) -> SaveOutcome:
    """Store the person's answers (by position); ``finish`` marks the interview answered.

    Saving to come back later keeps it in progress; once answered, it stays answered
    (later edits only change the text). Finishing records one timeline entry, without
    the answers, naming only the role when the person asked to be anonymous.
    """
    interview = session.scalar(
        select(Interview)
        .options(
            joinedload(Interview.person),
            joinedload(Interview.case),
            selectinload(Interview.answers),
        )
        .where(Interview.id == interview_id)
    )
    if interview is None:
        raise PlaybookError("That interview no longer exists.")
    if interview.person.slack_user_id != user_id:
        raise PlaybookError("This interview was sent to someone else, so only they can answer it.")
    require(
        session=session,
        case=interview.case,
        person=interview.person,
        action=Action.ANSWER_INTERVIEW,
    )
    cleaned = [(text or "").strip()[:MAX_ANSWER_LENGTH] for text in answers]
    if finish and not any(cleaned):
        raise AnswersError("Answer at least one question, or choose to save and come back later.")
    for row in interview.answers:
        if row.position - 1 < len(cleaned):
            row.answer = cleaned[row.position - 1]
    interview.anonymous = anonymous
    finished_now = finish and interview.status is not InterviewStatus.ANSWERED
    if finished_now:
        interview.status = InterviewStatus.ANSWERED
        interview.answered_at = now or utcnow()
        # Not even the role: with one client leader, "a client leader answered" names them.
        record(
            session=session,
            case=interview.case,
            kind=Kind.INTERVIEW_ANSWERED,
            author=None if anonymous else interview.person,
            text="An interview was answered anonymously"
            if anonymous
            else f"{interview.person.display_name} answered the interview",
        )
    elif interview.status is InterviewStatus.INVITED:
        interview.status = InterviewStatus.IN_PROGRESS
    session.flush()
    return SaveOutcome(card(session=session, interview_id=interview.id), finished_now)


# ---- reminders -----------------------------------------------------------------------


def _aware(moment: datetime) -> datetime:
    """SQLite gives back naive datetimes; every stored time is UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _reminder_times(session: Session) -> list[tuple[int, datetime]]:
    """(interview id, when its reminder is due) of every interview still owed one."""
    rows = session.execute(
        select(Interview.id, Interview.invited_at, Case.interview_reminder_hours)
        .join(Case, Case.id == Interview.case_id)
        .where(Interview.status != InterviewStatus.ANSWERED, Interview.reminded_at.is_(None))
        .order_by(Interview.id)
    )
    return [
        (interview_id, _aware(invited_at) + timedelta(hours=hours))
        for interview_id, invited_at, hours in rows
    ]


def due_reminders(*, session: Session, now: datetime) -> list[int]:
    """Interviews not answered ``interview_reminder_hours`` after the invitation, never
    reminded; the caller claims each before sending."""
    moment = _aware(now)
    return [interview_id for interview_id, due in _reminder_times(session) if due <= moment]


def next_reminder_at(*, session: Session, after: datetime) -> datetime | None:
    """The first instant after ``after`` at which an interview reminder falls due."""
    moment = _aware(after)
    return min((due for _id, due in _reminder_times(session) if due > moment), default=None)


def claim_reminder(*, session: Session, interview_id: int, now: datetime) -> bool:
    """Take the one reminder of an interview; False when another run took it first.

    One conditional UPDATE does it, so two runs (threads, processes, instances) racing
    for the same interview can't both win.
    """
    result = session.execute(
        update(Interview)
        .where(
            Interview.id == interview_id,
            Interview.reminded_at.is_(None),
            Interview.status != InterviewStatus.ANSWERED,
        )
        .values(reminded_at=_aware(now))
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1  # type: ignore[attr-defined]


def note_reminded(*, session: Session, interview_id: int) -> None:
    """Record on the timeline that the reminder went out."""
    interview = session.get_one(Interview, interview_id)
    record(
        session=session,
        case=interview.case,
        kind=Kind.INTERVIEW_REMINDED,
        author=None,
        text=f"{interview.person.display_name} reminded of the interview",
    )


# ---- coverage ------------------------------------------------------------------------


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


# ---- for findings --------------------------------------------------------------------


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
