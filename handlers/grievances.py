"""Grievance capture: quick text, the modal, the message shortcut, and lifecycle buttons.

Every path commits the grievance first, acknowledges second, and posts to the channel
third, so an acknowledged grievance is always on disk even if Slack then fails.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, replace
from typing import Any

from slack_bolt import Ack, App
from slack_bolt.context.respond import Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.models.blocks import Block, MarkdownTextObject, SectionBlock

from bot.blocks.closing import closed_case_note, reopen_offer, reopen_offer_text
from bot.blocks.confidential import delivery_note
from bot.blocks.grievance import (
    STATUS_LABELS,
    acknowledgement,
    acknowledgement_text,
    confidential_placeholder,
    grievance_fallback,
    grievance_message,
    status_notice,
)
from bot.blocks.modal import (
    MODAL_TEXT_LIMIT,
    ModalContext,
    ModalDefaults,
    full_text_modal,
    grievance_modal,
)
from bot.blocks.text import quoted
from bot.deps import Deps
from bot.flows.people import known_or_provisional
from bot.ids import Action, Callback, Field, choice_of, row_id
from bot.playbook import cases, grievances, people
from bot.playbook import history as playbook_history
from bot.playbook import readings as held
from bot.playbook.confidential import Route, Routing, keep_from_named
from bot.playbook.errors import PlaybookError
from bot.playbook.grievances import FINAL, DraftError, GrievanceDraft
from bot.playbook.intake import Intake, Where, confirm_filers, file
from bot.playbook.withheld import is_kept_from
from bot.slack.identity import Installation
from bot.slack.lookup import (
    confirmed_profile,
    is_direct_message,
    profile_of,
)
from bot.slack.messages import direct_message, post_or_tell, tell
from handlers.acknowledged_first import acknowledged_first
from handlers.confidential import (
    defaults_again,
    keep_for_contact,
    meet_contact,
    route_question,
    routing_for,
    send_to_contact,
    send_to_leads,
    tell_unreached,
)
from handlers.context import CommandCall
from handlers.item_scope import require_in_scope
from handlers.modal_input import draft_fields
from handlers.outages import survived_outage
from handlers.refusals import answer_refusals
from handlers.slack_text import from_slack
from handlers.view_state import StaleForm, answers_stale_forms, flatten, read_metadata
from storage.models import Case, Grievance, Person, Side, Status

#: What someone hears when their grievance was filed in a channel the bot can't post in.
NOT_POSTED = (
    "Your grievance #{number} is safely recorded, so please don't file it again. I couldn't "
    "post it in this channel, though (I'm not in it, or it is archived); a case lead can "
    "still see it. Invite me with `/invite @grievance-bot` to have the next ones posted here."
)


@dataclass(frozen=True)
class Filed:
    """A grievance filed and acknowledged, with what the work after the ack needs.

    ``filers`` are the profiles it was filed with (the reporter, then whoever raised it):
    an unconfirmed one is settled with Slack after the ack. ``channel_checked`` is False
    when the channel's access was not known before acknowledging.
    """

    intake: Intake
    where: Where
    home: Installation
    filers: tuple[people.Profile, ...]
    draft: GrievanceDraft
    routing: Routing | None = None
    channel_checked: bool = True

    @property
    def reporter_id(self) -> str:
        """Who filed it."""
        return self.filers[0].user_id


RECORDED_NOT_POSTED = (
    "Your grievance is safely recorded, but I couldn't post it in the channel; a case "
    "lead can still see it."
)


def file_from_text(call: CommandCall) -> None:
    """``/grievance <text>``: file at once, acknowledge, then post the grievance message.

    Nothing before the acknowledgement waits on Slack: the caller is taken as stored (or
    from the request when new), the channel from the cache; both are confirmed after.
    """
    where = call.where
    if is_direct_message(where.channel_id, where.channel_name):
        _ask_which_case(call, text=call.parsed.args)
        return
    access = call.deps.channels.recent(where.channel_id)
    if access is not None:
        where = replace(where, channel_name=access.name or where.channel_name)
    try:
        draft = GrievanceDraft.parse(text=call.parsed.args)
    except DraftError as exc:
        call.ack(text=str(exc))
        return
    reporter = call.filer()
    with call.deps.db.transaction() as session:
        intake = file(session=session, where=where, reporter=reporter, draft=draft)
        blocks, text = (
            _acknowledged(intake),
            acknowledgement_text(grievances.view(intake.grievance)),
        )
    call.ack(text=text, blocks=blocks)  # only now, with the grievance committed
    filed = Filed(
        intake,
        where,
        call.home,
        (reporter,),
        draft=draft,
        channel_checked=access is not None,
    )
    call.deps.after_ack(lambda: _after_filing(call.client, call.deps, filed))


def _after_filing(client: WebClient, deps: Deps, filed: Filed) -> None:
    """Confirm who filed it with Slack, then post the grievance where the case lives (or
    DM it to the leads ``routing`` names if it is confidential), and find the case a lead
    if it has none; a grievance on a closed case is brought to the leads, with a button
    to reopen it.

    The grievance is already saved and the reporter thanked: a database outage from here
    on is told as what it is, a grievance kept but not posted.
    """
    intake, where = filed.intake, filed.where
    settled = survived_outage(
        functools.partial(_settle_and_post, client, deps, filed), "post the grievance"
    )
    if settled is None:
        if not intake.grievance.confidential:
            tell(client, where.channel_id, filed.reporter_id, RECORDED_NOT_POSTED)
        return
    reporter_on_team, in_channel = settled
    if intake.grievance.confidential and filed.routing is not None:
        unreached = send_to_leads(client, intake, filed.routing.recipients)
        tell_unreached(client, where.channel_id, filed.reporter_id, unreached)
    if intake.needs_a_lead and in_channel and not reporter_on_team:
        ask_team_to_lead(client, where.channel_id, filed.home)
    if intake.case_closed:
        name, number = intake.case.client_name, intake.grievance.number
        offer = reopen_offer(name, number, intake.case.id, intake.reporter.display_name)
        for lead in _told_of_closed_case(intake, filed.routing):
            direct_message(client, lead, reopen_offer_text(name, number), offer)


def _settle_and_post(client: WebClient, deps: Deps, filed: Filed) -> tuple[bool, bool]:
    """Confirm the filers with Slack and check the channel, then post a public grievance
    there; whether the reporter is on the team side, and whether the bot is in the channel.
    """
    on_team = _confirm_filers(client, deps, filed)
    in_channel = filed.channel_checked or _check_channel(client, deps, filed)
    if in_channel and not filed.intake.grievance.confidential:
        post_grievance(client, deps, filed.intake.grievance.id, filed.reporter_id)
    return on_team, in_channel


def _confirm_filers(client: WebClient, deps: Deps, filed: Filed) -> bool:
    """Settle the filers the bot met for the first time with Slack's profiles (their
    grievance and case follow, ``intake.confirm_filers``); True when the reporter is on
    the team side."""
    if all(profile.confirmed for profile in filed.filers):
        return not filed.filers[0].external
    profiles = [confirmed_profile(client, profile, filed.home) for profile in filed.filers]
    with deps.db.transaction() as session:
        return confirm_filers(
            session=session,
            grievance_id=filed.intake.grievance.id,
            profiles=profiles,
            draft=filed.draft,
            opened=filed.intake.case_opened,
        )


def _check_channel(client: WebClient, deps: Deps, filed: Filed) -> bool:
    """Check the channel after the ack (True when the bot can post there). If it can't,
    the grievance stays filed and its reporter is told privately (a DM when the channel
    refuses even that); if it can, a case it opened takes the channel's real name."""
    try:
        access = deps.channels.check(client, filed.where.channel_id)
    except (SlackApiError, OSError):  # Slack would not say: post, and hear if refused
        return True
    if not access.ok:
        note = NOT_POSTED.format(number=filed.intake.grievance.number)
        tell(client, filed.where.channel_id, filed.reporter_id, note)
        return False
    if filed.intake.case_opened and access.name != filed.where.channel_name:
        with deps.db.transaction() as session:
            case = session.get_one(Case, filed.intake.case.id)
            cases.adopt_channel_name(case=case, channel_name=access.name)
    return True


