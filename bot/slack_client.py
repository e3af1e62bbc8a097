"""The one Web API client of a process, with Slack-aware retries.

slack_sdk retries only connection errors by default; Slack also answers 429 with a
``Retry-After`` and has the odd 5xx, so every call made by the bot goes through a client
that waits and retries those too.
"""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

#: A child of "slack_sdk", so the DEBUG cap in bot.logs (request bodies hold people's words)
#: applies to it too.
logger = logging.getLogger("slack_sdk.web.grievance_bot")


def make_web_client(token: str, base_url: str, *, max_retries: int = 3) -> WebClient:
    """A WebClient for ``base_url`` retrying rate limits, server errors and lost connections."""
    return WebClient(
        token=token,
        base_url=base_url,
        timeout=10,
        logger=logger,
        retry_handlers=[
            ConnectionErrorRetryHandler(max_retry_count=max_retries),
            RateLimitErrorRetryHandler(max_retry_count=max_retries),
            ServerErrorRetryHandler(max_retry_count=max_retries),
        ],
    )
