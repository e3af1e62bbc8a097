"""The weekly digest message, its chart's caption, and the schedule confirmation.

Pure builders over ``bot.playbook.digest.DigestData``: numbers first, each section one
glance, so a client skimming the channel on a Friday sees whether things move.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.blocks.findings import perception_text
from bot.blocks.strategy import lost_verdict
from bot.blocks.text import fit, plain_escape, shorten, trim
from bot.playbook.commitment_tally import Tally
from bot.playbook.digest import DigestData, DigestSchedule, MeasureTrend, ResponseRate, StrategyLine
from bot.playbook.pulse_results import change_words, latest_answered
from bot.playbook.stages import STAGE_LABELS
from bot.playbook.targets import ResponseTime, in_hours
from bot.vocabulary import Side, StrategyStatus, plural

SECTION_TEXT = 3000
#: Success measures listed before "and N more" (the rest are in the chart's data).
LISTED_MEASURES = 10
SIDE_NAMES = {Side.CLIENT: "client", Side.TEAM: "team"}


def _local(moment: datetime, zone: str) -> datetime:
    return moment.astimezone(ZoneInfo(zone))


def when(moment: datetime, zone: str) -> str:
    """``Fri 13 Mar 16:00 (Europe/Berlin)``."""
    local = _local(moment, zone)
    return f"{local:%a} {local.day} {local:%b %H:%M} ({zone})"


def _section(text: str) -> SectionBlock:
    return SectionBlock(text=MarkdownTextObject(text=trim(text, SECTION_TEXT)))


def grievance_text(data: DigestData) -> str:
    """``*Grievances* This week: 2 raised, 1 resolved · So far: 5 raised, 2 resolved, 3 open``."""
    c = data.counts
    return (
        f"*Grievances*\nThis week: {c.raised_week} raised, {c.resolved_week} resolved · "
        f"So far: {c.raised_total} raised, {c.resolved_total} resolved, {c.open_now} open"
    )


def _rate(rate: ResponseRate) -> str:
    if rate.percent is None:
        return f"{SIDE_NAMES[rate.side]}: nobody asked"
    return f"{SIDE_NAMES[rate.side]}: {rate.answered} of {rate.asked} ({rate.percent}%)"


def checkin_text(data: DigestData) -> str:
    """Response rate by side for the week's check-ins."""
    if not data.checkins_this_week:
        return "*Check-ins*\nNo check-ins this week."
    rates = " · ".join(_rate(r) for r in data.rates)
    return f"*Check-ins* ({plural(data.checkins_this_week, 'check-in')} this week)\n" + (
        f"Answered — {rates}"
    )


def _arrow(change: float | None) -> str:
    if change is None or abs(change) < 0.05:
        return ""
    return " :arrow_up:" if change > 0 else " :arrow_down:"


def _team(value: float | None) -> str:
    return f" (team {value:.1f})" if value is not None else ""


def measure_line(trend: MeasureTrend) -> str:
    """``• Releases on time: client 2.5 → 3.0 → 3.7 :arrow_up: (team 4.0)`` (out of 5)."""
    if not trend.weeks:
        return f"• {fit(trend.question, 150)}: no client rating yet{_team(trend.team)}"
    values = " → ".join(f"{avg:.1f}" for _week, avg in trend.weeks[-4:])
    return f"• {fit(trend.question, 150)}: client {values}{_arrow(trend.change)}{_team(trend.team)}"


def headline_confidence(data: DigestData) -> str:
    """``Client confidence 1.0 (team 3.5)``: the client side's figure leads, never a blend."""
    client = data.confidence.get(Side.CLIENT)
    team = _team(data.confidence.get(Side.TEAM))
    if client is None:
        return f"Client confidence: no client rating yet{team}"
    return f"Client confidence {client:.1f}{team}"


def confidence_text(data: DigestData) -> str:
    """Client confidence (the team's beside it), then per success measure, week by week."""
    if not data.measures:
        return "*Confidence*\nNo check-in ratings yet."
    lines = [measure_line(t) for t in data.measures[:LISTED_MEASURES]]
    if len(data.measures) > LISTED_MEASURES:
        lines.append(f"…and {len(data.measures) - LISTED_MEASURES} more")
    return f"*{headline_confidence(data)}* (latest week, average rating out of 5)\n" + "\n".join(
        lines
    )


def commitments_text(counts: Tally) -> str:
    """``4 of 6 due so far kept on time, 1 overdue; 2 due in the next 7 days``."""
    soon = f"{counts.due_soon} due in the next 7 days" if counts.due_soon else ""
    if not counts.due_so_far:
        return f"*Commitments*\nNone due yet{'; ' + soon if soon else ''}."
    parts = [f"{counts.kept} of {counts.due_so_far} due so far kept on time"]
    if counts.late:
        parts.append(f"{counts.late} done late")
    if counts.overdue:
        parts.append(f"{counts.overdue} overdue")
    return f"*Commitments*\n{', '.join(parts)}{'; ' + soon if soon else ''}."


def pulse_text(data: DigestData) -> str:
    """The newest answered pulse against the one before it, and one waiting for answers."""
    answered = latest_answered(data.pulse)
    if answered is None:
        return "*Client pulse*\nNo answers yet."
    now, before = answered
    moved = change_words(now, before)
    zone = ZoneInfo(data.timezone)
    said = (
        f"*Client pulse* {now.average or 0:.1f}/5 from {now.answered} of "
        f"{plural(now.asked, 'person', 'people')} (#{now.number}, "
        f"{now.sent_at.astimezone(zone):%a %d %b}){', ' + moved if moved else ''}"
    )
    newest = data.pulse[-1]
    if newest.number != now.number:
        said += f"; #{newest.number} is waiting for answers"
    return said


