"""``/grievance update``: post a progress update, from a line of text or from the modal;
correct or withdraw it from the buttons on its message.

Slack I/O only: the rules live in ``bot.playbook.progress``. Words after ``update`` are
shown privately first and posted only from *Post progress update* (``handlers.readings``).
An update is committed before the command (or the modal) is acknowledged, then posted;
grievances it moved to "being addressed" get their channel messages updated in place.
"""

from __future__ import annotations

import logging
from typing import Any

from pydantic import ValidationError
from slack_bolt import Ack, App
from slack_bolt.context.respond import Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.models.blocks import Block
from sqlalchemy.orm import Session

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
from bot.ids import Action, Callback, ProgressField
from bot.playbook import access, people
from bot.playbook import progress as playbook
from bot.playbook.commands import UPDATE
from bot.playbook.errors import PlaybookError
from bot.playbook.grievances import view
from bot.playbook.progress import Posted, ProgressDraftError, UpdateRef
from bot.slack.messages import link_to, post_or_tell
from handlers import readings
from handlers.acknowledged_first import acknowledged_first
from handlers.context import CommandCall
from handlers.item_scope import require_in_scope
from handlers.refusals import answer_refusals
from handlers.view_state import answers_stale_forms, flatten, read_metadata
from storage.models import Case, Grievance, Person, ProgressUpdate

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
    draft = playbook.parse_draft(text=text)
    caller = call.caller()
    with call.deps.db.transaction() as session:
        found = call.case_and_actor(session, caller)
        author = access.require(
            session=session,
            case=found.case,
            person=found.person,
            action=access.Action.POST_PROGRESS,
        )
        posted = playbook.post_update(
            session=session, case=found.case, author=author, draft=draft, now=call.deps.now()
        )
    call.ack()  # committed; the update itself is the answer, in the channel
    publish(call.client, call.deps, posted, author_id=call.user_id)


def _open_modal(call: CommandCall) -> None:
    caller = call.caller()
    with call.deps.db.transaction() as session:
        found = call.case_and_actor(session, caller)
        access.require(
            session=session,
            case=found.case,
            person=found.person,
            action=access.Action.POST_PROGRESS,
        )
        choices = playbook.choices(session=session, case=found.case)
        context = ProgressModalContext(
            team_id=call.team_id,
            channel_id=found.case.channel_id,
            case_id=found.case.id,
            strategy_id=choices.strategy_id,
        )
        view = progress_modal(context, choices)
    call.ack()
    call.client.views_open(trigger_id=call.body["trigger_id"], view=view)


# ---- Slack helpers ------------------------------------------------------------------------


def _message(client: WebClient, deps: Deps, ref: UpdateRef) -> tuple[list[Block], str]:
    """The update's channel message, as it reads now."""
    with deps.db.transaction() as session:
        snap = playbook.snapshot(session=session, ref=ref)
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
        with deps.db.transaction() as session:
            playbook.mark_posted(
                session=session, posted=posted, channel=message["channel"], ts=message["ts"]
            )
    for grievance_id in posted.moved_ids:
        _refresh_grievance(client, deps, grievance_id)


def _refresh_grievance(client: WebClient, deps: Deps, grievance_id: int) -> None:
    """Show a grievance's new status on its channel message (confidential ones have none)."""
    with deps.db.transaction() as session:
        grievance = session.get_one(Grievance, grievance_id)
        where = (grievance.slack_channel, grievance.slack_ts)
        shown = view(grievance)
        blocks, text = grievance_message(shown), grievance_fallback(shown)
        hidden = grievance.confidential
    if hidden or not (where[0] and where[1]):
        return
    try:
        client.chat_update(channel=where[0], ts=where[1], blocks=blocks, text=text)
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


def _actor(session: Session, deps: Deps, body: dict[str, Any]) -> Person | None:
    """Who pressed or submitted, as the bot knows them (None: never met)."""
    workspace = people.ensure_workspace(session=session, team_id=deps.home(body).key)
    return people.find_person(session=session, workspace=workspace, user_id=body["user"]["id"])


