"""The grievance message's buttons: add detail, move its status, read it all.

A button's value is a claim, so each asks ``bot.flows.grievances`` for the grievance it
names as the person pressing may reach it from there, and renders what comes back.
"""

from __future__ import annotations

import re
from typing import Any

from slack_bolt import Ack, App
from slack_bolt.context.respond import Respond
from slack_sdk import WebClient

from bot.blocks.grievance import STATUS_LABELS, grievance_fallback, grievance_message, status_notice
from bot.blocks.modal import (
    MODAL_TEXT_LIMIT,
    ModalContext,
    ModalDefaults,
    full_text_modal,
    grievance_modal,
)
from bot.deps import Deps
from bot.flows import grievances as flow
from bot.flows.item_scope import Reach
from bot.ids import Action, choice_of
from bot.playbook.errors import PlaybookError
from bot.playbook.grievances import FINAL
from bot.slack.identity import Acting
from bot.slack.lookup import profile_of
from bot.slack.messages import direct_message, tell
from bot.vocabulary import Status
from handlers.acknowledged_first import acknowledged_first
from handlers.payloads import ButtonPress
from handlers.refusals import answer_refusals


def _pressed(press: ButtonPress, acting: Acting) -> flow.Pressed:
    """Who pressed which grievance's button, and where (what decides if they reach it)."""
    reach = Reach(acting.user_id, acting.home.key, press.channel_id)
    return flow.Pressed(press.value or "", reach)


@answer_refusals
def on_add_detail(
    ack: Ack,
    body: dict[str, Any],
    press: ButtonPress,
    acting: Acting,
    deps: Deps,
    client: WebClient,
    respond: Respond,
) -> None:
    """Open the grievance's form to edit it (its author or a lead only)."""
    ack()
    detail = flow.detail_to_edit(deps.db, _pressed(press, acting))
    context = ModalContext(
        team_id=acting.home.key,
        channel_id=detail.channel_id,
        grievance_id=detail.grievance_id,
        keep_text=len(detail.text) > MODAL_TEXT_LIMIT,
    )
    defaults = ModalDefaults(
        text=detail.text,
        side=detail.side,
        category=detail.category,
        severity=detail.severity,
        cares_about=detail.cares_about,
        success_measure=detail.success_measure,
        went_well=detail.went_well,
        confidential=detail.confidential,
        raised_by_user=detail.raised_by_user,
        raised_by_name=detail.raised_by_name,
        client_name=detail.client_name,
        ask_client_name=not detail.case_named,
    )
    client.views_open(trigger_id=press.trigger_id, view=grievance_modal(context, defaults))


@acknowledged_first
def on_status(
    ack: Ack,
    body: dict[str, Any],
    press: ButtonPress,
    acting: Acting,
    deps: Deps,
    client: WebClient,
    respond: Respond,
) -> None:
    """Move the grievance's status; its work asks Slack, so it runs after the ack
    (``handlers.acknowledged_first``)."""
    new = choice_of(Status, (press.value or "").partition(":")[2])
    if new is None:
        raise PlaybookError("That button is out of date; use the one on the latest message.")
    actor = profile_of(client, acting.user_id, acting.home)
    moved = flow.move_status(deps.db, _pressed(press, acting), actor, new)
    shown = moved.shown
    if shown.posted and not shown.view.confidential:
        client.chat_update(
            channel=shown.channel,
            ts=shown.ts,
            blocks=grievance_message(shown.view),
            text=grievance_fallback(shown.view),
        )
    if moved.raiser and moved.raiser != actor.user_id:
        notice = status_notice(shown.view, moved.new, moved.actor_name)
        _tell_raiser(client, respond, moved.raiser, shown.channel, moved.new, notice)


@answer_refusals
def on_read_all(
    ack: Ack,
    body: dict[str, Any],
    press: ButtonPress,
    acting: Acting,
    deps: Deps,
    client: WebClient,
    respond: Respond,
) -> None:
    """Show a long public grievance's whole text in a modal."""
    ack()
    number, text = flow.full_text(deps.db, _pressed(press, acting))
    client.views_open(trigger_id=press.trigger_id, view=full_text_modal(number, text))


def _tell_raiser(
    client: WebClient,
    respond: Respond,
    raiser: str,
    channel: str | None,
    new: Status,
    notice: str,
) -> None:
    """Keep the acknowledgement's promise: the raiser hears of every move.

    A step along the way is a private note where the grievance lives (a DM if that
    fails); the end of it, resolved or withdrawn, is a DM that waits for them, and the
    one who acted hears if it could not be delivered.
    """
    if new not in FINAL and channel:
        tell(client, channel, raiser, notice)
        return
    fault = direct_message(client, raiser, notice)
    if fault is not None:
        respond(
            text=f"{STATUS_LABELS[new]}, but {fault.sentence(who=f'<@{raiser}>')}",
            response_type="ephemeral",
            replace_original=False,
        )


def register(app: App) -> None:
    """Listen for the grievance message's buttons."""
    app.action(Action.ADD_DETAIL)(on_add_detail)
    app.action(re.compile(rf"^{Action.SET_STATUS}:"))(on_status)
    app.action(Action.READ_ALL)(on_read_all)
