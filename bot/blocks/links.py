"""Permalinks built from the workspace URL, so a page of history needs no API calls, and
links to the matching page of the web view."""

from __future__ import annotations


def web_page(public_url: str | None, path: str) -> str | None:
    """The web view's page at ``path`` (``/cases/3``), when a public URL is configured."""
    return f"{public_url.rstrip('/')}{path}" if public_url else None


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
