"""Who may do what, as a matrix: every command, button, form and event × every role.

Each cell starts from the same case, built with direct playbook calls (fast): Ana leads
it, Ben is on the delivery team, Carla is the client (Slack Connect) and Dev a client
guest. Grievance #1 is confidential (Ana filed it for Erin, a client leader not in
Slack); grievance #2 is Carla's, posted in #acme-recovery. Then the one act under test
goes through the real HTTP stack as that person, and the cell checks what they would
notice:

* allowed: the effect happened (a row, a form, an answer), and lead-only words appear
  only to those ``bot.playbook.access`` lets see confidential items;
* refused: an explanation reached that person privately (ephemeral, DM or form error)
  and nothing changed in the database.

Forms are opened by Ana and then submitted by the person under test (a copy of the form
put in front of them), as a replayed or forged payload would be: the server must refuse
it, not only the command that opens the form. Expected outcomes come from the policy
table; ``test_every_surface_has_a_policy`` makes a new command, button or form without a
cell here fail.
"""

from __future__ import annotations

from typing import Any

import pytest

from bot.ids import Action as SlackAction
from bot.ids import Callback
from bot.playbook import access
from bot.playbook.commands import SUBCOMMANDS
from bot.sandbox.stack import SandboxStack
from bot.surface import BOT_EVENTS, MESSAGE_SHORTCUTS
from storage.models import Case
from tests.handlers.authorization.commands import COMMANDS
from tests.handlers.authorization.interactions import INTERACTIONS
from tests.handlers.authorization.surface import A, Surface
from tests.handlers.authorization.world import ACTORS, ROLES, World, _fingerprint, _seed

SURFACES: tuple[Surface, ...] = COMMANDS + INTERACTIONS

#: Surfaces that need no policy cell, and why.
OPEN_TO_ALL: dict[str, str] = {
    "help": "usage text only, the same for everyone and about no case",
    Callback.FULL_TEXT: "a read-only modal with no submit button; opened by *Read it all*",
    SlackAction.PICK_CASE: "not listened to: an input id with no listener",
    SlackAction.INTERVIEW_INVITEES: "an input of the interview invite form (a cell above)",
    SlackAction.INTERVIEW_ANSWER: "an input of the interview form (a cell above)",
    SlackAction.INTERVIEW_ANONYMOUS: "an input of the interview form (a cell above)",
    SlackAction.INTERVIEW_FINISH: "an input of the interview form (a cell above)",
    SlackAction.INTERVIEW_CLIENT_QUESTIONS: "an input of the questions form (a cell above)",
    SlackAction.INTERVIEW_TEAM_QUESTIONS: "an input of the questions form (a cell above)",
    SlackAction.INTERVIEW_REMINDER_HOURS: "an input of the questions form (a cell above)",
    "message.groups": "the same listener as message.channels, for private channels",
}


def _cell_ids() -> list[Any]:
    return [
        pytest.param(surface, actor, id=f"{surface.name}-{who}")
        for surface in SURFACES
        for who, actor in ACTORS.items()
    ]


@pytest.mark.parametrize(("surface", "actor"), _cell_ids())
def test_cell(stack: SandboxStack, surface: Surface, actor: str) -> None:
    world = _seed(stack)
    surface.setup(world, actor)
    stack.settle()
    before = _fingerprint(world)

    surface.act(world, actor)

    if surface.allows(actor):
        assert surface.happened(world, actor), f"{surface.name} did nothing for {actor}"
        if surface.reveals:
            sees = ROLES[actor] in access.POLICY[A.VIEW_CONFIDENTIAL].allowed
            assert (surface.reveals in world.told(actor)) is sees
            assert surface.reveals not in world.channel_says()
        return
    if surface.refused is not None:
        surface.refused(world, actor)
        return
    why = surface.says or _policy_says(world, surface.action)
    assert why in world.told(actor), f"{actor} was not told why: {world.told(actor)[-500:]}"
    assert _fingerprint(world) == before
    assert not surface.happened(world, actor)


def _policy_says(world: World, action: access.Action) -> str:
    """The first sentence of the policy's refusal for ``action`` on the seeded case."""
    said = world.read(
        lambda session: access.refusal(
            session=session, case=session.get_one(Case, world.case_id), action=action
        )
    )
    return str(said).split(". ")[0]


# ---- completeness --------------------------------------------------------------------


def test_every_surface_has_a_policy() -> None:
    """A new subcommand, button, form or event must come with cells here (or a reason)."""
    everything = (
        {usage.name for usage in SUBCOMMANDS}
        | {action.value for action in SlackAction}
        | {callback.value for callback in Callback}
        | set(MESSAGE_SHORTCUTS)
        | set(BOT_EVENTS)
    )
    covered = {surface.covers for surface in SURFACES}
    assert sorted(everything - covered - set(OPEN_TO_ALL)) == []
    assert covered | set(OPEN_TO_ALL) <= everything  # nothing stale listed here


def test_every_action_in_the_policy_is_exercised() -> None:
    """A policy row no cell exercises is either dead or untested. Changing anyone's
    grievance is the lead's side of the "resolve/add detail to Carla's" cells, seeing
    confidential items is what every ``reveals`` cell checks, and share links are made on
    the web pages, not in Slack (``tests/web/test_share_links.py`` checks each role)."""
    exercised = {surface.action for surface in SURFACES}
    assert any(surface.reveals for surface in SURFACES)
    assert set(access.Action) - exercised == {A.EDIT_ANY_GRIEVANCE, A.VIEW_CONFIDENTIAL, A.SHARE}
