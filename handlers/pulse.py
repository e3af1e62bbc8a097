"""``/grievance pulse``, the pulse DM's rating buttons and its comment form.

Slack I/O only: who is asked and what an answer counts for is for ``bot.playbook.pulse``
to say; rounds on the cadence are the scheduler's (``bot.jobs.pulse``). The reply id a
button or form carries is checked against who pressed it before anything is kept.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from slack_bolt import Ack, App
from slack_bolt.context.respond import Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.blocks import pulse as render
from bot.deps import Deps
from bot.flows import pulse as flow
from bot.ids import Action, Callback, PulseField, row_id
from bot.jobs import pulse as pulse_job
from bot.playbook.errors import PlaybookError
from bot.playbook.pulse import COMMENT, GONE, Answered, PulseError
from bot.slack.identity import Acting
from bot.slack.messages import direct_message
from handlers.context import CommandCall
from handlers.payloads import ButtonPress, FormSubmission
from handlers.refusals import answer_refusals
from handlers.view_state import answers_stale_forms, read_metadata

logger = logging.getLogger("grievance_bot.pulse")


def pulse(call: CommandCall) -> None:
    """``pulse`` shows the results; ``pulse now`` asks at once; ``pulse every 3 weeks``,
    ``pulse default`` or ``pulse off`` sets the cadence (leads)."""
    args = call.parsed.args.strip()
    where = {"team_id": call.team_id, "channel_id": call.where.channel_id}
    if not args:
        call.ack(text=_results(flow.show(call.deps.db, caller=call.caller(), **where)))
        return
    if args.lower() == "now":
        asked = flow.send_now(call.deps.db, caller=call.caller(), now=call.deps.now(), **where)
        call.ack(text=render.asked_text(asked.client_name, asked.number, len(asked.recipients)))
        call.deps.after_ack(lambda: pulse_job.send(call.deps.db, call.client, asked))
        return
    said, now = flow.change(call.deps.db, caller=call.caller(), args=args, **where)
    call.ack(text=f"{said}.\n\n{_results(now)}")


def _results(view: flow.PulseView) -> str:
    return render.results_text(
        client_name=view.client_name,
        cadence=view.cadence,
        next_due=view.next_due,
        zone=view.zone,
        rounds=view.rounds,
        comments=view.comments,
    )


def _thank_and_tell(client: WebClient, answered: Answered, where: tuple[str, str] | None) -> None:
    """Replace the asking DM's buttons with the thanks; tell the leads what they should know."""
    if where is not None:
        try:
            client.chat_update(
                channel=where[0],
                ts=where[1],
                text=render.thanks_text(answered),
                blocks=render.thanks(answered),
            )
        except SlackApiError as exc:  # kept all the same; the DM just lags
            logger.warning("pulse DM not updated", extra={"error": exc.response.get("error")})
    for lead in answered.tell:
        direct_message(client, lead, render.for_leads_text(answered))


_RATED = re.compile(r"(\d{1,12}):([1-5])")


@answer_refusals
def on_rate(
    ack: Ack,
    body: dict[str, Any],
    press: ButtonPress,
    acting: Acting,
    client: WebClient,
    respond: Respond,
    deps: Deps,
) -> None:
    """A rating button in the pulse DM: keep it, and thank them in place of the buttons."""
    ack()
    found = _RATED.fullmatch(press.value or "")
    if found is None:
        raise PlaybookError(GONE)
    answered = flow.answer(
        deps.db,
        reply_id=int(found.group(1)),
        user_id=acting.user_id,
        team_id=acting.home.key,
        rating=found.group(2),
        keep_comment=True,
        now=deps.now(),
    )
    where = (press.channel_id, press.message_ts) if press.channel_id and press.message_ts else None
    _thank_and_tell(client, answered, where)


@answer_refusals
def on_comment(
    ack: Ack,
    body: dict[str, Any],
    press: ButtonPress,
    acting: Acting,
    client: WebClient,
    respond: Respond,
    deps: Deps,
) -> None:
    """*Add a comment*: the form, with the rating as given."""
    ack()
    reply_id = row_id(press.value)
    if reply_id is None:
        raise PlaybookError(GONE)
    card = flow.card(deps.db, reply_id=reply_id, user_id=acting.user_id, team_id=acting.home.key)
    context = render.PulseModalContext(
        reply_id=reply_id, dm_channel=press.channel_id, dm_ts=press.message_ts
    )
    client.views_open(
        trigger_id=press.trigger_id,
        view=render.comment_modal(context, card.client_name, card.rating),
    )


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
    """The comment form: keep the rating and the words, then close it."""
    context = read_metadata(render.PulseModalContext, view)
    comment = submission.values.get(PulseField.COMMENT)
    try:
        answered = flow.answer(
            deps.db,
            reply_id=context.reply_id,
            user_id=acting.user_id,
            team_id=acting.home.key,
            rating=submission.values.get(PulseField.RATING),
            comment=comment if isinstance(comment, str) else None,
            now=deps.now(),
        )
    except PulseError as exc:
        field = PulseField.COMMENT if exc.field == COMMENT else PulseField.RATING
        ack(response_action="errors", errors={field.value: str(exc)})
        return
    except PlaybookError as exc:
        ack(response_action="errors", errors={PulseField.RATING.value: str(exc)})
        return
    ack()  # kept: close the form, then update the DM it came from
    where = (context.dm_channel, context.dm_ts) if context.dm_channel and context.dm_ts else None
    _thank_and_tell(client, answered, where)


def register(app: App) -> None:
    """Listen for the pulse DM's buttons and its form (the subcommand is routed by
    ``handlers.commands``)."""
    app.action(re.compile(rf"^{Action.PULSE_RATE}:"))(on_rate)
    app.action(Action.PULSE_COMMENT)(on_comment)
    app.view(Callback.PULSE_MODAL)(on_submit)
