"""The world every cell of the authorization matrix starts from.

Ana leads the case, Ben is on the delivery team, Carla is the client (Slack Connect) and
Dev a client guest. Grievance #1 is confidential (Ana filed it for Erin, a client leader
not in Slack); grievance #2 is Carla's, posted in #acme-recovery. ``World`` acts as a
person through the real HTTP stack and reads what they were shown; ``_fingerprint``
proves a refusal changed nothing.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.blocks.grievance import grievance_fallback, grievance_message
from bot.playbook import grievances
from bot.playbook.access import AccessRole
from bot.playbook.grievances import GrievanceDraft
from bot.playbook.grievances import view as view_of
from bot.playbook.intake import Where, file
from bot.playbook.people import ensure_person, ensure_workspace, find_person
from bot.playbook.stakeholders import ensure_member
from bot.playbook.timeline import Kind, record
from bot.sandbox.stack import SandboxStack
from bot.sandbox.workspace import Ephemeral, Message
from bot.slack.identity import Installation
from bot.slack.lookup import profile_of
from storage.models import Base, Case, Person, Side

CHANNEL = "CACME"
LEAD, TEAM, CLIENT, GUEST = "UANA", "UBEN", "UCARLA", "UDEV"
ACTORS = {"lead": LEAD, "team": TEAM, "client": CLIENT, "guest": GUEST}
#: What the policy should make of each demo user (guests and Slack Connect are clients).
ROLES = {
    LEAD: AccessRole.LEAD,
    TEAM: AccessRole.TEAM,
    CLIENT: AccessRole.CLIENT,
    GUEST: AccessRole.CLIENT,
}
SECRET = "Erin says the vendor contract is being reviewed"
SECRET_CARE = "keeping the renewal quiet"
PUBLIC = "The invoice export broke and nobody told us"
#: Tuesday 1 December 2026, 09:30 UTC: when the seeded check-in falls due.
T0 = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)
#: Tables a refused act may still touch: Slack deliveries are recorded before handling.
BOOKKEEPING = {"processed_event", "seen_request"}


@dataclass
class World:
    """The seeded case and the ids the cells act on."""

    stack: SandboxStack
    case_id: int
    secret_id: int
    public_id: int
    public_ts: str
    #: Filled by a cell's setup: the form, message or DM it acts on.
    view_id: str = ""
    target: Message | None = None
    ephemeral: Ephemeral | None = None
    number: int = 0

    def command(self, user: str, text: str) -> None:
        delivery = self.stack.slack.slash_command(user, CHANNEL, text)
        assert delivery.status == 200, delivery.body
        self.stack.settle()

    def click(self, user: str, action_id: str, message: Message) -> None:
        """Press a button; on someone else's DM the press is forged (Slack shows nobody
        else that DM, so its emulator refuses), since the bot must refuse it anyway."""
        channel = self.stack.workspace.get_channel(message.channel)
        forged = user not in channel.members
        channel.members.add(user)
        try:
            delivery = self.stack.slack.click(
                user, action_id, message=(message.channel, message.ts)
            )
        finally:
            if forged:
                channel.members.discard(user)
        assert delivery.status == 200, delivery.body
        self.stack.settle()

    def click_ephemeral(self, user: str, action_id: str) -> None:
        """Press a button on the private message a setup or the last act showed ``user``."""
        delivery = self.stack.slack.click(user, action_id, ephemeral=self.ephemeral)
        assert delivery.status == 200, delivery.body
        self.stack.settle()

    def submit(self, user: str, answers: dict[str, object]) -> None:
        delivery = self.stack.slack.submit_view(user, self.view_id, answers)
        assert delivery.status == 200, delivery.body
        self.stack.settle()

    def told(self, user: str) -> str:
        """Everything only ``user`` was shown: ephemerals, DMs, their forms (and errors)
        and their App Home."""
        ws = self.stack.workspace
        shown = [e.text + _json(e.blocks) for e in ws.ephemerals if e.user == user]
        shown += [m.text + _json(m.blocks) for m in ws.messages if m.channel == _dm(user)]
        shown += [_json(v.payload) + _json(v.errors) for v in ws.views.values() if v.user == user]
        return "\n".join(shown)

    def channel_says(self) -> str:
        return "\n".join(
            m.text + _json(m.blocks) for m in self.stack.workspace.messages if m.channel == CHANNEL
        )

    def modal_of(self, user: str) -> str:
        """The callback id of ``user``'s open form, "" when none is open."""
        modals = self.stack.workspace.modal_stack(user)
        return str(modals[-1].payload.get("callback_id", "")) if modals else ""

    def read(self, query: Callable[[Session], Any]) -> Any:
        with self.stack.db.transaction() as session:
            return query(session)

    def write(self, change: Callable[[Session, Case], Any]) -> Any:
        with self.stack.db.transaction() as session:
            return change(session, session.get_one(Case, self.case_id))


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


def _dm(user: str) -> str:
    return f"D{user[1:]}"


def _person(session: Session, case: Case, user: str) -> Person:
    found = find_person(session=session, workspace=case.workspace, user_id=user)
    assert found is not None, user
    return found


def _blocks(blocks: list[Any]) -> list[dict[str, Any]]:
    return [block.to_dict() for block in blocks]


def _seed(stack: SandboxStack) -> World:
    """The case every cell starts from, written with playbook calls only."""
    ws = stack.workspace
    profiles = {
        user: profile_of(stack.app.client, user, Installation(ws.team_id)) for user in ROLES
    }
    where = Where(ws.team_id, CHANNEL, "acme-recovery")
    with stack.db.transaction() as session:
        secret = file(
            session=session,
            where=where,
            reporter=profiles[LEAD],
            draft=GrievanceDraft(
                text=SECRET,
                raised_by_name="Erin",
                side=Side.CLIENT,
                cares_about=SECRET_CARE,
                confidential=True,
            ),
        ).grievance
        public = file(
            session=session,
            where=where,
            reporter=profiles[CLIENT],
            draft=GrievanceDraft(text=PUBLIC, cares_about="invoices that arrive on time"),
        ).grievance
        case = public.case
        workspace = ensure_workspace(session=session, team_id=ws.team_id)
        for user in (TEAM, GUEST):  # they took part: the case is on their App Home
            person = ensure_person(session=session, workspace=workspace, profile=profiles[user])
            ensure_member(session=session, case=case, person=person)
            record(
                session=session,
                case=case,
                kind=Kind.REPLY,
                author=person,
                text="Following this one.",
                grievance=public,
            )
        ids = case.id, secret.id, public.id
        shown = view_of(public)
        blocks, text = _blocks(grievance_message(shown)), grievance_fallback(shown)
    posted = ws.post_bot_message(CHANNEL, text, blocks)
    with stack.db.transaction() as session:
        grievances.mark_posted(session=session, grievance_id=ids[2], channel=CHANNEL, ts=posted.ts)
    return World(stack, *ids, public_ts=posted.ts)


def _fingerprint(world: World) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table (but bookkeeping), to prove a refusal changed nothing."""
    with world.stack.db.transaction() as session:
        return {
            table.name: sorted(tuple(map(repr, row)) for row in session.execute(select(table)))
            for table in Base.metadata.sorted_tables
            if table.name not in BOOKKEEPING
        }
