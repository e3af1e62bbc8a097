"""The findings post: what both sides told us, shared with everyone in the channel."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.blocks.text import fit, shorten, trim
from bot.playbook.findings import Findings
from bot.playbook.insights import InsightItem
from bot.playbook.stakeholders import ROLE_LABELS
from storage.models import Case, InterviewStatus


def _section(text: str) -> SectionBlock:
    return SectionBlock(text=MarkdownTextObject(text=trim(text, 3000)))


def _items(title: str, items: list[InsightItem]) -> str:
    if not items:
        return f"*{title}*\n_Nothing yet._"
    return f"*{title}*\n" + "\n".join(f"• {fit(i.text, 150)} (×{i.count})" for i in items[:6])


def _coverage(findings: Findings) -> str:
    coverage = findings.coverage
    rows = []
    for role, people in coverage.groups.items():
        invited = [p for p in people if p.status is not None]
        if invited:
            answered = sum(1 for p in invited if p.status is InterviewStatus.ANSWERED)
            rows.append(
                f"{ROLE_LABELS[role].capitalize()}s: {answered} of {len(invited)} invited answered"
            )
    rows.append(f"*{coverage.leadership_summary}*")
    return "*Who we heard*\n" + "\n".join(rows)


def findings_blocks(case: Case, findings: Findings) -> list[Block]:
    """The whole post; confidential items were never part of ``findings``."""
    blocks: list[Block] = [
        HeaderBlock(text=shorten(f"What we learnt · {case.client_name}", 150)),
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text="From the grievances raised here and the interviews with both sides. "
                    "Confidential items are not included."
                )
            ]
        ),
    ]
    if findings.themes:
        lines = [
            f"• *{t.category.value.capitalize()}*: {t.grievances} grievance(s), "
            f"{t.interviews} interview(s)"
            for t in findings.themes
        ]
        blocks.append(_section("*Themes*\n" + "\n".join(lines)))
    blocks.append(_section(_items("What the client truly cares about", findings.cares_about)))
    blocks.append(_section(_items("How they measure success", findings.success_measures)))
    blocks.append(_section(_items("What used to go well", findings.went_well)))
    if findings.gaps:
        lines = [
            f"• *{g.category.value.capitalize()}*: client side rates it {g.client:.1f}, "
            f"team side {g.team:.1f} (severity 1–4)"
            for g in findings.gaps
        ]
        blocks.append(
            _section("*Perception gap: where we see it differently*\n" + "\n".join(lines))
        )
    if findings.quotes:
        lines = [
            f"> {fit(q.text, 280)}\n— {fit(q.who, 80)} ({q.side.value} side)"
            for q in findings.quotes
        ]
        blocks.append(_section("*In their words*\n" + "\n".join(lines)))
    blocks.append(DividerBlock())
    blocks.append(_section(_coverage(findings)))
    return blocks
