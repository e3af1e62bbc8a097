"""``/grievance strategy``: propose a version (modal), see buy-in, set the rule; votes by reaction.

Slack I/O only: the rules live in ``bot.playbook.strategy`` and ``bot.playbook.buyin``.
A proposal is committed before the modal closes, then posted; a reaction's vote, the
"reached or lost?" check and the status change share one transaction, and only the
reaction whose transaction changed the status announces it: reaching buy-in (again) in
the channel, losing it to the case's leads by DM.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session

from bot.blocks.strategy import (
    StrategyModalContext,
    buyin_announcement,
    buyin_lost_notice,
    new_version_notice,
    status_blocks,
    status_text,
    strategy_fallback,
    strategy_message,
    strategy_modal,
)
from bot.deps import Deps
from bot.flows.scope import NO_CASE
from bot.ids import Callback, StrategyField
from bot.playbook import access, buyin, cases, health, history, people
from bot.playbook import strategy as playbook
from bot.playbook.buyin import Shift
from bot.playbook.errors import PlaybookError
from bot.playbook.grievances import view as view_of
from bot.playbook.strategy import StrategyDraftError, StrategySnapshot
from bot.slack.messages import MessageLocks, direct_message, link_to, post_or_tell, tell
from handlers.context import CommandCall
from handlers.refusals import answer_refusals
from handlers.view_state import answers_stale_forms, flatten, read_metadata
from storage.models import BuyInRule, Case, Person, Stage, Strategy

logger = logging.getLogger(__name__)

USAGE = (
    "Use `/grievance strategy` to propose the recovery strategy (case leads), "
    "`/grievance strategy status` to see where buy-in stands, or "
    "`/grievance strategy rule default|majority` to set when it counts as agreed (leads)."
)
RULE_USAGE = (
    f"Use `/grievance strategy rule default` ({buyin.RULE_LABELS[BuyInRule.DEFAULT]}) or "
    f"`/grievance strategy rule majority` ({buyin.RULE_LABELS[BuyInRule.CLIENT_MAJORITY]})."
)
#: Draft fields → the modal's block ids.
_BLOCKS = {
    playbook.SUMMARY: StrategyField.SUMMARY,
    playbook.ACTIONS: StrategyField.ACTIONS,
    playbook.GRIEVANCES: StrategyField.GRIEVANCES,
    playbook.MEASURES: StrategyField.MEASURES,
}


# ---- the slash command --------------------------------------------------------------------


def strategy(call: CommandCall) -> None:
    """Route ``strategy``, ``strategy status`` and ``strategy rule <word>``."""
    word, _, rest = call.parsed.args.strip().partition(" ")
    word = word.lower()
    if not word:
        _open_modal(call)
    elif word == "status":
        _status(call)
    elif word == "rule":
        _rule(call, rest)
    else:
        call.ack(text=USAGE)


def _case_here(session: Session, call: CommandCall) -> tuple[Case, Person | None]:
    """The channel's case and the caller (None if the bot has never met them)."""
    workspace = people.ensure_workspace(session=session, team_id=call.team_id)
    case = cases.find_case(session=session, workspace=workspace, channel_id=call.where.channel_id)
    if case is None:
        raise PlaybookError(NO_CASE)
    person = people.find_person(session=session, workspace=workspace, user_id=call.user_id)
    return case, person


def _open_modal(call: CommandCall) -> None:
    """Open the proposal form for a lead, prefilled from the current version or insights."""
    with call.deps.db.transaction() as session:
        case, person = _case_here(session, call)
        access.require(
            session=session, case=case, person=person, action=access.Action.PROPOSE_STRATEGY
        )
        prefill = playbook.prefill(session=session, case=case)
        context = StrategyModalContext(
            team_id=call.team_id,
            channel_id=case.channel_id,
            case_id=case.id,
            version=prefill.version,
        )
        view = strategy_modal(
            context,
            prefill,
            client_name=case.client_name,
            grievances=[view_of(g) for g in playbook.addressable(session=session, case=case)],
            open_total=playbook.open_count(session=session, case=case),
        )
    call.ack()
    call.client.views_open(trigger_id=call.body["trigger_id"], view=view)


