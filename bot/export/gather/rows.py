"""How the gathering code reads rows: in chunks, as plain column rows, grouped by owner."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Row

#: Rows fetched per round trip when streaming the timeline and looking up people.
CHUNK_SIZE = 2_000


def grouped(rows: Iterable[Row[Any]], key: str) -> dict[int, list[Row[Any]]]:
    """Rows by the value of their column ``key``, each group in the order read."""
    groups: dict[int, list[Row[Any]]] = {}
    for row in rows:
        groups.setdefault(getattr(row, key), []).append(row)
    return groups
