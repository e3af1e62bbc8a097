"""``/grievance update``: post a progress update, from a line of text or from the modal;
correct or withdraw it from the buttons on its message.

Slack I/O only: the rules live in ``bot.playbook.progress``, the transactions in
``bot.flows.progress``. Words after ``update`` are shown privately first and posted only
from *Post progress update* (``handlers.readings``).
An update is committed before the command (or the modal) is acknowledged, then posted;
grievances it moved to "being addressed" get their channel messages updated in place.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App
from slack_bolt.context.respond import Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.models.blocks import Block

from bot.blocks.grievance import grievance_fallback, grievance_message
from bot.blocks.progress import (
    ProgressModalContext,
    action_block_id,
    correction_modal,
    is_action_block,
    progress_fallback,
    progress_message,
    progress_modal,
)
from bot.blocks.readings import update_to_confirm
from bot.deps import Deps
from bot.flows import progress as flow
from bot.ids import Action, Callback, ProgressField
from bot.playbook import access
from bot.playbook import progress as playbook
from bot.playbook.commands import UPDATE
from bot.playbook.errors import PlaybookError
from bot.playbook.progress import Posted, ProgressDraftError, UpdateRef
from bot.slack.identity import Acting
from bot.slack.messages import link_to, post_or_tell
from handlers import readings
from handlers.acknowledged_first import acknowledged_first
from handlers.context import CommandCall
from handlers.payloads import ButtonPress, FormSubmission
from handlers.refusals import answer_refusals
from handlers.view_state import answers_stale_forms, read_metadata

logger = logging.getLogger(__name__)


def update(call: CommandCall) -> None:
    """``/grievance update`` opens the form; with words, they are shown privately first.

    Words after ``update`` may be progress or a grievance that happens to start with the
    word ("update broke our login page"), so nothing is posted until the typist presses
    *Post progress update*; someone who may not post updates is offered filing only.
    """
    text = call.parsed.args.strip()
    if not text:
        _open_modal(call)
    elif call.chosen:
        _post_text(call, text)
    else:
        may_post = call.may(access.Action.POST_PROGRESS)
        readings.ask(call, update_to_confirm(may_post=may_post), run=UPDATE, with_words=True)


def _post_text(call: CommandCall, text: str) -> None:
    posted = flow.post_text(
        call.deps.db,
        team_id=call.team_id,
        channel_id=call.where.channel_id,
        caller=call.caller(),
        text=text,
        now=call.deps.now(),
    )
    call.ack()  # committed; the update itself is the answer, in the channel
    publish(call.client, call.deps, posted, author_id=call.user_id)


def _open_modal(call: CommandCall) -> None:
    form = flow.update_form(
        call.deps.db, team_id=call.team_id, channel_id=call.where.channel_id, caller=call.caller()
    )
    context = ProgressModalContext(
        team_id=call.team_id,
        channel_id=form.channel_id,
        case_id=form.case_id,
        strategy_id=form.choices.strategy_id,
    )
    call.ack()
    call.client.views_open(
        trigger_id=call.body["trigger_id"], view=progress_modal(context, form.choices)
    )


# ---- Slack helpers ------------------------------------------------------------------------


def _message(client: WebClient, deps: Deps, ref: UpdateRef) -> tuple[list[Block], str]:
    """The update's channel message, as it reads now."""
    snap = flow.snapshot(deps.db, ref)
    link = link_to(client, deps.slack_url, snap.strategy_channel, snap.strategy_ts)
    return progress_message(snap, strategy_link=link), progress_fallback(snap)


def publish(client: WebClient, deps: Deps, posted: Posted, *, author_id: str) -> None:
    """Post the committed update, remember its message, refresh the grievances it moved."""
    blocks, text = _message(client, deps, posted.ref)
    message = post_or_tell(
        client,
        author_id,
        "Your update is saved, but I couldn't post it in the channel.",
        channel=posted.channel,
        blocks=blocks,
        text=text,
    )
    if message is not None:
        flow.mark_posted(deps.db, posted, channel=message["channel"], ts=message["ts"])
    for grievance_id in posted.moved_ids:
        _refresh_grievance(client, deps, grievance_id)


def _refresh_grievance(client: WebClient, deps: Deps, grievance_id: int) -> None:
    """Show a grievance's new status on its channel message (confidential ones have none)."""
    found = flow.grievance_message(deps.db, grievance_id)
    if found is None:
        return
    blocks, text = grievance_message(found.shown), grievance_fallback(found.shown)
    try:
        client.chat_update(channel=found.channel, ts=found.ts, blocks=blocks, text=text)
    except SlackApiError as exc:
        logger.warning(
            "could not update grievance message",
            extra={"grievance_id": grievance_id, "error": exc.response.get("error")},
        )


