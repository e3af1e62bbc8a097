"""Interviews: inviting people, answering, coverage and the question sets, one transaction
per intent.

Listeners hand over who acted, where, and what they typed or picked; they get back the
playbook's plain values (``InterviewCard``, ``Coverage``...) or the small results below,
never a row. Slack is asked nothing here: invitees' profiles are looked up before, and
the DMs sent after, the transaction that invites them.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from bot.flows.scope import NO_CASE
from bot.playbook import access, cases, history, people
from bot.playbook import interviews as playbook
from bot.playbook.errors import PlaybookError
from bot.playbook.interviews.answering import InterviewCard, SaveOutcome
from bot.playbook.interviews.invitations import Invitation
from bot.playbook.interviews.roster import Coverage
from bot.playbook.people import Profile
from bot.vocabulary import InterviewStatus, Side
from storage.engine import Database
from storage.models import Case, Person


@dataclass(frozen=True)
class Invited:
    """What inviting committed: the DMs to send now, and who was not invited again."""

    #: Each invitation with the card its DM shows.
    to_send: list[tuple[Invitation, InterviewCard]]
    already: list[tuple[str, InterviewStatus]]
    #: Sentences for whoever was left out and why.
    skipped: list[str]


@dataclass(frozen=True)
class Status:
    """The case's interview coverage, as the caller may see it."""

    client_name: str
    coverage: Coverage
    #: Leads also see who asked for anonymity.
    show_anonymous: bool


@dataclass(frozen=True)
class QuestionSets:
    """The case's current questions and reminder delay, to prefill the editor."""

    case_id: int
    client: list[str]
    team: list[str]
    hours: int


@dataclass(frozen=True)
class QuestionsSaved:
    """What saving the editor did: whether anything changed, and the sets now."""

    changed: bool
    counts: dict[Side, int]
    hours: int


def _case_of(
    session: Session, *, team_id: str, channel_id: str, user_id: str
) -> tuple[Case, Person | None]:
    """This channel's case (or the no-case refusal) and the caller, if the bot knows them."""
    workspace = people.ensure_workspace(session=session, team_id=team_id)
    case = cases.find_case(session=session, workspace=workspace, channel_id=channel_id)
    if case is None:
        raise PlaybookError(NO_CASE)
    return case, people.find_person(session=session, workspace=workspace, user_id=user_id)


def require_inviter(db: Database, *, team_id: str, channel_id: str, user_id: str) -> int:
    """The channel's case id if ``user_id`` may invite people to interviews; else refuse."""
    with db.transaction() as session:
        case, actor = _case_of(session, team_id=team_id, channel_id=channel_id, user_id=user_id)
        access.require(
            session=session, case=case, person=actor, action=access.Action.INVITE_TO_INTERVIEW
        )
        return case.id


def suggested_invitees(db: Database, *, team_id: str, channel_id: str, user_id: str) -> list[str]:
    """For a lead opening the invite form: stakeholders with no interview yet."""
    with db.transaction() as session:
        case, actor = _case_of(session, team_id=team_id, channel_id=channel_id, user_id=user_id)
        lead = access.require(
            session=session, case=case, person=actor, action=access.Action.INVITE_TO_INTERVIEW
        )
        return playbook.not_yet_invited(session=session, case=case, lead=lead)


def case_here(db: Database, *, team_id: str, channel_id: str) -> int | None:
    """The id of the channel's case, None when it has none."""
    with db.transaction() as session:
        workspace = people.ensure_workspace(session=session, team_id=team_id)
        case = cases.find_case(session=session, workspace=workspace, channel_id=channel_id)
        return case.id if case else None


