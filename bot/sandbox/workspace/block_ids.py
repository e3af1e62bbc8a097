"""Block and action ids as Slack fills them in: every block and interactive element
the bot posts gets one, so payloads sent back to the bot can always name them.
"""

from __future__ import annotations

import copy
import secrets
from collections.abc import Iterator

from bot.sandbox.workspace.objects import JSON


def elements_of(blocks: list[JSON]) -> Iterator[tuple[JSON, JSON]]:
    """(block, element) for every interactive element: accessories, actions, inputs."""
    for block in blocks:
        candidates = [block.get("accessory"), block.get("element")]
        if block.get("type") == "actions":
            candidates += block.get("elements", [])
        for element in candidates:
            if isinstance(element, dict) and element.get("type") != "image":
                yield block, element


def with_ids(blocks: list[JSON]) -> list[JSON]:
    """A copy where every block and element has an id: Slack fills in any left out."""
    filled = copy.deepcopy(blocks)
    for block in filled:
        block.setdefault("block_id", secrets.token_urlsafe(4))
    for _block, element in elements_of(filled):
        element.setdefault("action_id", secrets.token_urlsafe(4))
    return filled


def with_view_ids(payload: JSON) -> JSON:
    """A copy of a view payload whose blocks all have ids."""
    return {**copy.deepcopy(payload), "blocks": with_ids(payload.get("blocks", []))}