def _status(call: CommandCall) -> None:
    """Where buy-in stands on the current version (for anyone in the channel)."""
    with call.deps.db.transaction() as session:
        case, person = _case_here(session, call)
        history.require_reader(session=session, case=case, viewer=person)
        current = playbook.latest(session=session, case=case)
        if current is None:
            call.ack(
                text="No strategy has been proposed for this case yet. A case lead proposes "
                "one with `/grievance strategy`."
            )
            return
        snap = playbook.snapshot(session=session, strategy=current)
    link = link_to(call.client, call.deps.slack_url, snap.channel, snap.ts)
    call.ack(text=status_text(snap), blocks=status_blocks(snap, link=link))


def _rule(call: CommandCall, word: str) -> None:
    """A lead sets the buy-in rule; the current version is re-checked under the new rule."""
    rule = buyin.parse_rule(word)
    if rule is None:
        call.ack(text=RULE_USAGE)
        return
    with call.deps.db.transaction() as session:
        case, person = _case_here(session, call)
        actor = access.require(
            session=session, case=case, person=person, action=access.Action.SET_BUYIN_RULE
        )
        changed = buyin.set_rule(session=session, case=case, actor=actor, rule=rule)
        current = playbook.latest(session=session, case=case)
        shift = None
        if changed and current is not None:
            state = buyin.state_of(session=session, strategy=current)
            shift = buyin.settle(session=session, strategy=current, state=state)
        strategy_id = current.id if current else None
    name = buyin.RULE_NAMES[rule]
    message = (
        f"The buy-in rule is now *{name}*: {buyin.RULE_LABELS[rule]}."
        if changed
        else f"The buy-in rule already is *{name}*: {buyin.RULE_LABELS[rule]}."
    )
    call.ack(text=message)
    if strategy_id is not None and changed:
        _after_vote(call.client, call.deps, strategy_id, shift=shift, actor=call.user_id)


def recheck_buyin(client: WebClient, deps: Deps, case_id: int, *, actor: str) -> None:
    """Roles or sides changed (the people form): count buy-in again among the people who
    count now, and show, announce or report the change as a vote would. Without this a
    client leader demoted after approving would still be counted as "buy-in reached"."""
    with deps.db.transaction() as session:
        case = session.get(Case, case_id)
        current = playbook.latest(session=session, case=case) if case else None
        if current is None:
            return
        state = buyin.state_of(session=session, strategy=current)
        shift = buyin.settle(session=session, strategy=current, state=state)
        strategy_id = current.id
    _after_vote(client, deps, strategy_id, shift=shift, actor=actor)


# ---- Slack helpers ------------------------------------------------------------------------


def _render(client: WebClient, deps: Deps, snap: StrategySnapshot) -> tuple[list[Any], str]:
    previous = snap.previous
    newer = snap.superseded_by
    blocks = strategy_message(
        snap,
        previous_link=link_to(client, deps.slack_url, previous.channel, previous.ts)
        if previous
        else None,
        next_link=link_to(client, deps.slack_url, newer.channel, newer.ts) if newer else None,
    )
    return blocks, strategy_fallback(snap)


def _snapshot(deps: Deps, strategy_id: int) -> tuple[StrategySnapshot, Stage]:
    with deps.db.transaction() as session:
        found = session.get_one(Strategy, strategy_id)
        return playbook.snapshot(session=session, strategy=found), found.case.stage


_locks = MessageLocks()


