"""What the app exposes to Slack: its command, events, shortcuts and scopes.

``manifest.yml`` must declare exactly these, and the handlers register exactly these;
``tests/test_manifest.py`` holds all three together so they cannot drift apart.
``grievance-bot check`` compares a token's granted scopes with ``BOT_SCOPES``.
"""

from __future__ import annotations

SLASH_COMMAND = "/grievance"

#: Bot events subscribed in the manifest (``message.channels`` etc. arrive as ``message``).
BOT_EVENTS: tuple[str, ...] = (
    "app_home_opened",
    "message.channels",
    "message.groups",
    "reaction_added",
    "reaction_removed",
)

#: Message shortcuts by callback id.
MESSAGE_SHORTCUTS: tuple[str, ...] = ("file_as_grievance",)

BOT_SCOPES: tuple[str, ...] = (
    "channels:history",
    "channels:join",
    "channels:read",
    "chat:write",
    "chat:write.public",
    "commands",
    "files:write",
    "groups:history",
    "groups:read",
    "im:write",
    "reactions:read",
    "users:read",
)


def event_types() -> set[str]:
    """The Events API ``event.type`` values the subscriptions above deliver."""
    return {name.split(".", 1)[0] for name in BOT_EVENTS}