def invite(
    db: Database, *, team_id: str, case_id: int, lead_id: str, invitees: list[Profile]
) -> Invited:
    """Commit the invitees' interviews (the lead must still lead); the DMs to send."""
    with db.transaction() as session:
        case = session.get_one(Case, case_id)
        workspace = people.ensure_workspace(session=session, team_id=team_id)
        actor = people.find_person(session=session, workspace=workspace, user_id=lead_id)
        people_invited = [
            people.ensure_person(session=session, workspace=workspace, profile=p) for p in invitees
        ]
        outcome = playbook.invite(
            session=session,
            case=case,
            actor=access.require(
                session=session, case=case, person=actor, action=access.Action.INVITE_TO_INTERVIEW
            ),
            invitees=people_invited,
        )
        return Invited(
            to_send=[
                (invitation, playbook.card(session=session, interview_id=invitation.interview_id))
                for invitation in outcome.to_send
            ],
            already=list(outcome.already),
            skipped=list(outcome.skipped),
        )


def remember_dm(db: Database, *, interview_id: int, channel: str, ts: str) -> None:
    """Note where an invitation was delivered, so the DM can follow its interview."""
    with db.transaction() as session:
        playbook.remember_dm(session=session, interview_id=interview_id, channel=channel, ts=ts)


def status(db: Database, *, team_id: str, channel_id: str, user_id: str) -> Status:
    """Coverage of the channel's case's interviews, as ``user_id`` may see it."""
    with db.transaction() as session:
        case, viewer = _case_of(session, team_id=team_id, channel_id=channel_id, user_id=user_id)
        return Status(
            client_name=case.client_name,
            coverage=playbook.coverage(session=session, case=case),
            show_anonymous=history.include_confidential_for(
                session=session, case=case, viewer=viewer
            ),
        )


def question_sets(db: Database, *, team_id: str, channel_id: str, user_id: str) -> QuestionSets:
    """The channel's case's question sets, for a lead who may edit them."""
    with db.transaction() as session:
        case, actor = _case_of(session, team_id=team_id, channel_id=channel_id, user_id=user_id)
        access.require(
            session=session,
            case=case,
            person=actor,
            action=access.Action.EDIT_INTERVIEW_QUESTIONS,
        )
        return QuestionSets(
            case_id=case.id,
            client=playbook.questions_for(session=session, case=case, side=Side.CLIENT),
            team=playbook.questions_for(session=session, case=case, side=Side.TEAM),
            hours=case.interview_reminder_hours,
        )


def save_questions(
    db: Database,
    *,
    team_id: str,
    case_id: int,
    user_id: str,
    client: str | None,
    team: str | None,
    reminder_hours: object,
) -> QuestionsSaved:
    """Store a lead's question sets; ``QuestionsError`` names the inputs to fix."""
    with db.transaction() as session:
        case = session.get(Case, case_id)
        if case is None:
            raise PlaybookError("This case no longer exists.")
        workspace = people.ensure_workspace(session=session, team_id=team_id)
        actor = access.require(
            session=session,
            case=case,
            person=people.find_person(session=session, workspace=workspace, user_id=user_id),
            action=access.Action.EDIT_INTERVIEW_QUESTIONS,
        )
        changed = playbook.set_questions(
            session=session,
            case=case,
            actor=actor,
            client=client,
            team=team,
            reminder_hours=reminder_hours,
        )
        return QuestionsSaved(
            changed=changed,
            counts={
                side: len(playbook.questions_for(session=session, case=case, side=side))
                for side in Side
            },
            hours=case.interview_reminder_hours,
        )


def card_for(db: Database, *, interview_id: int, user_id: str) -> InterviewCard:
    """The interview ``user_id`` was invited to, if it is theirs."""
    with db.transaction() as session:
        return playbook.card_for(session=session, interview_id=interview_id, user_id=user_id)


def save_answers(
    db: Database,
    *,
    interview_id: int,
    user_id: str,
    answers: list[str],
    anonymous: bool,
    finish: bool,
) -> SaveOutcome:
    """Store an invitee's answers, finishing the interview if they said so."""
    with db.transaction() as session:
        return playbook.save_answers(
            session=session,
            interview_id=interview_id,
            user_id=user_id,
            answers=answers,
            anonymous=anonymous,
            finish=finish,
        )