def _refresh_message(
    client: WebClient, deps: Deps, strategy_id: int
) -> tuple[StrategySnapshot, Stage]:
    """Re-render the strategy's message from the database and update it in place."""
    with _locks(strategy_id):
        snap, stage = _snapshot(deps, strategy_id)
        if snap.channel and snap.ts:
            blocks, text = _render(client, deps, snap)
            try:
                client.chat_update(channel=snap.channel, ts=snap.ts, blocks=blocks, text=text)
            except SlackApiError as exc:
                logger.warning(
                    "could not update strategy message",
                    extra={"error": exc.response.get("error"), "strategy_id": strategy_id},
                )
    return snap, stage


def _after_vote(
    client: WebClient, deps: Deps, strategy_id: int, *, shift: Shift | None, actor: str
) -> None:
    """Show the votes on the message; announce buy-in if this change reached it (again),
    tell the leads if it lost it.

    If Slack refuses the announcement, whoever reached buy-in (by a reaction, or by
    changing the rule) hears that it is recorded all the same: acting again would not
    announce it.
    """
    snap, stage = _refresh_message(client, deps, strategy_id)
    if shift is Shift.LOST:
        _tell_leads_lost(client, deps, snap)
        return
    if shift is None or not (snap.channel and snap.ts):
        return
    post_or_tell(
        client,
        actor,
        f"Buy-in on strategy v{snap.version} is reached and recorded, but I "
        "couldn't announce it in the channel.",
        channel=snap.channel,
        thread_ts=snap.ts,
        reply_broadcast=True,
        text=buyin_announcement(snap, stage, again=shift is Shift.REGAINED),
    )


def _tell_leads_lost(client: WebClient, deps: Deps, snap: StrategySnapshot) -> None:
    """DM each lead that buy-in is lost and what it waits for.

    Only the leads: they are the ones to act, and a channel post on every withdrawn
    reaction would be noise. A lead whose DM fails is skipped (``direct_message`` logs
    it); the post, status, App Home and health show the loss all the same.
    """
    with deps.db.transaction() as session:
        case = session.get_one(Strategy, snap.strategy_id).case
        leads = [p.slack_user_id for p in access.leads_of(session=session, case=case)]
    notice = buyin_lost_notice(snap, link_to(client, deps.slack_url, snap.channel, snap.ts))
    for lead in leads:
        if lead:
            direct_message(client, lead, notice)


def _field_errors(error: StrategyDraftError) -> dict[str, str]:
    return {
        _BLOCKS.get(name, StrategyField.SUMMARY).value: message
        for name, message in error.fields.items()
    }


@dataclass(frozen=True)
class _Proposed:
    """What the submission committed, carried past the transaction to post it."""

    strategy_id: int
    entry_id: int
    previous_id: int | None
    channel: str
    author: str
    approvers: list[str]


def _publish(client: WebClient, deps: Deps, proposed: _Proposed) -> None:
    """Post the new version, mark the old one superseded in place, tell its approvers."""
    snap, _stage = _snapshot(deps, proposed.strategy_id)
    blocks, text = _render(client, deps, snap)
    posted = post_or_tell(
        client,
        proposed.author,
        f"Strategy v{snap.version} is saved, but I couldn't post it in the channel, so "
        "nobody can vote on it yet.",
        channel=proposed.channel,
        blocks=blocks,
        text=text,
    )
    if posted is None:
        return
    with deps.db.transaction() as session:
        playbook.mark_posted(
            session=session,
            strategy=session.get_one(Strategy, proposed.strategy_id),
            channel=posted["channel"],
            ts=posted["ts"],
            entry_id=proposed.entry_id,
        )
    if proposed.previous_id is not None:
        _refresh_message(client, deps, proposed.previous_id)
    if proposed.approvers:
        link = link_to(client, deps.slack_url, posted["channel"], posted["ts"])
        notice = new_version_notice(snap, link)
        for approver in proposed.approvers:
            fault = direct_message(client, approver, notice)
            if fault is not None:
                tell(
                    client,
                    proposed.channel,
                    proposed.author,
                    f"Strategy v{snap.version} is posted. {fault.sentence(who=f'<@{approver}>')} "
                    "They approved the version it replaces: you may want to tell them yourself.",
                )


