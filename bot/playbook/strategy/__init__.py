"""Recovery strategy versions: what a lead proposes, the evidence behind it, and its actions.

A strategy is only as convincing as the grievances it answers, so each version names the
grievances it addresses and reports how much of the open grievance load it covers,
weighted by severity. Versions are never edited: an update is a new version linking the
one it replaces, which is marked superseded, so buy-in is always given to fixed words.

One module per part, all read as ``bot.playbook.strategy`` (every public name is
re-exported here): :mod:`~bot.playbook.strategy.lines` (reading typed action and
measure lines), :mod:`~bot.playbook.strategy.drafts` (the form, validated),
:mod:`~bot.playbook.strategy.evidence` (addressable grievances and coverage),
:mod:`~bot.playbook.strategy.versions` (the current version, buy-in, proposing) and
:mod:`~bot.playbook.strategy.snapshots` (what the post shows).
"""

from bot.playbook.strategy.drafts import (
    ACTIONS,
    GRIEVANCES,
    MAX_ACTIONS,
    MAX_MEASURE,
    MAX_MEASURES,
    MAX_SUMMARY,
    MEASURES,
    SUMMARY,
    StrategyDraft,
    StrategyDraftError,
    parse_actions,
    parse_draft,
)
from bot.playbook.strategy.evidence import (
    MAX_OPTIONS,
    Coverage,
    addressable,
    coverage,
    coverage_of,
    open_count,
)
from bot.playbook.strategy.lines import (
    MAX_ACTION_LINE,
    ActionLineError,
    ParsedAction,
    action_line,
    parse_action_line,
    split_measures,
)
from bot.playbook.strategy.snapshots import (
    ActionItem,
    Addressed,
    StrategySnapshot,
    VersionRef,
    snapshot,
)
from bot.playbook.strategy.versions import (
    Prefill,
    Proposal,
    Standing,
    latest,
    mark_posted,
    prefill,
    propose,
    stakeholder_directory,
    standing,
)

__all__ = [
    "ACTIONS",
    "GRIEVANCES",
    "MAX_ACTIONS",
    "MAX_ACTION_LINE",
    "MAX_MEASURE",
    "MAX_MEASURES",
    "MAX_OPTIONS",
    "MAX_SUMMARY",
    "MEASURES",
    "SUMMARY",
    "ActionItem",
    "ActionLineError",
    "Addressed",
    "Coverage",
    "ParsedAction",
    "Prefill",
    "Proposal",
    "Standing",
    "StrategyDraft",
    "StrategyDraftError",
    "StrategySnapshot",
    "VersionRef",
    "action_line",
    "addressable",
    "coverage",
    "coverage_of",
    "latest",
    "mark_posted",
    "open_count",
    "parse_action_line",
    "parse_actions",
    "parse_draft",
    "prefill",
    "propose",
    "snapshot",
    "split_measures",
    "stakeholder_directory",
    "standing",
]
