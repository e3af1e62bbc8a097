"""The App Home: each case a person may see, summarised, read in one transaction.

The summaries are plain views (``CaseSummary``), so ``bot.blocks.home`` renders them
without a session and the tab is published after the transaction has closed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.flows.commitments import CommitmentView
from bot.flows.commitments import views as commitment_views
from bot.flows.history import EntryView, entry_view, viewer_of
from bot.playbook import access, health
from bot.playbook import commitments as playbook_commitments
from bot.playbook import history as playbook_history
from bot.playbook import insights as playbook_insights
from bot.playbook import strategy as playbook_strategy
from bot.playbook.health import HealthReport
from bot.playbook.insights import Insights
from bot.playbook.strategy import Standing
from bot.vocabulary import Stage, Status
from storage.engine import Database

#: How many open grievances and timeline entries each case shows.
_OPEN_SHOWN, _NEWEST_SHOWN = 8, 5


@dataclass(frozen=True, slots=True)
class OpenGrievance:
    """An open grievance as the home tab lists it."""

    number: int
    text: str
    severity: int
    status: Status
    confidential: bool


@dataclass(frozen=True, slots=True)
class CaseSummary:
    """What the home tab shows of one case."""

    case_id: int
    channel_id: str
    client_name: str
    stage: Stage
    closed: bool
    is_lead: bool
    severity_counts: dict[int, int]
    open_grievances: tuple[OpenGrievance, ...]
    newest: tuple[EntryView, ...]
    insights: Insights
    #: The case's health score and trend (None: not computed).
    health: HealthReport | None = None
    #: Buy-in on the current strategy version (None: no strategy proposed yet).
    strategy: Standing | None = None
    #: The viewer's own open commitments on the case, by due day.
    mine: tuple[CommitmentView, ...] = ()


def summaries(db: Database, *, team_id: str, user_id: str, now: datetime) -> list[CaseSummary]:
    """Every case ``user_id`` may read the history of, as they may see it."""
    with db.transaction() as session:
        viewer = viewer_of(session, team_id, user_id)
        found = []
        for case in playbook_history.cases_for(session=session, person=viewer) if viewer else []:
            if not access.allows(
                session=session, case=case, person=viewer, action=access.Action.VIEW_HISTORY
            ):
                continue
            confidential = playbook_history.include_confidential_for(
                session=session, case=case, viewer=viewer
            )
            role = access.role_of(session=session, case=case, person=viewer)
            found.append(
                CaseSummary(
                    case_id=case.id,
                    channel_id=case.channel_id,
                    client_name=case.client_name,
                    stage=case.stage,
                    closed=case.closed_at is not None,
                    is_lead=role is access.AccessRole.LEAD,
                    severity_counts=playbook_history.severity_counts(
                        session=session, case=case, include_confidential=confidential, reader=viewer
                    ),
                    open_grievances=tuple(
                        OpenGrievance(
                            number=g.number,
                            text=g.text,
                            severity=g.severity,
                            status=g.status,
                            confidential=g.confidential,
                        )
                        for g in playbook_history.open_grievances(
                            session=session,
                            case=case,
                            include_confidential=confidential,
                            reader=viewer,
                            limit=_OPEN_SHOWN,
                        )
                    ),
                    newest=tuple(
                        entry_view(e)
                        for e in playbook_history.timeline_page(
                            session=session,
                            case=case,
                            include_confidential=confidential,
                            reader=viewer,
                            size=_NEWEST_SHOWN,
                        ).entries
                    ),
                    insights=playbook_insights.collect(
                        session=session, case=case, include_confidential=confidential, reader=viewer
                    ),
                    health=health.report(session=session, case=case, now=now),
                    strategy=playbook_strategy.standing(session=session, case=case),
                    mine=commitment_views(
                        session,
                        [
                            c
                            for c in playbook_commitments.listed(
                                session=session, case=case, viewer=viewer
                            )
                            if c.owner_id == viewer.id and c.done_at is None
                        ],
                        now,
                    ),
                )
            )
        return found
