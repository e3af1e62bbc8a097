"""Slack listeners, one module per feature; ``register_all`` is the only wiring point."""

from __future__ import annotations

from slack_bolt import App

from bot.deps import Deps
from handlers import (
    checkin_answers,
    checkins,
    closing,
    commands,
    commitments,
    fallback,
    form_state,
    grievance_buttons,
    grievance_forms,
    history,
    interviews,
    middleware,
    people,
    progress,
    pulse,
    strategy,
    threads,
)


def register_all(app: App, deps: Deps) -> None:
    """Attach middleware and every feature's listeners to ``app``."""
    middleware.register(app, deps)
    form_state.register(app)
    # Bolt tries listeners in this order, building each one's arguments to match it: the
    # most frequent requests (messages, reactions, the command) come first.
    threads.register(app)
    strategy.register(app)
    commands.register(app)
    grievance_forms.register(app)
    grievance_buttons.register(app)
    history.register(app)
    people.register(app)
    interviews.register(app)
    checkins.register(app)
    progress.register(app)
    checkin_answers.register(app)
    closing.register(app)
    commitments.register(app)
    pulse.register(app)
    fallback.register(app)  # last: it matches every event
