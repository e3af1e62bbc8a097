"""Grievance capture from ``/grievance``, and what follows every filing.

The form and the message shortcut are ``handlers.grievance_forms``; the grievance
message's buttons are ``handlers.grievance_buttons``.

Every path commits the grievance first, acknowledges second, and posts to the channel
third, so an acknowledged grievance is always on disk even if Slack then fails.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, replace
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.models.blocks import Block, MarkdownTextObject, SectionBlock

from bot.blocks.closing import closed_case_note, reopen_offer, reopen_offer_text
from bot.blocks.confidential import delivery_note
from bot.blocks.grievance import (
    acknowledgement,
    acknowledgement_text,
    grievance_fallback,
    grievance_message,
)
from bot.blocks.modal import MODAL_TEXT_LIMIT, ModalContext, ModalDefaults, grievance_modal
from bot.blocks.text import quoted
from bot.deps import Deps
from bot.flows import grievances as flow
from bot.playbook import people
from bot.playbook.confidential import Routing
from bot.playbook.grievances import DraftError, GrievanceDraft
from bot.playbook.intake import Intake, Where
from bot.slack.identity import Installation
from bot.slack.lookup import confirmed_profile, is_direct_message, profile_of
from bot.slack.messages import direct_message, post_or_tell, tell
from bot.views import GrievanceView
from handlers.confidential import meet_contact, send_to_leads, tell_unreached
from handlers.context import CommandCall
from handlers.outages import survived_outage

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

    filing: flow.Filing
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

    @property
    def filers_known(self) -> bool:
        """Whether the bot knew every filer: nothing Slack says of them changes the filing."""
        return all(profile.confirmed for profile in self.filers)


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
    filing = flow.file_grievance(call.deps.db, where=where, reporter=call.filer(), draft=draft)
    # only now, with the grievance committed
    call.ack(text=acknowledgement_text(filing.view), blocks=acknowledged(filing))
    filed = Filed(
        filing,
        where,
        call.home,
        (filing.reporter,),
        draft=draft,
        channel_checked=access is not None,
    )
    call.deps.after_ack(lambda: after_filing(call.client, call.deps, filed))


def after_filing(client: WebClient, deps: Deps, filed: Filed) -> None:
    """Confirm who filed it with Slack, then post the grievance where the case lives (or
    DM it to the leads ``routing`` names if it is confidential), and find the case a lead
    if it has none; a grievance on a closed case is brought to the leads, with a button
    to reopen it.

    The grievance is already saved and the reporter thanked: a database outage from here
    on is told as what it is, a grievance kept but not posted.
    """
    intake, shown, where = filed.filing.intake, filed.filing.view, filed.where
    settled = survived_outage(
        functools.partial(_settle_and_post, client, deps, filed), "post the grievance"
    )
    if settled is None:
        if not shown.confidential:
            tell(client, where.channel_id, filed.reporter_id, RECORDED_NOT_POSTED)
        return
    reporter_on_team, in_channel = settled
    if shown.confidential and filed.routing is not None:
        unreached = send_to_leads(client, intake, filed.routing.recipients)
        tell_unreached(client, where.channel_id, filed.reporter_id, unreached)
    if intake.needs_a_lead and in_channel and not reporter_on_team:
        ask_team_to_lead(client, where.channel_id, filed.home)
    if intake.case_closed:
        name, number = intake.case.client_name, shown.number
        offer = reopen_offer(name, number, intake.case.id, intake.reporter.display_name)
        for lead in _told_of_closed_case(intake, filed.routing):
            direct_message(client, lead, reopen_offer_text(name, number), offer)


def _settle_and_post(client: WebClient, deps: Deps, filed: Filed) -> tuple[bool, bool]:
    """Confirm the filers with Slack and check the channel, then post a public grievance
    there; whether the reporter is on the team side, and whether the bot is in the channel.
    """
    on_team = _confirm_filers(client, deps, filed)
    in_channel = filed.channel_checked or _check_channel(client, deps, filed)
    shown = filed.filing.view
    if not in_channel or shown.confidential:
        return on_team, in_channel
    if filed.filers_known:  # nothing changed the grievance since it was filed
        _post(client, deps, filed.where.channel_id, shown, filed.reporter_id)
    else:
        post_grievance(client, deps, shown.id, filed.reporter_id)
    return on_team, in_channel


def _confirm_filers(client: WebClient, deps: Deps, filed: Filed) -> bool:
    """Settle the filers the bot met for the first time with Slack's profiles (their
    grievance and case follow, ``intake.confirm_filers``); True when the reporter is on
    the team side."""
    if filed.filers_known:
        return not filed.filers[0].external
    profiles = [confirmed_profile(client, profile, filed.home) for profile in filed.filers]
    return flow.settle_filers(deps.db, filed.filing, profiles, filed.draft)


def _check_channel(client: WebClient, deps: Deps, filed: Filed) -> bool:
    """Check the channel after the ack (True when the bot can post there). If it can't,
    the grievance stays filed and its reporter is told privately (a DM when the channel
    refuses even that); if it can, a case it opened takes the channel's real name."""
    try:
        access = deps.channels.check(client, filed.where.channel_id)
    except (SlackApiError, OSError):  # Slack would not say: post, and hear if refused
        return True
    if not access.ok:
        note = NOT_POSTED.format(number=filed.filing.view.number)
        tell(client, filed.where.channel_id, filed.reporter_id, note)
        return False
    if filed.filing.intake.case_opened and access.name != filed.where.channel_name:
        flow.adopt_channel_name(deps.db, filed.filing, access.name)
    return True


