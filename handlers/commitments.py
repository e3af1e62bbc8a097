"""``/grievance commit`` and the *Done* button: commitments recorded, listed, kept.

Slack I/O only: what a commitment is and who may do what with it is for
``bot.playbook.commitments`` to say; the flow returns plain views, rendered by
``bot.blocks.commitments``. A commitment the client side may read is posted in the
channel with a *Done* button; an internal one is told only to whoever recorded it and
its owner.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App
from slack_bolt.context.respond import Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.blocks import commitments as render
from bot.deps import Deps
from bot.flows import commitments as flow
from bot.flows.item_scope import Reach
from bot.flows.people import caller_profile
from bot.ids import Action
from bot.playbook.commands import parse_number, split_mentions
from bot.playbook.commitments import USAGE
from bot.slack.identity import Acting
from bot.slack.lookup import profile_of
from bot.slack.messages import direct_message, post_or_tell, tell
from handlers.acknowledged_first import acknowledged_first
from handlers.context import CommandCall
from handlers.payloads import ButtonPress

logger = logging.getLogger("grievance_bot.commitments")


def commit(call: CommandCall) -> None:
    """``commit`` lists; ``commit done <n> [note]`` marks one done; ``commit @owner <due>
    <what>`` records one."""
    args = call.parsed.args.strip()
    if not args or args.lower() == "list":
        found = flow.listing(
            call.deps.db,
            team_id=call.team_id,
            channel_id=call.where.channel_id,
            caller=call.caller(),
            now=call.deps.now(),
        )
        call.ack(text=render.listing_text(found.client_name, found.commitments))
        return
    word, _, rest = args.partition(" ")
    if word.lower() == "done":
        _done_by_command(call, rest.strip())
        return
    _make(call, args)


def _make(call: CommandCall, args: str) -> None:
    call.ack(text=make_and_post(call.client, call.deps, call.acting, call.where.channel_id, args))


def make_and_post(
    client: WebClient,
    deps: Deps,
    acting: Acting,
    channel_id: str,
    args: str,
    thread_ts: str | None = None,
) -> str:
    """Record the commitment ``args`` types (in a grievance's thread: answering it), post
    it unless internal, tell its owner; what to tell whoever typed it."""
    mentioned = split_mentions(args.split(" ", 1)[0])
    owner = profile_of(client, mentioned[0], acting.home) if mentioned else None
    caller = caller_profile(deps.db, client, acting.user_id, acting.home)
    made = flow.make(
        deps.db,
        team_id=acting.home.key,
        channel_id=channel_id,
        caller=caller,
        owner=owner,
        args=args,
        now=deps.now(),
        thread_ts=thread_ts,
    )
    view = made.commitment
    posted = False
    if not view.internal:
        response = post_or_tell(
            client,
            acting.user_id,
            f"Commitment #{view.number} is recorded, but I couldn't post it in the channel.",
            channel=view.channel_id,
            text=render.message_text(view),
            blocks=render.message_blocks(view),
        )
        if response is not None:
            flow.mark_posted(
                deps.db, view.id, channel=str(response["channel"]), ts=str(response["ts"])
            )
            posted = True
    if view.owner_user_id and view.owner_user_id != acting.user_id:
        direct_message(client, view.owner_user_id, render.assigned_text(view, caller.display_name))
    return render.made_text(view, posted=posted)


def _done_by_command(call: CommandCall, rest: str) -> None:
    number_text, _, note = rest.partition(" ")
    number = parse_number(number_text)
    if number is None:
        call.ack(text=USAGE)
        return
    done = flow.complete_by_number(
        call.deps.db,
        team_id=call.team_id,
        channel_id=call.where.channel_id,
        caller=call.caller(),
        number=number,
        note=note,
        now=call.deps.now(),
    )
    announce(call.client, done)
    call.ack(text=render.done_text(done.commitment, done.by_name))


def announce(client: WebClient, done: flow.Done) -> None:
    """Show it done on its channel message, and tell its owner and the leads."""
    view = done.commitment
    if view.message is not None:
        channel, ts = view.message
        try:
            client.chat_update(
                channel=channel,
                ts=ts,
                text=render.message_text(view),
                blocks=render.message_blocks(view),
            )
        except SlackApiError as error:  # the record stands; the message just lags
            logger.warning("commitment message not updated", extra={"error": str(error)})
    for user in done.tell:
        direct_message(client, user, render.done_text(view, done.by_name))


@acknowledged_first
def on_done(
    ack: Ack,
    body: dict[str, Any],
    press: ButtonPress,
    acting: Acting,
    deps: Deps,
    client: WebClient,
    respond: Respond,
) -> None:
    """The *Done* button, on the commitment's message or on a reminder."""
    ack()
    done = flow.complete_by_button(
        deps.db,
        value=press.value or "",
        reach=Reach(acting.user_id, acting.home.key, press.channel_id),
        now=deps.now(),
    )
    announce(client, done)
    said = render.done_text(done.commitment, done.by_name)
    if press.channel_id:
        tell(client, press.channel_id, acting.user_id, said)
    else:
        direct_message(client, acting.user_id, said)


def register(app: App) -> None:
    """Listen for the *Done* button (the subcommand is routed by ``handlers.commands``)."""
    app.action(Action.COMMITMENT_DONE)(on_done)
