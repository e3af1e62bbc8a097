"""``/grievance digest``: post the digest now, or (leads) move the weekly one.

Slack I/O only: each intent's transaction is in ``bot.flows.digests``, the schedule rules
and the digest's content live in ``bot.playbook.digest``; posting (message, chart upload,
timeline) is ``bot.jobs.digests.publish``, shared with the weekly job.
"""

from __future__ import annotations

import logging

from slack_sdk.errors import SlackApiError

from bot.blocks.digest import schedule_confirmation
from bot.flows import digests as flow
from bot.jobs import digests as digest_job
from bot.playbook import digest as playbook
from bot.slack.faults import fault_of
from handlers.context import CommandCall

logger = logging.getLogger(__name__)


def digest(call: CommandCall) -> None:
    """``/grievance digest`` posts one now; ``/grievance digest every …`` moves the weekly one."""
    args = call.parsed.args.strip()
    if args:
        _schedule(call, args)
    else:
        _post_now(call)


def _schedule(call: CommandCall, args: str) -> None:
    now = call.deps.now()
    found = flow.set_schedule(
        call.deps.db,
        team_id=call.team_id,
        channel_id=call.where.channel_id,
        caller=call.caller(),
        args=args,
    )
    next_due = playbook.next_due_after(found.schedule, now)
    call.ack(text=schedule_confirmation(found.schedule, next_due, changed=found.changed))


def _post_now(call: CommandCall) -> None:
    found = flow.case_to_post(
        call.deps.db, team_id=call.team_id, channel_id=call.where.channel_id, caller=call.caller()
    )
    case_id, channel = found.case_id, found.channel_id
    call.ack()  # the digest and its chart take a moment; they are the answer
    try:
        digest_job.publish(
            call.deps.db,
            call.client,
            case_id,
            call.deps.now(),
            requested_by=call.user_id,
            slack_url=call.deps.slack_url,
            public_url=call.deps.settings.public_url,
        )
    except SlackApiError as exc:
        fault = fault_of(exc)
        logger.warning("digest not posted", extra={"case_id": case_id, "error": fault.code})
        call.respond(
            text=f"I couldn't post the digest in <#{channel}>. {fault.sentence()}",
            response_type="ephemeral",
        )
