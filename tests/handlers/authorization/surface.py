"""What a cell of the authorization matrix is made of: the ``Surface`` it goes in by, and
``A``, the policy's actions that surfaces exercise.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.playbook import access
from tests.handlers.authorization.setups import _nothing
from tests.handlers.authorization.world import ROLES, World


@dataclass(frozen=True)
class Surface:
    """One way in (a subcommand, a button, a form, an event) and the policy it exercises."""

    name: str
    #: The SUBCOMMANDS name, action id, callback id or event type it covers.
    covers: str
    action: access.Action
    act: Callable[[World, str], None]
    happened: Callable[[World, str], bool]
    setup: Callable[[World, str], None] = _nothing
    #: Lead-only words that this view shows to exactly those who may see confidential items.
    reveals: str = ""
    #: A rule of the item on top of the role (only the invitee, only the raiser…).
    allowed_for: Callable[[str], bool] | None = None
    #: What the refusal says, when the item's rule refuses rather than the role.
    says: str = ""
    #: What a refusal looks like, when it is not "told why, nothing changed".
    refused: Callable[[World, str], None] | None = None

    def allows(self, actor: str) -> bool:
        if self.allowed_for is not None:
            return self.allowed_for(actor)
        return ROLES[actor] in access.POLICY[self.action].allowed


A = access.Action
