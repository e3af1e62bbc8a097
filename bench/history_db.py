"""Generate a large case history fast: bulk inserts of plausible rows into a migrated file.

The schema comes from the real migrations and the rows go through SQLAlchemy Core's
executemany on the models' own tables, so the file is what the bot would have written,
only sooner. Timeline entries of all cases are interleaved in id order, as they are when
many cases are active at once: a case's entries are scattered over the table, and only
its index keeps a page cheap.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Table, insert

from storage.engine import Database
from storage.migrate import upgrade
from storage.models import (
    Case,
    CaseLead,
    CaseMember,
    EntryRevision,
    Grievance,
    HealthSnapshot,
    Person,
    TimelineEntry,
    Workspace,
)

TEAM_ID = "T0SANDBOX"
LEAD_USER = "ULEAD"
PEOPLE = 40
GRIEVANCES_PER_CASE = 20
CHUNK = 20_000
EPOCH = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)

_KINDS = (
    ("reply", 70),
    ("status_changed", 8),
    ("grievance_updated", 5),
    ("vote_cast", 5),
    ("checkin_posted", 4),
    ("progress_update", 4),
    ("role_changed", 2),
    ("interview_answered", 2),
)
_PHRASES = (
    "The nightly invoice export failed again and finance had to rebuild it by hand",
    "We agreed to demo the new approval flow on Thursday; can we move it to Friday?",
    "Thanks for the quick fix, but the report totals still disagree with the ledger",
    "Escalating: three of our regional managers could not log in this morning",
    "Good progress on the data migration, two of five batches verified",
    "Please keep us in the loop before each release, even the small ones",
)


@dataclass(frozen=True)
class Shape:
    """How big the history is: ``sizes`` pins the entry count of the first cases."""

    cases: int
    entries: int
    sizes: tuple[int, ...]
    lead_cases: int = 50

    def entries_per_case(self) -> list[int]:
        """Entries of each case: the pinned sizes first, the rest shared evenly."""
        rest = self.entries - sum(self.sizes)
        others = self.cases - len(self.sizes)
        base, extra = divmod(rest, others)
        return [*self.sizes, *(base + (1 if i < extra else 0) for i in range(others))]


def channel_of(case_index: int) -> str:
    return f"C{case_index:06d}"


def _at(seconds: float) -> datetime:
    return EPOCH + timedelta(seconds=seconds)


def generate(db: Database, shape: Shape, seed: int = 7) -> dict[str, int]:
    """Fill a fresh database; returns the row count per table."""
    upgrade(db.engine)
    rng = random.Random(seed)
    counts: dict[str, int] = {}
    with db.engine.begin() as connection:  # one transaction: one sync to disk

        def put(model: Any, rows: Sequence[dict[str, Any]] | Iterator[dict[str, Any]]) -> None:
            table: Table = model.__table__
            chunk: list[dict[str, Any]] = []
            for row in rows:
                chunk.append(row)
                if len(chunk) >= CHUNK:
                    connection.execute(insert(table), chunk)
                    counts[table.name] = counts.get(table.name, 0) + len(chunk)
                    chunk = []
            if chunk:
                connection.execute(insert(table), chunk)
                counts[table.name] = counts.get(table.name, 0) + len(chunk)

        put(Workspace, [{"id": 1, "team_id": TEAM_ID, "url": "https://sandbox.slack.local/"}])
        put(Person, _people())
        sizes = shape.entries_per_case()
        put(Case, _cases(shape, sizes))
        put(CaseLead, _leads(shape))
        put(CaseMember, _members(shape))
        put(Grievance, _grievances(shape, rng))
        put(HealthSnapshot, _snapshots(shape, rng))
        edited: list[int] = []
        put(TimelineEntry, _entries(shape, sizes, rng, edited))
        put(
            EntryRevision,
            ({"entry_id": i, "text": _PHRASES[i % 6], "replaced_at": _at(i)} for i in edited),
        )
    raw = db.engine.raw_connection()  # outside any transaction, as a checkpoint must be
    try:
        raw.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        raw.close()
    return counts


def _people() -> Iterator[dict[str, Any]]:
    yield {
        "id": 1,
        "workspace_id": 1,
        "slack_user_id": LEAD_USER,
        "display_name": "Lena Lead",
        "side": "team",
        "timezone": "Europe/Berlin",
    }
    for n in range(2, PEOPLE + 1):
        yield {
            "id": n,
            "workspace_id": 1,
            "slack_user_id": f"U{n:07d}",
            "display_name": f"Person {n}",
            "side": "client" if n % 2 else "team",
            "timezone": "UTC",
        }


def _cases(shape: Shape, sizes: list[int]) -> Iterator[dict[str, Any]]:
    for i in range(shape.cases):
        yield {
            "id": i + 1,
            "workspace_id": 1,
            "channel_id": channel_of(i),
            "client_name": f"Client {i:04d}",
            "stage": "rework" if i % 3 == 0 else "stabilize",
            "named": True,
            "created_at": _at(i * 60),
            # the busiest cases were active most recently
            "updated_at": _at(10_000_000 + sizes[i]),
        }


def _leads(shape: Shape) -> Iterator[dict[str, Any]]:
    for i in range(shape.cases):
        led_by_lead = i < shape.lead_cases
        yield {"case_id": i + 1, "person_id": 1 if led_by_lead else 2 + (i % (PEOPLE - 1))}


def _members(shape: Shape) -> Iterator[dict[str, Any]]:
    roles = ("client_leader", "client_member", "team_lead", "team_member")
    for i in range(shape.cases):
        for j, role in enumerate(roles):
            person = 3 + j * 2 + (i % 5) * 8  # client roles odd (client side), team even
            yield {"case_id": i + 1, "person_id": min(person, PEOPLE), "role": role}


def _grievance_id(case_index: int, number: int) -> int:
    return case_index * GRIEVANCES_PER_CASE + number


def _grievances(shape: Shape, rng: random.Random) -> Iterator[dict[str, Any]]:
    statuses = ("open", "acknowledged", "addressing", "resolved", "resolved", "withdrawn")
    cares = ("on-time invoices; a single contact", "fewer surprises at release", "data accuracy")
    for i in range(shape.cases):
        for number in range(1, GRIEVANCES_PER_CASE + 1):
            author = rng.randint(2, PEOPLE)
            yield {
                "id": _grievance_id(i, number),
                "case_id": i + 1,
                "number": number,
                "reporter_id": author,
                "raised_by_id": author,
                "side": "client" if author % 2 else "team",
                "category": ("quality", "timeline", "communication", "cost")[number % 4],
                "severity": 1 + number % 4,
                "text": f"{_PHRASES[number % 6]} (grievance {number} of case {i})",
                "status": statuses[number % 6],
                "confidential": number == 7,
                "cares_about": cares[number % 3],
                "success_measure": "invoices out by the 3rd; zero P1 defects",
                "went_well": "weekly demos",
                "slack_channel": channel_of(i),
                "slack_ts": f"{1736150400 + i * 1000 + number}.000100",
                "created_at": _at(i * 60 + number * 3600),
                "updated_at": _at(i * 60 + number * 3600),
            }


def _snapshots(shape: Shape, rng: random.Random) -> Iterator[dict[str, Any]]:
    for i in range(shape.cases):
        for week in range(10):
            yield {
                "case_id": i + 1,
                "score": rng.randint(30, 90),
                "components": "{}",
                "computed_at": _at(i * 60 + week * 604_800),
            }


def _entries(
    shape: Shape, sizes: list[int], rng: random.Random, edited: list[int]
) -> Iterator[dict[str, Any]]:
    """Every case's entries, interleaved at random in id order, oldest first."""
    owners = [i for i, size in enumerate(sizes) for _ in range(size)]
    rng.shuffle(owners)
    kinds = [kind for kind, weight in _KINDS for _ in range(weight)]
    step = 31_536_000 / max(1, len(owners))  # one year of history
    for n, case_index in enumerate(owners, start=1):
        kind = kinds[n % len(kinds)]
        number = 1 + n % GRIEVANCES_PER_CASE
        channel = channel_of(case_index)
        if n % 200 == 0:
            edited.append(n)
        yield {
            "id": n,
            "case_id": case_index + 1,
            "kind": kind,
            "author_id": 2 + n % (PEOPLE - 1) if n % 50 else 1,
            "text": f"{_PHRASES[n % 6]} — update {n}",
            "slack_channel": channel if kind == "reply" else None,
            "slack_ts": f"{1736150400 + n}.{n % 1_000_000:06d}" if kind == "reply" else None,
            "grievance_id": _grievance_id(case_index, number) if kind != "role_changed" else None,
            "confidential": number == 7,
            "deleted": False,
            "edited": n % 200 == 0,
            "created_at": _at(n * step),
        }