def _acknowledged(intake: Intake, routing: Routing | None = None) -> list[Block]:
    """The filer's acknowledgement: who a confidential one is sent to, and what happens
    now if the case is closed."""
    blocks = acknowledgement(grievances.view(intake.grievance), posted=True)
    if routing is not None:
        note = delivery_note(
            [lead.name for lead in routing.recipients], [lead.name for lead in routing.withheld]
        )
        blocks.append(SectionBlock(text=MarkdownTextObject(text=note)))
    if intake.case_closed:
        blocks += closed_case_note(
            intake.case.id,
            told=len(_told_of_closed_case(intake, routing)),
            lead=intake.reporter_leads,
        )
    return blocks


def _told_of_closed_case(intake: Intake, routing: Routing | None) -> tuple[str, ...]:
    """The leads a grievance on a closed case is brought to: never one it names and is
    kept from (even the fact that it was filed would tell them)."""
    kept = {lead.user_id for lead in routing.withheld} if routing is not None else set()
    return tuple(lead for lead in intake.leads if lead not in kept)


def post_grievance(client: WebClient, deps: Deps, grievance_id: int, reporter_id: str) -> None:
    """Post the grievance message (its thread root) and remember where it is."""
    with deps.db.reading() as session:  # rendering only reads: no writer's turn
        grievance = grievances.for_message(session=session, grievance_id=grievance_id)
        channel = grievance.case.channel_id
        shown = grievances.view(grievance)
        blocks, text = grievance_message(shown), grievance_fallback(shown)
    posted = post_or_tell(
        client, reporter_id, RECORDED_NOT_POSTED, channel=channel, blocks=blocks, text=text
    )
    if posted is None:
        return

    def remember_where() -> None:
        with deps.db.transaction() as session:
            grievances.mark_posted(
                session=session,
                grievance_id=grievance_id,
                channel=posted["channel"],
                ts=posted["ts"],
            )

    survived_outage(remember_where, "remember where the grievance was posted")


