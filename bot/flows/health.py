"""A case's health as ``/grievance status`` asks for it: recomputed, explained, and
whether the asker may see the names of client leaders who went quiet.

One transaction (the report may store a new snapshot); the listener renders the plain
``CaseHealth`` it returns.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.flows.scope import NO_CASE
from bot.playbook import cases, health, history, people
from bot.playbook.errors import PlaybookError
from bot.playbook.health import HealthReport
from storage.engine import Database


@dataclass(frozen=True)
class CaseHealth:
    """The case's health report, and whether the viewer is shown lead-only names."""

    client_name: str
    report: HealthReport
    show_names: bool


def case_health(
    db: Database, *, team_id: str, channel_id: str, user_id: str, now: datetime
) -> CaseHealth:
    """The channel's case health for ``user_id``, who must be allowed to read the case."""
    with db.transaction() as session:
        workspace = people.ensure_workspace(session=session, team_id=team_id)
        case = cases.find_case(session=session, workspace=workspace, channel_id=channel_id)
        if case is None:
            raise PlaybookError(NO_CASE)
        viewer = people.find_person(session=session, workspace=workspace, user_id=user_id)
        names = history.include_confidential_for(session=session, case=case, viewer=viewer)
        report = health.report(session=session, case=case, now=now)
        return CaseHealth(client_name=case.client_name, report=report, show_names=names)
