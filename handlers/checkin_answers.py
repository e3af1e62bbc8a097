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
from bot.ids import Action
from bot.playbook import answers, checkins, health, people
from bot.playbook.errors import PlaybookError
from bot.slack.lookup import profile_of
from bot.slack.messages import Rerenders
from handlers.item_scope import require_in_scope
from handlers.refusals import answer_refusals
from storage.models import CheckinOccurrence

logger = logging.getLogger(__name__)


_rerenders = Rerenders()


def refresh_message(client: WebClient, deps: Deps, occurrence_id: int) -> None:
    """Re-render the check-in from the database (the current tally) and update it in place."""
    _rerenders.run(occurrence_id, lambda: _rerender(client, deps, occurrence_id))


def _rerender(client: WebClient, deps: Deps, occurrence_id: int) -> None:
    with deps.db.transaction() as session:
        occurrence = session.get_one(CheckinOccurrence, occurrence_id)
        channel, ts = occurrence.slack_channel, occurrence.slack_ts
        view = checkins.checkin_view(session=session, occurrence_id=occurrence_id)
    if not (channel and ts):
        return
    try:
        client.chat_update(
            channel=channel, ts=ts, blocks=checkin_blocks(view), text=checkin_text(view)
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


#: Said alike for a check-in that does not exist and one the person may not reach.
CHECKIN_GONE = "This check-in no longer exists."


@answer_refusals
def _rate(
    *,
    body: dict[str, Any],
    press: answers.RatingPress,
    respond: Respond,
    client: WebClient,
    deps: Deps,
) -> None:
    """Store one press and thank the person, then bring the tally up to date.

    Runs after the acknowledgement, on the outbound pool: someone met for the first time
    is looked up first (their side decides whether the check-in asks them), and a slow
    Slack delays this press, never the next presses' acknowledgements.
    """
    user_id = str(body["user"]["id"])
    with deps.db.transaction() as session:
        occurrence = session.get(CheckinOccurrence, press.occurrence_id)
        if occurrence is None:
            raise PlaybookError(CHECKIN_GONE)
        require_in_scope(session, deps, body, occurrence.schedule.case, gone=CHECKIN_GONE)
        workspace = occurrence.schedule.case.workspace
        known = people.find_person(session=session, workspace=workspace, user_id=user_id)
    profile = None if known else profile_of(client, user_id, deps.home(body))
    with deps.db.transaction() as session:
        occurrence = session.get_one(CheckinOccurrence, press.occurrence_id)
        case = occurrence.schedule.case
        person = (
            people.ensure_person(session=session, workspace=case.workspace, profile=profile)
            if profile
            else people.find_person(session=session, workspace=case.workspace, user_id=user_id)
        )
        if person is None:
            raise PlaybookError("I couldn't tell who you are; please try again.")
        now = deps.now()
        rated = answers.rate(
            session=session,
            occurrence=occurrence,
            person=person,
            question_index=press.question_index,
            rating=press.rating,
            now=now,
        )
        health.rescore(session=session, case=case, now=now)
        open_tally = occurrence.schedule.open_tally
    respond(text=_thanks(rated, open_tally), response_type="ephemeral", replace_original=False)
    if rated.changed:
        refresh_message(client, deps, press.occurrence_id)


def register(app: App, deps: Deps) -> None:
    """Listen for the rating buttons of check-in messages."""

    @app.action(re.compile(rf"^{Action.CHECKIN_RATE}:"))
    @answer_refusals
    def on_rate(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond, client: WebClient
    ) -> None:
        ack()
        press = answers.RatingPress.parse(str(action.get("value") or ""))
        deps.after_ack(
            lambda: _rate(body=body, press=press, respond=respond, client=client, deps=deps)
        )