# ---- listeners ----------------------------------------------------------------------------


def register(app: App, deps: Deps) -> None:
    """Listen for the proposal modal and for reactions on strategy messages."""

    @app.view(Callback.STRATEGY_MODAL)
    @answer_refusals
    @answers_stale_forms
    def on_submit(ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient) -> None:
        context = read_metadata(StrategyModalContext, view)
        values = flatten(view)
        user_id = body["user"]["id"]
        grievance_ids = values.get(StrategyField.GRIEVANCES)
        try:
            with deps.db.transaction() as session:
                case = session.get(Case, context.case_id)
                if case is None:
                    raise PlaybookError("This case no longer exists.")
                draft = playbook.parse_draft(
                    summary=_text(values.get(StrategyField.SUMMARY)),
                    actions=_text(values.get(StrategyField.ACTIONS)),
                    grievance_ids=grievance_ids if isinstance(grievance_ids, list) else [],
                    measures=_text(values.get(StrategyField.MEASURES)),
                    directory=playbook.stakeholder_directory(session=session, case=case),
                )
                author = access.require(
                    session=session,
                    case=case,
                    person=people.find_person(
                        session=session, workspace=case.workspace, user_id=user_id
                    ),
                    action=access.Action.PROPOSE_STRATEGY,
                )
                proposal = playbook.propose(session=session, case=case, author=author, draft=draft)
                health.rescore(session=session, case=case, now=deps.now())
                proposed = _Proposed(
                    strategy_id=proposal.strategy.id,
                    entry_id=proposal.entry.id,
                    previous_id=proposal.previous.id if proposal.previous else None,
                    channel=case.channel_id,
                    author=user_id,
                    approvers=proposal.previous_approvers,
                )
        except StrategyDraftError as exc:
            ack(response_action="errors", errors=_field_errors(exc))
            return
        except PlaybookError as exc:
            ack(response_action="errors", errors={StrategyField.SUMMARY.value: str(exc)})
            return
        ack()  # committed: close the modal
        _publish(client, deps, proposed)

    def on_reaction(event: dict[str, Any], client: WebClient, *, added: bool) -> None:
        item = event.get("item") or {}
        reaction = str(event.get("reaction") or "")
        if item.get("type") != "message" or buyin.kind_of(reaction) is None:
            return
        channel, ts, user_id = str(item.get("channel")), str(item.get("ts")), event.get("user")
        if not user_id:
            return
        with deps.db.reading() as session:  # most reactions are not on a strategy: no write turn
            if buyin.find_by_message(session=session, channel=channel, ts=ts) is None:
                return
        with deps.db.transaction() as session:
            found = buyin.find_by_message(session=session, channel=channel, ts=ts)
            if found is None:
                return
            voter = people.find_person(
                session=session, workspace=found.case.workspace, user_id=str(user_id)
            )
            if voter is None:  # never met: cannot be a stakeholder
                return
            outcome = buyin.react(
                session=session, strategy=found, person=voter, reaction=reaction, added=added
            )
            if outcome.changed:
                health.rescore(session=session, case=found.case, now=deps.now())
            strategy_id = found.id
        if outcome.changed:
            _after_vote(client, deps, strategy_id, shift=outcome.shift, actor=str(user_id))

    @app.event("reaction_added")
    @answer_refusals
    def on_reaction_added(event: dict[str, Any], body: dict[str, Any], client: WebClient) -> None:
        on_reaction(event, client, added=True)

    @app.event("reaction_removed")
    @answer_refusals
    def on_reaction_removed(event: dict[str, Any], body: dict[str, Any], client: WebClient) -> None:
        on_reaction(event, client, added=False)


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None
