"""The cross-case axis of the authorization matrix: ids from elsewhere.

Every id a button or form carries is a claim. Each cell puts, in front of the actor in
#acme-recovery, a button or form that names an item of another case: another client's
case in the same workspace, or a case of another workspace. The actor is made as
entitled to that item as can be (they filed the grievance, posted the update, lead the
case), so only "that is not this channel's case" can refuse it: nothing of the other
case may be shown to them, nothing may be written, and they are told the item is gone,
in the very words used when it does not exist.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from slack_sdk.models.blocks import ActionsBlock, ButtonElement
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.ids import Action as SlackAction
from bot.ids import Field
from bot.playbook import access, checkins
from bot.playbook.grievances import GrievanceDraft
from bot.playbook.intake import Where, file
from bot.playbook.people import ensure_person
from bot.sandbox.stack import SandboxStack
from bot.sandbox.workspace import Message
from bot.slack.identity import Installation
from bot.slack.lookup import profile_of
from storage.models import (
    Case,
    CaseLead,
    CheckinOccurrence,
    OccurrenceStatus,
    ProgressUpdate,
    TimelineEntry,
)
from tests.handlers.authorization.world import (
    ACTORS,
    CHANNEL,
    CLIENT,
    LEAD,
    T0,
    World,
    _blocks,
    _fingerprint,
    _person,
    _seed,
)

FOREIGN_SECRET = "Globex lost a week of orders in the migration"
FOREIGN_TARGETS = {
    "another client": ("T0SANDBOX", "CGLOBEX", "globex-recovery"),
    "another workspace": ("T0ELSEWHERE", "CINITECH", "initech-recovery"),
}


@dataclass(frozen=True)
class Foreign:
    """The other case's items the forged ids name."""

    case_id: int
    grievance_id: int
    update_id: int
    first_entry_id: int
    occurrence_id: int


def _foreign(world: World, target: str, actor: str) -> Foreign:
    """Another case the actor filed a grievance on, posted an update to and leads."""
    team_id, channel, name = FOREIGN_TARGETS[target]
    if team_id == "T0SANDBOX":
        team_id = world.stack.workspace.team_id
    profile = profile_of(world.stack.app.client, actor, Installation(world.stack.workspace.team_id))
    with world.stack.db.transaction() as session:
        grievance = file(
            session=session,
            where=Where(team_id, channel, name),
            reporter=profile,
            draft=GrievanceDraft(text=FOREIGN_SECRET),
        ).grievance
        case = grievance.case
        person = _person(session, case, actor)
        if not access.is_lead(session=session, case=case, person=person):
            session.add(CaseLead(case_id=case.id, person_id=person.id))
        update = ProgressUpdate(case_id=case.id, author_id=person.id, text=FOREIGN_SECRET)
        session.add(update)
        occurrence = _foreign_checkin(session, case, world)
        case.closed_at = T0
        session.flush()
        first = session.scalar(
            select(func.min(TimelineEntry.id)).where(TimelineEntry.case_id == case.id)
        )
        return Foreign(case.id, grievance.id, update.id, int(first or 0), occurrence.id)


def _foreign_checkin(session: Session, case: Case, world: World) -> CheckinOccurrence:
    """A rating check-in of the other case, asking everyone, posted in its channel."""
    ana = profile_of(world.stack.app.client, LEAD, Installation(world.stack.workspace.team_id))
    lead = ensure_person(session=session, workspace=case.workspace, profile=ana)
    if not access.is_lead(session=session, case=case, person=lead):
        session.add(CaseLead(case_id=case.id, person_id=lead.id))
        session.flush()
    schedule = checkins.create(
        session=session,
        case=case,
        actor=lead,
        draft=checkins.ScheduleDraft(
            days=(0, 1, 2, 3, 4),
            time_of_day="09:30",
            timezone="UTC",
            questions=[checkins.Question(kind="rating", text="How are we doing?")],
        ),
        now=T0 - timedelta(minutes=5),
    )
    occurrence = CheckinOccurrence(
        schedule_id=schedule.id,
        due_at=T0,
        status=OccurrenceStatus.POSTED,
        posted_at=T0,
        slack_channel=case.channel_id,
        slack_ts="1796025600.000100",
    )
    session.add(occurrence)
    session.flush()
    return occurrence


#: Every button whose value names a row, and the forged value naming the other case's.
FORGED_BUTTONS: dict[str, Callable[[Foreign], str]] = {
    SlackAction.READ_ALL: lambda f: str(f.grievance_id),
    SlackAction.ADD_DETAIL: lambda f: str(f.grievance_id),
    f"{SlackAction.SET_STATUS}:acknowledged": lambda f: f"{f.grievance_id}:acknowledged",
    f"{SlackAction.HISTORY_PAGE}:newer": lambda f: f"{f.case_id}:after:{f.first_entry_id - 1}",
    SlackAction.PROGRESS_CORRECT: lambda f: json.dumps({"update": f.update_id}),
    SlackAction.PROGRESS_WITHDRAW: lambda f: json.dumps({"update": f.update_id}),
    SlackAction.REOPEN_CASE: lambda f: str(f.case_id),
    f"{SlackAction.CHECKIN_RATE}:0:4": lambda f: f"{f.occurrence_id}:0:4",
}
#: What each refusal says, alike for "no such item" and "not yours".
GONE = {
    SlackAction.READ_ALL: "That grievance no longer exists.",
    SlackAction.ADD_DETAIL: "That grievance no longer exists.",
    f"{SlackAction.SET_STATUS}:acknowledged": "That grievance no longer exists.",
    f"{SlackAction.HISTORY_PAGE}:newer": "That history is no longer available.",
    SlackAction.PROGRESS_CORRECT: "This progress update was withdrawn already.",
    SlackAction.PROGRESS_WITHDRAW: "This progress update was withdrawn already.",
    SlackAction.REOPEN_CASE: "This case no longer exists.",
    f"{SlackAction.CHECKIN_RATE}:0:4": "This check-in no longer exists.",
}


