"""What a lead should see before closing a case, and when "recovered" needs confirming.

Closing announces an ending to everyone in the channel, client side included. The bot
must not claim a recovery its own data contradicts, so the facts that would contradict
one (low health, grievances still open, the client side objecting to the strategy) are
stated here once: the closing form shows them, closing as "recovered" despite them needs
the lead's confirmation, and the channel message then says them out loud.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.playbook.access import Action, require
from bot.playbook.buyin import state_of
from bot.playbook.errors import PlaybookError
from bot.playbook.health import assess
from bot.playbook.history import OPEN_STATUSES
from bot.playbook.strategy import latest
from storage.models import Case, ClosingOutcome, Grievance, Person, Side

#: Below this health score a case does not look recovered.
HEALTHY = 60

OUTCOME_LABELS: dict[ClosingOutcome, str] = {
    ClosingOutcome.RECOVERED: "Recovered",
    ClosingOutcome.NOT_RECOVERED: "Closed without recovery",
    ClosingOutcome.CLIENT_LEFT: "The client left",
}

ALREADY_CLOSED = (
    "This case is already closed. Reopen it with `/grievance case reopen` if the "
    "relationship needs more work."
)


@dataclass(frozen=True)
class ClosingCheck:
    """The case as it stands: health, grievances, buy-in of the latest strategy.

    Grievance counts leave confidential ones out (``confidential_open`` is for the lead's
    form only): the concerns are repeated in the channel.
    """

    client_name: str
    health: int
    raised: int
    still_open: int
    confidential_open: int
    version: int | None
    buyin_reached: bool
    approvers: tuple[str, ...]
    objectors: tuple[str, ...]
    client_objectors: tuple[str, ...]

    @property
    def concerns(self) -> tuple[str, ...]:
        """Facts that contradict a recovery, as clauses for a sentence."""
        found = []
        if self.health < HEALTHY:
            found.append(f"health is {self.health}/100")
        if self.still_open:
            found.append(f"{self.still_open} of {self.raised} grievances are still open")
        if self.client_objectors:
            verb = "objects" if len(self.client_objectors) == 1 else "object"
            found.append(f"{', '.join(self.client_objectors)} {verb} to strategy v{self.version}")
        return tuple(found)


class UnconfirmedRecovery(PlaybookError):
    """ "Recovered" was chosen while the data says otherwise, without confirming it."""

    def __init__(self, concerns: tuple[str, ...]) -> None:
        super().__init__(
            "The data does not show a recovery: "
            + "; ".join(concerns)
            + ". Tick the confirmation to close it as recovered anyway, or pick another outcome."
        )
        self.concerns = concerns


def _open_counts(session: Session, case: Case) -> tuple[int, int, int]:
    """Grievances raised and still open (public), and confidential ones still open."""
    rows = session.execute(
        select(Grievance.confidential, Grievance.status, func.count())
        .where(Grievance.case_id == case.id)
        .group_by(Grievance.confidential, Grievance.status)
    )
    raised = still_open = confidential_open = 0
    for confidential, status, count in rows:
        is_open = status in OPEN_STATUSES
        if confidential:
            confidential_open += count if is_open else 0
            continue
        raised += count
        still_open += count if is_open else 0
    return raised, still_open, confidential_open


def check_before_closing(*, session: Session, case: Case, now: datetime) -> ClosingCheck:
    """The facts the closing form shows; the caller has checked the actor may close."""
    raised, still_open, confidential_open = _open_counts(session, case)
    strategy = latest(session=session, case=case)
    state = state_of(session=session, strategy=strategy) if strategy else None
    return ClosingCheck(
        client_name=case.client_name,
        health=assess(session=session, case=case, now=now).score.value,
        raised=raised,
        still_open=still_open,
        confidential_open=confidential_open,
        version=strategy.version if strategy else None,
        buyin_reached=bool(state and state.reached),
        approvers=tuple(b.label for b in state.approvers()) if state else (),
        objectors=tuple(b.label for b in state.objectors()) if state else (),
        client_objectors=tuple(b.label for b in state.objections.get(Side.CLIENT, []))
        if state
        else (),
    )


def may_close(*, session: Session, case: Case, actor: Person) -> None:
    """Refuse anyone but a lead, and a case that is closed already."""
    require(session=session, case=case, person=actor, action=Action.CLOSE_CASE)
    if case.closed_at is not None:
        raise PlaybookError(ALREADY_CLOSED)