def ask_team_to_lead(client: WebClient, channel: str, home: Installation) -> None:
    """Privately ask each team-side member of the channel to claim the new case.

    One member who can't be reached is skipped (``tell`` logs it); the others are asked.
    """
    for member in _members(client, channel):
        profile = profile_of(client, member, home)
        if profile.external or profile.is_bot:
            continue
        tell(
            client,
            channel,
            member,
            "A client just opened a case in this channel and it has no lead yet. "
            "If you can look after it, type `/grievance lead me`.",
        )


def _members(client: WebClient, channel: str) -> list[str]:
    """Every member of ``channel``, following Slack's cursor pagination."""
    members: list[str] = []
    cursor: str | None = None
    while True:
        page = client.conversations_members(channel=channel, cursor=cursor, limit=200)
        members.extend(page.get("members", []))
        cursor = (page.get("response_metadata") or {}).get("next_cursor") or None
        if not cursor:
            return members


def open_new_modal(call: CommandCall) -> None:
    """``/grievance`` or ``/grievance new``: open the full form."""
    where = call.where
    if is_direct_message(where.channel_id, where.channel_name):
        _ask_which_case(call, text="")
        return
    call.ack()  # the form opens after the acknowledgement, and so is the channel checked
    access = call.deps.channels.check(call.client, where.channel_id)
    if not access.ok:
        call.respond(text=access.problem, response_type="ephemeral")
        return
    where = replace(where, channel_name=access.name or where.channel_name)
    reporter = profile_of(call.client, call.user_id, call.home)
    context = ModalContext(
        team_id=where.team_id, channel_id=where.channel_id, channel_name=where.channel_name
    )
    call.client.views_open(
        trigger_id=call.body["trigger_id"],
        view=grievance_modal(context, _defaults_for_new(call.deps, where, reporter)),
    )
    meet_contact(call.client, call.deps, call.home)