def acknowledged(filing: flow.Filing, routing: Routing | None = None) -> list[Block]:
    """The filer's acknowledgement: who a confidential one is sent to, and what happens
    now if the case is closed."""
    intake = filing.intake
    blocks = acknowledgement(filing.view, posted=True)
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
    """Post the grievance message (its thread root), as it is now, and remember where it is."""
    channel, shown = flow.to_post(deps.db, grievance_id)
    _post(client, deps, channel, shown, reporter_id)


def _post(
    client: WebClient, deps: Deps, channel: str, shown: GrievanceView, reporter_id: str
) -> None:
    """Post ``shown`` in ``channel``: the filing's own view when nothing changed the
    grievance since, so that posting it needs no read."""
    grievance_id = shown.id
    blocks, text = grievance_message(shown), grievance_fallback(shown)
    posted = post_or_tell(
        client, reporter_id, RECORDED_NOT_POSTED, channel=channel, blocks=blocks, text=text
    )
    if posted is None:
        return

    survived_outage(
        lambda: flow.mark_posted(deps.db, grievance_id, channel=posted["channel"], ts=posted["ts"]),
        "remember where the grievance was posted",
    )


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
        view=grievance_modal(context, defaults_for_new(call.deps, where, reporter)),
    )
    meet_contact(call.client, call.deps, call.home)


def _ask_which_case(call: CommandCall, *, text: str) -> None:
    """In a DM there is no channel to file on: open the form with a choice of case.

    Only the cases the person already takes part in are offered, so a client never
    learns the names of the bot's other clients.
    """
    reporter = profile_of(call.client, call.user_id, call.home)
    choices, side = flow.my_cases(
        call.deps.db, team_id=call.team_id, user_id=call.user_id, default_side=reporter.default_side
    )
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


def defaults_for_new(
    deps: Deps, where: Where, reporter: people.Profile, **overrides: Any
) -> ModalDefaults:
    """Prefill for a new grievance; only the team is asked to name the client."""
    ask_name = flow.asks_client_name(
        deps.db, team_id=where.team_id, channel_id=where.channel_id, reporter=reporter
    )
    return ModalDefaults(ask_client_name=ask_name, **overrides)
