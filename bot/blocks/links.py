"""Permalinks built from the workspace URL, so a page of history needs no API calls."""

from __future__ import annotations


def permalink(
    base_url: str | None, channel: str | None, ts: str | None, thread_ts: str | None = None
) -> str | None:
    """Slack's permalink format: ``{url}archives/{channel}/p{ts without the dot}``."""
    if not (base_url and channel and ts):
        return None
    link = f"{base_url.rstrip('/')}/archives/{channel}/p{ts.replace('.', '')}"
    if thread_ts and thread_ts != ts:
        link += f"?thread_ts={thread_ts}&cid={channel}"
    return link
