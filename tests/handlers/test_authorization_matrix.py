"""Who may do what, as a matrix: every command, button, form and event × every role.

Each cell starts from the same case, built with direct playbook calls (fast): Ana leads
it, Ben is on the delivery team, Carla is the client (Slack Connect) and Dev a client
guest. Grievance #1 is confidential (Ana filed it for Erin, a client leader not in
Slack); grievance #2 is Carla's, posted in #acme-recovery. Then the one act under test
goes through the real HTTP stack as that person, and the cell checks what they would
notice:

* allowed: the effect happened (a row, a form, an answer), and lead-only words appear
  only to those ``bot.playbook.access`` lets see confidential items;
* refused: an explanation reached that person privately (ephemeral, DM or form error)
  and nothing changed in the database.

Forms are opened by Ana and then submitted by the person under test (a copy of the form
put in front of them), as a replayed or forged payload would be: the server must refuse
it, not only the command that opens the form. Expected outcomes come from the policy
table; ``test_every_surface_has_a_policy`` makes a new command, button or form without a
cell here fail.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from slack_sdk.models.blocks import ActionsBlock, ButtonElement
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from bot.blocks.closing import rating_request, rating_request_text, reopen_offer, reopen_offer_text
from bot.blocks.grievance import acknowledgement, grievance_fallback, grievance_message
from bot.blocks.interview import invitation_blocks, invitation_text
from bot.form_seal import FormSeal
from bot.ids import Action as SlackAction
from bot.ids import (
    Callback,
    CheckinField,
    ClosingField,
    Field,
    ProgressField,
    RatingField,
    StrategyField,
)
from bot.jobs import checkins as checkins_job
from bot.playbook import access, cases, checkins, closing, grievances, interviews, strategy
from bot.playbook.access import AccessRole
from bot.playbook.commands import SUBCOMMANDS
from bot.playbook.grievances import GrievanceDraft
from bot.playbook.grievances import view as view_of
from bot.playbook.intake import Where, file
from bot.playbook.people import ensure_person, ensure_workspace, find_person
from bot.playbook.progress import NOT_THEIRS
from bot.playbook.stakeholders import ensure_member
from bot.playbook.timeline import Kind, record
from bot.sandbox.stack import SandboxStack
from bot.sandbox.workspace import Ephemeral, Message, Workspace
from bot.settings import Settings
from bot.slack.identity import Installation
from bot.slack.lookup import profile_of
from bot.surface import BOT_EVENTS, MESSAGE_SHORTCUTS
from storage.models import (
    Base,
    BuyInRule,
    Case,
    CaseLead,
    CaseMember,
    CheckinAnswer,
    CheckinOccurrence,
    CheckinSchedule,
    ClosingOutcome,
    FinalRating,
    Grievance,
    Interview,
    InterviewStatus,
    OccurrenceStatus,
    Person,
    ProgressUpdate,
    Role,
    Side,
    Status,
    Strategy,
    TimelineEntry,
    Vote,
)
from tests.conftest import SLACK_VARIABLES, fresh_database

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


# ---- one bot for the whole matrix ----------------------------------------------------


@pytest.fixture(scope="module")
def shared_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxStack]:
    """One bot, emulator and database for every cell: starting one per cell would make
    the matrix several times slower. ``stack`` below empties it before each cell."""
    with pytest.MonkeyPatch.context() as env:
        for name in SLACK_VARIABLES:
            env.delenv(name, raising=False)
        with (
            fresh_database(tmp_path_factory.mktemp("matrix")) as url,
            SandboxStack(Settings(database_url=url, _env_file=None)) as running,
        ):
            yield running


@pytest.fixture
def stack(shared_stack: SandboxStack) -> SandboxStack:
    """The shared bot with every table emptied and a fresh demo workspace in the emulator,
    so no cell sees what another did."""
    shared_stack.settle()
    with shared_stack.db.transaction() as session:
        for table in reversed(Base.metadata.sorted_tables):
            session.execute(table.delete())
    fresh = Workspace.demo()
    shared_stack.workspace = shared_stack.emulator.workspace = shared_stack.slack.workspace = fresh
    return shared_stack


# ---- the world every cell starts from ------------------------------------------------


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


# ---- setups: what a cell needs beyond the seed ---------------------------------------


def _nothing(world: World, actor: str) -> None:
    return None


def _no_lead_unless_lead(world: World, actor: str) -> None:
    """``lead me`` is for a case nobody leads: Ana steps down unless she is the one asking."""
    if actor != LEAD:
        world.write(lambda session, case: session.execute(delete(CaseLead)))


def _closed(world: World, actor: str) -> None:
    def close(session: Session, case: Case) -> closing.Closed:
        return closing.close_case(
            session=session,
            case=case,
            actor=_person(session, case, LEAD),
            now=T0,
            outcome=ClosingOutcome.RECOVERED,
            confirmed=True,
        )

    closed = world.write(close)
    mine = next(r for r in closed.requests if r.user_id == actor)
    ws = world.stack.workspace
    world.target = ws.post_bot_message(
        ws.dm_channel_for(actor).id,
        rating_request_text("acme"),
        _blocks(rating_request(closed.summary, mine.rating_id)),
    )
    world.number = mine.rating_id


def _reopen_offer(world: World, actor: str) -> None:
    """The case closed, and the lead's DM about a grievance filed since, as the actor's
    (only a lead is ever sent it; anyone else pressing it is replaying)."""
    _closed(world, actor)
    ws = world.stack.workspace
    world.target = ws.post_bot_message(
        ws.dm_channel_for(actor).id,
        reopen_offer_text("acme", 3),
        _blocks(reopen_offer("acme", 3, world.case_id, "carla")),
    )


def _schedule(world: World, actor: str) -> None:
    def create(session: Session, case: Case) -> int:
        draft = checkins.ScheduleDraft(
            days=(0, 1, 2, 3, 4),
            time_of_day="09:30",
            timezone="UTC",
            questions=[checkins.Question(kind="rating", text="How are we doing?")],
        )
        return checkins.create(
            session=session,
            case=case,
            actor=_person(session, case, LEAD),
            draft=draft,
            now=T0 - timedelta(minutes=5),
        ).id

    world.number = world.write(create)


def _paused_schedule(world: World, actor: str) -> None:
    _schedule(world, actor)
    world.write(
        lambda session, case: checkins.pause(
            session=session,
            schedule=session.get_one(CheckinSchedule, world.number),
            actor=_person(session, case, LEAD),
            until=None,
            now=T0,
        )
    )


def _posted_checkin(world: World, actor: str) -> None:
    _schedule(world, actor)
    checkins_job.run(world.stack.db, world.stack.app.client, T0)
    world.target = next(
        m for m in world.stack.workspace.messages if m.channel == CHANNEL and "How are we" in m.text
    )


def _strategy(world: World, actor: str) -> None:
    def propose(session: Session, case: Case) -> int:
        draft = strategy.parse_draft(
            summary="Fix the export first", actions="", grievance_ids=[], measures=""
        )
        return strategy.propose(
            session=session, case=case, author=_person(session, case, LEAD), draft=draft
        ).strategy.id

    strategy_id = world.write(propose)
    world.target = world.stack.workspace.post_bot_message(CHANNEL, "Strategy v1", [])
    world.write(
        lambda session, case: strategy.mark_posted(
            session=session,
            strategy=session.get_one(Strategy, strategy_id),
            channel=CHANNEL,
            ts=world.target.ts if world.target else "",
        )
    )


def _invited(invitee: Callable[[str], str]) -> Callable[[World, str], None]:
    """Ana invites ``invitee(actor)`` to an interview; the DM with its button is posted."""

    def setup(world: World, actor: str) -> None:
        user = invitee(actor)

        def invite(session: Session, case: Case) -> interviews.InterviewCard:
            inviter = _person(session, case, LEAD)
            if user == LEAD:  # a lead doesn't invite themselves: a co-lead does
                lead, inviter = inviter, _person(session, case, TEAM)
                cases.add_lead(session=session, case=case, actor=lead, person=inviter)
            outcome = interviews.invite(
                session=session,
                case=case,
                actor=inviter,
                invitees=[_person(session, case, user)],
            )
            return interviews.card(session=session, interview_id=outcome.to_send[0].interview_id)

        card = world.write(invite)
        world.number = card.interview_id
        ws = world.stack.workspace
        world.target = ws.post_bot_message(
            ws.dm_channel_for(user).id, invitation_text(card), _blocks(invitation_blocks(card))
        )

    return setup


def _anonymous_answer(world: World, actor: str) -> None:
    """Carla answered her interview and asked to be quoted anonymously."""
    _invited(lambda _actor: CLIENT)(world, actor)
    world.write(
        lambda session, case: interviews.save_answers(
            session=session,
            interview_id=world.number,
            user_id=CLIENT,
            answers=["Tell us before you ship"],
            anonymous=True,
            finish=True,
        )
    )


def _form(command: str) -> Callable[[World, str], None]:
    """Ana opens a form with ``command``, and the actor gets a copy of it."""

    def setup(world: World, actor: str) -> None:
        world.command(LEAD, command)
        _hand_over(world, actor)

    return setup


def _hand_over(world: World, actor: str) -> None:
    """Put the form Ana has open in front of ``actor`` (a replayed payload)."""
    ws = world.stack.workspace
    opened = ws.modal_stack(LEAD)
    assert opened, "the form did not open for the lead"
    view = opened[-1]
    if actor == LEAD:
        world.view_id = view.id
        return
    world.view_id = _hand_to(world, view.payload, LEAD, actor)
    ws.close_modal(LEAD, view.id)


def _hand_to(world: World, payload: dict[str, Any], owner: str, actor: str) -> str:
    """Open a copy of ``owner``'s form for ``actor``, sealed as if the bot had opened it
    for them (a form the bot handed them earlier, replayed after their standing changed):
    the listener itself must refuse it. An unsealed copy is refused before any listener
    (``test_a_form_opened_for_someone_else_is_refused``)."""
    secret = world.stack.settings.slack_signing_secret
    assert secret is not None
    seal = FormSeal(secret.get_secret_value())
    metadata = seal.open(payload.get("private_metadata"), owner)
    assert metadata is not None, "the bot's own form did not carry its seal"
    resealed = {**payload, "private_metadata": seal.seal(metadata, actor)}
    return world.stack.workspace.open_modal(actor, resealed).id


def _edit_form(world: World, actor: str) -> None:
    """Carla's acknowledgement of grievance #2, and its "Add detail" form, as the actor's."""
    _acknowledgement(world, CLIENT)
    world.click_ephemeral(CLIENT, SlackAction.ADD_DETAIL)
    view = world.stack.workspace.modal_stack(CLIENT)[-1]
    world.view_id = view.id if actor == CLIENT else _hand_to(world, view.payload, CLIENT, actor)


def _acknowledgement(world: World, actor: str) -> None:
    """The private thanks with an "Add detail" button for grievance #2, shown to ``actor``
    (only Carla, who filed it, is ever shown it; anyone else pressing it is replaying)."""
    blocks = world.read(
        lambda session: _blocks(
            acknowledgement(view_of(session.get_one(Grievance, world.public_id)), posted=True)
        )
    )
    world.ephemeral = world.stack.workspace.post_ephemeral(CHANNEL, actor, "Thank you", blocks)


def _update_by(author: Callable[[str], str]) -> Callable[[World, str], None]:
    """A progress update posted by ``author(actor)`` through its preview; the target."""

    def setup(world: World, actor: str) -> None:
        who = author(actor)
        world.command(who, "update The export fix is in staging")
        world.ephemeral = [e for e in world.stack.workspace.ephemerals if e.user == who][-1]
        world.click_ephemeral(who, SlackAction.RUN_TEXT)
        world.target = next(
            m for m in world.stack.workspace.messages if m.text.startswith("Progress update")
        )

    return setup


def _correction_form(world: World, actor: str) -> None:
    """Ben's update, and the form his *Correct* opened, put in front of the actor."""
    _update_by(lambda _actor: TEAM)(world, actor)
    assert world.target is not None
    world.click(TEAM, SlackAction.PROGRESS_CORRECT, world.target)
    view = world.stack.workspace.modal_stack(TEAM)[-1]
    if actor != TEAM:
        world.view_id = _hand_to(world, view.payload, TEAM, actor)
        world.stack.workspace.close_modal(TEAM, view.id)
    else:
        world.view_id = view.id


