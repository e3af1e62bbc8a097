"""What the sandbox render tests share: the names mentions resolve to, and blocks as
the dicts Slack's API receives.
"""

from __future__ import annotations

from typing import Any

NAMES = {"U1": "ana", "U2": "ben", "C1": "acme-recovery", "S1": "devs"}


def dicts(*blocks: Any) -> list[dict[str, Any]]:
    return [b.to_dict() for b in blocks]
