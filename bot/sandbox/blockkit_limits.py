"""Block Kit limits as Slack enforces them, so the sandbox refuses what Slack would refuse.

Messages read like Slack's own (`must be less than 3001 characters [json-pointer:/blocks/0/...]`)
so a bot that logs Slack's answer logs the same thing against the emulator.
"""

from __future__ import annotations

import json
from typing import Any

MESSAGE_MAX_BLOCKS = 50
SURFACE_MAX_BLOCKS = 100
VIEW_MAX_BYTES = 250_000

BLOCK_TYPES = frozenset(
    {
        "actions",
        "context",
        "divider",
        "file",
        "header",
        "image",
        "input",
        "markdown",
        "rich_text",
        "section",
        "video",
    }
)
ELEMENT_TYPES = frozenset(
    {
        "button",
        "channels_select",
        "checkboxes",
        "conversations_select",
        "datepicker",
        "datetimepicker",
        "email_text_input",
        "external_select",
        "file_input",
        "image",
        "multi_channels_select",
        "multi_conversations_select",
        "multi_external_select",
        "multi_static_select",
        "multi_users_select",
        "number_input",
        "overflow",
        "plain_text_input",
        "radio_buttons",
        "rich_text_input",
        "static_select",
        "timepicker",
        "url_text_input",
        "users_select",
        "workflow_button",
    }
)
# Most options each element type takes, per Slack's element reference.
MAX_OPTIONS = {
    "static_select": 100,
    "multi_static_select": 100,
    "overflow": 5,
    "checkboxes": 10,
    "radio_buttons": 10,
}
TEXT_TYPES = frozenset({"plain_text", "mrkdwn"})


def message_block_errors(blocks: object) -> list[str]:
    """Everything Slack would reject in a message's `blocks` (empty when it would accept them)."""
    check = _Check()
    check.blocks(blocks, "/blocks", MESSAGE_MAX_BLOCKS)
    return check.errors


def view_errors(view: object) -> list[str]:
    """Everything Slack would reject in a modal or Home tab view (pointers start `/view`)."""
    check = _Check()
    if not isinstance(view, dict):
        check.fail("must be an object", "/view")
        return check.errors
    kind = view.get("type")
    if kind not in ("modal", "home"):
        check.fail("must be a valid enum value", "/view/type")
    if kind == "modal":
        if "title" not in view:
            check.fail("missing required field: title", "/view")
        for name in ("title", "submit", "close"):
            if name in view:
                check.text(view[name], f"/view/{name}", 24, plain_only=True)
        if "submit" not in view and _has_inputs(view.get("blocks")):
            check.fail("must provide submit when blocks contain input blocks", "/view/submit")
    check.string(view.get("private_metadata"), "/view/private_metadata", 3000)
    check.string(view.get("callback_id"), "/view/callback_id", 255)
    check.string(view.get("external_id"), "/view/external_id", 255)
    check.blocks(view.get("blocks"), "/view/blocks", SURFACE_MAX_BLOCKS)
    if len(json.dumps(view).encode()) > VIEW_MAX_BYTES:
        check.fail(f"must be no larger than {VIEW_MAX_BYTES} bytes", "/view")
    return check.errors


def _has_inputs(blocks: object) -> bool:
    return isinstance(blocks, list) and any(
        isinstance(b, dict) and b.get("type") == "input" for b in blocks
    )