def _ask_which_case(call: CommandCall, *, text: str) -> None:
    """In a DM there is no channel to file on: open the form with a choice of case.

    Only the cases the person already takes part in are offered, so a client never
    learns the names of the bot's other clients.
    """
    reporter = profile_of(call.client, call.user_id, call.home)
    with call.deps.db.transaction() as session:
        workspace = people.ensure_workspace(session=session, team_id=call.team_id)
        person = people.find_person(session=session, workspace=workspace, user_id=call.user_id)
        mine = playbook_history.cases_for(session=session, person=person) if person else []
        choices = [(case.client_name, case.channel_id) for case in mine]
        side = person.side if person else reporter.default_side
    if not choices:
        keep = f"\nWhat you wrote, so nothing is lost:\n{quoted(text)}" if text else ""
        call.ack(
            text="Grievances belong to a client's case, and each case lives in the "
            "client's channel. Please type it there (`/grievance <what happened>`), "
            "where I can keep its thread." + keep
        )
        return
    call.ack()
    context = ModalContext(team_id=call.team_id, channel_id=call.where.channel_id)
    defaults = ModalDefaults(text=text[:MODAL_TEXT_LIMIT], side=side, case_choices=choices)
    call.client.views_open(
        trigger_id=call.body["trigger_id"], view=grievance_modal(context, defaults)
    )


def _defaults_for_new(
    deps: Deps, where: Where, reporter: people.Profile, **overrides: Any
) -> ModalDefaults:
    """Prefill for a new grievance; only the team is asked to name the client."""
    with deps.db.transaction() as session:
        workspace = people.ensure_workspace(session=session, team_id=where.team_id)
        known = people.find_person(session=session, workspace=workspace, user_id=reporter.user_id)
        case = cases.find_case(session=session, workspace=workspace, channel_id=where.channel_id)
        side = known.side if known else reporter.default_side
        ask_name = (case is None or not case.named) and side is Side.TEAM
    return ModalDefaults(ask_client_name=ask_name, **overrides)


def _held_text(deps: Deps, context: ModalContext, user_id: str) -> str:
    """The whole text of the message a shortcut filed, held when the form opened (the
    form holds only 3,000 characters; Slack is not asked again before the answer)."""
    with deps.db.transaction() as session:
        _choice, text = held.take(session=session, value=context.held_text or "", user_id=user_id)
    return text


def _hold(deps: Deps, user_id: str, text: str) -> str:
    """Keep ``text`` for ``user_id``'s form; the key to it (``bot.playbook.readings``)."""
    with deps.db.transaction() as session:
        return held.offer(
            session=session, user_id=user_id, text=text, run=None, with_words=False, now=deps.now()
        )


#: Said alike for a grievance that does not exist and one the person may not reach.
GRIEVANCE_GONE = "That grievance no longer exists."