def _update_says(text: str) -> Callable[[World, str], bool]:
    return lambda world, actor: world.read(
        lambda session: [u.text for u in session.scalars(select(ProgressUpdate))] == [text]
    )


def _long_grievance(world: World, actor: str) -> None:
    def post(session: Session, case: Case) -> Grievance:
        return grievances.file_grievance(
            session=session,
            case=case,
            reporter=_person(session, case, CLIENT),
            draft=GrievanceDraft(text="Long story. " * 300),
        )

    grievance = world.write(post)
    blocks = world.read(
        lambda session: _blocks(
            grievance_message(view_of(session.get_one(Grievance, grievance.id)))
        )
    )
    world.target = world.stack.workspace.post_bot_message(CHANNEL, "Grievance #3", blocks)


def _long_history(world: World, actor: str) -> None:
    """Enough public entries that the confidential ones (the oldest) are on page 2."""

    def replies(session: Session, case: Case) -> None:
        for n in range(12):
            record(
                session=session,
                case=case,
                kind=Kind.REPLY,
                author=_person(session, case, CLIENT),
                text=f"Update {n}",
                grievance=session.get_one(Grievance, world.public_id),
            )

    world.write(replies)


def _user_message(world: World, actor: str) -> None:
    world.target = world.stack.workspace.post_user_message(
        CLIENT, CHANNEL, "Still no invoices this month"
    )


