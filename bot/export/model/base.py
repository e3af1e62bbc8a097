"""What every record of the export shares: frozen, known fields only, and how a moment is
written."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, PlainSerializer


def _iso(value: datetime) -> str:
    return value.isoformat()


#: A moment, written as Python's ISO 8601 with its offset (``+00:00``, not pydantic's
#: ``Z``): the archive's format predates the model and must not change under its readers.
Instant = Annotated[datetime, PlainSerializer(_iso, return_type=str, when_used="json")]


class Record(BaseModel):
    """A part of the export: frozen once gathered, so every writer reads the same thing.

    Unknown fields are refused, so a misspelt one fails where the record is built rather
    than vanishing from the archive. A non-finite number inside a JSON column (a stored
    ``NaN``) is dumped as a float, so the JSON writer keeps it as ``json`` writes it.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", ser_json_inf_nan="constants")