def register(app: App, deps: Deps) -> None:
    """Listen for the modal, the shortcut and the grievance message's buttons."""

    @app.view(Callback.GRIEVANCE_MODAL)
    @answer_refusals
    @answers_stale_forms
    def on_submit(ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient) -> None:
        context = read_metadata(ModalContext, view)
        user_id = body["user"]["id"]
        values = flatten(view)
        if context.keep_text:
            values[Field.TEXT] = (
                _stored_text(deps, context.grievance_id)
                if context.grievance_id is not None
                else _held_text(deps, context, user_id)
            )
        try:
            draft = GrievanceDraft.parse(**draft_fields(values, context.source_permalink))
        except DraftError as exc:
            ack(response_action="errors", errors=_field_errors(exc))
            return
        home = deps.home(body)
        chosen_raiser = values.get(Field.RAISED_BY_USER)
        raiser_id = (
            chosen_raiser if isinstance(chosen_raiser, str) and chosen_raiser != user_id else None
        )
        if context.grievance_id is not None:  # an edit: only its author or a lead may
            editor = known_or_provisional(deps.db, home.key, user_id, body["user"].get("name"))
            raiser = known_or_provisional(deps.db, home.key, raiser_id, None) if raiser_id else None
            if raiser is not None and not raiser.confirmed:  # someone new decides the side:
                raiser = profile_of(client, raiser.user_id, home)  # Slack's word, rarely asked
            _save_detail(ack, client, deps, context, editor, draft, raiser)
            return
        reporter = known_or_provisional(deps.db, home.key, user_id, body["user"].get("name"))
        raised_by = known_or_provisional(deps.db, home.key, raiser_id, None) if raiser_id else None
        channel_id = _chosen_channel(deps, context, values.get(Field.CASE), user_id)
        where = Where(context.team_id, channel_id, context.channel_name)
        routing = (
            routing_for(client, deps, home, where, draft.text, user_id)
            if draft.confidential
            else None
        )
        if routing is not None and routing.must_ask:
            choice = values.get(Field.ROUTE)
            contact = deps.settings.grievance_escalation_contact
            if choice == Route.ESCALATE and contact:
                escalated = keep_for_contact(deps, where, reporter, draft, routing)
                ack()  # committed: close the modal
                deps.after_ack(
                    lambda: tell(
                        client, where.channel_id, user_id, send_to_contact(client, escalated)
                    )
                )
                return
            if choice != Route.LEADS:
                question = route_question(deps, where.team_id, routing)
                asked = context.model_copy(update={"channel_id": where.channel_id})
                ack(
                    response_action="update",
                    view=grievance_modal(asked, defaults_again(values, draft, question)),
                )
                return
            routing = Routing(recipients=routing.withheld, withheld=())  # their choice
        with deps.db.transaction() as session:
            intake = file(
                session=session, where=where, reporter=reporter, draft=draft, raised_by=raised_by
            )
            if routing is not None:
                keep_from_named(session=session, grievance=intake.grievance, routing=routing)
            blocks = _acknowledged(intake, routing)
            text = acknowledgement_text(grievances.view(intake.grievance))
        ack()  # committed: close the modal
        filed = Filed(
            intake,
            where,
            home,
            (reporter, *([raised_by] if raised_by else [])),
            draft=draft,
            routing=routing,
        )

        def after() -> None:
            tell(client, where.channel_id, user_id, text, blocks)
            _after_filing(client, deps, filed)

        deps.after_ack(after)

    @app.shortcut({"type": "message_action", "callback_id": Callback.FILE_AS_GRIEVANCE})
    @answer_refusals
    def on_shortcut(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond) -> None:
        ack()
        message, channel = body.get("message") or {}, body.get("channel") or {}
        home = deps.home(body)
        team_id = home.key
        access = deps.channels.check(client, str(channel.get("id", "")))
        if not access.ok:
            raise PlaybookError(access.problem)
        author = message.get("user")
        text = from_slack(message.get("text"))
        link = client.chat_getPermalink(
            channel=channel.get("id"), message_ts=message.get("ts")
        ).get("permalink")
        where = Where(team_id, str(channel.get("id", "")), access.name)
        author_profile = profile_of(client, author, home) if author else None
        reporter = profile_of(client, body["user"]["id"], home)
        defaults = _defaults_for_new(
            deps,
            where,
            reporter,
            text=text[:MODAL_TEXT_LIMIT],
            raised_by_user=author,
            side=author_profile.default_side if author_profile else None,
        )
        too_long = len(text) > MODAL_TEXT_LIMIT
        context = ModalContext(
            team_id=team_id,
            channel_id=where.channel_id,
            channel_name=where.channel_name,
            source_permalink=link,
            keep_text=too_long,
            held_text=_hold(deps, body["user"]["id"], text) if too_long else None,
        )
        client.views_open(trigger_id=body["trigger_id"], view=grievance_modal(context, defaults))
        deps.after_ack(lambda: meet_contact(client, deps, home))

    @app.action(Action.ADD_DETAIL)
    @answer_refusals
    def on_add_detail(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, respond: Respond
    ) -> None:
        ack()
        with deps.db.transaction() as session:
            grievance = _grievance(session, deps, body, action)
            grievances.require_editor(
                session=session,
                grievance=grievance,
                actor=people.find_person(
                    session=session,
                    workspace=grievance.case.workspace,
                    user_id=body["user"]["id"],
                ),
            )
            context = ModalContext(
                team_id=deps.home(body).key,
                channel_id=grievance.case.channel_id,
                grievance_id=grievance.id,
                keep_text=len(grievance.text) > MODAL_TEXT_LIMIT,
            )
            defaults = ModalDefaults(
                text=grievance.text,
                side=grievance.side,
                category=grievance.category,
                severity=grievance.severity,
                cares_about=grievance.cares_about,
                success_measure=grievance.success_measure,
                went_well=grievance.went_well,
                confidential=grievance.confidential,
                raised_by_user=grievance.raised_by.slack_user_id if grievance.raised_by else None,
                raised_by_name=grievance.raised_by_name,
                client_name=grievance.case.client_name,
                ask_client_name=not grievance.case.named,
            )
        client.views_open(trigger_id=body["trigger_id"], view=grievance_modal(context, defaults))

    @app.action(re.compile(rf"^{Action.SET_STATUS}:"))
    @acknowledged_first(deps)
    def on_status(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, respond: Respond
    ) -> None:
        ack()
        new = choice_of(Status, str(action.get("value", "")).partition(":")[2])
        if new is None:
            raise PlaybookError("That button is out of date; use the one on the latest message.")
        home = deps.home(body)
        actor = profile_of(client, body["user"]["id"], home)
        with deps.db.transaction() as session:
            grievance = _grievance(session, deps, body, action)
            workspace = people.ensure_workspace(session=session, team_id=home.key)
            person = people.ensure_person(session=session, workspace=workspace, profile=actor)
            change = grievances.change_status(
                session=session, grievance=grievance, actor=person, new=new
            )
            shown = grievances.view(grievance)
            blocks, text = grievance_message(shown), grievance_fallback(shown)
            where = (grievance.slack_channel, grievance.slack_ts)
            raiser = grievance.raised_by.slack_user_id if grievance.raised_by else None
            notice = status_notice(shown, change.new, person.display_name)
        if where[0] and where[1] and not grievance.confidential:
            client.chat_update(channel=where[0], ts=where[1], blocks=blocks, text=text)
        if raiser and raiser != actor.user_id:
            _tell_raiser(client, respond, raiser, where[0], change.new, notice)

    @app.action(Action.READ_ALL)
    @answer_refusals
    def on_read_all(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, respond: Respond
    ) -> None:
        ack()
        with deps.db.transaction() as session:
            grievance = _grievance(session, deps, body, action)
            if grievance.confidential:
                raise PlaybookError("That grievance is confidential now.")
            view = full_text_modal(grievance.number, grievance.text)
        client.views_open(trigger_id=body["trigger_id"], view=view)


