"""``/grievance strategy``: propose a version (modal), see buy-in, set the rule; votes by reaction.

Slack I/O only: the rules live in ``bot.playbook.strategy`` and ``bot.playbook.buyin``,
the transactions in ``bot.flows.strategy``.
A proposal is committed before the modal closes, then posted; a reaction's vote, the
"reached or lost?" check and the status change share one transaction, and only the
reaction whose transaction changed the status announces it: reaching buy-in (again) in
the channel, losing it to the case's leads by DM.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, BoltRequest, BoltResponse
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.blocks.commitments import assigned_text
from bot.blocks.commitments import line as commitment_line
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
from bot.flows import strategy as flow
from bot.ids import Callback, StrategyField
from bot.playbook import buyin
from bot.playbook import strategy as playbook
from bot.playbook.buyin import Shift
from bot.playbook.errors import PlaybookError
from bot.playbook.strategy import StrategyDraftError, StrategySnapshot
from bot.slack.identity import Acting
from bot.slack.messages import MessageLocks, direct_message, link_to, post_or_tell, tell
from handlers.context import CommandCall
from handlers.direct import Direct
from handlers.fallback import handled
from handlers.payloads import FormSubmission
from handlers.refusals import answer_refusals
from handlers.view_state import answers_stale_forms, read_metadata

logger = logging.getLogger(__name__)

USAGE = (
    "Use `/grievance strategy` to propose the recovery strategy (case leads), "
    "`/grievance strategy status` to see where buy-in stands, or "
    "`/grievance strategy rule default|majority` to set when it counts as agreed (leads)."
)
RULE_USAGE = (
    "Use "
    + " or ".join(
        f"`/grievance strategy rule {name}` ({buyin.RULE_LABELS[rule]})"
        for rule, name in buyin.RULE_NAMES.items()
    )
    + "."
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


def _open_modal(call: CommandCall) -> None:
    """Open the proposal form for a lead, prefilled from the current version or insights."""
    form = flow.proposal_form(
        call.deps.db, team_id=call.team_id, channel_id=call.where.channel_id, user_id=call.user_id
    )
    context = StrategyModalContext(
        team_id=call.team_id,
        channel_id=form.channel_id,
        case_id=form.case_id,
        version=form.prefill.version,
    )
    view = strategy_modal(
        context,
        form.prefill,
        client_name=form.client_name,
        grievances=form.grievances,
        open_total=form.open_total,
    )
    call.ack()
    call.client.views_open(trigger_id=call.body["trigger_id"], view=view)


def _status(call: CommandCall) -> None:
    """Where buy-in stands on the current version (for anyone in the channel)."""
    snap = flow.status(
        call.deps.db, team_id=call.team_id, channel_id=call.where.channel_id, user_id=call.user_id
    )
    if snap is None:
        call.ack(
            text="No strategy has been proposed for this case yet. A case lead proposes "
            "one with `/grievance strategy`."
        )
        return
    link = link_to(call.client, call.deps.slack_url, snap.channel, snap.ts)
    call.ack(text=status_text(snap), blocks=status_blocks(snap, link=link))


def _rule(call: CommandCall, word: str) -> None:
    """A lead sets the buy-in rule; the current version is re-checked under the new rule."""
    rule = buyin.parse_rule(word)
    if rule is None:
        call.ack(text=RULE_USAGE)
        return
    outcome = flow.set_rule(
        call.deps.db,
        team_id=call.team_id,
        channel_id=call.where.channel_id,
        user_id=call.user_id,
        rule=rule,
    )
    name = buyin.RULE_NAMES[rule]
    message = (
        f"The buy-in rule is now *{name}*: {buyin.RULE_LABELS[rule]}."
        if outcome.changed
        else f"The buy-in rule already is *{name}*: {buyin.RULE_LABELS[rule]}."
    )
    call.ack(text=message)
    if outcome.recount is not None:
        _after_vote(call.client, call.deps, outcome.recount, actor=call.user_id)


def recheck_buyin(client: WebClient, deps: Deps, case_id: int, *, actor: str) -> None:
    """Roles or sides changed (the people form): count buy-in again among the people who
    count now, and show, announce or report the change as a vote would. Without this a
    client leader demoted after approving would still be counted as "buy-in reached"."""
    recount = flow.recheck(deps.db, case_id)
    if recount is not None:
        _after_vote(client, deps, recount, actor=actor)


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


_locks = MessageLocks()


def _refresh_message(client: WebClient, deps: Deps, strategy_id: int) -> flow.Shown:
    """Re-render the strategy's message from the database and update it in place."""
    with _locks(strategy_id):
        shown = flow.shown(deps.db, strategy_id)
        snap = shown.snap
        if snap.channel and snap.ts:
            blocks, text = _render(client, deps, snap)
            try:
                client.chat_update(channel=snap.channel, ts=snap.ts, blocks=blocks, text=text)
            except SlackApiError as exc:
                logger.warning(
                    "could not update strategy message",
                    extra={"error": exc.response.get("error"), "strategy_id": strategy_id},
                )
    return shown