# ---- acts ----------------------------------------------------------------------------


def _run(text: str) -> Callable[[World, str], None]:
    return lambda world, actor: world.command(actor, text)


def _run_numbered(template: str) -> Callable[[World, str], None]:
    return lambda world, actor: world.command(actor, template.format(n=world.number))


def _press(action_id: str) -> Callable[[World, str], None]:
    def act(world: World, actor: str) -> None:
        assert world.target is not None
        world.click(actor, action_id, world.target)

    return act


def _press_on_grievance(action_id: str) -> Callable[[World, str], None]:
    def act(world: World, actor: str) -> None:
        world.click(actor, action_id, world.stack.workspace.get_message(CHANNEL, world.public_ts))

    return act


def _press_add_detail(world: World, actor: str) -> None:
    world.click_ephemeral(actor, SlackAction.ADD_DETAIL)


def _submit(answers: dict[str, object]) -> Callable[[World, str], None]:
    return lambda world, actor: world.submit(actor, answers)


def _open_and_submit_interview(world: World, actor: str) -> None:
    assert world.target is not None
    world.click(actor, SlackAction.INTERVIEW_OPEN, world.target)
    world.view_id = world.stack.workspace.modal_stack(actor)[-1].id
    world.submit(actor, {f"{SlackAction.INTERVIEW_ANSWER}:1": "Ship smaller releases"})


def _open_and_submit_rating(world: World, actor: str) -> None:
    assert world.target is not None
    world.click(actor, SlackAction.FINAL_RATING_OPEN, world.target)
    world.view_id = world.stack.workspace.modal_stack(actor)[-1].id
    world.submit(actor, {RatingField.SCORE: "4"})


def _new_grievance_form(world: World, actor: str) -> None:
    world.command(actor, "new")
    world.view_id = world.stack.workspace.modal_stack(actor)[-1].id
    world.submit(actor, {Field.TEXT: "The staging site is down again"})


def _shortcut(world: World, actor: str) -> None:
    assert world.target is not None
    delivery = world.stack.slack.message_shortcut(
        actor, CHANNEL, world.target.ts, Callback.FILE_AS_GRIEVANCE
    )
    assert delivery.status == 200, delivery.body
    world.stack.settle()


def _page_back(world: World, actor: str) -> None:
    world.command(actor, "history")
    ws = world.stack.workspace
    world.ephemeral = next(e for e in reversed(ws.ephemerals) if e.user == actor)
    world.click_ephemeral(actor, f"{SlackAction.HISTORY_PAGE}:older")


def _react(world: World, actor: str) -> None:
    assert world.target is not None
    world.stack.slack.react(actor, CHANNEL, world.target.ts, "+1")
    world.stack.settle()


def _react_and_withdraw(world: World, actor: str) -> None:
    _react(world, actor)
    assert world.target is not None
    world.stack.slack.unreact(actor, CHANNEL, world.target.ts, "+1")
    world.stack.settle()


def _reply(world: World, actor: str) -> None:
    assert world.target is not None
    world.stack.slack.post_message(actor, CHANNEL, "Better this week", thread_ts=world.target.ts)
    world.stack.settle()


def _open_home(world: World, actor: str) -> None:
    assert world.stack.slack.open_home(actor).status == 200
    world.stack.settle()


# ---- effects: what the person would notice when allowed ------------------------------


def _count(model: type[Base], *where: Any) -> Callable[[World, str], int]:
    return lambda world, actor: world.read(
        lambda session: session.scalar(select(func.count()).select_from(model).where(*where))
    )


def _more(model: type[Base], than: int, *where: Any) -> Callable[[World, str], bool]:
    counter = _count(model, *where)
    return lambda world, actor: counter(world, actor) > than


def _form_opened(callback: str) -> Callable[[World, str], bool]:
    return lambda world, actor: world.modal_of(actor) == callback


def _told(text: str) -> Callable[[World, str], bool]:
    return lambda world, actor: text in world.told(actor)


def _case_is(check: Callable[[Case], bool]) -> Callable[[World, str], bool]:
    return lambda world, actor: world.read(
        lambda session: check(session.get_one(Case, world.case_id))
    )


def _is_lead(user: str) -> Callable[[World, str], bool]:
    def check(world: World, actor: str) -> bool:
        return world.read(
            lambda session: access.is_lead(
                session=session,
                case=session.get_one(Case, world.case_id),
                person=_person(session, session.get_one(Case, world.case_id), user),
            )
        )

    return check


def _public_status(status: Status) -> Callable[[World, str], bool]:
    return lambda world, actor: world.read(
        lambda session: session.get_one(Grievance, world.public_id).status is status
    )


def _schedule_row(check: Callable[[CheckinSchedule | None], bool]) -> Callable[[World, str], bool]:
    return lambda world, actor: world.read(
        lambda session: check(session.get(CheckinSchedule, world.number))
    )


def _by_actor(model: type[Base], *where: Any) -> Callable[[World, str], bool]:
    """A row of ``model`` written for the actor (``person_id`` or ``author_id``)."""

    def check(world: World, actor: str) -> bool:
        def query(session: Session) -> int:
            person = _person(session, session.get_one(Case, world.case_id), actor)
            column = getattr(model, "person_id", None) or model.author_id  # type: ignore[attr-defined]
            return session.scalar(
                select(func.count()).select_from(model).where(column == person.id, *where)
            )

        return world.read(query) > 0

    return check


def _interview_answered(world: World, actor: str) -> bool:
    return world.read(
        lambda session: session.get_one(Interview, world.number).status is InterviewStatus.ANSWERED
    )