def _tell_raiser(
    client: WebClient,
    respond: Respond,
    raiser: str,
    channel: str | None,
    new: Status,
    notice: str,
) -> None:
    """Keep the acknowledgement's promise: the raiser hears of every move.

    A step along the way is a private note where the grievance lives (a DM if that
    fails); the end of it, resolved or withdrawn, is a DM that waits for them, and the
    one who acted hears if it could not be delivered.
    """
    if new not in FINAL and channel:
        tell(client, channel, raiser, notice)
        return
    fault = direct_message(client, raiser, notice)
    if fault is not None:
        respond(
            text=f"{STATUS_LABELS[new]}, but {fault.sentence(who=f'<@{raiser}>')}",
            response_type="ephemeral",
            replace_original=False,
        )


def _grievance(session: Any, deps: Deps, body: dict[str, Any], action: dict[str, Any]) -> Grievance:
    """The grievance a button is about (its id leads the button's value), if the person
    pressing may reach it from there; one answer for "no such grievance" and "not yours".

    One kept from the person pressing (it names them) is refused exactly like a missing
    one, so a forged value cannot even tell them it exists.
    """
    raw = str(action.get("value", "")).partition(":")[0]
    number = row_id(raw)
    grievance = session.get(Grievance, number) if number is not None else None
    if grievance is None:
        raise PlaybookError(GRIEVANCE_GONE)
    require_in_scope(session, deps, body, grievance.case, gone=GRIEVANCE_GONE)
    if is_kept_from(session=session, grievance=grievance, person=_presser(session, deps, body)):
        raise PlaybookError(GRIEVANCE_GONE)
    return grievance


