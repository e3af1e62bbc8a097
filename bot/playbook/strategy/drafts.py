"""The strategy form, validated: a proposal checked field by field before it is stored.

Every problem is reported at once, keyed by the field it belongs to, so the modal shows
each under its own input.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from bot.ids import row_id
from bot.playbook.errors import PlaybookError
from bot.playbook.strategy.lines import (
    ActionLineError,
    ParsedAction,
    parse_action_line,
    split_measures,
)

MAX_SUMMARY = 3000
MAX_ACTIONS = 20
MAX_MEASURES = 20
MAX_MEASURE = 300

#: Field names of a draft; the modal's block ids carry the same words.
SUMMARY, ACTIONS, GRIEVANCES, MEASURES = "summary", "actions", "grievances", "measures"


class StrategyDraftError(PlaybookError):
    """A draft failed validation; ``fields`` maps a draft field to advice for the modal."""

    def __init__(self, fields: dict[str, str]) -> None:
        super().__init__("; ".join(fields.values()))
        self.fields = fields


@dataclass(frozen=True)
class StrategyDraft:
    """A validated proposal, ready to store."""

    summary: str
    actions: list[ParsedAction] = field(default_factory=list)
    grievance_ids: list[int] = field(default_factory=list)
    success_measures: list[str] = field(default_factory=list)


def parse_actions(
    text: str | None, *, directory: Sequence[tuple[str, str]] = (), today: date | None = None
) -> list[ParsedAction]:
    """One action per non-empty line; ``StrategyDraftError`` names the first bad line."""
    lines = [(n, line) for n, line in enumerate((text or "").splitlines(), 1) if line.strip()]
    if len(lines) > MAX_ACTIONS:
        raise StrategyDraftError(
            {ACTIONS: f"That's {len(lines)} actions; keep it to {MAX_ACTIONS} or fewer."}
        )
    actions, problems = [], []
    for number, line in lines:
        try:
            actions.append(parse_action_line(line, directory=directory, today=today))
        except ActionLineError as exc:
            problems.append(f"Line {number}: {exc}.")
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise StrategyDraftError({ACTIONS: problems[0] + more})
    return actions


def parse_draft(
    *,
    summary: str | None,
    actions: str | None,
    grievance_ids: Sequence[str] | None,
    measures: str | None,
    directory: Sequence[tuple[str, str]] = (),
    today: date | None = None,
) -> StrategyDraft:
    """Validate the modal's answers; every problem is reported at once, per field."""
    problems: dict[str, str] = {}
    cleaned = (summary or "").strip()
    if not cleaned:
        problems[SUMMARY] = "Say in a sentence or two what the strategy is."
    elif len(cleaned) > MAX_SUMMARY:
        problems[SUMMARY] = f"Keep the summary under {MAX_SUMMARY} characters."
    parsed: list[ParsedAction] = []
    try:
        parsed = parse_actions(actions, directory=directory, today=today)
    except StrategyDraftError as exc:
        problems.update(exc.fields)
    items = split_measures(measures)
    if len(items) > MAX_MEASURES:
        problems[MEASURES] = f"Name at most {MAX_MEASURES} success measures."
    elif any(len(item) > MAX_MEASURE for item in items):
        problems[MEASURES] = f"Keep each success measure under {MAX_MEASURE} characters."
    ids = [number for v in grievance_ids or [] if (number := row_id(v)) is not None]
    if problems:
        raise StrategyDraftError(problems)
    return StrategyDraft(
        summary=cleaned, actions=parsed, grievance_ids=sorted(set(ids)), success_measures=items
    )
