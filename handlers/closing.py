"""``/grievance case close`` and ``reopen``; the closing form; the final rating DM's button
and modal; the reopen button leads get when a grievance lands on a closed case.

Slack I/O only: each intent's transaction is in ``bot.flows.closing``, the rules in
``bot.playbook.closing``. ``close`` only opens the form
showing where the case stands; the submission commits the closing with the outcome
chosen, then the summary is posted and each stakeholder gets a DM (one who can't be
reached is named to the lead, and the others are still asked). Each final rating reaches
the leads by DM as it arrives.
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
    rating_for_leads,
    rating_for_leads_text,
    rating_modal,
    rating_request,
    rating_request_text,
    rating_thanks,
    reopened_text,
)
from bot.blocks.closing_form import CONFIRM_OPTION, CloseCaseContext, closing_form
from bot.blocks.links import permalink
from bot.blocks.text import plain_escape
from bot.deps import Deps
from bot.flows import closing as flow
from bot.ids import Action, Callback, ClosingField, RatingField, row_id
from bot.playbook import closing as playbook
from bot.playbook.closing import Closed, RatingError, Reopened, VersionLine
from bot.playbook.closing_check import UnconfirmedRecovery
from bot.playbook.errors import PlaybookError
from bot.slack.identity import Acting
from bot.slack.lookup import profile_of
from bot.slack.messages import direct_message, post_or_tell, tell
from bot.vocabulary import ClosingOutcome
from handlers.context import CommandCall
from handlers.payloads import ButtonPress, FormSubmission
from handlers.refusals import answer_refusals
from handlers.view_state import answers_stale_forms, read_metadata

logger = logging.getLogger(__name__)


def close(call: CommandCall) -> None:
    """A lead asks to close the case: open the form showing where it stands."""
    start = flow.start_closing(
        call.deps.db,
        team_id=call.team_id,
        channel_id=call.where.channel_id,
        caller=call.caller(),
        now=call.deps.now(),
    )
    context = CloseCaseContext(case_id=start.case_id, channel_id=start.channel_id)
    call.ack()
    call.client.views_open(
        trigger_id=call.body["trigger_id"], view=closing_form(context, start.check)
    )


def _close_from_form(
    ack: Ack,
    view: dict[str, Any],
    values: dict[str, object],
    client: WebClient,
    deps: Deps,
    acting: Acting,
) -> None:
    """Commit the closing with the outcome chosen, then announce it as that outcome."""
    context = read_metadata(CloseCaseContext, view)
    try:
        outcome = ClosingOutcome(str(values.get(ClosingField.OUTCOME)))
    except ValueError:
        ack(response_action="errors", errors={ClosingField.OUTCOME.value: "Pick how it ended."})
        return
    confirm = values.get(ClosingField.CONFIRM) or []
    lead_id = acting.user_id
    profile = profile_of(client, lead_id, acting.home)
    try:
        closed = flow.close(
            deps.db,
            case_id=context.case_id,
            lead=profile,
            outcome=outcome,
            confirmed=isinstance(confirm, list) and CONFIRM_OPTION in confirm,
            now=deps.now(),
        )
    except UnconfirmedRecovery as exc:
        if ClosingField.CONFIRM.value in values:
            ack(response_action="errors", errors={ClosingField.CONFIRM.value: str(exc)})
            return
        # The facts changed since the form opened: show where the case stands now.
        check = flow.recheck(deps.db, case_id=context.case_id, now=deps.now())
        ack(response_action="update", view=closing_form(context, check))
        return
    except PlaybookError as exc:
        ack(response_action="errors", errors={ClosingField.OUTCOME.value: str(exc)})
        return
    ack()  # committed: close the form, then tell everyone
    tell(client, context.channel_id, lead_id, closed_ack(len(closed.requests), closed.paused))
    unreachable = _announce(client, deps, closed, lead_id)
    if unreachable:
        tell(
            client,
            context.channel_id,
            lead_id,
            "I couldn't DM " + ", ".join(plain_escape(n) for n in unreachable) + " for "
            "their final rating; you may want to ask them yourself.",
        )


def reopen(call: CommandCall) -> None:
    """A lead reopens a closed case; the channel is told where it stands again."""
    reopened = flow.reopen_here(
        call.deps.db,
        team_id=call.team_id,
        channel_id=call.where.channel_id,
        caller=call.caller(),
        now=call.deps.now(),
    )
    call.ack()
    _announce_reopened(call.client, reopened.outcome, reopened.by, call.user_id)


def _reopen_from_button(
    client: WebClient, deps: Deps, acting: Acting, message_channel: str | None, case_id: int
) -> str:
    """A lead's reopen button (on a grievance filed after closing); what to tell them.
    The case must be this channel's: the channel Slack says it was pressed in."""
    profile = profile_of(client, acting.user_id, acting.home)
    reopened = flow.reopen_by_id(
        deps.db,
        case_id=case_id,
        lead=profile,
        team_id=acting.home.key,
        acted_in=acting.channel_id or message_channel,
        now=deps.now(),
    )
    _announce_reopened(client, reopened.outcome, reopened.by, profile.user_id)
    name, stage = plain_escape(reopened.client_name), reopened.outcome.stage
    return f"You reopened the {name} case: it is back in {stage}."


