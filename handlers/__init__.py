"""Slack listeners, one module per feature; ``register_all`` is the only wiring point."""

from __future__ import annotations

from slack_bolt import App

from bot.deps import Deps
from handlers import (
    checkins,
    commands,
    digests,
    fallback,
    form_state,
    grievances,
    health,
    history,
    interviews,
    middleware,
    people,
    progress,
    strategy,
    threads,
)


def register_all(app: App, deps: Deps) -> None:
    """Attach middleware and every feature's listeners to ``app``."""
    middleware.register(app, deps)
    form_state.register(app)
    commands.register(app)
    grievances.register(app, deps)
    history.register(app, deps)
    threads.register(app)
    people.register(app)
    interviews.register(app, deps)
    strategy.register(app, deps)
    checkins.register(app, deps)
    progress.register(app, deps)
    health.register(app, deps)
    digests.register(app, deps)
    fallback.register(app)  # last: it matches every event
