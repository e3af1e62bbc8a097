"""What a confidential grievance's delivery says: the leads' DM (urgent when critical),
the escalation contact's DM, and the note telling the person filing who was sent it.

Every sentence to the person filing says only what is true: a lead the grievance names is
neither sent it nor shown it anywhere in the bot (``bot.playbook.withheld``); an escalated
grievance is kept outside the case.
"""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import Block, MarkdownTextObject, SectionBlock

from bot.blocks.text import plain_escape, trim
from bot.playbook.confidential import URGENT_SEVERITY
from bot.playbook.grievances import SEVERITY_LABELS

SECTION_TEXT = 3000
QUOTED = 2500


def _names(names: Sequence[str]) -> str:
    return ", ".join(plain_escape(n) for n in names)


def _quote(text: str) -> str:
    return "\n".join(">" + line for line in plain_escape(text[:QUOTED]).splitlines() or [""])


def _severity(severity: int) -> str:
    label = f"severity {severity} · {SEVERITY_LABELS.get(severity, '')}"
    return f":rotating_light: *Urgent* ({label})" if severity >= URGENT_SEVERITY else label


def confidential_alert(
    *, client_name: str, number: int, severity: int, text: str, by: str
) -> list[Block]:
    """The DM a lead gets at once for a confidential grievance on their case."""
    return [
        SectionBlock(
            text=MarkdownTextObject(
                text=trim(
                    f":lock: Confidential *grievance #{number}* on the "
                    f"*{plain_escape(client_name)}* case, from {plain_escape(by)}, "
                    f"{_severity(severity)}. Only the case's leads see it.\n{_quote(text)}",
                    SECTION_TEXT,
                )
            )
        )
    ]


def confidential_alert_text(client_name: str, number: int, severity: int) -> str:
    """Fallback text of the leads' DM (what a notification shows)."""
    urgent = "Urgent: c" if severity >= URGENT_SEVERITY else "C"
    return f"{urgent}onfidential grievance #{number} on the {plain_escape(client_name)} case."


def escalation_alert(
    *, client_name: str, severity: int, text: str, by: str, named: Sequence[str]
) -> list[Block]:
    """The escalation contact's DM: a grievance about the case's only lead."""
    return [
        SectionBlock(
            text=MarkdownTextObject(
                text=trim(
                    f":lock: {plain_escape(by)} sent you a confidential grievance about the "
                    f"*{plain_escape(client_name)}* case, {_severity(severity)}. It names "
                    f"{_names(named)}, who leads the case, so it was sent to you instead and "
                    f"is not filed on the case.\n{_quote(text)}",
                    SECTION_TEXT,
                )
            )
        )
    ]


def escalation_alert_text(client_name: str, severity: int) -> str:
    """Fallback text of the escalation contact's DM."""
    urgent = "Urgent: a" if severity >= URGENT_SEVERITY else "A"
    return f"{urgent} confidential grievance about the {plain_escape(client_name)} case."


def delivery_note(sent_to: Sequence[str], withheld: Sequence[str]) -> str:
    """Who a confidential grievance is being sent to, for the person filing it."""
    if sent_to:
        said = f"I'm sending it by DM to {_names(sent_to)}."
    else:
        said = "No other lead leads this case yet, so nobody is sent it for now."
    if withheld:
        said += f" It names {_names(withheld)}, so {_names(withheld)} will not see it."
    return said


def escalated_note(contact: str, client_name: str, *, reached: bool) -> str:
    """What the person filing is told once a grievance went to the escalation contact."""
    kept = (
        f"It is kept on record outside the *{plain_escape(client_name)}* case, so its "
        "lead does not see it."
    )
    thanks = ":lock: Thank you for telling us."
    if reached:
        return f"{thanks} I've sent it by DM to {plain_escape(contact)}. {kept}"
    return (
        f"{thanks} {kept} I couldn't DM {plain_escape(contact)} just now, so nobody has read "
        "it yet: please let them know it is with the bot's operator."
    )
