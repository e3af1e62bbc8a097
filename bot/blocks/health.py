"""Case health and check-in participation: ``/grievance status``, the App Home line, the
nudge DM and the silence alert to the leads.

Who has gone silent is named only to the case's leads; everyone else reads that "a client
leader has not answered the last two check-ins" (or less, where that would point at
someone: ``bot.playbook.health.silence_sentence``), the signal without the blame.
"""

from __future__ import annotations

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.blocks.text import fit, plain_escape, shorten, trim
from bot.playbook.health import LABELS, HealthReport, Silence, Trend

#: Words for a score, by the lowest value that earns them.
BANDS = ((75, "healthy"), (50, "mixed"), (30, "at risk"), (0, "critical"))


def band(value: int) -> str:
    """``healthy`` / ``mixed`` / ``at risk`` / ``critical``."""
    return next(word for floor, word in BANDS if value >= floor)


def trend_text(trend: Trend) -> str:
    """``↑ +8 since 2026-12-01``; just the arrow when there is no history yet."""
    if trend.since is None:
        return f"{trend.arrow} (no earlier score yet)"
    return f"{trend.arrow} {trend.delta:+d} since {trend.since:%Y-%m-%d}"


def health_line(value: int, trend: Trend) -> str:
    """One mrkdwn line: ``Health *72*/100 (mixed) ↑ +8 since 2026-12-01``."""
    return f"Health *{value}*/100 ({band(value)}) {trend_text(trend)}"


def _silence_lines(report: HealthReport, *, show_names: bool) -> list[str]:
    if not report.silent:
        return []
    if not show_names:
        return [f":zipper_mouth_face: {report.silence}."]
    return [
        f":zipper_mouth_face: *{plain_escape(s.name)}* (client leader) has not answered the "
        "last two check-ins."
        for s in report.silent
    ]


def status_text(client_name: str, report: HealthReport) -> str:
    """Notification text of ``/grievance status``."""
    return f"{client_name}: health {report.score.value}/100 {report.trend.arrow}"


def status_blocks(client_name: str, report: HealthReport, *, show_names: bool) -> list[Block]:
    """The case's health for ``/grievance status``: score, trend, components and reasons."""
    score = report.score
    points = [f"{LABELS.get(name, name)} {value:.0f}" for name, value in score.components.items()]
    reasons = "\n".join(f"• {plain_escape(reason)}" for reason in score.reasons)
    blocks: list[Block] = [
        HeaderBlock(text=shorten(f"Health · {client_name}", 150)),
        SectionBlock(text=MarkdownTextObject(text=health_line(score.value, report.trend))),
        SectionBlock(text=MarkdownTextObject(text=trim(f"*Why*\n{reasons}", 3000))),
        ContextBlock(
            elements=[MarkdownTextObject(text=trim("Points: " + " · ".join(points), 3000))]
        ),
    ]
    silence = _silence_lines(report, show_names=show_names)
    if silence:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=trim("\n".join(silence), 3000))))
    blocks.append(
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text="0–100 from check-in confidence by side, open grievances by severity "
                    "and age, the check-in response rate and buy-in on the strategy."
                )
            ]
        )
    )
    return blocks


def nudge_text(channel_id: str, link: str | None) -> str:
    """The gentle DM to someone who has not answered a check-in yet."""
    checkin = f"<{link}|the check-in>" if link else "the check-in"
    return (
        f":wave: A gentle nudge: {checkin} in <#{channel_id}> is waiting for your answer. "
        "A rating takes a second, and a word in its thread helps even more. If you'd rather "
        "skip this one, that's fine."
    )


def silence_alert(client_name: str, channel_id: str, silence: Silence, link: str | None) -> str:
    """The DM that tells a lead, once, that a client leader has gone quiet."""
    latest = f" (<{link}|the latest one>)" if link else ""
    return (
        f":zipper_mouth_face: *{fit(silence.name, 80)}* (client leader, "
        f"{fit(client_name, 80)}) has not answered the last two check-ins in "
        f"<#{channel_id}>{latest}. Silence is a risk signal: a direct word may help. "
        "I'll only mention it again if they miss another one."
    )
