"""The progress-update intents, each in its one transaction: post from a line of text or
from the form, open the form, correct or withdraw a posted update, and read what an
update's (or a grievance's) channel message shows.

``handlers.progress`` does the Slack side; what it gets back are plain values (ids, the
playbook's ``Posted``, ``UpdateSnapshot`` and ``Withdrawn``, ``GrievanceView``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from pydantic import ValidationError
from sqlalchemy.orm import Session

from bot.flows import scope
from bot.playbook import access, people
from bot.playbook import progress as playbook
from bot.playbook.errors import PlaybookError
from bot.playbook.grievances import view
from bot.playbook.people import Profile
from bot.playbook.progress import (
    Posted,
    ProgressDraft,
    UpdateChoices,
    UpdateRef,
    UpdateSnapshot,
    Withdrawn,
)
from bot.views import GrievanceView
from storage.engine import Database
from storage.models import Case, Grievance, Person, ProgressUpdate


@dataclass(frozen=True)
class UpdateForm:
    """What the update form needs: the case it posts to and what it may tick or address."""

    case_id: int
    channel_id: str
    choices: UpdateChoices


@dataclass(frozen=True)
class Pressed:
    """Who pressed an update's button, and where (to check the update is theirs to reach)."""

    team_id: str
    user_id: str
    #: The channel the button was pressed in (None on the App Home or in a form).
    channel_id: str | None


@dataclass(frozen=True)
class GrievanceMessage:
    """A grievance's channel message and what it should show now."""

    channel: str
    ts: str
    shown: GrievanceView


def _author(session: Session, case: Case, person: Person | None) -> Person:
    return access.require(
        session=session, case=case, person=person, action=access.Action.POST_PROGRESS
    )


def post_text(
    db: Database, *, team_id: str, channel_id: str, caller: Profile, text: str, now: datetime
) -> Posted:
    """Commit an update typed after ``/grievance update`` to the channel's case."""
    draft = playbook.parse_draft(text=text)
    with db.transaction() as session:
        found = scope.case_and_actor(session, team_id=team_id, channel_id=channel_id, caller=caller)
        author = _author(session, found.case, found.person)
        return playbook.post_update(
            session=session, case=found.case, author=author, draft=draft, now=now
        )


def update_form(db: Database, *, team_id: str, channel_id: str, caller: Profile) -> UpdateForm:
    """The channel's case and what its update form lists, for someone who may post."""
    with db.transaction() as session:
        found = scope.case_and_actor(session, team_id=team_id, channel_id=channel_id, caller=caller)
        _author(session, found.case, found.person)
        return UpdateForm(
            case_id=found.case.id,
            channel_id=found.case.channel_id,
            choices=playbook.choices(session=session, case=found.case),
        )


def post_from_form(
    db: Database,
    *,
    case_id: int,
    user_id: str,
    draft: ProgressDraft,
    strategy_id: int | None,
    now: datetime,
) -> Posted:
    """Commit an update submitted from the form, against the strategy it was opened on."""
    with db.transaction() as session:
        case = session.get(Case, case_id)
        if case is None:
            raise PlaybookError("This case no longer exists.")
        person = people.find_person(session=session, workspace=case.workspace, user_id=user_id)
        return playbook.post_update(
            session=session,
            case=case,
            author=_author(session, case, person),
            draft=draft,
            now=now,
            strategy_id=strategy_id,
        )


def snapshot(db: Database, ref: UpdateRef) -> UpdateSnapshot:
    """The update's channel message, as it reads now."""
    with db.transaction() as session:
        return playbook.snapshot(session=session, ref=ref)


def mark_posted(db: Database, posted: Posted, *, channel: str, ts: str) -> None:
    """Remember where the update was posted (its buttons and corrections find it there)."""
    with db.transaction() as session:
        playbook.mark_posted(session=session, posted=posted, channel=channel, ts=ts)


def grievance_message(db: Database, grievance_id: int) -> GrievanceMessage | None:
    """The grievance's channel message as it should read now; None when it has none
    (never posted) or must not be touched (confidential ones have no channel message)."""
    with db.transaction() as session:
        grievance = session.get_one(Grievance, grievance_id)
        if grievance.confidential or not (grievance.slack_channel and grievance.slack_ts):
            return None
        return GrievanceMessage(
            channel=grievance.slack_channel, ts=grievance.slack_ts, shown=view(grievance)
        )


def _actor(session: Session, pressed: Pressed) -> Person | None:
    """Who pressed or submitted, as the bot knows them (None: never met)."""
    workspace = people.ensure_workspace(session=session, team_id=pressed.team_id)
    return people.find_person(session=session, workspace=workspace, user_id=pressed.user_id)


def _ref(session: Session, value: str | None, pressed: Pressed) -> UpdateRef:
    """The update a button names, if the person pressing may reach it from there."""
    try:
        ref = UpdateRef.model_validate_json(value or "")
    except ValidationError as exc:
        raise PlaybookError(playbook.GONE) from exc
    update = session.get(ProgressUpdate, ref.update)
    if update is None:
        raise PlaybookError(playbook.GONE)
    case = session.get_one(Case, update.case_id)
    access.require_in_scope(
        session=session,
        case=case,
        person=people.find_person(
            session=session, workspace=case.workspace, user_id=pressed.user_id
        ),
        team_id=pressed.team_id,
        channel_id=pressed.channel_id,
        gone=playbook.GONE,
    )
    return ref


def editable(db: Database, value: str | None, pressed: Pressed) -> tuple[UpdateRef, str]:
    """The update a *Correct* button names and its text, if the presser may correct it."""
    with db.transaction() as session:
        ref = _ref(session, value, pressed)
        update = playbook.editable_update(
            session=session, update_id=ref.update, actor=_actor(session, pressed)
        )
        return ref, update.text


def correct(
    db: Database, ref: UpdateRef, pressed: Pressed, text: str | None
) -> tuple[str | None, str | None]:
    """Commit the corrected text; where the update's message is (channel, ts)."""
    with db.transaction() as session:
        update = playbook.correct_update(
            session=session, update_id=ref.update, actor=_actor(session, pressed), text=text
        )
        return update.slack_channel, update.slack_ts


def withdraw(db: Database, value: str | None, pressed: Pressed) -> Withdrawn:
    """Withdraw the update a *Withdraw* button names, if the presser may."""
    with db.transaction() as session:
        ref = _ref(session, value, pressed)
        return playbook.withdraw_update(
            session=session, update_id=ref.update, actor=_actor(session, pressed)
        )
