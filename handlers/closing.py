"""``/grievance case close`` and ``reopen``; the final rating DM's button and modal.

Slack I/O only: the rules live in ``bot.playbook.closing``. Closing is committed before
the command is acknowledged; then the summary is posted and each stakeholder gets a DM
(one who can't be reached is named to the lead, and the others are still asked).
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App
from slack_bolt.context.respond import Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.blocks.closing import (
    ANONYMOUS_OPTION,
    RatingModalContext,
    closed_ack,
    closing_fallback,
    closing_summary,
    rating_modal,
    rating_request,
    rating_request_text,
    rating_thanks,
    reopened_text,
)
from bot.blocks.links import permalink
from bot.blocks.text import plain_escape
from bot.ids import Action, Callback, RatingField, row_id
from bot.playbook import closing as playbook
from bot.playbook.closing import Closed, RatingError, VersionLine
from bot.playbook.errors import PlaybookError
from handlers.context import CommandCall
from handlers.deps import Deps
from handlers.messaging import direct_message, post_or_tell
from handlers.refusals import answer_refusals
from handlers.view_state import answers_stale_forms, flatten, read_metadata
from storage.models import Case

logger = logging.getLogger(__name__)


def close(call: CommandCall) -> None:
    """A lead closes the case: commit, acknowledge, post the summary, ask for ratings."""
    caller = call.caller()
    with call.deps.db.transaction() as session:
        found = call.case_and_actor(session, caller)
        closed = playbook.close_case(
            session=session, case=found.case, actor=found.person, now=call.deps.now()
        )
    call.ack(text=closed_ack(len(closed.requests), closed.paused))
    unreachable = _announce(call.client, call.deps, closed, call.user_id)
    if unreachable:
        call.respond(
            text="I couldn't DM " + ", ".join(plain_escape(n) for n in unreachable) + " for "
            "their final rating; you may want to ask them yourself.",
            response_type="ephemeral",
        )


def reopen(call: CommandCall) -> None:
    """A lead reopens a closed case; the channel is told where it stands again."""
    caller = call.caller()
    with call.deps.db.transaction() as session:
        found = call.case_and_actor(session, caller)
        outcome = playbook.reopen_case(
            session=session, case=found.case, actor=found.person, now=call.deps.now()
        )
        name = found.person.display_name
    call.ack()
    try:
        call.client.chat_postMessage(channel=outcome.channel, text=reopened_text(outcome, name))
    except SlackApiError as exc:
        logger.warning("reopening not announced", extra={"error": exc.response.get("error")})
        call.respond(text=reopened_text(outcome, name), response_type="ephemeral")


def _announce(client: WebClient, deps: Deps, closed: Closed, lead_id: str) -> list[str]:
    """Post the summary, then DM each stakeholder; the names of those who couldn't be DMed."""

    def link(version: VersionLine) -> str | None:
        return permalink(deps.slack_url, version.channel, version.ts)

    post_or_tell(
        client,
        lead_id,
        "The case is closed, but I couldn't post its summary in the channel.",
        channel=closed.channel,
        blocks=closing_summary(closed.summary, links=link),
        text=closing_fallback(closed.summary),
    )
    name = closed.summary.client_name
    return [
        request.name
        for request in closed.requests
        if direct_message(
            client,
            request.user_id,
            rating_request_text(name),
            rating_request(name, request.rating_id),
        )
        is not None
    ]


def _dm_of(body: dict[str, Any]) -> tuple[str | None, str | None]:
    """The DM message a button was pressed on, to update it once the rating is in."""
    container = body.get("container") or {}
    channel = container.get("channel_id") or (body.get("channel") or {}).get("id")
    ts = container.get("message_ts") or (body.get("message") or {}).get("ts")
    return (str(channel) if channel else None, str(ts) if ts else None)


def register(app: App, deps: Deps) -> None:
    """Listen for the rating DM's button and the rating modal."""

    @app.action(Action.FINAL_RATING_OPEN)
    @answer_refusals
    def on_open(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, respond: Respond
    ) -> None:
        ack()
        rating_id = row_id(action.get("value"))
        if rating_id is None:
            raise PlaybookError("This rating request no longer exists.")
        with deps.db.transaction() as session:
            card = playbook.rating_card(
                session=session, rating_id=rating_id, user_id=body["user"]["id"]
            )
        channel, ts = _dm_of(body)
        context = RatingModalContext(rating_id=card.rating_id, dm_channel=channel, dm_ts=ts)
        client.views_open(
            trigger_id=body["trigger_id"], view=rating_modal(context, card.client_name)
        )

    @app.view(Callback.FINAL_RATING_MODAL)
    @answer_refusals
    @answers_stale_forms
    def on_submit(ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient) -> None:
        context = read_metadata(RatingModalContext, view)
        values = flatten(view)
        comment = values.get(RatingField.COMMENT)
        anonymous = values.get(RatingField.ANONYMOUS) or []
        try:
            with deps.db.transaction() as session:
                rating = playbook.save_rating(
                    session=session,
                    rating_id=context.rating_id,
                    user_id=body["user"]["id"],
                    score=values.get(RatingField.SCORE),
                    comment=comment if isinstance(comment, str) else None,
                    anonymous=isinstance(anonymous, list) and ANONYMOUS_OPTION in anonymous,
                    now=deps.now(),
                )
                name = session.get_one(Case, rating.case_id).client_name
                score, anonymous_now = rating.rating or 0, rating.anonymous
        except RatingError as exc:
            block = RatingField.COMMENT if exc.field == playbook.COMMENT else RatingField.SCORE
            ack(response_action="errors", errors={block.value: str(exc)})
            return
        except PlaybookError as exc:
            ack(response_action="errors", errors={RatingField.SCORE.value: str(exc)})
            return
        ack()  # committed: close the modal, then thank them where they were asked
        if context.dm_channel and context.dm_ts:
            try:
                client.chat_update(
                    channel=context.dm_channel,
                    ts=context.dm_ts,
                    text=f"Thank you for rating the {plain_escape(name)} recovery.",
                    blocks=rating_thanks(name, score, anonymous=anonymous_now),
                )
            except SlackApiError as exc:
                logger.warning("rating DM not updated", extra={"error": exc.response.get("error")})
