"""Effects for the authorization matrix: what the person would notice when the act is
allowed (a row written, a form opened, an answer shown, a file in their DM).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.playbook import access
from storage.models import (
    Base,
    Case,
    CaseMember,
    CheckinSchedule,
    FinalRating,
    Grievance,
    Interview,
    InterviewStatus,
    ProgressUpdate,
    PulseReply,
    Role,
    Status,
)
from tests.handlers.authorization.world import CLIENT, PUBLIC, SECRET, World, _dm, _person


def _count(model: type[Base], *where: Any) -> Callable[[World, str], int]:
    return lambda world, actor: world.read(
        lambda session: session.scalar(select(func.count()).select_from(model).where(*where))
    )


def _more(model: type[Base], than: int, *where: Any) -> Callable[[World, str], bool]:
    counter = _count(model, *where)
    return lambda world, actor: counter(world, actor) > than


def _form_opened(callback: str) -> Callable[[World, str], bool]:
    return lambda world, actor: world.modal_of(actor) == callback


def _told(text: str) -> Callable[[World, str], bool]:
    return lambda world, actor: text in world.told(actor)


def _case_is(check: Callable[[Case], bool]) -> Callable[[World, str], bool]:
    return lambda world, actor: world.read(
        lambda session: check(session.get_one(Case, world.case_id))
    )


def _is_lead(user: str) -> Callable[[World, str], bool]:
    def check(world: World, actor: str) -> bool:
        return world.read(
            lambda session: access.is_lead(
                session=session,
                case=session.get_one(Case, world.case_id),
                person=_person(session, session.get_one(Case, world.case_id), user),
            )
        )

    return check


def _public_status(status: Status) -> Callable[[World, str], bool]:
    return lambda world, actor: world.read(
        lambda session: session.get_one(Grievance, world.public_id).status is status
    )


def _schedule_row(check: Callable[[CheckinSchedule | None], bool]) -> Callable[[World, str], bool]:
    return lambda world, actor: world.read(
        lambda session: check(session.get(CheckinSchedule, world.number))
    )


def _by_actor(model: type[Base], *where: Any) -> Callable[[World, str], bool]:
    """A row of ``model`` written for the actor (``person_id`` or ``author_id``)."""

    def check(world: World, actor: str) -> bool:
        def query(session: Session) -> int:
            person = _person(session, session.get_one(Case, world.case_id), actor)
            column = getattr(model, "person_id", None) or model.author_id  # type: ignore[attr-defined]
            return session.scalar(
                select(func.count()).select_from(model).where(column == person.id, *where)
            )

        return world.read(query) > 0

    return check


def _interview_answered(world: World, actor: str) -> bool:
    return world.read(
        lambda session: session.get_one(Interview, world.number).status is InterviewStatus.ANSWERED
    )


def _rated(world: World, actor: str) -> bool:
    return world.read(lambda session: session.get_one(FinalRating, world.number).rating == 4)


def _pulse_rated(world: World, actor: str) -> bool:
    return world.read(lambda session: session.get_one(PulseReply, world.number).rating == 4)


def _role_of_carla(world: World, actor: str) -> bool:
    def query(session: Session) -> bool:
        case = session.get_one(Case, world.case_id)
        member = session.scalar(
            select(CaseMember).where(
                CaseMember.case_id == case.id,
                CaseMember.person_id == _person(session, case, CLIENT).id,
            )
        )
        return member is not None and member.role is Role.CLIENT_LEADER

    return world.read(query)


def _exported_to_dm(world: World, actor: str) -> bool:
    """The export reached the actor's DM as a file holding the case, the confidential
    grievance's text included; False while nothing was uploaded anywhere."""
    ws = world.stack.workspace
    if not ws.files:
        return False
    shared = [f for m in ws.messages if m.channel == _dm(actor) for f in m.files]
    assert shared, f"a file was uploaded, but not to {actor}'s DM"
    content = ws.files[shared[-1]["id"]].content.decode("utf-8")
    assert SECRET not in world.channel_says()
    return PUBLIC in content and SECRET in content


def _offered_filing_only(world: World, actor: str) -> None:
    """``update <text>`` from the client side may only be filed, and only if they press."""
    assert "File this as a grievance?" in world.told(actor)
    assert "Post progress update" not in world.told(actor)
    assert not _more(ProgressUpdate, 0)(world, actor)
    assert not _more(Grievance, 2)(world, actor)


def _typed_then_pressed(text: str, action_id: str) -> Callable[[World, str], None]:
    """Type ``text``, then press ``action_id`` on the question it raised, if offered."""

    def act(world: World, actor: str) -> None:
        world.command(actor, text)
        asked = [e for e in world.stack.workspace.ephemerals if e.user == actor]
        if asked and action_id in json.dumps(asked[-1].blocks):
            world.ephemeral = asked[-1]
            world.click_ephemeral(actor, action_id)

    return act