def _rated(world: World, actor: str) -> bool:
    return world.read(lambda session: session.get_one(FinalRating, world.number).rating == 4)


def _role_of_carla(world: World, actor: str) -> bool:
    def query(session: Session) -> bool:
        case = session.get_one(Case, world.case_id)
        member = session.scalar(
            select(CaseMember).where(
                CaseMember.case_id == case.id,
                CaseMember.person_id == _person(session, case, CLIENT).id,
            )
        )
        return member is not None and member.role is Role.CLIENT_LEADER

    return world.read(query)


def _exported_to_dm(world: World, actor: str) -> bool:
    """The export reached the actor's DM as a file holding the case, the confidential
    grievance's text included; False while nothing was uploaded anywhere."""
    ws = world.stack.workspace
    if not ws.files:
        return False
    shared = [f for m in ws.messages if m.channel == _dm(actor) for f in m.files]
    assert shared, f"a file was uploaded, but not to {actor}'s DM"
    content = ws.files[shared[-1]["id"]].content.decode("utf-8")
    assert SECRET not in world.channel_says()
    return PUBLIC in content and SECRET in content


def _offered_filing_only(world: World, actor: str) -> None:
    """``update <text>`` from the client side may only be filed, and only if they press."""
    assert "File this as a grievance?" in world.told(actor)
    assert "Post progress update" not in world.told(actor)
    assert not _more(ProgressUpdate, 0)(world, actor)
    assert not _more(Grievance, 2)(world, actor)


def _typed_then_pressed(text: str, action_id: str) -> Callable[[World, str], None]:
    """Type ``text``, then press ``action_id`` on the question it raised, if offered."""

    def act(world: World, actor: str) -> None:
        world.command(actor, text)
        asked = [e for e in world.stack.workspace.ephemerals if e.user == actor]
        if asked and action_id in json.dumps(asked[-1].blocks):
            world.ephemeral = asked[-1]
            world.click_ephemeral(actor, action_id)

    return act


