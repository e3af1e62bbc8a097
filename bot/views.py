"""Plain values the Block Kit builders render, read from the database by the domain.

A builder that is handed an ORM row may walk a relationship and quietly query the
database, so it only works inside an open session. A view is read once, inside the
transaction that has the row, and can be rendered anywhere afterwards (step 10's rule:
builders never touch storage, ``tests/unit/test_layers.py``).
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.vocabulary import Category, Side, Status


@dataclass(frozen=True, slots=True)
class GrievanceView:
    """What a grievance's message, acknowledgement and notices show of it."""

    id: int
    number: int
    text: str
    side: Side
    category: Category
    severity: int
    status: Status
    confidential: bool
    source_permalink: str | None
    #: Who raised it, for display (a name typed on someone's behalf, or "someone").
    raised_by: str
    #: It missed a response target (``bot.playbook.targets``): marked on its message.
    target_missed: bool = False
