"""Which cases an export holds, and for whom: the operator's CLI or a lead in Slack."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.export.collector import collector_paused
from bot.export.gather.case import gather_case
from bot.export.gather.people import People
from bot.export.model import CaseRecord, ExportDocument
from bot.export.stored import as_utc
from bot.playbook import access
from bot.playbook.errors import PlaybookError
from bot.playbook.timeline import Kind, record
from storage.clock import utcnow
from storage.models import Case, Person, Workspace


class UnknownCaseError(PlaybookError):
    """``--case`` matched nothing; the message lists the cases that do exist."""

    def __init__(self, case_filter: str, known: Sequence[str]) -> None:
        self.case_filter = case_filter
        self.known = tuple(known)
        listing = "; ".join(self.known) if self.known else "there are no cases yet"
        super().__init__(f"no case matches {case_filter!r}; known cases: {listing}")


def _case_label(case: Case) -> str:
    return f"{case.client_name} ({case.channel_id})"


def find_cases(*, session: Session, case_filter: str | None) -> list[Case]:
    """The cases to export: all of them, or those whose client name or channel id matches.

    A client name is compared case-insensitively and a channel id may carry Slack's
    leading ``#``; a name shared by cases in several workspaces exports all of them,
    since the person asking cannot tell them apart by name either.
    """
    rows = list(session.scalars(select(Case).order_by(Case.id)))
    if case_filter is None:
        return rows
    wanted = case_filter.strip().lstrip("#").casefold()
    matches = [
        case
        for case in rows
        if case.client_name.strip().casefold() == wanted or case.channel_id.casefold() == wanted
    ]
    if not matches:
        raise UnknownCaseError(case_filter, [_case_label(case) for case in rows])
    return matches


def build_export(
    *,
    session: Session,
    case_filter: str | None = None,
    include_confidential: bool = False,
    now: datetime | None = None,
) -> ExportDocument:
    """Read the history of every matching case into an :class:`ExportDocument`.

    Raises :class:`UnknownCaseError` when ``case_filter`` matches no case. The session is
    only read, never committed; ``now`` exists so tests can pin ``exported_at``.
    """
    return _document(
        session=session,
        cases=find_cases(session=session, case_filter=case_filter),
        include_confidential=include_confidential,
        case_filter=case_filter,
        now=now,
    )


def export_for_lead(
    *, session: Session, case: Case, person: Person | None, now: datetime | None = None
) -> ExportDocument:
    """One case's history for a lead who asked from Slack (``/grievance export``).

    It is the document ``grievance-bot export --case <channel> --include-confidential``
    writes, less the confidential grievances that name this lead (kept from them everywhere
    in the bot): leads see confidential items everywhere else in the bot, so their export
    includes them, while the CLI withholds them by default because whoever runs it is not
    known to lead anything. The case object is exported as is, never looked up again by
    channel id, which another workspace in the same database may share.
    """
    reader = access.require(
        session=session, case=case, person=person, action=access.Action.EXPORT_CASE
    )
    return _document(
        session=session,
        cases=[case],
        include_confidential=True,
        case_filter=case.channel_id,
        now=now,
        reader=reader,
    )


def case_for_reader(
    *, session: Session, case: Case, include_confidential: bool, reader: Person | None
) -> CaseRecord:
    """One case as a page shows it: what an export for the same reader would hold.

    ``include_confidential`` comes from the access policy (leads only) and ``reader`` is
    the lead it is for, from whom the grievances naming them stay withheld; everyone
    else, and a share link, get the client-facing view.
    """
    return gather_case(
        session=session,
        case=case,
        workspace=_workspaces(session, {case.workspace_id})[case.workspace_id],
        people=People(session),
        include_confidential=include_confidential,
        reader=reader if include_confidential else None,
    )


def note_exported(*, session: Session, case: Case, person: Person | None, fmt: str) -> None:
    """Put a lead's export on the case timeline, once the file has reached them.

    The export carries confidential items out of the bot, so who took one and when is
    part of the case's history: an audit trail every reader of the history can see.
    """
    actor = access.require(
        session=session, case=case, person=person, action=access.Action.EXPORT_CASE
    )
    record(
        session=session,
        case=case,
        kind=Kind.CASE_EXPORTED,
        author=actor,
        text=f"Exported the case history ({fmt}, confidential items included) to their DM.",
    )


@collector_paused
def _document(
    *,
    session: Session,
    cases: Sequence[Case],
    include_confidential: bool,
    case_filter: str | None,
    now: datetime | None,
    reader: Person | None = None,
) -> ExportDocument:
    """The export of ``cases``, read with a fixed handful of queries per case; ``reader``
    is the lead it is for, from whom the grievances naming them are withheld."""
    workspaces = _workspaces(session, {case.workspace_id for case in cases})
    people = People(session)
    records = [
        gather_case(
            session=session,
            case=case,
            workspace=workspaces[case.workspace_id],
            people=people,
            include_confidential=include_confidential,
            reader=reader,
        )
        for case in cases
    ]
    return ExportDocument(
        exported_at=as_utc(now or utcnow()),
        cases=records,
        include_confidential=include_confidential,
        case_filter=case_filter,
        for_reader=reader is not None,
    )


def _workspaces(session: Session, workspace_ids: set[int]) -> dict[int, tuple[str, str | None]]:
    """Team id and URL of each workspace, in one query."""
    if not workspace_ids:
        return {}
    rows = session.execute(
        select(Workspace.id, Workspace.team_id, Workspace.url).where(
            Workspace.id.in_(workspace_ids)
        )
    )
    return {row.id: (row.team_id, row.url) for row in rows}