class _Check:
    """Collects errors while walking a payload; one method per Block Kit shape."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    def fail(self, message: str, pointer: str) -> None:
        self.errors.append(f"{message} [json-pointer:{pointer}]")

    def string(self, value: object, pointer: str, limit: int, minimum: int = 0) -> None:
        if value is None:
            return
        if not isinstance(value, str):
            self.fail("must be a string", pointer)
        elif len(value) > limit:
            self.fail(f"must be less than {limit + 1} characters", pointer)
        elif len(value) < minimum:
            self.fail(f"must be more than {minimum - 1} characters", pointer)

    def text(self, obj: object, pointer: str, limit: int, *, plain_only: bool = False) -> None:
        if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
            self.fail("missing required field: text", pointer)
            return
        allowed = {"plain_text"} if plain_only else TEXT_TYPES
        if obj.get("type") not in allowed:
            self.fail("must be a valid enum value", f"{pointer}/type")
        self.string(obj["text"], f"{pointer}/text", limit, minimum=1)

    def items(self, value: object, pointer: str, limit: int) -> list[Any]:
        """A non-empty list of at most `limit` items (or [] after recording why not)."""
        if not isinstance(value, list) or not value:
            self.fail("must provide a non-empty array", pointer)
            return []
        if len(value) > limit:
            self.fail(f"no more than {limit} items allowed", pointer)
        return value

    def blocks(self, blocks: object, pointer: str, limit: int) -> None:
        if blocks is None:
            return
        if not isinstance(blocks, list):
            self.fail("must be an array", pointer)
            return
        if len(blocks) > limit:
            self.fail(f"no more than {limit} items allowed", pointer)
        seen: set[str] = set()
        for i, block in enumerate(blocks):
            where = f"{pointer}/{i}"
            if not isinstance(block, dict) or block.get("type") not in BLOCK_TYPES:
                self.fail("failed to match all allowed schemas", where)
                continue
            block_id = block.get("block_id")
            self.string(block_id, f"{where}/block_id", 255, minimum=1)
            if isinstance(block_id, str):
                if block_id in seen:
                    self.fail("duplicate block_id", f"{where}/block_id")
                seen.add(block_id)
            self.block(block, where)

    def block(self, block: dict[str, Any], at: str) -> None:
        kind = block["type"]
        if kind == "section":
            if "text" not in block and "fields" not in block:
                self.fail("must provide text or fields", at)
            if "text" in block:
                self.text(block["text"], f"{at}/text", 3000)
            if "fields" in block:
                for i, field in enumerate(self.items(block["fields"], f"{at}/fields", 10)):
                    self.text(field, f"{at}/fields/{i}", 2000)
            if "accessory" in block:
                self.element(block["accessory"], f"{at}/accessory")
        elif kind == "header":
            self.text(block.get("text"), f"{at}/text", 150, plain_only=True)
        elif kind == "context":
            for i, item in enumerate(self.items(block.get("elements"), f"{at}/elements", 10)):
                if isinstance(item, dict) and item.get("type") == "image":
                    self.element(item, f"{at}/elements/{i}")
                else:
                    self.text(item, f"{at}/elements/{i}", 3000)
        elif kind == "actions":
            for i, item in enumerate(self.items(block.get("elements"), f"{at}/elements", 25)):
                self.element(item, f"{at}/elements/{i}")
        elif kind == "input":
            self.text(block.get("label"), f"{at}/label", 2000, plain_only=True)
            if "hint" in block:
                self.text(block["hint"], f"{at}/hint", 2000, plain_only=True)
            self.element(block.get("element"), f"{at}/element")
        elif kind == "image":
            self.string(block.get("alt_text"), f"{at}/alt_text", 2000, minimum=1)
            self.string(block.get("image_url"), f"{at}/image_url", 3000)

    def element(self, element: object, at: str) -> None:
        if not isinstance(element, dict) or element.get("type") not in ELEMENT_TYPES:
            self.fail("failed to match all allowed schemas", at)
            return
        kind = element["type"]
        self.string(element.get("action_id"), f"{at}/action_id", 255, minimum=1)
        if "placeholder" in element:
            self.text(element["placeholder"], f"{at}/placeholder", 150, plain_only=True)
        if kind == "button":
            self.text(element.get("text"), f"{at}/text", 75, plain_only=True)
            self.string(element.get("value"), f"{at}/value", 2000)
            self.string(element.get("url"), f"{at}/url", 3000)
        elif kind == "plain_text_input":
            for name, lowest in (("max_length", 1), ("min_length", 0)):
                length = element.get(name)
                if length is not None and not (
                    isinstance(length, int) and lowest <= length <= 3000
                ):
                    self.fail(f"must be an integer from {lowest} to 3000", f"{at}/{name}")
        if "options" in element:
            limit = MAX_OPTIONS.get(kind, 100)
            for i, option in enumerate(self.items(element["options"], f"{at}/options", limit)):
                self.option(option, f"{at}/options/{i}")
        if "option_groups" in element:
            groups = self.items(element["option_groups"], f"{at}/option_groups", 100)
            for g, group in enumerate(groups):
                where = f"{at}/option_groups/{g}"
                if not isinstance(group, dict):
                    self.fail("must be an object", where)
                    continue
                self.text(group.get("label"), f"{where}/label", 75, plain_only=True)
                for i, option in enumerate(
                    self.items(group.get("options"), f"{where}/options", 100)
                ):
                    self.option(option, f"{where}/options/{i}")

    def option(self, option: object, at: str) -> None:
        if not isinstance(option, dict):
            self.fail("must be an object", at)
            return
        self.text(option.get("text"), f"{at}/text", 75)
        self.string(option.get("value"), f"{at}/value", 150, minimum=1)
        if "description" in option:
            self.text(option["description"], f"{at}/description", 75)