# ---- the matrix ----------------------------------------------------------------------


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
SURFACES: tuple[Surface, ...] = (
    # ---- slash subcommands -----------------------------------------------------------
    Surface(
        "file",
        "file",
        A.FILE_GRIEVANCE,
        _run("The staging site is down again"),
        _more(Grievance, 2),
    ),
    Surface("new", "new", A.FILE_GRIEVANCE, _run("new"), _form_opened(Callback.GRIEVANCE_MODAL)),
    Surface(
        "history", "history", A.VIEW_HISTORY, _run("history"), _told(PUBLIC[:40]), reveals=SECRET
    ),
    Surface(
        "history 1 (confidential)",
        "history",
        A.VIEW_HISTORY,
        _run("history 1"),
        _told("#1"),
        reveals=SECRET,
    ),
    Surface(
        "insights",
        "insights",
        A.VIEW_HISTORY,
        _run("insights"),
        _told("invoices that arrive on time"),
        reveals=SECRET_CARE,
    ),
    Surface(
        "lead me",
        "lead",
        A.CLAIM_LEAD,
        _run("lead me"),
        lambda world, actor: _is_lead(actor)(world, actor),
        setup=_no_lead_unless_lead,
    ),
    Surface("lead @ben", "lead", A.ADD_LEAD, _run("lead @ben"), _is_lead(TEAM)),
    Surface(
        "case rename",
        "case",
        A.RENAME_CASE,
        _run("case rename Acme Corp"),
        _case_is(lambda case: case.client_name == "Acme Corp"),
    ),
    Surface(
        "case close",
        "case",
        A.CLOSE_CASE,
        _run("case close"),
        _form_opened(Callback.CLOSE_CASE_MODAL),
    ),
    Surface(
        "case reopen",
        "case",
        A.CLOSE_CASE,
        _run("case reopen"),
        _case_is(lambda case: case.closed_at is None),
        setup=_closed,
    ),
    Surface("people", "people", A.MANAGE_PEOPLE, _run("people"), _form_opened("people_modal")),
    Surface(
        "interview @dev",
        "interview",
        A.INVITE_TO_INTERVIEW,
        _run("interview @dev"),
        _more(Interview, 0),
    ),
    Surface(
        "interview (form)",
        "interview",
        A.INVITE_TO_INTERVIEW,
        _run("interview"),
        _form_opened(Callback.INTERVIEW_INVITE),
    ),
    Surface(
        "interview status",
        "interview",
        A.VIEW_HISTORY,
        _run("interview status"),
        _told("carla"),
        setup=_anonymous_answer,
        reveals="(anonymous)",
    ),
    Surface(
        "interview questions",
        "interview",
        A.EDIT_INTERVIEW_QUESTIONS,
        _run("interview questions"),
        _form_opened(Callback.INTERVIEW_QUESTIONS),
    ),
    Surface(
        "findings",
        "findings",
        A.SHARE_FINDINGS,
        _run("findings"),
        _more(TimelineEntry, 0, TimelineEntry.kind == Kind.FINDINGS_SHARED),
    ),
    Surface(
        "strategy (form)",
        "strategy",
        A.PROPOSE_STRATEGY,
        _run("strategy"),
        _form_opened(Callback.STRATEGY_MODAL),
    ),
    Surface(
        "strategy status",
        "strategy",
        A.VIEW_HISTORY,
        _run("strategy status"),
        _told("Strategy v1"),
        setup=_strategy,
    ),
    Surface(
        "strategy rule",
        "strategy",
        A.SET_BUYIN_RULE,
        _run("strategy rule majority"),
        _case_is(lambda case: case.buyin_rule is BuyInRule.CLIENT_MAJORITY),
    ),
    Surface(
        "checkin (form)",
        "checkin",
        A.MANAGE_CHECKINS,
        _run("checkin"),
        _form_opened(Callback.CHECKIN_SCHEDULE),
    ),
    Surface(
        "checkin every",
        "checkin",
        A.MANAGE_CHECKINS,
        _run("checkin every weekday at 9:30"),
        _more(CheckinSchedule, 0),
    ),
    Surface(
        "checkin list",
        "checkin",
        A.VIEW_HISTORY,
        _run("checkin list"),
        _told("1 check-in schedule in this channel"),
        setup=_schedule,
    ),
    Surface(
        "checkin pause",
        "checkin",
        A.MANAGE_CHECKINS,
        _run_numbered("checkin pause {n}"),
        _schedule_row(lambda s: s is not None and s.paused),
        setup=_schedule,
    ),
    Surface(
        "checkin resume",
        "checkin",
        A.MANAGE_CHECKINS,
        _run_numbered("checkin resume {n}"),
        _schedule_row(lambda s: s is not None and not s.paused),
        setup=_paused_schedule,
    ),
    Surface(
        "checkin edit",
        "checkin",
        A.MANAGE_CHECKINS,
        _run_numbered("checkin edit {n}"),
        _form_opened(Callback.CHECKIN_SCHEDULE),
        setup=_schedule,
    ),
    Surface(
        "checkin delete",
        "checkin",
        A.MANAGE_CHECKINS,
        _run_numbered("checkin delete {n}"),
        _schedule_row(lambda s: s is None),
        setup=_schedule,
    ),
    Surface(
        "update <text>, then Post progress update",
        SlackAction.RUN_TEXT,
        A.POST_PROGRESS,
        _typed_then_pressed("update The export fix is in staging", SlackAction.RUN_TEXT),
        _more(ProgressUpdate, 0),
        refused=_offered_filing_only,
    ),
    Surface(
        "correct own update",
        SlackAction.PROGRESS_CORRECT,
        A.CORRECT_OWN_PROGRESS,
        _press(SlackAction.PROGRESS_CORRECT),
        _form_opened(Callback.PROGRESS_CORRECTION),
        setup=_update_by(lambda actor: actor if actor in {LEAD, TEAM} else TEAM),
        says=NOT_THEIRS,
    ),
    Surface(
        "correct someone else's update",
        SlackAction.PROGRESS_CORRECT,
        A.CORRECT_ANY_PROGRESS,
        _press(SlackAction.PROGRESS_CORRECT),
        _form_opened(Callback.PROGRESS_CORRECTION),
        setup=_update_by(lambda actor: TEAM if actor == LEAD else LEAD),
        says=NOT_THEIRS,
    ),
    Surface(
        "withdraw own update",
        SlackAction.PROGRESS_WITHDRAW,
        A.CORRECT_OWN_PROGRESS,
        _press(SlackAction.PROGRESS_WITHDRAW),
        _more(TimelineEntry, 0, TimelineEntry.kind == Kind.PROGRESS_WITHDRAWN),
        setup=_update_by(lambda actor: actor if actor in {LEAD, TEAM} else TEAM),
        says=NOT_THEIRS,
    ),
    Surface(
        "withdraw someone else's update",
        SlackAction.PROGRESS_WITHDRAW,
        A.CORRECT_ANY_PROGRESS,
        _press(SlackAction.PROGRESS_WITHDRAW),
        _more(TimelineEntry, 0, TimelineEntry.kind == Kind.PROGRESS_WITHDRAWN),
        setup=_update_by(lambda actor: TEAM if actor == LEAD else LEAD),
        says=NOT_THEIRS,
    ),
    Surface(
        "a lone unknown word, then File as grievance",
        SlackAction.FILE_TEXT,
        A.FILE_GRIEVANCE,
        _typed_then_pressed("Unacceptable.", SlackAction.FILE_TEXT),
        _more(Grievance, 2),
    ),
    Surface(
        "update (form)",
        "update",
        A.POST_PROGRESS,
        _run("update"),
        _form_opened(Callback.PROGRESS_MODAL),
    ),
    Surface("status", "status", A.VIEW_HISTORY, _run("status"), _told("health")),
    Surface(
        "digest",
        "digest",
        A.POST_DIGEST,
        _run("digest"),
        _more(TimelineEntry, 0, TimelineEntry.kind == Kind.DIGEST_POSTED),
    ),
    Surface(
        "digest every",
        "digest",
        A.SCHEDULE_DIGEST,
        _run("digest every monday at 10:00"),
        _case_is(lambda case: case.digest_weekday == 0),
    ),
    Surface("export", "export", A.EXPORT_CASE, _run("export"), _exported_to_dm),
    # ---- buttons -----------------------------------------------------------------------
    Surface(
        "acknowledge",
        SlackAction.SET_STATUS,
        A.MOVE_GRIEVANCE,
        _press_on_grievance(f"{SlackAction.SET_STATUS}:acknowledged"),
        _public_status(Status.ACKNOWLEDGED),
    ),
    Surface(
        "resolve Carla's",
        SlackAction.SET_STATUS,
        A.EDIT_OWN_GRIEVANCE,
        _press_on_grievance(f"{SlackAction.SET_STATUS}:resolved"),
        _public_status(Status.RESOLVED),
        allowed_for=lambda actor: actor in {LEAD, CLIENT},
        says="Only the person who raised grievance #2 or a case lead",
    ),
    Surface(
        "add detail to Carla's",
        SlackAction.ADD_DETAIL,
        A.EDIT_OWN_GRIEVANCE,
        _press_add_detail,
        _form_opened(Callback.GRIEVANCE_MODAL),
        setup=_acknowledgement,
        allowed_for=lambda actor: actor in {LEAD, CLIENT},
        says="Only the person who filed this grievance or a case lead can edit it",
    ),
    Surface(
        "read it all",
        SlackAction.READ_ALL,
        A.VIEW_HISTORY,
        _press(SlackAction.READ_ALL),
        _form_opened(Callback.FULL_TEXT),
        setup=_long_grievance,
    ),
    Surface(
        "history older page",
        SlackAction.HISTORY_PAGE,
        A.VIEW_HISTORY,
        _page_back,
        _told("Update 0"),
        setup=_long_history,
        reveals=SECRET,
    ),
    Surface(
        "open own interview",
        SlackAction.INTERVIEW_OPEN,
        A.ANSWER_INTERVIEW,
        _press(SlackAction.INTERVIEW_OPEN),
        _form_opened(Callback.INTERVIEW_MODAL),
        setup=_invited(lambda actor: actor),
    ),
    Surface(
        "open someone else's interview",
        SlackAction.INTERVIEW_OPEN,
        A.ANSWER_INTERVIEW,
        _press(SlackAction.INTERVIEW_OPEN),
        _form_opened(Callback.INTERVIEW_MODAL),
        setup=_invited(lambda actor: GUEST if actor != GUEST else CLIENT),
        allowed_for=lambda actor: False,
        says="This interview was sent to someone else",
    ),
    Surface(
        "rate a check-in",
        SlackAction.CHECKIN_RATE,
        A.ANSWER_CHECKIN,
        _press(f"{SlackAction.CHECKIN_RATE}:0:4"),
        _by_actor(CheckinAnswer),
        setup=_posted_checkin,
    ),
    Surface(
        "reopen button",
        SlackAction.REOPEN_CASE,
        A.CLOSE_CASE,
        _press(SlackAction.REOPEN_CASE),
        _case_is(lambda case: case.closed_at is None),
        setup=_reopen_offer,
    ),
    Surface(
        "open own final rating",
        SlackAction.FINAL_RATING_OPEN,
        A.RATE_RECOVERY,
        _press(SlackAction.FINAL_RATING_OPEN),
        _form_opened(Callback.FINAL_RATING_MODAL),
        setup=_closed,
    ),
    # ---- forms and the shortcut -----------------------------------------------------------
    Surface(
        "file in the form",
        Callback.GRIEVANCE_MODAL,
        A.FILE_GRIEVANCE,
        _new_grievance_form,
        _more(Grievance, 2),
    ),
    Surface(
        "save detail on Carla's",
        Callback.GRIEVANCE_MODAL,
        A.EDIT_OWN_GRIEVANCE,
        _submit({Field.TEXT: "The invoice export broke (edited)"}),
        lambda world, actor: world.read(
            lambda session: "(edited)" in session.get_one(Grievance, world.public_id).text
        ),
        setup=_edit_form,
        allowed_for=lambda actor: actor in {LEAD, CLIENT},
        says="Only the person who filed this grievance or a case lead can edit it",
    ),
    Surface(
        "file as grievance",
        Callback.FILE_AS_GRIEVANCE,
        A.FILE_GRIEVANCE,
        _shortcut,
        _form_opened(Callback.GRIEVANCE_MODAL),
        setup=_user_message,
    ),
    Surface(
        "people form",
        Callback.PEOPLE_MODAL,
        A.MANAGE_PEOPLE,
        _submit(
            {
                "client_leader": [CLIENT],
                "client_member": [GUEST],
                "team_lead": [LEAD],
                "team_member": [TEAM],
            }
        ),
        _role_of_carla,
        setup=_form("people"),
    ),
    Surface(
        "interview invite form",
        Callback.INTERVIEW_INVITE,
        A.INVITE_TO_INTERVIEW,
        _submit({SlackAction.INTERVIEW_INVITEES: [GUEST]}),
        _more(Interview, 0),
        setup=_form("interview"),
    ),
    Surface(
        "interview questions form",
        Callback.INTERVIEW_QUESTIONS,
        A.EDIT_INTERVIEW_QUESTIONS,
        _submit({SlackAction.INTERVIEW_REMINDER_HOURS: "72"}),
        _case_is(lambda case: case.interview_reminder_hours == 72),
        setup=_form("interview questions"),
    ),
    Surface(
        "own interview form",
        Callback.INTERVIEW_MODAL,
        A.ANSWER_INTERVIEW,
        _open_and_submit_interview,
        _interview_answered,
        setup=_invited(lambda actor: actor),
    ),
    Surface(
        "strategy form",
        Callback.STRATEGY_MODAL,
        A.PROPOSE_STRATEGY,
        _submit({StrategyField.SUMMARY: "Fix the export, then talk weekly"}),
        _more(Strategy, 0),
        setup=_form("strategy"),
    ),
    Surface(
        "check-in form",
        Callback.CHECKIN_SCHEDULE,
        A.MANAGE_CHECKINS,
        _submit({CheckinField.TIME: "10:00"}),
        _more(CheckinSchedule, 0),
        setup=_form("checkin"),
    ),
    Surface(
        "progress form",
        Callback.PROGRESS_MODAL,
        A.POST_PROGRESS,
        _submit({ProgressField.TEXT: "The export fix is in staging"}),
        _more(ProgressUpdate, 0),
        setup=_form("update"),
    ),
    Surface(
        "correction form of Ben's update",
        Callback.PROGRESS_CORRECTION,
        A.CORRECT_OWN_PROGRESS,
        _submit({ProgressField.TEXT: "The export fix is live"}),
        _update_says("The export fix is live"),
        setup=_correction_form,
        says=NOT_THEIRS,
    ),
    Surface(
        "closing form",
        Callback.CLOSE_CASE_MODAL,
        A.CLOSE_CASE,
        _submit({ClosingField.OUTCOME: "not_recovered"}),
        _case_is(lambda case: case.closed_at is not None),
        setup=_form("case close"),
    ),
    Surface(
        "own final rating form",
        Callback.FINAL_RATING_MODAL,
        A.RATE_RECOVERY,
        _open_and_submit_rating,
        _rated,
        setup=_closed,
    ),
    # ---- events ---------------------------------------------------------------------------
    Surface(
        "reply in a check-in thread",
        "message.channels",
        A.ANSWER_CHECKIN,
        _reply,
        _by_actor(CheckinAnswer, CheckinAnswer.text == "Better this week"),
        setup=_posted_checkin,
    ),
    Surface(
        "vote by reaction",
        "reaction_added",
        A.VOTE,
        _react,
        _by_actor(Vote),
        setup=_strategy,
    ),
    Surface(
        "withdraw a vote",
        "reaction_removed",
        A.VOTE,
        _react_and_withdraw,
        _by_actor(TimelineEntry, TimelineEntry.kind == Kind.VOTE_WITHDRAWN),
        setup=_strategy,
    ),
    Surface(
        "App Home",
        "app_home_opened",
        A.VIEW_HISTORY,
        _open_home,
        _told(PUBLIC[:40]),
        reveals=SECRET,
    ),
)