def _forgeable_buttons(world: World) -> Message:
    """A message in #acme-recovery with every id-carrying button (values set per click)."""
    blocks = [
        ActionsBlock(elements=[ButtonElement(text=action[:70], action_id=action, value="0")])
        for action in FORGED_BUTTONS
    ]
    return world.stack.workspace.post_bot_message(CHANNEL, "Buttons", _blocks(blocks))


def _cross_case_cells() -> list[Any]:
    cells = []
    for button in FORGED_BUTTONS:
        for target in FOREIGN_TARGETS:
            for role, actor in ACTORS.items():
                cells.append(pytest.param(button, target, actor, id=f"{button}-{target}-{role}"))
    return cells


@pytest.mark.parametrize(("button", "target", "actor"), _cross_case_cells())
def test_a_button_naming_another_case_is_refused(
    stack: SandboxStack, button: str, target: str, actor: str
) -> None:
    world = _seed(stack)
    foreign = _foreign(world, target, actor)
    message = _forgeable_buttons(world)
    before = _fingerprint(world)

    delivery = stack.slack.click(
        actor, button, message=(CHANNEL, message.ts), value=FORGED_BUTTONS[button](foreign)
    )

    assert delivery.status == 200, delivery.body
    stack.settle()
    assert FOREIGN_SECRET not in world.told(actor)
    assert world.modal_of(actor) == ""
    assert _fingerprint(world) == before
    assert GONE[button] in world.told(actor)


def test_every_id_carrying_button_is_forged_across_cases() -> None:
    """A new button that carries an id must come with its forgery here. Interview and
    rating buttons are left out: their item already belongs to one person (only the
    invitee, only the rater), which their own cells check."""
    carrying = {
        SlackAction.READ_ALL,
        SlackAction.ADD_DETAIL,
        SlackAction.SET_STATUS,
        SlackAction.HISTORY_PAGE,
        SlackAction.PROGRESS_CORRECT,
        SlackAction.PROGRESS_WITHDRAW,
        SlackAction.REOPEN_CASE,
        SlackAction.CHECKIN_RATE,
    }
    forged = {b.partition(":")[0] for b in FORGED_BUTTONS}
    assert forged == carrying


def _tampered(world: World, actor: str, change: Callable[[str], str]) -> None:
    """The actor's open form, its ``private_metadata`` changed on the way by ``change``."""
    ws = world.stack.workspace
    view = ws.modal_stack(actor)[-1]
    view.payload["private_metadata"] = change(str(view.payload.get("private_metadata", "")))
    world.view_id = view.id


def _plain(metadata: str) -> str:
    """The metadata without its seal: what a form looked like before sealing."""
    return metadata.partition(".")[2]


#: How a form's state is forged: (who opens it, what is done to it).
FORGED_FORMS: dict[str, Callable[[World, Foreign], None]] = {
    "another client's channel in a new grievance form": lambda world, foreign: _tampered(
        world, CLIENT, lambda m: m.replace(CHANNEL, "CGLOBEX")
    ),
    "its seal stripped": lambda world, foreign: _tampered(world, CLIENT, _plain),
    "another case's grievance in the form": lambda world, foreign: _tampered(
        world,
        CLIENT,
        lambda m: _plain(m).replace(
            '"channel_id"', f'"grievance_id":{foreign.grievance_id},"channel_id"'
        ),
    ),
    "a copy of the form the lead opened": lambda world, foreign: _copied_to_client(world),
}


def _copied_to_client(world: World) -> None:
    """The form Ana opened, put in front of Carla as it is (its seal names Ana)."""
    ws = world.stack.workspace
    view = ws.modal_stack(LEAD)[-1]
    world.view_id = ws.open_modal(CLIENT, view.payload).id


@pytest.mark.parametrize("forgery", FORGED_FORMS)
def test_a_form_with_forged_state_is_refused_like_a_stale_one(
    stack: SandboxStack, forgery: str
) -> None:
    world = _seed(stack)
    foreign = _foreign(world, "another client", CLIENT)
    world.command(CLIENT, "new")
    world.command(LEAD, "new")
    FORGED_FORMS[forgery](world, foreign)
    before = _fingerprint(world)

    world.submit(CLIENT, {Field.TEXT: "Filed somewhere I am not"})

    assert "Form out of date" in world.told(CLIENT)
    assert FOREIGN_SECRET not in world.told(CLIENT)
    assert _fingerprint(world) == before
    assert "Filed somewhere I am not" not in world.channel_says()


def test_a_case_picked_in_a_dm_form_must_be_one_offered(stack: SandboxStack) -> None:
    """In a DM the form offers only the person's own cases; a pick forged to name another
    client's channel is refused like a stale form, and nothing is filed there."""
    world = _seed(stack)
    _foreign(world, "another client", LEAD)  # Globex's case: Carla takes no part in it
    dm = stack.workspace.dm_channel_for(CLIENT).id
    assert stack.slack.slash_command(CLIENT, dm, "").status == 200
    stack.settle()
    world.view_id = stack.workspace.modal_stack(CLIENT)[-1].id
    before = _fingerprint(world)
    forged = {"text": {"type": "plain_text", "text": "Globex"}, "value": "CGLOBEX"}

    world.submit(CLIENT, {Field.CASE: forged, Field.TEXT: "Filed on a case I am not in"})

    assert "Form out of date" in world.told(CLIENT)
    assert _fingerprint(world) == before
