"""The composition root: build the Bolt app with its client, database and listeners."""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Executor

from slack_bolt import App, BoltRequest, BoltResponse

from bot.deps import Deps
from bot.errors import register_error_handler
from bot.form_seal import FormSeal
from bot.settings import Settings
from bot.slack.client import RepairingWebClient
from bot.slack.identity import acting_user
from bot.slack.lookup import installation
from bot.slack.outbound import Outbound
from handlers import register_all
from handlers.direct import Direct
from storage.engine import Database

logger = logging.getLogger("grievance_bot")


def build_app(
    settings: Settings,
    db: Database,
    client: RepairingWebClient,
    executor: Executor | None = None,
    *,
    outbound: Executor,
) -> App:
    """A Bolt app that verifies signatures (HTTP) and routes to our listeners.

    Listeners run on Bolt's thread pool after ``ack`` (``process_before_response`` off),
    so a listener can commit, acknowledge, then post to Slack without holding the 3 s
    acknowledgement window hostage. What listeners do after acknowledging runs on
    ``outbound``, a pool apart from ``executor`` (``bot.slack.outbound``), so that a slow Slack
    never keeps the next requests from being acknowledged.
    """
    secret = settings.slack_signing_secret
    app = App(
        client=client,
        signing_secret=secret.get_secret_value() if secret else "",
        request_verification_enabled=secret is not None,
        process_before_response=False,
        raise_error_for_unhandled_request=False,
        logger=logging.getLogger("grievance_bot.bolt"),
        listener_executor=executor,
    )
    installed, slack_url = installation(client)
    seal = FormSeal(secret.get_secret_value() if secret else None)

    def use_the_one_client(req: BoltRequest, next: Callable[[], None]) -> BoltResponse | None:
        """Listeners get ``client`` itself: Bolt would hand them a plain per-request copy,
        without the repairs of ``bot.slack.client`` (the token is the same either way).
        It is bound to the person acting, so every form it opens is sealed for them."""
        req.context["client"] = client.acting_for(seal, acting_user(req.body) or "")
        return next()

    app.middleware(Direct(use_the_one_client))

    deps = Deps(
        db=db,
        settings=settings,
        slack_url=slack_url,
        installation=installed,
        form_seal=seal,
        outbound=Outbound(outbound),
    )
    register_all(app, deps)
    register_error_handler(app)
    return app