#: Surfaces that need no policy cell, and why.
OPEN_TO_ALL: dict[str, str] = {
    "help": "usage text only, the same for everyone and about no case",
    Callback.FULL_TEXT: "a read-only modal with no submit button; opened by *Read it all*",
    SlackAction.PICK_CASE: "not listened to: an input id with no listener",
    SlackAction.INTERVIEW_INVITEES: "an input of the interview invite form (a cell above)",
    SlackAction.INTERVIEW_ANSWER: "an input of the interview form (a cell above)",
    SlackAction.INTERVIEW_ANONYMOUS: "an input of the interview form (a cell above)",
    SlackAction.INTERVIEW_FINISH: "an input of the interview form (a cell above)",
    SlackAction.INTERVIEW_CLIENT_QUESTIONS: "an input of the questions form (a cell above)",
    SlackAction.INTERVIEW_TEAM_QUESTIONS: "an input of the questions form (a cell above)",
    SlackAction.INTERVIEW_REMINDER_HOURS: "an input of the questions form (a cell above)",
    "message.groups": "the same listener as message.channels, for private channels",
}


def _cell_ids() -> list[Any]:
    return [
        pytest.param(surface, actor, id=f"{surface.name}-{who}")
        for surface in SURFACES
        for who, actor in ACTORS.items()
    ]


