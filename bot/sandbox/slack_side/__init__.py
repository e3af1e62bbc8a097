"""Slack's side: people act in the workspace, and Slack signs and delivers that to the bot.

Every request goes over real HTTP with Slack's headers and signature, so the bot's own
request verification, routing and ack handling are exercised exactly as in production.
The bot's HTTP answer is then applied the way Slack applies it (ack text, view responses).

Its parts: ``delivery`` (signing, sending, envelopes and the pieces payloads share),
``messaging`` (slash commands, messages, edits, reactions, the Home tab),
``interactions`` (buttons, menus, shortcuts, modals) and ``element_state`` (what a
person's answers look like in a payload).
"""

from bot.sandbox.slack_side.delivery import Delivery
from bot.sandbox.slack_side.element_state import build_view_state
from bot.sandbox.slack_side.interactions import Interactions
from bot.sandbox.slack_side.messaging import Messaging

__all__ = ["Delivery", "SlackSide", "build_view_state"]


class SlackSide(Messaging, Interactions):
    """Users' actions turned into signed HTTP requests to the bot at `bot_url`."""