def response_text(rows: Sequence[ResponseTime]) -> str:
    """Per severity and side: median business time to acknowledge and to resolve."""
    lines = [
        f"• Severity {r.severity} · {r.side} side ({plural(r.grievances, 'grievance')}): "
        f"acknowledged in {in_hours(r.acknowledge)}, resolved in {in_hours(r.resolve)}"
        + (f" · :alarm_clock: {r.missed} missed a target" if r.missed else "")
        for r in rows
    ]
    return "*Response times* (medians, in business hours)\n" + "\n".join(lines)


def strategy_text(line: StrategyLine | None, link: str | None = None) -> str:
    """The current version, its buy-in, and its actions done."""
    if line is None:
        return "*Strategy*\nNo strategy proposed yet."
    label = f"<{link}|v{line.version}>" if link else f"v{line.version}"
    if line.status is StrategyStatus.APPROVED:
        day = f" on {line.approved_at:%Y-%m-%d}" if line.approved_at else ""
        buyin = f":tada: buy-in reached{day}"
    elif line.status is StrategyStatus.LOST:
        buyin = f":warning: {lost_verdict(line.missing)}"
    else:
        approvals = " · ".join(
            f"{SIDE_NAMES[side]} {count}" for side, count in line.approvals.items()
        )
        missing = "; ".join(line.missing)
        buyin = f"awaiting buy-in (approvals: {approvals})" + (
            f" — still needed: {plain_escape(missing)}" if missing else ""
        )
    actions = (
        f" · {line.actions_done} of {line.actions_total} actions done" if line.actions_total else ""
    )
    return f"*Strategy* {label}: {buyin}{actions}"


def health_text(data: DigestData) -> str:
    """The latest health score and how it moved over the week."""
    if data.health is None:
        return "*Health*\nNot scored yet."
    moved = ""
    if data.health_before is not None and data.health_before != data.health:
        arrow = ":arrow_up:" if data.health > data.health_before else ":arrow_down:"
        moved = f" {arrow} from {data.health_before} a week ago"
    elif data.health_before is not None:
        moved = " (unchanged from a week ago)"
    return f"*Health* {data.health}/100{moved}"


def next_checkin_text(data: DigestData) -> str:
    """When the next check-in is due, in its schedule's zone; "—" when none is planned."""
    if data.next_checkin is None or data.next_checkin_timezone is None:
        return "Next check-in: —"
    return f"Next check-in: {when(data.next_checkin, data.next_checkin_timezone)}"


def digest_message(
    data: DigestData, *, strategy_link: str | None = None, web: str | None = None
) -> list[Block]:
    """The digest posted in the channel (the chart follows it as a file); ``web`` is the
    case's page on the web view, when one is served."""
    start = _local(data.period_start, data.timezone)
    end = _local(data.period_end, data.timezone)
    return [
        HeaderBlock(text=shorten(f"Weekly digest · {data.client_name}", 150)),
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text=f"{start:%a %d %b} – {end:%a %d %b %Y} · *{STAGE_LABELS[data.stage]}*"
                    + (f" · <{web}|View on the web>" if web else "")
                )
            ]
        ),
        _section(grievance_text(data)),
        _section(checkin_text(data)),
        _section(confidence_text(data)),
        *([_section(perception_text(data.perception))] if data.perception else []),
        _section(strategy_text(data.strategy, strategy_link)),
        *([_section(commitments_text(data.commitments))] if data.commitments.total else []),
        *([_section(response_text(data.response))] if data.response else []),
        *([_section(pulse_text(data))] if data.pulse else []),
        _section(health_text(data)),
        DividerBlock(),
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text=f"{next_checkin_text(data)} · Digests come on "
                    f"{data.schedule.describe()}; a lead moves them with "
                    "`/grievance digest every friday at 16:00 Europe/Berlin`."
                )
            ]
        ),
    ]


def digest_fallback(data: DigestData) -> str:
    """Notification text: the week's grievance numbers and the health score."""
    c = data.counts
    health = f"; health {data.health}/100" if data.health is not None else ""
    return (
        f"Weekly digest for {plain_escape(data.client_name)}: {c.raised_week} grievances "
        f"raised and {c.resolved_week} resolved this week, {c.open_now} open{health}"
    )


def chart_title(data: DigestData) -> str:
    """Title of the chart file."""
    return shorten(f"Health and confidence · {data.client_name}", 120)


def chart_comment(data: DigestData) -> str:
    """The line posted with the chart."""
    return (
        f"Health (0–100), client confidence per success measure and the client pulse (1–5) "
        f"over time for "
        f"{plain_escape(data.client_name)}."
    )


def schedule_confirmation(schedule: DigestSchedule, next_due: datetime, *, changed: bool) -> str:
    """What a lead sees after moving the digest."""
    head = "The weekly digest now comes" if changed else "The weekly digest already comes"
    return (
        f"{head} on {schedule.describe()}. The next one: {when(next_due, schedule.timezone)}. "
        "`/grievance digest` posts one now."
    )
