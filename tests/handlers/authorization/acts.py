"""Acts for the authorization matrix: the one thing the actor does in a cell (a
command, a button, a form, a shortcut, a reaction, a reply, opening the App Home).
"""

from __future__ import annotations

from collections.abc import Callable

from bot.ids import Action as SlackAction
from bot.ids import Callback, Field, RatingField
from tests.handlers.authorization.world import CHANNEL, World


def _run(text: str) -> Callable[[World, str], None]:
    return lambda world, actor: world.command(actor, text)


def _run_numbered(template: str) -> Callable[[World, str], None]:
    return lambda world, actor: world.command(actor, template.format(n=world.number))


def _press(action_id: str) -> Callable[[World, str], None]:
    def act(world: World, actor: str) -> None:
        assert world.target is not None
        world.click(actor, action_id, world.target)

    return act


def _press_on_grievance(action_id: str) -> Callable[[World, str], None]:
    def act(world: World, actor: str) -> None:
        world.click(actor, action_id, world.stack.workspace.get_message(CHANNEL, world.public_ts))

    return act


def _press_add_detail(world: World, actor: str) -> None:
    world.click_ephemeral(actor, SlackAction.ADD_DETAIL)


def _submit(answers: dict[str, object]) -> Callable[[World, str], None]:
    return lambda world, actor: world.submit(actor, answers)


def _open_and_submit_interview(world: World, actor: str) -> None:
    assert world.target is not None
    world.click(actor, SlackAction.INTERVIEW_OPEN, world.target)
    world.view_id = world.stack.workspace.modal_stack(actor)[-1].id
    world.submit(actor, {f"{SlackAction.INTERVIEW_ANSWER}:1": "Ship smaller releases"})


def _open_and_submit_rating(world: World, actor: str) -> None:
    assert world.target is not None
    world.click(actor, SlackAction.FINAL_RATING_OPEN, world.target)
    world.view_id = world.stack.workspace.modal_stack(actor)[-1].id
    world.submit(actor, {RatingField.SCORE: "4"})


def _new_grievance_form(world: World, actor: str) -> None:
    world.command(actor, "new")
    world.view_id = world.stack.workspace.modal_stack(actor)[-1].id
    world.submit(actor, {Field.TEXT: "The staging site is down again"})


def _shortcut(world: World, actor: str) -> None:
    assert world.target is not None
    delivery = world.stack.slack.message_shortcut(
        actor, CHANNEL, world.target.ts, Callback.FILE_AS_GRIEVANCE
    )
    assert delivery.status == 200, delivery.body
    world.stack.settle()


def _page_back(world: World, actor: str) -> None:
    world.command(actor, "history")
    ws = world.stack.workspace
    world.ephemeral = next(e for e in reversed(ws.ephemerals) if e.user == actor)
    world.click_ephemeral(actor, f"{SlackAction.HISTORY_PAGE}:older")


def _react(world: World, actor: str) -> None:
    assert world.target is not None
    world.stack.slack.react(actor, CHANNEL, world.target.ts, "+1")
    world.stack.settle()


def _react_and_withdraw(world: World, actor: str) -> None:
    _react(world, actor)
    assert world.target is not None
    world.stack.slack.unreact(actor, CHANNEL, world.target.ts, "+1")
    world.stack.settle()


def _reply(world: World, actor: str) -> None:
    assert world.target is not None
    world.stack.slack.post_message(actor, CHANNEL, "Better this week", thread_ts=world.target.ts)
    world.stack.settle()


def _open_home(world: World, actor: str) -> None:
    assert world.stack.slack.open_home(actor).status == 200
    world.stack.settle()
