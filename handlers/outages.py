"""Tell whoever acted that the database could not save what they did, and give it back.

A full disk, a lock held past the wait or a server that is down (``bot.flows.outages``)
fails a write before anything is acknowledged: every transaction rolls back whole, and
the filing paths commit before they acknowledge. So the truthful answer is always "I
couldn't save this", with what they wrote quoted back so nothing is lost, in the channel
Slack gives each kind of request: the acknowledgement of a slash command, errors shown in
a form (which keeps every answer in place), a private reply for a button. An event (a
thread reply) has nobody to answer: it is logged, and refused with ``503`` when nothing
of it was handled, so Slack delivers it again later.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

from slack_bolt import BoltResponse
from slack_bolt.context.respond import Respond
from slack_sdk import WebClient

from bot.blocks.text import quoted
from bot.flows.outages import Outage, attempt
from bot.slack.identity import acting_user
from bot.slack.messages import direct_message
from handlers.slack_text import from_slack

logger = logging.getLogger(__name__)

COULD_NOT_SAVE = (
    "I couldn't save this: my database isn't taking writes right now. Please try again in a minute."
)


def could_not_save(written: str) -> str:
    """The sentence, with ``written`` quoted back (escaped, trimmed) when there is any."""
    if not written.strip():
        return COULD_NOT_SAVE
    return (
        "I couldn't save this — here is what you wrote, please try again in a minute:\n"
        + quoted(written)
    )


def answer_outage(
    outage: Outage,
    body: dict[str, Any],
    *,
    acknowledged: bool,
    respond: Respond | None,
    client: WebClient | None,
) -> BoltResponse | None:
    """Tell the person; the response to send Slack when the request is not yet answered."""
    kind = "slash_command" if "command" in body else str(body.get("type", "unknown"))
    logger.warning("database outage", extra={"reason": outage.value, "request": kind})
    if kind == "event_callback":
        return None if acknowledged else BoltResponse(status=503, body={"error": outage.value})
    if kind == "slash_command":
        text = could_not_save(from_slack(body.get("text")))
        if not acknowledged:
            return BoltResponse(status=200, body={"response_type": "ephemeral", "text": text})
        _reply(body, respond, client, text)
        return None
    view = body.get("view") if kind == "view_submission" else None
    block = _input_to_flag(view) if isinstance(view, dict) and not acknowledged else None
    if block is not None:
        return BoltResponse(
            status=200, body={"response_action": "errors", "errors": {block: COULD_NOT_SAVE}}
        )
    _reply(body, respond, client, COULD_NOT_SAVE)
    return None if acknowledged else BoltResponse(status=200, body="")


def _input_to_flag(view: dict[str, Any]) -> str | None:
    """The form's first free-text input (where the words are), else its first input."""
    inputs = [b for b in view.get("blocks") or [] if b.get("type") == "input" and b.get("block_id")]
    typed = [b for b in inputs if (b.get("element") or {}).get("type") == "plain_text_input"]
    chosen = (typed or inputs or [None])[0]
    return str(chosen["block_id"]) if chosen else None


def _reply(
    body: dict[str, Any], respond: Respond | None, client: WebClient | None, text: str
) -> None:
    """Privately: through the response URL when there is one, else by DM."""
    if respond is not None and respond.response_url is not None:
        respond(text=text, response_type="ephemeral", replace_original=False)
        return
    user = acting_user(body)
    if client is not None and user:
        direct_message(client, user, text)


def answering_outages(
    work: Callable[[], None],
    *,
    body: dict[str, Any],
    respond: Respond | None,
    client: WebClient | None,
) -> None:
    """Run ``work``, the rest of a request already acknowledged (on the outbound
    workers); a database outage that stops it is told to the person, privately."""
    _, outage = attempt(work)
    if outage is not None:
        answer_outage(outage, body, acknowledged=True, respond=respond, client=client)


#: What the work after a commit gives back.
Done = TypeVar("Done")


def survived_outage(work: Callable[[], Done], what: str) -> Done | None:
    """Run ``work``, which follows a commit the person was already told about: what it
    returned, or None (and a log line saying what was left undone) when a database outage
    stopped it.

    The error handler would tell them "I couldn't save this", which after a commit is
    untrue; the caller says what is true instead. Other errors still reach the handler.
    """
    done, outage = attempt(work)
    if outage is not None:
        logger.warning("database outage after saving", extra={"reason": outage.value, "left": what})
    return done
