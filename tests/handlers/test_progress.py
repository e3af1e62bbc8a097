"""Progress updates through the real HTTP endpoint: a line of text, or the form.

An update is posted to the case channel linked to the current strategy version; the form
ticks off that version's actions and moves the grievances it addresses to "addressing",
updating their messages in place. Client-side people are politely refused.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import select

from bot.ids import Action, Callback, ProgressField, StrategyField
from bot.sandbox.stack import SandboxStack
from bot.sandbox.workspace import Message
from storage.models import (
    Grievance,
    ProgressUpdate,
    Role,
    Status,
    Strategy,
    StrategyAction,
    TimelineEntry,
)
from tests.conftest import shown
from tests.handlers.strategy_helpers import _input, _modal, _role

CHANNEL = "CACME"
ACTIONS_1 = f"{ProgressField.ACTIONS}:1"


def _command(stack: SandboxStack, user: str, text: str) -> str:
    return shown(stack, user, CHANNEL, text)


def _file(stack: SandboxStack, user: str, text: str, **columns: Any) -> int:
    _command(stack, user, text)
    with stack.db.transaction() as session:
        grievance = session.scalars(select(Grievance).order_by(Grievance.id.desc())).first()
        assert grievance is not None
        for name, value in columns.items():
            setattr(grievance, name, value)
        return grievance.id


def _propose(stack: SandboxStack, actions: str) -> Message:
    """Ana proposes strategy v1 through its form; returns its channel message."""
    _command(stack, "UANA", "strategy")
    view = _modal(stack, "UANA")
    answers = {StrategyField.SUMMARY: "Stabilise the export first", StrategyField.ACTIONS: actions}
    assert stack.slack.submit_view("UANA", view.id, answers).status == 200
    stack.settle()
    return next(m for m in stack.workspace.messages if m.text.startswith("Strategy v1"))


def _updates(stack: SandboxStack) -> list[Message]:
    return [
        m
        for m in stack.workspace.messages
        if m.channel == CHANNEL and m.bot_id and m.text.startswith("Progress update")
    ]


def _press_post(stack: SandboxStack, user: str) -> None:
    """Press *Post progress update* on the preview ``update <words>`` showed ``user``."""
    preview = [e for e in stack.workspace.ephemerals if e.user == user][-1]
    assert stack.slack.click(user, Action.RUN_TEXT, ephemeral=preview).status == 200
    stack.settle()


def _shown(message: Message) -> str:
    return message.text + "\n" + json.dumps(message.blocks, ensure_ascii=False)


def _actions(stack: SandboxStack) -> list[StrategyAction]:
    with stack.db.transaction() as session:
        return list(session.scalars(select(StrategyAction).order_by(StrategyAction.position)))


def test_an_update_in_words_is_posted_linked_to_strategy_v1(stack: SandboxStack) -> None:
    _file(stack, "UANA", "The invoice export broke twice this month")
    strategy_message = _propose(stack, "Fix the export @ben by 2026-12-01\nWeekly release notes")

    body = _command(stack, "UBEN", "update The export fix is in staging & ready to try")
    assert "Post this as a progress update" in body and not _updates(stack)

    _press_post(stack, "UBEN")

    (posted,) = _updates(stack)
    shown = _shown(posted)
    assert "The export fix is in staging &amp; ready to try" in shown
    link = stack.workspace.permalink(CHANNEL, strategy_message.ts)
    assert f"<{link}|strategy v1> · 0 of 2 actions done" in shown
    with stack.db.transaction() as session:
        update = session.scalars(select(ProgressUpdate)).one()
        strategy = session.scalars(select(Strategy)).one()
        entry = session.scalars(
            select(TimelineEntry).where(TimelineEntry.kind == "progress_update")
        ).one()
        assert (update.strategy_id, update.slack_ts, update.author_id) == (
            strategy.id,
            posted.ts,
            entry.author_id,
        )
        assert entry.slack_ts == posted.ts and "(strategy v1)" in entry.text


def test_the_form_ticks_actions_and_moves_grievances_to_addressing(
    stack: SandboxStack,
) -> None:
    staging = _file(stack, "UANA", "Staging has been down for days", status=Status.ACKNOWLEDGED)
    export = _file(stack, "UCARLA", "The invoice export broke twice this month")
    _file(stack, "UANA", "Secret: the PM is leaving", confidential=True)
    _propose(stack, "Fix the export @ben by 2026-12-01\nWeekly release notes")
    first, second = _actions(stack)

    _command(stack, "UANA", "update")
    view = _modal(stack, "UANA")
    assert view.payload["callback_id"] == Callback.PROGRESS_MODAL
    assert [o["value"] for o in _input(view, ACTIONS_1)["options"]] == [
        str(first.id),
        str(second.id),
    ]
    listed = {o["value"] for o in _input(view, ProgressField.GRIEVANCES)["options"]}
    assert listed == {str(export), str(staging)}  # the confidential one is not offered

    delivery = stack.slack.submit_view(
        "UANA",
        view.id,
        {
            ACTIONS_1: [str(first.id)],
            ProgressField.TEXT: "The export fix shipped to staging",
            ProgressField.GRIEVANCES: [str(export), str(staging)],
        },
    )
    assert delivery.status == 200 and not delivery.body.strip(), delivery.body
    stack.settle()

    done, still_open = _actions(stack)
    assert done.done_at is not None and still_open.done_at is None
    with stack.db.transaction() as session:
        moved = {g.id: g for g in session.scalars(select(Grievance))}
        assert moved[export].status is moved[staging].status is Status.ADDRESSING
        update = session.scalars(select(ProgressUpdate)).one()
        assert sorted(g.id for g in update.addressed) == [staging, export]
        changes = list(
            session.scalars(
                select(TimelineEntry.text).where(TimelineEntry.kind == "status_changed")
            )
        )
        where = {g.id: (g.slack_channel, g.slack_ts) for g in moved.values()}
    assert changes[-2:] == ["#1: acknowledged → addressing", "#2: open → addressing"]
    for grievance_id in (export, staging):
        message = stack.workspace.find_message(*where[grievance_id])
        assert message is not None and "Being addressed" in _shown(message)
    (posted,) = _updates(stack)
    shown = _shown(posted)
    assert ":white_check_mark: Fix the export" in shown
    assert "now *being addressed*" in shown and "1 of 2 actions done" in shown

    _command(stack, "UANA", "update")  # the ticked action is now listed as done
    again = _modal(stack, "UANA")
    assert [o["value"] for o in _input(again, ACTIONS_1)["options"]] == [str(second.id)]
    assert "Already done" in json.dumps(again.payload["blocks"])


def test_a_form_opened_before_a_new_version_refuses_the_old_actions_inline(
    stack: SandboxStack,
) -> None:
    _file(stack, "UANA", "The invoice export broke")
    _propose(stack, "Fix the export")
    first = _actions(stack)[0]
    _command(stack, "UANA", "update")
    stale = _modal(stack, "UANA")
    with stack.db.transaction() as session:  # v2 arrives meanwhile
        strategy = session.scalars(select(Strategy)).one()
        session.add(
            Strategy(case_id=strategy.case_id, version=2, summary="Rework", previous_id=strategy.id)
        )

    delivery = stack.slack.submit_view("UANA", stale.id, {ACTIONS_1: [str(first.id)]})

    assert delivery.status == 200
    assert "Strategy v2 was proposed since you opened this form" in json.dumps(delivery.json)
    assert _actions(stack)[0].done_at is None and not _updates(stack)


def test_client_side_people_are_politely_refused(stack: SandboxStack) -> None:
    _file(stack, "UANA", "The invoice export broke")
    _role(stack, "UCARLA", Role.CLIENT_LEADER)

    said = _command(stack, "UCARLA", "update 4.2 broke the checkout again")
    form = _command(stack, "UDEV", "update")

    assert "Progress updates come from the delivery team" in form
    assert not stack.workspace.modal_stack("UDEV")
    assert not _updates(stack)
    with stack.db.transaction() as session:
        assert session.scalars(select(ProgressUpdate)).first() is None
    # from the client side, words after "update" may only be filed, and only when chosen
    assert "File this as a grievance?" in said and "Post progress update" not in said


def test_an_update_without_a_strategy_stands_on_its_own(stack: SandboxStack) -> None:
    _file(stack, "UANA", "The invoice export broke")

    _command(stack, "UANA", "update Hotfix deployed tonight")
    _press_post(stack, "UANA")

    (posted,) = _updates(stack)
    assert "No strategy yet" in _shown(posted)
    with stack.db.transaction() as session:
        assert session.scalars(select(ProgressUpdate)).one().strategy_id is None


# ---- correcting and withdrawing a posted update -------------------------------------------


def _posted_by(stack: SandboxStack, user: str, text: str) -> Message:
    """``user`` posts an update through the preview; returns its channel message."""
    _command(stack, user, f"update {text}")
    _press_post(stack, user)
    return next(m for m in _updates(stack) if text in m.text)


def _press_on(stack: SandboxStack, user: str, action_id: str, message: Message) -> None:
    delivery = stack.slack.click(user, action_id, message=(message.channel, message.ts))
    assert delivery.status == 200, delivery.body
    stack.settle()


def _timeline(stack: SandboxStack, kind: str) -> list[TimelineEntry]:
    with stack.db.transaction() as session:
        return list(session.scalars(select(TimelineEntry).where(TimelineEntry.kind == kind)))


def _told(stack: SandboxStack, user: str) -> str:
    return "\n".join(e.text for e in stack.workspace.ephemerals if e.user == user)


@pytest.mark.parametrize("corrector", ["UBEN", "UANA"], ids=["author", "lead"])
def test_the_author_or_a_lead_corrects_an_update_in_place(
    stack: SandboxStack, corrector: str
) -> None:
    _file(stack, "UANA", "The invoice export broke")
    posted = _posted_by(stack, "UBEN", "The export fix is live")

    _press_on(stack, corrector, Action.PROGRESS_CORRECT, posted)
    form = _modal(stack, corrector)
    assert _input(form, ProgressField.TEXT)["initial_value"] == "The export fix is live"
    delivery = stack.slack.submit_view(
        corrector, form.id, {ProgressField.TEXT: "The export fix is in staging, live Monday"}
    )
    assert delivery.status == 200, delivery.body
    stack.settle()

    (shown,) = _updates(stack)
    assert shown.ts == posted.ts  # the same message, corrected
    assert "The export fix is in staging, live Monday" in _shown(shown)
    assert "The export fix is live\n" not in _shown(shown) + "\n"
    (entry,) = _timeline(stack, "progress_corrected")
    assert "now says: The export fix is in staging, live Monday" in entry.text
    (original,) = _timeline(stack, "progress_update")
    assert "The export fix is live" in original.text  # the history is not rewritten


@pytest.mark.parametrize("withdrawer", ["UBEN", "UANA"], ids=["author", "lead"])
def test_the_author_or_a_lead_withdraws_an_update(stack: SandboxStack, withdrawer: str) -> None:
    _file(stack, "UANA", "The invoice export broke")
    posted = _posted_by(stack, "UBEN", "The export fix is live")

    _press_on(stack, withdrawer, Action.PROGRESS_WITHDRAW, posted)

    assert not _updates(stack)  # deleted from the channel
    with stack.db.transaction() as session:
        assert session.scalars(select(ProgressUpdate)).first() is None
    (entry,) = _timeline(stack, "progress_withdrawn")
    assert "withdrawn and removed from the channel" in entry.text
    (original,) = _timeline(stack, "progress_update")
    assert original.slack_ts is None  # no link to a message that is gone
    assert "The update is withdrawn" in _told(stack, withdrawer)


@pytest.mark.parametrize(
    ("author", "other"),
    [("UANA", "UBEN"), ("UBEN", "UCARLA"), ("UBEN", "UDEV")],
    ids=["team member, not the author", "client", "client guest"],
)
def test_others_may_neither_correct_nor_withdraw_an_update(
    stack: SandboxStack, author: str, other: str
) -> None:
    _file(stack, "UANA", "The invoice export broke")
    posted = _posted_by(stack, author, "The export fix is live")

    _press_on(stack, other, Action.PROGRESS_CORRECT, posted)
    _press_on(stack, other, Action.PROGRESS_WITHDRAW, posted)

    assert not stack.workspace.modal_stack(other)
    said = _told(stack, other)
    assert said.count("Only the person who posted this update or a case lead") == 2
    (shown,) = _updates(stack)
    assert shown.ts == posted.ts and "The export fix is live" in _shown(shown)
    assert not _timeline(stack, "progress_corrected") and not _timeline(stack, "progress_withdrawn")
