"""Setups for the authorization matrix: what a cell needs beyond the seed (a closed
case, a schedule, a strategy, an invitation, a form handed to the actor...).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.blocks.closing import rating_request, rating_request_text, reopen_offer, reopen_offer_text
from bot.blocks.grievance import acknowledgement, grievance_message
from bot.blocks.interview import invitation_blocks, invitation_text
from bot.blocks.pulse import request, request_text, thanks
from bot.form_seal import FormSeal
from bot.ids import Action as SlackAction
from bot.jobs import checkins as checkins_job
from bot.playbook import cases, checkins, closing, grievances, interviews, pulse, strategy
from bot.playbook.grievances import GrievanceDraft
from bot.playbook.grievances import view as view_of
from bot.playbook.pulse import Answered
from bot.playbook.timeline import Kind, record
from storage.models import (
    Case,
    CaseLead,
    CheckinSchedule,
    ClosingOutcome,
    Grievance,
    ProgressUpdate,
    Strategy,
)
from tests.handlers.authorization.world import (
    CHANNEL,
    CLIENT,
    GUEST,
    LEAD,
    T0,
    TEAM,
    World,
    _blocks,
    _person,
)


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


def _commitment_of_ben(world: World, actor: str) -> None:
    """Ana records a commitment Ben owns, posted with its *Done* button: the target."""
    world.command(LEAD, "commit @ben friday Ship the export fix")
    world.target = next(
        m for m in world.stack.workspace.messages if m.text.startswith("Commitment #1")
    )


def _pulse_dm(*, thanked: bool) -> Callable[[World, str], None]:
    """A client pulse sent; the actor's DM asks for their answer (``thanked``: already
    given, with its *Add a comment* button). Someone the pulse does not ask gets Carla's
    DM: pressing it is a forged press. ``world.number`` is the reply the DM is for."""

    def setup(world: World, actor: str) -> None:
        asked = world.write(
            lambda session, case: pulse.start_round(session=session, case=case, now=T0)
        )
        assert asked is not None
        mine = dict((user, reply) for reply, user in asked.recipients)
        world.number = mine.get(actor, mine[CLIENT])
        blocks = (
            thanks(Answered(world.number, "acme", asked.number, 4, None, "", (), None))
            if thanked
            else request("acme", world.number)
        )
        ws = world.stack.workspace
        world.target = ws.post_bot_message(
            ws.dm_channel_for(actor).id, request_text("acme"), _blocks(blocks)
        )

    return setup


def _pulse_form(world: World, actor: str) -> None:
    """The pulse's comment form, as the actor's: their own if the pulse asks them, else
    a copy of Carla's (a replayed form)."""
    _pulse_dm(thanked=True)(world, actor)
    assert world.target is not None
    owner = actor if actor in (CLIENT, GUEST) else CLIENT
    if owner != actor:
        ws = world.stack.workspace
        theirs = ws.post_bot_message(ws.dm_channel_for(CLIENT).id, "pulse", world.target.blocks)
        world.click(CLIENT, SlackAction.PULSE_COMMENT, theirs)
    else:
        world.click(actor, SlackAction.PULSE_COMMENT, world.target)
    view = world.stack.workspace.modal_stack(owner)[-1]
    world.view_id = view.id if owner == actor else _hand_to(world, view.payload, owner, actor)
