"""Small standalone views the app shows when something cannot go on."""

from __future__ import annotations

from slack_sdk.models.blocks import MarkdownTextObject, SectionBlock
from slack_sdk.models.views import View


def stale_form_view() -> View:
    """Shown in place of a form the bot can no longer read (opened before an upgrade) or
    will not trust (its state changed on the way, or it was opened for someone else)."""
    return View(
        type="modal",
        title="Form out of date",
        close="Close",
        blocks=[
            SectionBlock(
                text=MarkdownTextObject(
                    text="I can't save this form: it was opened before grievance-bot was "
                    "updated, or it changed on the way. Nothing was changed: please close "
                    "it and open it again."
                )
            )
        ],
    )