@pytest.mark.parametrize(("surface", "actor"), _cell_ids())
def test_cell(stack: SandboxStack, surface: Surface, actor: str) -> None:
    world = _seed(stack)
    surface.setup(world, actor)
    stack.settle()
    before = _fingerprint(world)

    surface.act(world, actor)

    if surface.allows(actor):
        assert surface.happened(world, actor), f"{surface.name} did nothing for {actor}"
        if surface.reveals:
            sees = ROLES[actor] in access.POLICY[A.VIEW_CONFIDENTIAL].allowed
            assert (surface.reveals in world.told(actor)) is sees
            assert surface.reveals not in world.channel_says()
        return
    if surface.refused is not None:
        surface.refused(world, actor)
        return
    why = surface.says or _policy_says(world, surface.action)
    assert why in world.told(actor), f"{actor} was not told why: {world.told(actor)[-500:]}"
    assert _fingerprint(world) == before
    assert not surface.happened(world, actor)


def _policy_says(world: World, action: access.Action) -> str:
    """The first sentence of the policy's refusal for ``action`` on the seeded case."""
    said = world.read(
        lambda session: access.refusal(
            session=session, case=session.get_one(Case, world.case_id), action=action
        )
    )
    return str(said).split(". ")[0]


# ---- completeness --------------------------------------------------------------------


def test_every_surface_has_a_policy() -> None:
    """A new subcommand, button, form or event must come with cells here (or a reason)."""
    everything = (
        {usage.name for usage in SUBCOMMANDS}
        | {action.value for action in SlackAction}
        | {callback.value for callback in Callback}
        | set(MESSAGE_SHORTCUTS)
        | set(BOT_EVENTS)
    )
    covered = {surface.covers for surface in SURFACES}
    assert sorted(everything - covered - set(OPEN_TO_ALL)) == []
    assert covered | set(OPEN_TO_ALL) <= everything  # nothing stale listed here


def test_every_action_in_the_policy_is_exercised() -> None:
    """A policy row no cell exercises is either dead or untested. Changing anyone's
    grievance is the lead's side of the "resolve/add detail to Carla's" cells, and seeing
    confidential items is what every ``reveals`` cell checks."""
    exercised = {surface.action for surface in SURFACES}
    assert any(surface.reveals for surface in SURFACES)
    assert set(access.Action) - exercised == {A.EDIT_ANY_GRIEVANCE, A.VIEW_CONFIDENTIAL}


# ---- the cross-case axis: ids from elsewhere -----------------------------------------
#
# Every id a button or form carries is a claim. Each cell below puts, in front of the
# actor in #acme-recovery, a button or form that names an item of another case: another
# client's case in the same workspace, or a case of another workspace. The actor is made
# as entitled to that item as can be (they filed the grievance, posted the update, lead
# the case), so only "that is not this channel's case" can refuse it: nothing of the
# other case may be shown to them, nothing may be written, and they are told the item is
# gone, in the very words used when it does not exist.

FOREIGN_SECRET = "Globex lost a week of orders in the migration"
FOREIGN_TARGETS = {
    "another client": ("T0SANDBOX", "CGLOBEX", "globex-recovery"),
    "another workspace": ("T0ELSEWHERE", "CINITECH", "initech-recovery"),
}


@dataclass(frozen=True)
class Foreign:
    """The other case's items the forged ids name."""

    case_id: int
    grievance_id: int
    update_id: int
    first_entry_id: int
    occurrence_id: int


def _foreign(world: World, target: str, actor: str) -> Foreign:
    """Another case the actor filed a grievance on, posted an update to and leads."""
    team_id, channel, name = FOREIGN_TARGETS[target]
    if team_id == "T0SANDBOX":
        team_id = world.stack.workspace.team_id
    profile = profile_of(world.stack.app.client, actor, Installation(world.stack.workspace.team_id))
    with world.stack.db.transaction() as session:
        grievance = file(
            session=session,
            where=Where(team_id, channel, name),
            reporter=profile,
            draft=GrievanceDraft(text=FOREIGN_SECRET),
        ).grievance
        case = grievance.case
        person = _person(session, case, actor)
        if not access.is_lead(session=session, case=case, person=person):
            session.add(CaseLead(case_id=case.id, person_id=person.id))
        update = ProgressUpdate(case_id=case.id, author_id=person.id, text=FOREIGN_SECRET)
        session.add(update)
        occurrence = _foreign_checkin(session, case, world)
        case.closed_at = T0
        session.flush()
        first = session.scalar(
            select(func.min(TimelineEntry.id)).where(TimelineEntry.case_id == case.id)
        )
        return Foreign(case.id, grievance.id, update.id, int(first or 0), occurrence.id)


def _foreign_checkin(session: Session, case: Case, world: World) -> CheckinOccurrence:
    """A rating check-in of the other case, asking everyone, posted in its channel."""
    ana = profile_of(world.stack.app.client, LEAD, Installation(world.stack.workspace.team_id))
    lead = ensure_person(session=session, workspace=case.workspace, profile=ana)
    if not access.is_lead(session=session, case=case, person=lead):
        session.add(CaseLead(case_id=case.id, person_id=lead.id))
        session.flush()
    schedule = checkins.create(
        session=session,
        case=case,
        actor=lead,
        draft=checkins.ScheduleDraft(
            days=(0, 1, 2, 3, 4),
            time_of_day="09:30",
            timezone="UTC",
            questions=[checkins.Question(kind="rating", text="How are we doing?")],
        ),
        now=T0 - timedelta(minutes=5),
    )
    occurrence = CheckinOccurrence(
        schedule_id=schedule.id,
        due_at=T0,
        status=OccurrenceStatus.POSTED,
        posted_at=T0,
        slack_channel=case.channel_id,
        slack_ts="1796025600.000100",
    )
    session.add(occurrence)
    session.flush()
    return occurrence


