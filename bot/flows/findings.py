"""``/grievance findings``: a lead shares what was learnt, in the one transaction that
checks they lead, gathers the findings and notes the sharing on the case's timeline."""

from __future__ import annotations

from dataclasses import dataclass

from bot.flows import scope
from bot.playbook import findings
from bot.playbook.findings import Findings
from bot.playbook.people import Profile
from storage.engine import Database


@dataclass(frozen=True)
class SharedFindings:
    """What the channel is shown: the case's client name and its findings (plain values,
    so the post is rendered after the transaction has closed)."""

    case_id: int
    client_name: str
    findings: Findings


def share(db: Database, *, team_id: str, channel_id: str, caller: Profile) -> SharedFindings:
    """Share the channel's case's findings as ``caller``; ``PlaybookError`` when there is
    no case or the caller does not lead it (confidential items are never gathered)."""
    with db.transaction() as session:
        found = scope.case_and_actor(session, team_id=team_id, channel_id=channel_id, caller=caller)
        shared = findings.share(session=session, case=found.case, actor=found.person)
        return SharedFindings(
            case_id=found.case.id, client_name=found.case.client_name, findings=shared
        )
