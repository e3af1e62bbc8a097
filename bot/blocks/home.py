"""The App Home tab: a person's cases, their open grievances, where buy-in on the strategy
stands and what matters to the client."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.blocks.commitments import line as commitment_line
from bot.blocks.grievance import STATUS_LABELS, severity_label
from bot.blocks.health import health_line
from bot.blocks.history import entry_line
from bot.blocks.links import web_page
from bot.blocks.strategy import standing_line
from bot.blocks.text import fit, shorten, trim
from bot.flows.home import CaseSummary
from bot.playbook.stages import stage_label


def _case_blocks(summary: CaseSummary, base_url: str | None, public_url: str | None) -> list[Block]:
    """One case: its facts, open grievances, what matters and the latest entries."""
    role = " · you lead this case" if summary.is_lead else ""
    counts = (
        ", ".join(
            f"{summary.severity_counts[s]} × {severity_label(s)}"
            for s in sorted(summary.severity_counts, reverse=True)
        )
        or "none open"
    )
    facts = [MarkdownTextObject(text=f"<#{summary.channel_id}>{role} · open grievances: {counts}")]
    if summary.health:
        facts.append(
            MarkdownTextObject(text=health_line(summary.health.score.value, summary.health.trend))
        )
    if summary.strategy:
        facts.append(MarkdownTextObject(text=standing_line(summary.strategy)))
    page = web_page(public_url, f"/cases/{summary.case_id}")
    if page:
        facts.append(MarkdownTextObject(text=f"<{page}|View on the web>"))
    blocks: list[Block] = [
        HeaderBlock(
            text=shorten(
                f"{summary.client_name} · {stage_label(summary.stage, closed=summary.closed)}", 150
            )
        ),
        ContextBlock(elements=facts),
    ]
    lines = [
        f"• *#{g.number}* {'🔒 ' if g.confidential else ''}{fit(g.text, 90)} "
        f"— {severity_label(g.severity)}, {STATUS_LABELS[g.status].lower()}"
        for g in summary.open_grievances[:8]
    ]
    if lines:
        blocks.append(
            SectionBlock(
                text=MarkdownTextObject(
                    text=trim("*Open grievances, most severe first*\n" + "\n".join(lines), 3000)
                )
            )
        )
    if summary.mine:
        mine = "\n".join(f"• {commitment_line(c)}" for c in summary.mine[:5])
        blocks.append(
            SectionBlock(text=MarkdownTextObject(text=trim(f"*Your commitments*\n{mine}", 3000)))
        )
    cares = [f"• {fit(i.text, 80)} (×{i.count})" for i in summary.insights.cares_about[:5]]
    if cares:
        blocks.append(
            SectionBlock(
                text=MarkdownTextObject(
                    text="*What the client truly cares about*\n" + "\n".join(cares)
                )
            )
        )
    newest = [entry_line(e, base_url=base_url) for e in summary.newest[:5]]
    if newest:
        blocks.append(
            SectionBlock(text=MarkdownTextObject(text=trim("*Latest*\n" + "\n".join(newest), 3000)))
        )
    blocks.append(DividerBlock())
    return blocks


def home_view(
    summaries: list[CaseSummary], base_url: str | None, public_url: str | None = None
) -> View:
    """The whole home tab, cut at Slack's 100 blocks (a case takes at most 8)."""
    blocks: list[Block] = [
        SectionBlock(
            text=MarkdownTextObject(
                text="*grievance-bot* helps your team hear an unhappy client out, agree a recovery "
                "plan and keep in touch. Type `/grievance help` in a channel to start."
            )
        )
    ]
    if not summaries:
        blocks.append(
            ContextBlock(
                elements=[
                    MarkdownTextObject(
                        text="You're not part of any case yet. Cases open with the first grievance "
                        "filed in a channel: `/grievance <what happened>`."
                    )
                ]
            )
        )
    for summary in summaries:
        blocks.extend(_case_blocks(summary, base_url, public_url))
    return View(type="home", blocks=blocks[:100])