#: Every button whose value names a row, and the forged value naming the other case's.
FORGED_BUTTONS: dict[str, Callable[[Foreign], str]] = {
    SlackAction.READ_ALL: lambda f: str(f.grievance_id),
    SlackAction.ADD_DETAIL: lambda f: str(f.grievance_id),
    f"{SlackAction.SET_STATUS}:acknowledged": lambda f: f"{f.grievance_id}:acknowledged",
    f"{SlackAction.HISTORY_PAGE}:newer": lambda f: f"{f.case_id}:after:{f.first_entry_id - 1}",
    SlackAction.PROGRESS_CORRECT: lambda f: json.dumps({"update": f.update_id}),
    SlackAction.PROGRESS_WITHDRAW: lambda f: json.dumps({"update": f.update_id}),
    SlackAction.REOPEN_CASE: lambda f: str(f.case_id),
    f"{SlackAction.CHECKIN_RATE}:0:4": lambda f: f"{f.occurrence_id}:0:4",
}
#: What each refusal says, alike for "no such item" and "not yours".
GONE = {
    SlackAction.READ_ALL: "That grievance no longer exists.",
    SlackAction.ADD_DETAIL: "That grievance no longer exists.",
    f"{SlackAction.SET_STATUS}:acknowledged": "That grievance no longer exists.",
    f"{SlackAction.HISTORY_PAGE}:newer": "That history is no longer available.",
    SlackAction.PROGRESS_CORRECT: "This progress update was withdrawn already.",
    SlackAction.PROGRESS_WITHDRAW: "This progress update was withdrawn already.",
    SlackAction.REOPEN_CASE: "This case no longer exists.",
    f"{SlackAction.CHECKIN_RATE}:0:4": "This check-in no longer exists.",
}


def _forgeable_buttons(world: World) -> Message:
    """A message in #acme-recovery with every id-carrying button (values set per click)."""
    blocks = [
        ActionsBlock(elements=[ButtonElement(text=action[:70], action_id=action, value="0")])
        for action in FORGED_BUTTONS
    ]
    return world.stack.workspace.post_bot_message(CHANNEL, "Buttons", _blocks(blocks))


def _cross_case_cells() -> list[Any]:
    cells = []
    for button in FORGED_BUTTONS:
        for target in FOREIGN_TARGETS:
            for role, actor in ACTORS.items():
                cells.append(pytest.param(button, target, actor, id=f"{button}-{target}-{role}"))
    return cells


@pytest.mark.parametrize(("button", "target", "actor"), _cross_case_cells())
def test_a_button_naming_another_case_is_refused(
    stack: SandboxStack, button: str, target: str, actor: str
) -> None:
    world = _seed(stack)
    foreign = _foreign(world, target, actor)
    message = _forgeable_buttons(world)
    before = _fingerprint(world)

    delivery = stack.slack.click(
        actor, button, message=(CHANNEL, message.ts), value=FORGED_BUTTONS[button](foreign)
    )

    assert delivery.status == 200, delivery.body
    stack.settle()
    assert FOREIGN_SECRET not in world.told(actor)
    assert world.modal_of(actor) == ""
    assert _fingerprint(world) == before
    assert GONE[button] in world.told(actor)


def test_every_id_carrying_button_is_forged_across_cases() -> None:
    """A new button that carries an id must come with its forgery here. Interview and
    rating buttons are left out: their item already belongs to one person (only the
    invitee, only the rater), which their own cells check."""
    carrying = {
        SlackAction.READ_ALL,
        SlackAction.ADD_DETAIL,
        SlackAction.SET_STATUS,
        SlackAction.HISTORY_PAGE,
        SlackAction.PROGRESS_CORRECT,
        SlackAction.PROGRESS_WITHDRAW,
        SlackAction.REOPEN_CASE,
        SlackAction.CHECKIN_RATE,
    }
    forged = {b.partition(":")[0] for b in FORGED_BUTTONS}
    assert forged == carrying


def _tampered(world: World, actor: str, change: Callable[[str], str]) -> None:
    """The actor's open form, its ``private_metadata`` changed on the way by ``change``."""
    ws = world.stack.workspace
    view = ws.modal_stack(actor)[-1]
    view.payload["private_metadata"] = change(str(view.payload.get("private_metadata", "")))
    world.view_id = view.id


def _plain(metadata: str) -> str:
    """The metadata without its seal: what a form looked like before sealing."""
    return metadata.partition(".")[2]


#: How a form's state is forged: (who opens it, what is done to it).
FORGED_FORMS: dict[str, Callable[[World, Foreign], None]] = {
    "another client's channel in a new grievance form": lambda world, foreign: _tampered(
        world, CLIENT, lambda m: m.replace(CHANNEL, "CGLOBEX")
    ),
    "its seal stripped": lambda world, foreign: _tampered(world, CLIENT, _plain),
    "another case's grievance in the form": lambda world, foreign: _tampered(
        world,
        CLIENT,
        lambda m: _plain(m).replace(
            '"channel_id"', f'"grievance_id":{foreign.grievance_id},"channel_id"'
        ),
    ),
    "a copy of the form the lead opened": lambda world, foreign: _copied_to_client(world),
}


def _copied_to_client(world: World) -> None:
    """The form Ana opened, put in front of Carla as it is (its seal names Ana)."""
    ws = world.stack.workspace
    view = ws.modal_stack(LEAD)[-1]
    world.view_id = ws.open_modal(CLIENT, view.payload).id


@pytest.mark.parametrize("forgery", FORGED_FORMS)
def test_a_form_with_forged_state_is_refused_like_a_stale_one(
    stack: SandboxStack, forgery: str
) -> None:
    world = _seed(stack)
    foreign = _foreign(world, "another client", CLIENT)
    world.command(CLIENT, "new")
    world.command(LEAD, "new")
    FORGED_FORMS[forgery](world, foreign)
    before = _fingerprint(world)

    world.submit(CLIENT, {Field.TEXT: "Filed somewhere I am not"})

    assert "Form out of date" in world.told(CLIENT)
    assert FOREIGN_SECRET not in world.told(CLIENT)
    assert _fingerprint(world) == before
    assert "Filed somewhere I am not" not in world.channel_says()


def test_a_case_picked_in_a_dm_form_must_be_one_offered(stack: SandboxStack) -> None:
    """In a DM the form offers only the person's own cases; a pick forged to name another
    client's channel is refused like a stale form, and nothing is filed there."""
    world = _seed(stack)
    _foreign(world, "another client", LEAD)  # Globex's case: Carla takes no part in it
    dm = stack.workspace.dm_channel_for(CLIENT).id
    assert stack.slack.slash_command(CLIENT, dm, "").status == 200
    stack.settle()
    world.view_id = stack.workspace.modal_stack(CLIENT)[-1].id
    before = _fingerprint(world)
    forged = {"text": {"type": "plain_text", "text": "Globex"}, "value": "CGLOBEX"}

    world.submit(CLIENT, {Field.CASE: forged, Field.TEXT: "Filed on a case I am not in"})

    assert "Form out of date" in world.told(CLIENT)
    assert _fingerprint(world) == before
