"""``/grievance update``: post a progress update, from a line of text or from the modal.

Slack I/O only: the rules live in ``bot.playbook.progress``. An update is committed
before the command (or the modal) is acknowledged, then posted; grievances it moved to
"being addressed" get their channel messages updated in place.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.blocks.grievance import grievance_fallback, grievance_message
from bot.blocks.progress import (
    ProgressModalContext,
    action_block_id,
    is_action_block,
    progress_fallback,
    progress_message,
    progress_modal,
)
from bot.blocks.readings import update_to_confirm
from bot.ids import Callback, ProgressField
from bot.playbook import access, people
from bot.playbook import progress as playbook
from bot.playbook.commands import UPDATE
from bot.playbook.errors import PlaybookError
from bot.playbook.progress import Posted, ProgressDraftError
from handlers import readings
from handlers.context import CommandCall
from handlers.deps import Deps
from handlers.messaging import link_to, post_or_tell
from handlers.refusals import answer_refusals
from handlers.view_state import answers_stale_forms, flatten, read_metadata
from storage.models import Case, Grievance

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


def publish(client: WebClient, deps: Deps, posted: Posted, *, author_id: str) -> None:
    """Post the committed update, remember its message, refresh the grievances it moved."""
    with deps.db.transaction() as session:
        snap = playbook.snapshot(session=session, posted=posted)
    link = link_to(client, deps, snap.strategy_channel, snap.strategy_ts)
    message = post_or_tell(
        client,
        author_id,
        "Your update is saved, but I couldn't post it in the channel.",
        channel=posted.channel,
        blocks=progress_message(snap, strategy_link=link),
        text=progress_fallback(snap),
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
        blocks, text = grievance_message(grievance), grievance_fallback(grievance)
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


# ---- listeners ----------------------------------------------------------------------------


def register(app: App, deps: Deps) -> None:
    """Listen for the update modal's submission."""

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