def _presser(session: Any, deps: Deps, body: dict[str, Any]) -> Person | None:
    """The person who pressed a button, if the bot has met them."""
    workspace = people.ensure_workspace(session=session, team_id=deps.home(body).key)
    return people.find_person(session=session, workspace=workspace, user_id=body["user"]["id"])


def _save_detail(
    ack: Ack,
    client: WebClient,
    deps: Deps,
    context: ModalContext,
    reporter: people.Profile,
    draft: GrievanceDraft,
    raised_by: people.Profile | None,
) -> None:
    """The "add detail" submission: update the grievance, and its message to match."""
    with deps.db.transaction() as session:
        grievance = session.get_one(Grievance, context.grievance_id)
        workspace = people.ensure_workspace(session=session, team_id=context.team_id)
        actor = people.ensure_person(session=session, workspace=workspace, profile=reporter)
        who = (
            people.ensure_person(session=session, workspace=workspace, profile=raised_by)
            if raised_by
            else None
        )
        try:
            change = grievances.update_details(
                session=session, grievance=grievance, actor=actor, draft=draft, raised_by=who
            )
        except PlaybookError as exc:
            ack(response_action="errors", errors={Field.TEXT: str(exc)})
            session.rollback()
            return
        renamed = draft.client_name and draft.client_name != grievance.case.client_name
        if renamed and cases.may_rename(session=session, case=grievance.case, person=actor):
            cases.rename_case(
                session=session, case=grievance.case, actor=actor, name=draft.client_name or ""
            )
        shown = grievances.view(grievance)
        blocks, text = grievance_message(shown), grievance_fallback(shown)
        hidden = confidential_placeholder(shown)
        where = (grievance.slack_channel, grievance.slack_ts)
    ack()
    if change.became_public and not where[1]:
        post_grievance(client, deps, grievance.id, reporter.user_id)
    elif where[0] and where[1]:
        shown = hidden if grievance.confidential else blocks
        client.chat_update(channel=where[0], ts=where[1], blocks=shown, text=text)


def _chosen_channel(deps: Deps, context: ModalContext, chosen: object, user_id: str) -> str:
    """The channel to file on: the form's, or the case picked in a DM's form.

    The pick is a claim like any form value, so it must be one of the cases offered: one
    the person takes part in. Anything else is a tampered form (``StaleForm``).
    """
    if not isinstance(chosen, str):
        return context.channel_id
    with deps.db.transaction() as session:
        workspace = people.ensure_workspace(session=session, team_id=context.team_id)
        person = people.find_person(session=session, workspace=workspace, user_id=user_id)
        mine = playbook_history.cases_for(session=session, person=person) if person else []
        if chosen not in {case.channel_id for case in mine}:
            raise StaleForm
    return chosen


def _stored_text(deps: Deps, grievance_id: int) -> str:
    with deps.db.transaction() as session:
        grievance = session.get(Grievance, grievance_id)
        return grievance.text if grievance else ""


def _field_errors(error: DraftError) -> dict[str, str]:
    """Map draft fields to the modal's block ids (they share names)."""
    known = {f.value for f in Field}
    return {
        name if name in known else Field.TEXT.value: message
        for name, message in error.fields.items()
    }