def _announce_reopened(client: WebClient, outcome: Reopened, by: str, lead_id: str) -> None:
    """Tell the channel; if Slack refuses, tell the lead what it would have said."""
    try:
        client.chat_postMessage(channel=outcome.channel, text=reopened_text(outcome, by))
    except SlackApiError as exc:
        logger.warning("reopening not announced", extra={"error": exc.response.get("error")})
        tell(client, outcome.channel, lead_id, reopened_text(outcome, by))


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
            rating_request(closed.summary, request.rating_id),
        )
        is not None
    ]


@answer_refusals
@answers_stale_forms
def on_close(
    ack: Ack,
    body: dict[str, Any],
    view: dict[str, Any],
    submission: FormSubmission,
    client: WebClient,
    deps: Deps,
    acting: Acting,
) -> None:
    """The closing form was submitted."""
    _close_from_form(ack, view, submission.values, client, deps, acting)


@answer_refusals
def on_reopen(
    ack: Ack,
    body: dict[str, Any],
    press: ButtonPress,
    client: WebClient,
    respond: Respond,
    deps: Deps,
    acting: Acting,
) -> None:
    """A lead pressed the reopen button on a grievance filed after closing."""
    ack()
    case_id = row_id(press.value)
    if case_id is None:
        raise PlaybookError(flow.CASE_GONE)
    said = _reopen_from_button(client, deps, acting, press.channel_id, case_id)
    respond(text=said, replace_original=True)


@answer_refusals
def on_open(
    ack: Ack,
    body: dict[str, Any],
    press: ButtonPress,
    client: WebClient,
    respond: Respond,
    deps: Deps,
    acting: Acting,
) -> None:
    """A stakeholder opens the final rating modal from the DM asking for it."""
    ack()
    rating_id = row_id(press.value)
    if rating_id is None:
        raise PlaybookError("This rating request no longer exists.")
    card = flow.rating_card(deps.db, rating_id=rating_id, user_id=acting.user_id)
    context = RatingModalContext(
        rating_id=card.rating_id, dm_channel=press.channel_id, dm_ts=press.message_ts
    )
    client.views_open(trigger_id=press.trigger_id, view=rating_modal(context, card.client_name))


@answer_refusals
@answers_stale_forms
def on_submit(
    ack: Ack,
    body: dict[str, Any],
    view: dict[str, Any],
    submission: FormSubmission,
    client: WebClient,
    deps: Deps,
    acting: Acting,
) -> None:
    """A stakeholder saved their final rating of the case."""
    context = read_metadata(RatingModalContext, view)
    values = submission.values
    comment = values.get(RatingField.COMMENT)
    anonymous = values.get(RatingField.ANONYMOUS) or []
    try:
        saved = flow.save_rating(
            deps.db,
            rating_id=context.rating_id,
            user_id=acting.user_id,
            score=values.get(RatingField.SCORE),
            comment=comment if isinstance(comment, str) else None,
            anonymous=isinstance(anonymous, list) and ANONYMOUS_OPTION in anonymous,
            now=deps.now(),
        )
    except RatingError as exc:
        block = RatingField.COMMENT if exc.field == playbook.COMMENT else RatingField.SCORE
        ack(response_action="errors", errors={block.value: str(exc)})
        return
    except PlaybookError as exc:
        ack(response_action="errors", errors={RatingField.SCORE.value: str(exc)})
        return
    ack()  # committed: close the modal, then thank them where they were asked
    name, score = saved.client_name, saved.score
    if context.dm_channel and context.dm_ts:
        try:
            client.chat_update(
                channel=context.dm_channel,
                ts=context.dm_ts,
                text=f"Thank you for rating the {plain_escape(name)} case.",
                blocks=rating_thanks(name, score, anonymous=saved.anonymous),
            )
        except SlackApiError as exc:
            logger.warning("rating DM not updated", extra={"error": exc.response.get("error")})
    for lead in saved.leads:
        direct_message(
            client,
            lead,
            rating_for_leads_text(name, score, saved.who),
            rating_for_leads(name, score, saved.comment, saved.who),
        )


def register(app: App) -> None:
    """Listen for the closing form, the reopen button, the rating DM's button and modal."""
    app.view(Callback.CLOSE_CASE_MODAL)(on_close)
    app.action(Action.REOPEN_CASE)(on_reopen)
    app.action(Action.FINAL_RATING_OPEN)(on_open)
    app.view(Callback.FINAL_RATING_MODAL)(on_submit)
