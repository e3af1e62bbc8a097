"""Requests travel one way down: listeners and Block Kit builders do not touch storage.

Step 10's rule is that a listener parses, calls the domain, renders and replies, and a
builder renders plain values: neither imports ``storage`` (nor SQLAlchemy), so neither
can open a session or walk an ORM row; ``bot/flows`` owns the transactions. Listeners are
module-level functions fed by Bolt's context. A module that breaks either rule fails here.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
#: The packages the rule is for: Slack listeners and Block Kit builders.
GUARDED = ("handlers", "bot/blocks")


def _imports_storage(path: Path) -> bool:
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        if any(name.split(".")[0] in {"storage", "sqlalchemy"} for name in names):
            return True
    return False


def _offenders() -> set[str]:
    return {
        str(path.relative_to(ROOT))
        for package in GUARDED
        for path in sorted((ROOT / package).rglob("*.py"))
        if _imports_storage(path)
    }


def test_no_listener_or_builder_reaches_storage() -> None:
    found = _offenders()
    assert found == set(), f"listeners and builders go through flows, not storage: {found}"


def _closure_registrations(path: Path) -> bool:
    """Whether ``register`` in ``path`` defines listeners inside itself (closures that
    capture what Bolt's context should hand them) instead of attaching module-level ones."""
    tree = ast.parse(path.read_text(), filename=str(path))
    return any(
        isinstance(node, ast.FunctionDef)
        and node.name == "register"
        and any(isinstance(inner, ast.FunctionDef) for inner in ast.walk(node) if inner is not node)
        for node in tree.body
    )


def _closure_offenders() -> set[str]:
    return {
        str(path.relative_to(ROOT))
        for path in sorted((ROOT / "handlers").glob("*.py"))
        if path.name != "middleware.py" and _closure_registrations(path)
    }


def test_listeners_are_module_level_functions() -> None:
    """``register`` only attaches listeners: their dependencies come from Bolt's context
    (``handlers.middleware`` is the one place that closes over them)."""
    found = _closure_offenders()
    assert found == set(), f"define listeners at module level, not inside register: {found}"
