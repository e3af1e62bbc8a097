"""Reading a case's history: the timeline page by page, one grievance with its thread,
and what the client cares about.

Each intent reads in one transaction and hands back plain views, so the builders in
``bot.blocks.history`` render them without a session (step 10's rule) and nobody's
reply waits on a lazy load. Who may see what (confidential entries, a grievance the
reader may not see, a case out of reach from where a button was pressed) is decided
here, by ``bot.playbook``, before anything is shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.flows.scope import NO_CASE
from bot.ids import row_id
from bot.playbook import access, cases, people
from bot.playbook import history as playbook_history
from bot.playbook import insights as playbook_insights
from bot.playbook.errors import PlaybookError
from bot.playbook.grievances import find_by_number, view
from bot.playbook.insights import Insights
from bot.views import GrievanceView
from storage.engine import Database
from storage.models import Case, Grievance, Person, TimelineEntry

#: Said alike for a history page that does not exist and one the person may not reach.
HISTORY_GONE = "That history is no longer available."


@dataclass(frozen=True, slots=True)
class EntryView:
    """One timeline entry as a line shows it, with the grievance it is about, if any."""

    kind: str
    #: The author's display name (None: nobody the bot knows).
    author: str | None
    created_at: datetime
    text: str
    edited: bool
    deleted: bool
    slack_channel: str | None
    slack_ts: str | None
    #: The grievance's number and message, when the line names its grievance.
    grievance_number: int | None = None
    grievance_channel: str | None = None
    grievance_ts: str | None = None


@dataclass(frozen=True, slots=True)
class HistoryPage:
    """A page of a case's timeline, newest first, with the cursors either side."""

    case_id: int
    client_name: str
    entries: tuple[EntryView, ...]
    older: int | None
    newer: int | None


@dataclass(frozen=True, slots=True)
class GrievanceDetail:
    """One grievance, what the client said around it, and its whole discussion."""

    grievance: GrievanceView
    cares_about: str | None
    success_measure: str | None
    went_well: str | None
    thread: tuple[EntryView, ...]


@dataclass(frozen=True, slots=True)
class CaseInsights:
    """What the client cares about on one case, de-duplicated with counts."""

    client_name: str
    insights: Insights


def entry_view(entry: TimelineEntry, grievance: Grievance | None = None) -> EntryView:
    """``entry`` read now (inside the caller's session), naming ``grievance`` if given."""
    return EntryView(
        kind=entry.kind,
        author=entry.author.display_name if entry.author else None,
        created_at=entry.created_at,
        text=entry.text,
        edited=entry.edited,
        deleted=entry.deleted,
        slack_channel=entry.slack_channel,
        slack_ts=entry.slack_ts,
        grievance_number=grievance.number if grievance else None,
        grievance_channel=grievance.slack_channel if grievance else None,
        grievance_ts=grievance.slack_ts if grievance else None,
    )


def viewer_of(session: Session, team_id: str, user_id: str) -> Person | None:
    """The person reading, as the bot knows them in its workspace ``team_id``."""
    workspace = people.ensure_workspace(session=session, team_id=team_id)
    return people.find_person(session=session, workspace=workspace, user_id=user_id)


def timeline(db: Database, *, team_id: str, user_id: str, channel_id: str) -> HistoryPage:
    """The newest page of the channel's case timeline, as ``user_id`` may see it."""
    with db.transaction() as session:
        case, viewer = _case_and_viewer(session, team_id, user_id, channel_id)
        return page_of(session, case, viewer)


def page_from(
    db: Database,
    *,
    team_id: str,
    user_id: str,
    channel_id: str | None,
    value: str,
) -> HistoryPage:
    """The page a paging button's ``value`` (``case:after|before:cursor``) points at.

    A case that is gone or out of reach from ``channel_id`` is refused alike.
    """
    case_id, direction, cursor = ([*value.split(":"), "", "", ""])[:3]
    with db.transaction() as session:
        case_row, cursor_row = row_id(case_id), row_id(cursor)
        case = session.get(Case, case_row) if case_row is not None else None
        if case is None or cursor_row is None:
            raise PlaybookError(HISTORY_GONE)
        access.require_in_scope(
            session=session,
            case=case,
            person=people.find_person(session=session, workspace=case.workspace, user_id=user_id),
            team_id=team_id,
            channel_id=channel_id,
            gone=HISTORY_GONE,
        )
        viewer = viewer_of(session, team_id, user_id)
        if direction == "after":
            return page_of(session, case, viewer, after=cursor_row)
        return page_of(session, case, viewer, before=cursor_row)


def grievance_detail(
    db: Database, *, team_id: str, user_id: str, channel_id: str, number: int
) -> GrievanceDetail:
    """Grievance ``number`` of the channel's case and its thread, if ``user_id`` may see it."""
    with db.transaction() as session:
        case, viewer = _case_and_viewer(session, team_id, user_id, channel_id)
        grievance = find_by_number(session=session, case=case, number=number)
        if grievance is None or not playbook_history.may_see(
            session=session, grievance=grievance, viewer=viewer
        ):
            raise PlaybookError(f"There is no grievance #{number} on this case that you can see.")
        thread = playbook_history.thread_of(session=session, grievance=grievance)
        return GrievanceDetail(
            grievance=view(grievance),
            cares_about=grievance.cares_about,
            success_measure=grievance.success_measure,
            went_well=grievance.went_well,
            thread=tuple(entry_view(e, grievance) for e in thread),
        )


def case_insights(db: Database, *, team_id: str, user_id: str, channel_id: str) -> CaseInsights:
    """What the client cares about on the channel's case, as ``user_id`` may see it."""
    with db.transaction() as session:
        case, viewer = _case_and_viewer(session, team_id, user_id, channel_id)
        found = playbook_insights.collect(
            session=session,
            case=case,
            include_confidential=playbook_history.include_confidential_for(
                session=session, case=case, viewer=viewer
            ),
            reader=viewer,
        )
        return CaseInsights(client_name=case.client_name, insights=found)


def _case_and_viewer(
    session: Session, team_id: str, user_id: str, channel_id: str
) -> tuple[Case, Person | None]:
    """The channel's case (refused when there is none) and the person reading."""
    workspace = people.ensure_workspace(session=session, team_id=team_id)
    case = cases.find_case(session=session, workspace=workspace, channel_id=channel_id)
    if case is None:
        raise PlaybookError(NO_CASE)
    return case, people.find_person(session=session, workspace=workspace, user_id=user_id)


def page_of(
    session: Session,
    case: Case,
    viewer: Person | None,
    *,
    after: int | None = None,
    before: int | None = None,
) -> HistoryPage:
    """A timeline page of ``case`` as ``viewer`` may see it, each line with its grievance."""
    found = playbook_history.timeline_page(
        session=session,
        case=case,
        include_confidential=playbook_history.include_confidential_for(
            session=session, case=case, viewer=viewer
        ),
        reader=viewer,
        before=before,
        after=after,
    )
    ids = {e.grievance_id for e in found.entries if e.grievance_id}
    grievances = (
        {g.id: g for g in session.scalars(select(Grievance).where(Grievance.id.in_(ids)))}
        if ids
        else {}
    )
    return HistoryPage(
        case_id=case.id,
        client_name=case.client_name,
        entries=tuple(entry_view(e, grievances.get(e.grievance_id or 0)) for e in found.entries),
        older=found.older,
        newer=found.newer,
    )
