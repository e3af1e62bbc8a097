"""Timeline pages, one grievance with its thread, and the insights list."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.blocks.grievance import summary_line, text_section
from bot.blocks.links import permalink
from bot.blocks.text import fit, plain_escape, shorten, trim
from bot.flows.history import CaseInsights, EntryView, GrievanceDetail, HistoryPage
from bot.ids import Action
from bot.playbook.insights import InsightItem

ENTRY_TEXT = 280
KIND_LABELS = {
    "case_opened": "Case opened",
    "case_renamed": "Case renamed",
    "lead_added": "Lead added",
    "lead_removed": "Lead removed",
    "grievance_filed": "Grievance filed",
    "grievance_updated": "Grievance updated",
    "status_changed": "Status changed",
    "reply": "Reply",
    "role_changed": "Role",
    "side_corrected": "Side corrected",
    "interview_invited": "Interview invited",
    "interview_reminded": "Interview reminder",
    "interview_answered": "Interview answered",
    "questions_changed": "Interview questions changed",
    "findings_shared": "Findings shared",
    "strategy_proposed": "Strategy proposed",
    "vote_cast": "Vote",
    "vote_withdrawn": "Vote withdrawn",
    "buyin_reached": "Buy-in reached",
    "buyin_lost": "Buy-in lost",
    "buyin_rule_changed": "Buy-in rule changed",
    "stage_changed": "Stage changed",
    # check-ins: answers, nudges and health
    "checkin_nudged": "Check-in nudges",
    "silence_noticed": "Silence noticed",
    # check-ins: schedules
    "checkin_scheduled": "Check-in scheduled",
    "checkin_changed": "Check-in schedule changed",
    "checkin_paused": "Check-in paused",
    "checkin_resumed": "Check-in resumed",
    "checkin_deleted": "Check-in schedule deleted",
    "checkin_posted": "Check-in posted",
    # progress, digest and closing
    "progress_update": "Progress update",
    "progress_corrected": "Progress update corrected",
    "progress_withdrawn": "Progress update withdrawn",
    # commitments
    "commitment_made": "Commitment",
    "commitment_done": "Commitment done",
    "commitment_overdue": "Commitment overdue",
    # response targets
    "targets_changed": "Response targets changed",
    "target_missed": "Response target missed",
    "digest_posted": "Digest posted",
    "digest_scheduled": "Digest schedule changed",
    "final_rating": "Final rating",
    # exports
    "case_exported": "Exported",
}


def entry_line(entry: EntryView, *, base_url: str | None) -> str:
    """One timeline entry as a line of mrkdwn with its permalink."""
    author = entry.author if entry.author is not None else "someone"
    when = entry.created_at.strftime("%Y-%m-%d %H:%M")
    label = KIND_LABELS.get(entry.kind, entry.kind)
    if entry.deleted:
        body = "_(deleted)_"
    else:
        body = fit(entry.text, ENTRY_TEXT) + (" _(edited)_" if entry.edited else "")
    number = f" #{entry.grievance_number}" if entry.grievance_number is not None else ""
    link = permalink(base_url, entry.slack_channel, entry.slack_ts, entry.grievance_ts)
    if link is None and entry.grievance_number is not None:
        link = permalink(base_url, entry.grievance_channel, entry.grievance_ts)
    tail = f" <{link}|view>" if link else ""
    return f"`{when}` *{label}{number}* · {plain_escape(author)}: {body}{tail}"


def history_page(page: HistoryPage, *, base_url: str | None) -> list[Block]:
    """A page of the case timeline with older/newer buttons carrying keyset cursors."""
    blocks: list[Block] = [HeaderBlock(text=shorten(f"History · {page.client_name}", 150))]
    if not page.entries:
        blocks.append(SectionBlock(text=MarkdownTextObject(text="Nothing here yet.")))
    for entry in page.entries:
        blocks.append(
            SectionBlock(text=MarkdownTextObject(text=entry_line(entry, base_url=base_url)))
        )
    buttons = []
    if page.newer is not None:
        buttons.append(
            ButtonElement(
                text="← Newer",
                action_id=f"{Action.HISTORY_PAGE}:newer",
                value=f"{page.case_id}:after:{page.newer}",
            )
        )
    if page.older is not None:
        buttons.append(
            ButtonElement(
                text="Older →",
                action_id=f"{Action.HISTORY_PAGE}:older",
                value=f"{page.case_id}:before:{page.older}",
            )
        )
    if buttons:
        blocks.append(ActionsBlock(block_id="history-pages", elements=buttons))
    blocks.append(
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text="Newest first. `/grievance history <n>` opens grievance n with its thread."
                )
            ]
        )
    )
    return blocks


def grievance_detail(detail: GrievanceDetail, *, base_url: str | None) -> list[Block]:
    """One grievance: its facts, its text and its whole discussion."""
    shown, thread = detail.grievance, detail.thread
    blocks: list[Block] = [
        HeaderBlock(text=f"Grievance #{shown.number}"),
        ContextBlock(elements=[MarkdownTextObject(text=summary_line(shown))]),
        *text_section(shown),
    ]
    notes = [
        ("Cares about", detail.cares_about),
        ("Measures success by", detail.success_measure),
        ("Used to go well", detail.went_well),
    ]
    fields = [
        MarkdownTextObject(text=f"*{label}*\n{fit(value, 1900)}") for label, value in notes if value
    ]
    if fields:
        blocks.append(SectionBlock(fields=fields))
    blocks.append(DividerBlock())
    replies = thread[-40:]
    if len(thread) > len(replies):
        blocks.append(
            ContextBlock(
                elements=[
                    MarkdownTextObject(
                        text=f"{len(thread) - len(replies)} earlier entries are in the export."
                    )
                ]
            )
        )
    for entry in replies:
        blocks.append(
            SectionBlock(text=MarkdownTextObject(text=entry_line(entry, base_url=base_url)))
        )
    return blocks


def _items(title: str, items: list[InsightItem]) -> Block:
    """One insights list, each item with how often and where it was said."""
    if not items:
        return SectionBlock(text=MarkdownTextObject(text=f"*{title}*\n_Nothing yet._"))
    lines = []
    for item in items:
        numbers = ", ".join(f"#{n}" for n in item.grievances[:8])
        lines.append(f"• {fit(item.text, 150)} — ×{item.count} ({numbers})")
    return SectionBlock(text=MarkdownTextObject(text=trim(f"*{title}*\n" + "\n".join(lines), 3000)))


def insights_blocks(found: CaseInsights) -> list[Block]:
    """What the client cares about, how they measure success, what used to go well."""
    insights = found.insights
    blocks: list[Block] = [
        HeaderBlock(text=shorten(f"What matters · {found.client_name}", 150)),
        _items("What the client truly cares about", insights.cares_about),
        _items("How the client measures success", insights.success_measures),
        _items("What used to go well", insights.went_well),
    ]
    if insights.empty:
        blocks.append(
            ContextBlock(
                elements=[
                    MarkdownTextObject(
                        text="Add these with `/grievance new` or the *Add detail* button "
                        "on a grievance."
                    )
                ]
            )
        )
    return blocks
