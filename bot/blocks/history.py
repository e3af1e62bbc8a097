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
from bot.ids import Action
from bot.playbook.grievances import view
from bot.playbook.history import Page
from bot.playbook.insights import InsightItem, Insights
from storage.models import Case, Grievance, TimelineEntry

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
    "digest_posted": "Digest posted",
    "digest_scheduled": "Digest schedule changed",
    "final_rating": "Final rating",
    # exports
    "case_exported": "Exported",
}


def entry_line(
    entry: TimelineEntry, *, base_url: str | None, grievance: Grievance | None = None
) -> str:
    """One timeline entry as a line of mrkdwn with its permalink."""
    author = entry.author.display_name if entry.author else "someone"
    when = entry.created_at.strftime("%Y-%m-%d %H:%M")
    label = KIND_LABELS.get(entry.kind, entry.kind)
    if entry.deleted:
        body = "_(deleted)_"
    else:
        body = fit(entry.text, ENTRY_TEXT) + (" _(edited)_" if entry.edited else "")
    number = f" #{grievance.number}" if grievance else ""
    link = permalink(
        base_url, entry.slack_channel, entry.slack_ts, grievance.slack_ts if grievance else None
    )
    if link is None and grievance is not None:
        link = permalink(base_url, grievance.slack_channel, grievance.slack_ts)
    tail = f" <{link}|view>" if link else ""
    return f"`{when}` *{label}{number}* · {plain_escape(author)}: {body}{tail}"


def history_page(
    case: Case, page: Page, *, base_url: str | None, grievances: dict[int, Grievance]
) -> list[Block]:
    """A page of the case timeline with older/newer buttons carrying keyset cursors."""
    blocks: list[Block] = [HeaderBlock(text=shorten(f"History · {case.client_name}", 150))]
    if not page.entries:
        blocks.append(SectionBlock(text=MarkdownTextObject(text="Nothing here yet.")))
    for entry in page.entries:
        grievance = grievances.get(entry.grievance_id or 0)
        blocks.append(
            SectionBlock(
                text=MarkdownTextObject(
                    text=entry_line(entry, base_url=base_url, grievance=grievance)
                )
            )
        )
    buttons = []
    if page.newer is not None:
        buttons.append(
            ButtonElement(
                text="← Newer",
                action_id=f"{Action.HISTORY_PAGE}:newer",
                value=f"{case.id}:after:{page.newer}",
            )
        )
    if page.older is not None:
        buttons.append(
            ButtonElement(
                text="Older →",
                action_id=f"{Action.HISTORY_PAGE}:older",
                value=f"{case.id}:before:{page.older}",
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


def grievance_detail(
    grievance: Grievance, thread: list[TimelineEntry], *, base_url: str | None
) -> list[Block]:
    """One grievance: its facts, its text and its whole discussion."""
    shown = view(grievance)
    blocks: list[Block] = [
        HeaderBlock(text=f"Grievance #{grievance.number}"),
        ContextBlock(elements=[MarkdownTextObject(text=summary_line(shown))]),
        *text_section(shown),
    ]
    notes = [
        ("Cares about", grievance.cares_about),
        ("Measures success by", grievance.success_measure),
        ("Used to go well", grievance.went_well),
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
            SectionBlock(
                text=MarkdownTextObject(
                    text=entry_line(entry, base_url=base_url, grievance=grievance)
                )
            )
        )
    return blocks


def _items(title: str, items: list[InsightItem]) -> Block:
    if not items:
        return SectionBlock(text=MarkdownTextObject(text=f"*{title}*\n_Nothing yet._"))
    lines = []
    for item in items:
        numbers = ", ".join(f"#{n}" for n in item.grievances[:8])
        lines.append(f"• {fit(item.text, 150)} — ×{item.count} ({numbers})")
    return SectionBlock(text=MarkdownTextObject(text=trim(f"*{title}*\n" + "\n".join(lines), 3000)))


def insights_blocks(case: Case, insights: Insights) -> list[Block]:
    """What the client cares about, how they measure success, what used to go well."""
    blocks: list[Block] = [
        HeaderBlock(text=shorten(f"What matters · {case.client_name}", 150)),
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
