"""Requests travel one way down: listeners and Block Kit builders do not touch storage.

Step 10's rule is that a listener parses, calls the domain, renders and replies, and a
builder renders plain values: neither imports ``storage``, so neither can open a session
or walk an ORM row. The modules below still do, and are being moved behind flows one by
one. The list must only shrink: a module that no longer imports storage must leave it
(so the rule then holds for it for good), and no other module may join it.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
#: The packages the rule is for: Slack listeners and Block Kit builders.
GUARDED = ("handlers", "bot/blocks")
#: Modules that still reach storage (ORM rows or sessions), to be moved behind flows.
NOT_YET_MOVED = frozenset(
    {
        "handlers/checkin_answers.py",
        "handlers/checkins.py",
        "handlers/closing.py",
        "handlers/grievances.py",
        "handlers/interviews.py",
        "handlers/item_scope.py",
        "handlers/progress.py",
        "handlers/strategy.py",
    }
)


def _imports_storage(path: Path) -> bool:
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        if any(name == "storage" or name.startswith("storage.") for name in names):
            return True
    return False


def _offenders() -> set[str]:
    return {
        str(path.relative_to(ROOT))
        for package in GUARDED
        for path in sorted((ROOT / package).rglob("*.py"))
        if _imports_storage(path)
    }


def test_no_new_listener_or_builder_reaches_storage() -> None:
    joined = _offenders() - NOT_YET_MOVED
    assert joined == set(), f"listeners and builders go through flows, not storage: {joined}"


def test_a_module_moved_behind_flows_leaves_the_list() -> None:
    moved = NOT_YET_MOVED - _offenders()
    assert moved == set(), f"no longer imports storage, take it off NOT_YET_MOVED: {moved}"
