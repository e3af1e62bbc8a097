"""Rating buttons on a check-in: store the rating, thank the person, update the tally.

The click is acknowledged first and everything else happens on the outbound pool
(``bot.slack.outbound``); a refusal (a closed case, someone the check-in does not ask) comes
back privately. The rating and the health recomputation share a transaction;
then the check-in message is re-rendered from the database and updated in place, one
update at a time per message (presses meanwhile fold into one more) so the last one Slack
sees carries every rating.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from slack_bolt import Ack, App
from slack_bolt.context.respond import Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.blocks.checkin import checkin_blocks, checkin_text
from bot.blocks.text import fit
from bot.deps import Deps
from bot.flows import checkins
from bot.ids import Action
from bot.playbook import answers
from bot.slack.identity import Acting
from bot.slack.messages import Rerenders
from handlers.payloads import ButtonPress
from handlers.refusals import answer_refusals

logger = logging.getLogger(__name__)


_rerenders = Rerenders()


def refresh_message(client: WebClient, deps: Deps, occurrence_id: int) -> None:
    """Re-render the check-in from the database (the current tally) and update it in place."""
    _rerenders.run(occurrence_id, lambda: _rerender(client, deps, occurrence_id))


def _rerender(client: WebClient, deps: Deps, occurrence_id: int) -> None:
    posted = checkins.posted_checkin(deps.db, occurrence_id)
    if posted is None:
        return
    try:
        client.chat_update(
            channel=posted.channel,
            ts=posted.ts,
            blocks=checkin_blocks(posted.view),
            text=checkin_text(posted.view),
        )
    except SlackApiError as exc:
        logger.warning(
            "could not update check-in message",
            extra={"error": exc.response.get("error"), "occurrence_id": occurrence_id},
        )


def _thanks(rated: answers.Rated, open_tally: bool) -> str:
    question = fit(rated.question, 150)
    if not rated.changed:
        return f"Your rating for _{question}_ is already *{rated.rating}*. Thanks!"
    verb = "is now" if rated.previous is not None else "is in:"
    shown = (
        "Your name is shown next to it: this check-in has an open tally."
        if open_tally
        else "Only the totals are shown in the channel, not who gave which rating."
    )
    return (
        f"Thanks! Your rating for _{question}_ {verb} *{rated.rating}*. {shown} "
        "Press another number to change it."
    )


@answer_refusals
def _rate(
    *,
    body: dict[str, Any],
    rating: answers.RatingPress,
    acting: Acting,
    channel_id: str | None,
    respond: Respond,
    client: WebClient,
    deps: Deps,
) -> None:
    """Store one press and thank the person, then bring the tally up to date.

    Runs after the acknowledgement, on the outbound pool, so a slow Slack (a newcomer's
    profile, the message update) delays this press, never the next presses'
    acknowledgements. ``body`` is there for ``answer_refusals``, to find whom to tell.
    """
    given = checkins.rate(
        deps.db,
        client,
        home=acting.home,
        user_id=acting.user_id,
        channel_id=channel_id,
        press=rating,
        now=deps.now(),
    )
    respond(
        text=_thanks(given.rated, given.open_tally),
        response_type="ephemeral",
        replace_original=False,
    )
    if given.rated.changed:
        refresh_message(client, deps, rating.occurrence_id)


@answer_refusals
def on_rate(
    ack: Ack,
    body: dict[str, Any],
    press: ButtonPress,
    acting: Acting,
    respond: Respond,
    client: WebClient,
    deps: Deps,
) -> None:
    """Acknowledge a rating button at once; the rating is stored after the ack."""
    ack()
    rating = answers.RatingPress.parse(press.value or "")
    channel_id = acting.channel_id or press.channel_id
    deps.after_ack(
        lambda: _rate(
            body=body,
            rating=rating,
            acting=acting,
            channel_id=channel_id,
            respond=respond,
            client=client,
            deps=deps,
        )
    )


def register(app: App) -> None:
    """Listen for the rating buttons of check-in messages."""
    app.action(re.compile(rf"^{Action.CHECKIN_RATE}:"))(on_rate)
