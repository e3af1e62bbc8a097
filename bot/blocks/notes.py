"""Small standalone views the app shows when something cannot go on."""

from __future__ import annotations

from slack_sdk.models.blocks import MarkdownTextObject, SectionBlock
from slack_sdk.models.views import View


def stale_form_view() -> View:
    """Shown in place of a form the bot can no longer read (e.g. opened before an upgrade)."""
    return View(
        type="modal",
        title="Form out of date",
        close="Close",
        blocks=[
            SectionBlock(
                text=MarkdownTextObject(
                    text="This form was opened before grievance-bot was updated, so I can't "
                    "save it. Nothing was changed: please close it and open it again."
                )
            )
        ],
    )
