"""What response targets say in Slack: the table a lead sets, and the leads' alerts."""

from __future__ import annotations

from bot.blocks.text import fit, plain_escape
from bot.flows.targets import AlertView, TargetsView
from bot.playbook.targets import Stage

_WAITS = {Stage.ACKNOWLEDGE: "acknowledged", Stage.PLAN: "worked on (a plan)"}


def targets_text(view: TargetsView) -> str:
    """``/grievance targets``: each severity's targets and the business hours."""
    lines = [
        f"• Severity {row.severity}: acknowledged within {row.acknowledge}, "
        f"a plan within {row.plan}"
        for row in view.rows
    ]
    source = " (the defaults; leads set them with `/grievance targets 4 ack 1h plan 1d`)"
    return (
        f"*Response targets on the {plain_escape(view.client_name)} case*"
        f"{source if view.defaults else ''}\n"
        + "\n".join(lines)
        + f"\nBusiness hours: {view.hours}."
    )


def alert_text(view: AlertView) -> str:
    """A lead's DM: a target about to be missed, or missed."""
    g = view.grievance
    what = f"grievance #{g.number} on the {plain_escape(view.client_name)} case"
    quoted = f" — “{plain_escape(fit(g.text, 120))}”"
    if view.missed:
        return (
            f":alarm_clock: Missed: {what} (severity {g.severity}) was not "
            f"{_WAITS[view.stage]} within {view.target}{quoted}"
        )
    return (
        f":hourglass_flowing_sand: {what.capitalize()} (severity {g.severity}) should be "
        f"{_WAITS[view.stage]} by {view.deadline} (its target: {view.target}){quoted}"
    )
