"""``/grievance history``, ``/grievance insights``, their paging buttons, and the App Home.

Slack I/O only: what each shows, and who may see it, is read by ``bot.flows.history``
and ``bot.flows.home``; the builders render those views.
"""

from __future__ import annotations

import re
from typing import Any

from slack_bolt import Ack, App
from slack_bolt.context.respond import Respond
from slack_sdk import WebClient

from bot.blocks.history import grievance_detail, history_page, insights_blocks
from bot.blocks.home import home_view
from bot.deps import Deps
from bot.flows import history as history_flow
from bot.flows import home as home_flow
from bot.playbook.commands import parse_number
from bot.slack.identity import Acting
from handlers.acknowledged_first import acknowledged_first
from handlers.context import CommandCall
from handlers.payloads import ButtonPress
from handlers.refusals import answer_refusals

_HISTORY_FALLBACK = "Case history"


def history(call: CommandCall) -> None:
    """The case timeline, newest first; with a number, that grievance and its thread."""
    number = parse_number(call.parsed.args) if call.parsed.args else None
    if call.parsed.args and number is None:
        call.ack(
            text="Use `/grievance history` for the timeline, or `/grievance history 3` "
            "for grievance #3 and its thread."
        )
        return
    db, channel_id = call.deps.db, call.where.channel_id
    if number is None:
        page = history_flow.timeline(
            db, team_id=call.team_id, user_id=call.user_id, channel_id=channel_id
        )
        blocks = history_page(page, base_url=call.deps.slack_url)
    else:
        detail = history_flow.grievance_detail(
            db, team_id=call.team_id, user_id=call.user_id, channel_id=channel_id, number=number
        )
        blocks = grievance_detail(detail, base_url=call.deps.slack_url)
    call.ack(text=_HISTORY_FALLBACK, blocks=blocks)


def insights(call: CommandCall) -> None:
    """What the client cares about, de-duplicated with counts."""
    found = history_flow.case_insights(
        call.deps.db, team_id=call.team_id, user_id=call.user_id, channel_id=call.where.channel_id
    )
    call.ack(text="What the client cares about", blocks=insights_blocks(found))


@acknowledged_first
def on_page(
    ack: Ack, body: dict[str, Any], press: ButtonPress, acting: Acting, deps: Deps, respond: Respond
) -> None:
    """Acknowledge a paging button at once; the page is read and shown after the ack."""
    ack()
    page = history_flow.page_from(
        deps.db,
        team_id=acting.home.key,
        user_id=acting.user_id,
        channel_id=press.channel_id,
        value=press.value or "",
    )
    blocks = history_page(page, base_url=deps.slack_url)
    respond(text=_HISTORY_FALLBACK, blocks=blocks, replace_original=True)


@answer_refusals
def on_home(
    event: dict[str, Any], body: dict[str, Any], acting: Acting, deps: Deps, client: WebClient
) -> None:
    """Publish the person's App Home: each case they may see, summarised.

    ``body`` is for ``answer_refusals``, which finds in it whom to tell of a refusal.
    """
    if event.get("tab", "home") != "home":
        return
    found = home_flow.summaries(
        deps.db, team_id=acting.home.key, user_id=acting.user_id, now=deps.now()
    )
    view = home_view(found, deps.slack_url, deps.settings.public_url)
    client.views_publish(user_id=acting.user_id, view=view)


def register(app: App) -> None:
    """Listen for history paging and the App Home."""
    app.action(re.compile(r"^history_page:"))(on_page)
    app.event("app_home_opened")(on_home)
