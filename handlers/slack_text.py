"""Text as Slack sends it, turned back into what the person typed.

Slack escapes ``&``, ``<`` and ``>`` in message and command text (its own markup, such as
``<@U123|ana>``, stays as markup). The database keeps what people typed, so it is
unescaped once on the way in; every builder escapes once on the way out.
"""

from __future__ import annotations


def from_slack(text: str | None) -> str:
    """Undo Slack's three entities (``&amp;`` last, so ``&amp;lt;`` stays ``&lt;``)."""
    if not text:
        return ""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
