"""What ``/grievance export`` says: how to use it, that it is coming, and the file's note.

Pure text over ``bot.export.ExportDocument``; the file itself is written by
``bot.export``'s writers, exactly as ``grievance-bot export`` writes it.
"""

from __future__ import annotations

from bot.blocks.text import plain_escape
from bot.export import ExportDocument

PREPARING = "Preparing the export… I'll send it to you by DM."

USAGE = (
    "Use `/grievance export` for a readable markdown report, `/grievance export json` for "
    "the complete archive a program can read back, or `/grievance export csv` for one row "
    "per timeline entry. To file a grievance, describe what happened in a sentence."
)

IN_A_DM = (
    "An export holds one case's history, and each case lives in its client's channel: "
    "run `/grievance export` in the case's channel."
)

#: How each format is described to the lead who receives it.
_DESCRIBED: dict[str, str] = {
    "markdown": "a markdown report",
    "json": "a JSON archive (complete, readable by programs)",
    "csv": "a CSV file (one row per timeline entry)",
}


def export_title(document: ExportDocument) -> str:
    """The file's title in Slack: whose history it is."""
    return f"Grievance history · {document.cases[0].client_name}"


#: Why a lead's export leaves out the confidential grievances that name them.
_KEPT = "they are kept from you here, as everywhere in the bot."


def export_note(document: ExportDocument, fmt: str) -> str:
    """The DM that carries the file: what it holds, and that it holds confidential items.

    Leads see confidential grievances in the bot, so their export includes them; the note
    says so, and how many, because a file is easily forwarded to someone who may not. Those
    that name the lead are left out, as everywhere in the bot, and counted so the lead
    knows the file is partial.
    """
    case = document.cases[0]
    secret = sum(1 for grievance in case.grievances if grievance.confidential)
    kept = case.withheld_confidential
    if secret:
        confidential = (
            f":lock: As a lead of this case you see its confidential items, so this export "
            f"includes them: {secret} confidential grievance(s). Share it only with people "
            "who may see them."
        )
        if kept:
            confidential += f" {kept} more name you: {_KEPT}"
    elif kept:
        confidential = f":lock: This case's {kept} confidential grievance(s) name you: {_KEPT}"
    else:
        confidential = (
            ":lock: A lead's export includes confidential items; this case has none so far."
        )
    return (
        f"Here is the history of *{plain_escape(case.client_name)}* as {_DESCRIBED[fmt]}, "
        f"taken {document.exported_at:%Y-%m-%d %H:%M} UTC: {len(case.grievances)} "
        f"grievance(s) and {len(case.timeline)} timeline entries.\n{confidential}"
    )