def _after_vote(client: WebClient, deps: Deps, recount: flow.Recount, *, actor: str) -> None:
    """Show the votes on the message; announce buy-in if this change reached it (again),
    tell the leads if it lost it.

    If Slack refuses the announcement, whoever reached buy-in (by a reaction, or by
    changing the rule) hears that it is recorded all the same: acting again would not
    announce it.
    """
    shown = _refresh_message(client, deps, recount.strategy_id)
    snap, shift = shown.snap, recount.shift
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
        text=buyin_announcement(snap, shown.stage, again=shift is Shift.REGAINED),
    )


def _tell_leads_lost(client: WebClient, deps: Deps, snap: StrategySnapshot) -> None:
    """DM each lead that buy-in is lost and what it waits for.

    Only the leads: they are the ones to act, and a channel post on every withdrawn
    reaction would be noise. A lead whose DM fails is skipped (``direct_message`` logs
    it); the post, status, App Home and health show the loss all the same.
    """
    leads = flow.lead_ids(deps.db, snap.strategy_id)
    notice = buyin_lost_notice(snap, link_to(client, deps.slack_url, snap.channel, snap.ts))
    for lead in leads:
        if lead:
            direct_message(client, lead, notice)


def _field_errors(error: StrategyDraftError) -> dict[str, str]:
    return {
        _BLOCKS.get(name, StrategyField.SUMMARY).value: message
        for name, message in error.fields.items()
    }


def _publish(client: WebClient, deps: Deps, proposed: flow.Proposed) -> None:
    """Post the new version, mark the old one superseded in place, tell its approvers."""
    snap = flow.shown(deps.db, proposed.strategy_id).snap
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
    flow.mark_posted(
        deps.db,
        strategy_id=proposed.strategy_id,
        channel=posted["channel"],
        ts=posted["ts"],
        entry_id=proposed.entry_id,
    )
    if proposed.previous_id is not None:
        _refresh_message(client, deps, proposed.previous_id)
    for promised in proposed.commitments:
        if promised.owner_user_id and promised.owner_user_id != proposed.author:
            direct_message(
                client, promised.owner_user_id, assigned_text(promised, f"Strategy v{snap.version}")
            )
    if proposed.commitments:
        listed = "\n".join(f"• {commitment_line(c)}" for c in proposed.commitments)
        tell(
            client,
            proposed.channel,
            proposed.author,
            f"These actions of strategy v{snap.version} are now commitments, with reminders "
            f"for their owners:\n{listed}",
        )
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


@answer_refusals
@answers_stale_forms
def on_submit(
    ack: Ack,
    body: dict[str, Any],
    view: dict[str, Any],
    submission: FormSubmission,
    acting: Acting,
    deps: Deps,
    client: WebClient,
) -> None:
    """Commit the proposal before closing the modal (field errors keep it open), then post."""
    context = read_metadata(StrategyModalContext, view)
    values = submission.values
    grievance_ids = values.get(StrategyField.GRIEVANCES)
    try:
        proposed = flow.propose(
            deps.db,
            case_id=context.case_id,
            user_id=acting.user_id,
            summary=_text(values.get(StrategyField.SUMMARY)),
            actions=_text(values.get(StrategyField.ACTIONS)),
            grievance_ids=grievance_ids if isinstance(grievance_ids, list) else [],
            measures=_text(values.get(StrategyField.MEASURES)),
            now=deps.now(),
        )
    except StrategyDraftError as exc:
        ack(response_action="errors", errors=_field_errors(exc))
        return
    except PlaybookError as exc:
        ack(response_action="errors", errors={StrategyField.SUMMARY.value: str(exc)})
        return
    ack()  # committed: close the modal
    _publish(client, deps, proposed)


def count_vote(req: BoltRequest, next: Callable[[], None]) -> BoltResponse | None:
    """Count a buy-in reaction on a strategy message before Slack is answered, in one
    transaction with the event's delivery record; only a vote that changed the count goes
    on to ``announce_vote``. Every other reaction stops here, having taken no write."""
    context = req.context
    event: dict[str, Any] = req.body["event"]
    deps: Deps = context["deps"]
    item = event.get("item") or {}
    reaction = str(event.get("reaction") or "")
    if item.get("type") != "message" or buyin.kind_of(reaction) is None:
        return handled()
    user_id = event.get("user")
    if not user_id:
        return handled()
    recount = flow.vote(
        deps.db,
        channel=str(item.get("channel")),
        ts=str(item.get("ts")),
        user_id=str(user_id),
        reaction=reaction,
        added=event.get("type") == "reaction_added",
        delivery=context["delivery"],
        now=deps.now(),
    )
    if recount is None:
        return handled()
    context["recount"] = recount
    next()
    return None


@answer_refusals
def announce_vote(
    recount: flow.Recount, event: dict[str, Any], deps: Deps, client: WebClient
) -> None:
    """Show the vote on the strategy message, and announce buy-in reached or lost."""
    _after_vote(client, deps, recount, actor=str(event["user"]))


def register(app: App) -> None:
    """Listen for the proposal modal and for reactions on strategy messages."""
    app.view(Callback.STRATEGY_MODAL)(on_submit)
    app.event("reaction_added", middleware=[Direct(count_vote)])(announce_vote)
    app.event("reaction_removed", middleware=[Direct(count_vote)])(announce_vote)


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None