def _ref(session: Session, deps: Deps, body: dict[str, Any], action: dict[str, Any]) -> UpdateRef:
    """The update a button names, if the person pressing may reach it from there."""
    try:
        ref = UpdateRef.model_validate_json(str(action.get("value", "")))
    except ValidationError as exc:
        raise PlaybookError(playbook.GONE) from exc
    update = session.get(ProgressUpdate, ref.update)
    if update is None:
        raise PlaybookError(playbook.GONE)
    case = session.get_one(Case, update.case_id)
    require_in_scope(session, deps, body, case, gone=playbook.GONE)
    return ref


# ---- listeners ----------------------------------------------------------------------------


def register(app: App, deps: Deps) -> None:
    """Listen for the update modal, and for correcting and withdrawing a posted update."""

    @app.action(Action.PROGRESS_CORRECT)
    @answer_refusals
    def on_correct(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, respond: Respond
    ) -> None:
        ack()
        with deps.db.transaction() as session:
            ref = _ref(session, deps, body, action)
            update = playbook.editable_update(
                session=session, update_id=ref.update, actor=_actor(session, deps, body)
            )
            view = correction_modal(ref, update.text)
        client.views_open(trigger_id=body["trigger_id"], view=view)

    @app.view(Callback.PROGRESS_CORRECTION)
    @answer_refusals
    @answers_stale_forms
    def on_correction(
        ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient
    ) -> None:
        ref = read_metadata(UpdateRef, view)
        text = flatten(view).get(ProgressField.TEXT)
        try:
            with deps.db.transaction() as session:
                update = playbook.correct_update(
                    session=session,
                    update_id=ref.update,
                    actor=_actor(session, deps, body),
                    text=text if isinstance(text, str) else None,
                )
                where = update.slack_channel, update.slack_ts
        except PlaybookError as exc:
            ack(response_action="errors", errors={ProgressField.TEXT.value: str(exc)})
            return
        ack()  # committed: close the form, then show the correction where the update is
        if where[0] and where[1]:
            blocks, fallback = _message(client, deps, ref)
            client.chat_update(channel=where[0], ts=where[1], blocks=blocks, text=fallback)

    @app.action(Action.PROGRESS_WITHDRAW)
    @acknowledged_first(deps)
    def on_withdraw(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, respond: Respond
    ) -> None:
        ack()
        with deps.db.transaction() as session:
            ref = _ref(session, deps, body, action)
            gone = playbook.withdraw_update(
                session=session, update_id=ref.update, actor=_actor(session, deps, body)
            )
        if gone.channel and gone.ts:
            client.chat_delete(channel=gone.channel, ts=gone.ts)
        respond(
            text="The update is withdrawn: it is gone from the channel, and the case "
            "timeline notes that it was withdrawn.",
            response_type="ephemeral",
            replace_original=False,
        )

    @app.view(Callback.PROGRESS_MODAL)
    @answer_refusals
    @answers_stale_forms
    def on_submit(ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient) -> None:
        context = read_metadata(ProgressModalContext, view)
        values = flatten(view)
        user_id = body["user"]["id"]
        text = values.get(ProgressField.TEXT)
        try:
            draft = playbook.parse_draft(
                text=text if isinstance(text, str) else None,
                action_ids=_ids(values, actions=True),
                grievance_ids=_ids(values, actions=False),
            )
            with deps.db.transaction() as session:
                case = session.get(Case, context.case_id)
                if case is None:
                    raise PlaybookError("This case no longer exists.")
                author = access.require(
                    session=session,
                    case=case,
                    person=people.find_person(
                        session=session, workspace=case.workspace, user_id=user_id
                    ),
                    action=access.Action.POST_PROGRESS,
                )
                posted = playbook.post_update(
                    session=session,
                    case=case,
                    author=author,
                    draft=draft,
                    now=deps.now(),
                    strategy_id=context.strategy_id,
                )
        except ProgressDraftError as exc:
            ack(response_action="errors", errors=_modal_errors(exc, values))
            return
        except PlaybookError as exc:
            ack(response_action="errors", errors={ProgressField.TEXT.value: str(exc)})
            return
        ack()  # committed: close the modal
        publish(client, deps, posted, author_id=user_id)
