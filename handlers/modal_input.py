"""Turn the grievance modal's flat answers into ``GrievanceDraft`` fields."""

from __future__ import annotations

from bot.ids import CONFIDENTIAL_OPTION, Field


def draft_fields(values: dict[str, object], source_permalink: str | None) -> dict[str, object]:
    """Keyword arguments for ``GrievanceDraft.parse`` from ``{block_id: value}``."""
    confidential = values.get(Field.CONFIDENTIAL) or []
    fields: dict[str, object] = {
        "text": values.get(Field.TEXT) or "",
        "raised_by_name": values.get(Field.RAISED_BY_NAME),
        "side": values.get(Field.SIDE),
        "category": values.get(Field.CATEGORY) or "other",
        "severity": values.get(Field.SEVERITY) or 2,
        "cares_about": values.get(Field.CARES_ABOUT),
        "success_measure": values.get(Field.SUCCESS_MEASURE),
        "went_well": values.get(Field.WENT_WELL),
        "confidential": isinstance(confidential, list) and CONFIDENTIAL_OPTION in confidential,
        "client_name": values.get(Field.CLIENT_NAME),
        "source_permalink": source_permalink,
    }
    if values.get(Field.RAISED_BY_USER):
        fields["raised_by_name"] = None
    return fields
