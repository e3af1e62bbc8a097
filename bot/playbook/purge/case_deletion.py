"""Deleting a whole case (``grievance-bot purge --case``) through the schema's cascades.

Picking exactly one case, counting every row that belongs to it (found by walking the
``ON DELETE CASCADE`` foreign keys, so new tables are never forgotten), then deleting it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, Table, delete, func, or_, select
from sqlalchemy.orm import Session

from bot.export import find_cases
from bot.playbook.errors import PlaybookError
from storage.models import Base, Case, Workspace


class AmbiguousCaseError(PlaybookError):
    """A client name matched cases in several workspaces; deleting all would be a guess."""

    def __init__(self, case_filter: str, labels: Sequence[str]) -> None:
        self.case_filter = case_filter
        self.labels = tuple(labels)
        super().__init__(
            f"{case_filter!r} matches {len(labels)} cases: {'; '.join(labels)}; "
            "name one by its channel id"
        )


@dataclass(frozen=True, slots=True)
class CasePurgeSummary:
    """Which case is (or was) deleted and how many rows of each table belong to it."""

    case_id: int
    client_name: str
    channel_id: str
    team_id: str
    rows: dict[str, int]

    @property
    def total(self) -> int:
        """All rows, the case's own included."""
        return sum(self.rows.values())


def find_case(*, session: Session, case_filter: str) -> Case:
    """The one case with this client name or channel id.

    Raises :class:`~bot.export.UnknownCaseError` (listing the known cases) when
    nothing matches, and :class:`AmbiguousCaseError` when a name matches several: a
    deletion must never pick among cases on the operator's behalf.
    """
    matches = find_cases(session=session, case_filter=case_filter)
    if len(matches) > 1:
        raise AmbiguousCaseError(case_filter, [_label(session, case) for case in matches])
    return matches[0]


def _label(session: Session, case: Case) -> str:
    team = session.scalar(select(Workspace.team_id).where(Workspace.id == case.workspace_id))
    return f"{case.client_name} ({case.channel_id} in {team})"


def case_rows(case_id: int) -> dict[str, Select[tuple[int]]]:
    """For every table owned by a case, a query of the owned rows' count.

    A table is owned when a cascading foreign key leads to ``client_case`` directly or
    through another owned table (revisions through entries, answers through occurrences
    through schedules...). Derived from the schema so new tables are never forgotten.
    """
    owned: dict[str, ColumnElement[bool]] = {}
    case_table = Case.__table__
    tables = Base.metadata.sorted_tables  # parents before children
    for table in tables:
        if table is case_table:
            owned[table.name] = case_table.c.id == case_id
            continue
        conditions = [
            column.in_(select(fk.column).where(owned[fk.column.table.name]))
            for column in table.columns
            for fk in column.foreign_keys
            if fk.ondelete == "CASCADE" and fk.column.table.name in owned
        ]
        if conditions:
            owned[table.name] = or_(*conditions)
    return {
        name: select(func.count()).select_from(_table(name)).where(condition)
        for name, condition in owned.items()
    }


def _table(name: str) -> Table:
    return Base.metadata.tables[name]


def plan_case_purge(*, session: Session, case_filter: str) -> CasePurgeSummary:
    """What :func:`purge_case` would delete, read in its own (short) transaction."""
    case = find_case(session=session, case_filter=case_filter)
    return _case_summary(session, case)


def purge_case(*, session: Session, case_filter: str) -> CasePurgeSummary:
    """Delete the case and, through the schema's cascades, every row that belongs to it.

    Returns the counts taken just before the deletion; the caller commits.
    """
    case = find_case(session=session, case_filter=case_filter)
    summary = _case_summary(session, case)
    session.execute(delete(Case).where(Case.id == case.id))
    session.expunge_all()  # the cascade happened in the database, behind the ORM's back
    return summary


def _case_summary(session: Session, case: Case) -> CasePurgeSummary:
    team_id = session.scalar(select(Workspace.team_id).where(Workspace.id == case.workspace_id))
    rows = {name: session.scalar(query) or 0 for name, query in case_rows(case.id).items()}
    return CasePurgeSummary(
        case_id=case.id,
        client_name=case.client_name,
        channel_id=case.channel_id,
        team_id=team_id or "",
        rows=rows,
    )
