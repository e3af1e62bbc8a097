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
from bot.playbook.anonymity import FigureGroup, figure_groups, withheld_note
from bot.playbook.findings import Findings
from bot.playbook.insights import InsightItem, Insights
from bot.playbook.interviews import Coverage
from bot.playbook.perception import CategoryView, Voice
from bot.vocabulary import InterviewStatus, Role, Side, plural

SIDE_NAMES = {Side.CLIENT: "client side", Side.TEAM: "team side"}


def _section(text: str) -> SectionBlock:
    return SectionBlock(text=MarkdownTextObject(text=trim(text, 3000)))


def _items(title: str, items: list[InsightItem]) -> str:
    if not items:
        return f"*{title}*\n_Nothing yet._"
    return f"*{title}*\n" + "\n".join(
        f"• {fit(i.text, 150)} (×{i.count}" + (f"; {i.source})" if i.source else ")")
        for i in items[:6]
    )


def _team_view(team: Insights) -> str:
    """The team's own answers, under its own heading: never listed as the client's."""
    parts = [
        (label, items)
        for label, items in (
            ("cares about", team.cares_about),
            ("measures success by", team.success_measures),
            ("says used to go well", team.went_well),
        )
        if items
    ]
    lines = [
        f"• The team {label}: " + "; ".join(fit(i.text, 80) for i in items[:3])
        for label, items in parts
    ]
    return "*What the team side said*\n" + "\n".join(lines)


def voice_text(voice: Voice) -> str:
    """``severity 3.5 (2 grievances), in 1 interview, confidence 1.5/5 (4 ratings)``."""
    parts = []
    if voice.severity is not None:
        parts.append(
            f"severity {voice.severity:.1f} ({plural(len(voice.severities), 'grievance')})"
        )
    if voice.interviews:
        parts.append(f"in {plural(voice.interviews, 'interview')}")
    if voice.confidence is not None:
        parts.append(
            f"confidence {voice.confidence:.1f}/5 ({plural(len(voice.ratings), 'rating')})"
        )
    return ", ".join(parts)


def perception_line(view: CategoryView) -> str:
    """Both sides side by side, or which one side alone has spoken on the category."""
    name = view.category.value
    if view.only is not None:
        voice = view.client if view.only is Side.CLIENT else view.team
        return (
            f"• *{name.capitalize()}*: only the {SIDE_NAMES[view.only]} has spoken on {name}: "
            f"{voice_text(voice)}"
        )
    gap = " :warning: _seen differently_" if view.gap else ""
    return (
        f"• *{name.capitalize()}*: client side {voice_text(view.client)} · "
        f"team side {voice_text(view.team)}{gap}"
    )


def perception_text(views: list[CategoryView]) -> str:
    """The perception gap section (severity 1–4, confidence 1–5)."""
    return "*Perception: client side and team side* (severity 1–4, confidence 1–5)\n" + "\n".join(
        perception_line(v) for v in views
    )


def _group_line(coverage: Coverage, group: FigureGroup) -> str:
    if group.withheld:
        return (
            f"{group.label.capitalize()}: fewer than three invited, "
            "so not counted apart (it would point at people)"
        )
    invited = [r for role in group.roles for r in coverage.groups[role] if r.status is not None]
    answered = sum(1 for r in invited if r.status is InterviewStatus.ANSWERED)
    label = group.label if group.label.endswith("side") else group.label + "s"
    return f"{label.capitalize()}: {answered} of {len(invited)} invited answered"


def _coverage(findings: Findings) -> str:
    """Who was heard, by role where each role has three invited, else by side, else withheld."""
    coverage = findings.coverage
    sizes = {role: sum(1 for r in coverage.groups[role] if r.status is not None) for role in Role}
    rows = [_group_line(coverage, g) for g in figure_groups(sizes)]
    if sizes[Role.CLIENT_LEADER] >= 3 or not coverage.leaders_total:
        rows.append(f"*{coverage.leadership_summary}*")
    return "*Who we heard*\n" + "\n".join(rows)


def _quote(text: str, who: str, side: Side) -> str:
    said_by = who if who.endswith(" side") else f"{who} ({SIDE_NAMES[side]})"
    return f"> {fit(text, 280)}\n— {fit(said_by, 100)}"


def findings_blocks(client_name: str, findings: Findings, web: str | None = None) -> list[Block]:
    """The whole post; confidential items were never part of ``findings``. ``web`` is the
    case's page on the web view, when one is served."""
    source = (
        "From the grievances raised here and the interviews with both sides. "
        "Confidential items are not included."
    ) + (f" <{web}|View the case on the web>" if web else "")
    blocks: list[Block] = [
        HeaderBlock(text=shorten(f"What we learnt · {client_name}", 150)),
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text=source + (f" <{web}|View the case on the web>" if web else "")
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
    client = findings.client
    blocks.append(_section(_items("What the client truly cares about", client.cares_about)))
    blocks.append(_section(_items("How the client measures success", client.success_measures)))
    blocks.append(_section(_items("What used to go well, says the client", client.went_well)))
    if not findings.team.empty:
        blocks.append(_section(_team_view(findings.team)))
    if findings.perception:
        blocks.append(_section(perception_text(findings.perception)))
    if findings.quotes:
        lines = [_quote(q.text, q.who, q.side) for q in findings.quotes]
        blocks.append(_section("*In their words*\n" + "\n".join(lines)))
    if findings.withheld:
        blocks.append(
            ContextBlock(elements=[MarkdownTextObject(text=withheld_note(findings.withheld))])
        )
    blocks.append(DividerBlock())
    blocks.append(_section(_coverage(findings)))
    return blocks