def _modal_errors(exc: ProgressDraftError, values: dict[str, object]) -> dict[str, str]:
    """Draft fields → the modal's block ids (an actions problem goes on the first group)."""
    blocks = {
        playbook.TEXT: ProgressField.TEXT.value,
        playbook.GRIEVANCES: ProgressField.GRIEVANCES.value,
        playbook.ACTIONS: action_block_id(1),
    }
    errors: dict[str, str] = {}
    for name, message in exc.fields.items():
        block = blocks.get(name, ProgressField.TEXT.value)
        if block not in values:  # the block isn't in this modal: say it on the text
            block = ProgressField.TEXT.value
        errors[block] = message
    return errors


def _ids(values: dict[str, object], *, actions: bool) -> list[object]:
    if not actions:
        chosen = values.get(ProgressField.GRIEVANCES)
        return list(chosen) if isinstance(chosen, list) else []
    ticked: list[object] = []
    for block_id, value in values.items():
        if is_action_block(block_id) and isinstance(value, list):
            ticked.extend(value)
    return ticked


def _pressed(acting: Acting, press: ButtonPress | None = None) -> flow.Pressed:
    """Who pressed (or submitted), for which workspace, and in which channel."""
    return flow.Pressed(
        team_id=acting.team_id,
        user_id=acting.user_id,
        channel_id=press.channel_id if press else None,
    )


# ---- listeners ----------------------------------------------------------------------------


@answer_refusals
def on_correct(
    ack: Ack,
    body: dict[str, Any],
    press: ButtonPress,
    acting: Acting,
    deps: Deps,
    client: WebClient,
    respond: Respond,
) -> None:
    """Open the correction form on the update the button names (its author only)."""
    ack()
    ref, text = flow.editable(deps.db, press.value, _pressed(acting, press))
    client.views_open(trigger_id=press.trigger_id, view=correction_modal(ref, text))


@answer_refusals
@answers_stale_forms
def on_correction(
    ack: Ack,
    body: dict[str, Any],
    view: dict[str, Any],
    submission: FormSubmission,
    acting: Acting,
    deps: Deps,
    client: WebClient,
) -> None:
    """Commit the corrected text before closing the form, then show it on the message."""
    ref = read_metadata(UpdateRef, view)
    text = submission.values.get(ProgressField.TEXT)
    try:
        where = flow.correct(
            deps.db, ref, _pressed(acting), text if isinstance(text, str) else None
        )
    except PlaybookError as exc:
        ack(response_action="errors", errors={ProgressField.TEXT.value: str(exc)})
        return
    ack()  # committed: close the form, then show the correction where the update is
    if where[0] and where[1]:
        blocks, fallback = _message(client, deps, ref)
        client.chat_update(channel=where[0], ts=where[1], blocks=blocks, text=fallback)


@acknowledged_first
def on_withdraw(
    ack: Ack,
    body: dict[str, Any],
    press: ButtonPress,
    acting: Acting,
    deps: Deps,
    client: WebClient,
    respond: Respond,
) -> None:
    """Withdraw the update the button names, after the acknowledgement: deleting its
    message asks Slack, which must not hold Bolt's worker (``acknowledged_first``)."""
    ack()
    gone = flow.withdraw(deps.db, press.value, _pressed(acting, press))
    if gone.channel and gone.ts:
        client.chat_delete(channel=gone.channel, ts=gone.ts)
    respond(
        text="The update is withdrawn: it is gone from the channel, and the case "
        "timeline notes that it was withdrawn.",
        response_type="ephemeral",
        replace_original=False,
    )


@answer_refusals
@answers_stale_forms
def on_submit(
    ack: Ack,
    body: dict[str, Any],
    view: dict[str, Any],
    submission: FormSubmission,
    acting: Acting,
    deps: Deps,
    client: WebClient,
) -> None:
    """Commit the update before closing the modal (field errors keep it open), then post."""
    context = read_metadata(ProgressModalContext, view)
    values = submission.values
    text = values.get(ProgressField.TEXT)
    try:
        draft = playbook.parse_draft(
            text=text if isinstance(text, str) else None,
            action_ids=_ids(values, actions=True),
            grievance_ids=_ids(values, actions=False),
        )
        posted = flow.post_from_form(
            deps.db,
            case_id=context.case_id,
            user_id=acting.user_id,
            draft=draft,
            strategy_id=context.strategy_id,
            now=deps.now(),
        )
    except ProgressDraftError as exc:
        ack(response_action="errors", errors=_modal_errors(exc, values))
        return
    except PlaybookError as exc:
        ack(response_action="errors", errors={ProgressField.TEXT.value: str(exc)})
        return
    ack()  # committed: close the modal
    publish(client, deps, posted, author_id=acting.user_id)


def register(app: App) -> None:
    """Listen for the update modal, and for correcting and withdrawing a posted update."""
    app.action(Action.PROGRESS_CORRECT)(on_correct)
    app.view(Callback.PROGRESS_CORRECTION)(on_correction)
    app.action(Action.PROGRESS_WITHDRAW)(on_withdraw)
    app.view(Callback.PROGRESS_MODAL)(on_submit)
