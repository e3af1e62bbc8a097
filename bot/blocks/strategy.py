"""The strategy modal, the strategy message with its evidence and votes, and buy-in notes.

Pure builders: they read playbook snapshots and return Block Kit objects or text, so the
message looks the same whether it is first posted or updated after a vote.
"""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel
from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    SectionBlock,
    StaticMultiSelectElement,
)
from slack_sdk.models.views import View

from bot.blocks.inputs import text_input
from bot.blocks.text import fit, plain_escape, shorten, trim
from bot.ids import Callback, StrategyField
from bot.playbook.buyin import RULE_LABELS, RULE_NAMES, Ballot, BuyInState, waiting_for
from bot.playbook.stages import STAGE_LABELS
from bot.playbook.strategy import (
    MAX_OPTIONS,
    MAX_SUMMARY,
    ActionItem,
    Prefill,
    Standing,
    StrategySnapshot,
)
from bot.views import GrievanceView
from bot.vocabulary import Side, Stage, StrategyStatus

#: Slack's limits: option text 75, section text 3,000, plain-text input 3,000.
OPTION_TEXT = 75
SECTION_TEXT = 3000
#: How many addressed grievances the post lists before "and N more".
LISTED_GRIEVANCES = 15
HOW_TO_VOTE = (
    "React with :white_check_mark: to approve or :x: to object. "
    "One vote per stakeholder: your latest reaction counts; remove it to withdraw."
)
SIDE_LABELS = {Side.CLIENT: "Client side", Side.TEAM: "Team side"}


class StrategyModalContext(BaseModel):
    """What the strategy modal remembers until it is submitted (``private_metadata``)."""

    team_id: str
    channel_id: str
    case_id: int
    version: int


# ---- the modal --------------------------------------------------------------------------


def grievance_option_text(number: int, severity: int, text: str) -> str:
    """``#3 · severity 4 · The export broke…``, within Slack's 75 characters."""
    head = f"#{number} · severity {severity} · "
    return head + shorten(" ".join(text.split()), OPTION_TEXT - len(head))


def strategy_modal(
    context: StrategyModalContext,
    prefill: Prefill,
    *,
    client_name: str,
    grievances: Sequence[GrievanceView],
    open_total: int,
) -> View:
    """The form a lead fills to propose version ``prefill.version`` of the strategy."""
    intro = (
        f"Propose *strategy v{prefill.version}* for *{fit(client_name, 200)}*. It is posted in "
        "the channel with the evidence behind it; stakeholders approve with :white_check_mark: "
        "or object with :x:."
    )
    if prefill.version > 1:
        intro += (
            f"\nThis starts from v{prefill.version - 1}: change what needs changing. "
            f"v{prefill.version - 1} will be marked superseded, and whoever approved it "
            "will be asked to look again."
        )
    blocks: list[Block] = [
        SectionBlock(text=MarkdownTextObject(text=intro)),
        text_input(
            StrategyField.SUMMARY,
            "Summary",
            initial=prefill.summary,
            optional=False,
            max_length=MAX_SUMMARY,
            placeholder="What will we do differently, and why will it win the client back?",
        ),
        text_input(
            StrategyField.ACTIONS,
            "Actions",
            initial=prefill.actions,
            optional=True,
            hint="One per line, with an owner and a due date where you know them, e.g. "
            "'Fix the export @ana by 2026-12-01'. Up to 20 actions.",
            placeholder="Weekly release notes — @ana — 2026-12-01",
        ),
    ]
    options = [
        Option(text=grievance_option_text(g.number, g.severity, g.text), value=str(g.id))
        for g in grievances[:MAX_OPTIONS]
    ]
    if options:
        chosen = set(prefill.grievance_ids)
        hidden = open_total - len(options)
        blocks.append(
            InputBlock(
                block_id=StrategyField.GRIEVANCES,
                label="Grievances it addresses",
                optional=True,
                hint=(
                    f"The {len(options)} most severe of {open_total} open grievances are listed."
                    if hidden > 0
                    else "Open grievances, most severe first. Confidential ones are not listed."
                ),
                element=StaticMultiSelectElement(
                    action_id=StrategyField.GRIEVANCES,
                    placeholder="Choose the grievances this answers",
                    options=options,
                    initial_options=[o for o in options if int(o.value) in chosen] or None,
                ),
            )
        )
    else:
        blocks.append(
            SectionBlock(
                text=MarkdownTextObject(
                    text="*Grievances it addresses*\n_There are no open grievances to address._"
                )
            )
        )
    blocks.append(
        text_input(
            StrategyField.MEASURES,
            "Success measures it targets",
            initial=prefill.measures,
            optional=True,
            hint="One per line; filled in from how the client said they measure success.",
        )
    )
    return View(
        type="modal",
        callback_id=Callback.STRATEGY_MODAL,
        title=shorten(f"Strategy v{prefill.version}", 24),
        submit="Propose",
        close="Cancel",
        private_metadata=context.model_dump_json(),
        blocks=blocks,
    )


# ---- the message ------------------------------------------------------------------------


def _link(url: str | None, label: str) -> str:
    return f"<{url}|{label}>" if url else label


def _action_line(number: int, action: ActionItem) -> str:
    parts = [fit(action.text, 400)]
    if action.owner_user_id:
        parts.append(f"<@{action.owner_user_id}>")
    elif action.owner_name:
        parts.append(fit(action.owner_name, 120))
    if action.due:
        parts.append(f"due {action.due.isoformat()}")
    return f"{number}. " + " — ".join(parts)


def _names(ballots: Sequence[Ballot]) -> str:
    return ", ".join(plain_escape(b.label) for b in ballots)


def buyin_lines(state: BuyInState) -> list[str]:
    """Who approved and who objected, by side, then what is still missing."""
    lines = []
    for side in (Side.CLIENT, Side.TEAM):
        approve, object_ = state.approvals.get(side, []), state.objections.get(side, [])
        parts = []
        if approve:
            parts.append(f":white_check_mark: {_names(approve)}")
        if object_:
            parts.append(f":x: {_names(object_)}")
        lines.append(f"*{SIDE_LABELS[side]}:* " + ("  ".join(parts) if parts else "_no votes yet_"))
    if state.missing:
        lines.append("*Still needed:* " + plain_escape("; ".join(state.missing)))
    return lines


def lost_verdict(missing: Sequence[str]) -> str:
    """``Buy-in lost — waiting for an approval from a client leader`` (sides and counts)."""
    return f"Buy-in lost — waiting for {plain_escape('; '.join(missing))}"


def standing_line(standing: Standing) -> str:
    """One mrkdwn line for App Home: the current version and where its buy-in stands."""
    if standing.status is StrategyStatus.APPROVED:
        verdict = ":tada: buy-in reached"
    elif standing.status is StrategyStatus.LOST:
        verdict = f":warning: {lost_verdict(standing.state.missing)}"
    elif standing.state.missing:
        verdict = f"awaiting buy-in — still needed: {plain_escape(waiting_for(standing.state))}"
    else:
        verdict = "awaiting buy-in"
    return f"Strategy v{standing.version}: {verdict}"


def _status_line(snap: StrategySnapshot, links: dict[str, str | None]) -> str:
    by = f"Proposed by *{plain_escape(snap.author_name)}*" if snap.author_name else "Proposed"
    if snap.status is StrategyStatus.SUPERSEDED:
        newer = snap.superseded_by
        label = f"v{newer.version}" if newer else "a newer version"
        state = f":arrow_right_hook: *Superseded* by {_link(links.get('next'), label)}"
    elif snap.status is StrategyStatus.APPROVED:
        when = f" on {snap.approved_at:%Y-%m-%d}" if snap.approved_at else ""
        state = f":tada: *Approved*{when}"
    elif snap.status is StrategyStatus.LOST:
        state = ":warning: *Buy-in lost*"
    else:
        state = ":hourglass_flowing_sand: *Awaiting buy-in*"
    line = f"{by} · {state}"
    if snap.previous is not None:
        line += f" · replaces {_link(links.get('previous'), f'v{snap.previous.version}')}"
    return line


def _evidence(snap: StrategySnapshot) -> str:
    if not snap.addressed:
        return (
            "*Grievances it addresses:* none. This strategy is not tied to any open "
            "grievance, so it covers 0% of them."
        )
    lines = [f"*Grievances it addresses* — {snap.coverage.sentence}"]
    for item in snap.addressed[:LISTED_GRIEVANCES]:
        closed = "" if item.open else " _(closed since)_"
        lines.append(f"• #{item.number} · severity {item.severity} · {fit(item.text, 150)}{closed}")
    if len(snap.addressed) > LISTED_GRIEVANCES:
        lines.append(f"…and {len(snap.addressed) - LISTED_GRIEVANCES} more")
    return trim("\n".join(lines), SECTION_TEXT)


def _measures(snap: StrategySnapshot) -> str:
    if not snap.measures:
        return "*Success measures it targets:* _none named_"
    body = "\n".join(f"• {fit(m, 300)}" for m in snap.measures)
    return trim("*Success measures it targets*\n" + body, SECTION_TEXT)


def _actions(snap: StrategySnapshot) -> str:
    if not snap.actions:
        return "*Actions:* _none listed yet_"
    body = "\n".join(_action_line(n, a) for n, a in enumerate(snap.actions, 1))
    return trim("*Actions*\n" + body, SECTION_TEXT)


def _buyin(snap: StrategySnapshot) -> str:
    head = f"*Buy-in* (rule: {RULE_LABELS[snap.buyin.rule]})"
    if snap.status is StrategyStatus.APPROVED:
        head = ":tada: *Buy-in reached.* " + head
    elif snap.status is StrategyStatus.LOST:
        head = f":warning: *{lost_verdict(snap.buyin.missing)}.* " + head
    lines = buyin_lines(snap.buyin)
    if snap.status is not StrategyStatus.PROPOSED:
        lines = [line for line in lines if not line.startswith("*Still needed:*")]
    return trim("\n".join([head, *lines]), SECTION_TEXT)


def strategy_message(
    snap: StrategySnapshot, *, previous_link: str | None = None, next_link: str | None = None
) -> list[Block]:
    """The channel message for one version: evidence, actions, votes, how to vote."""
    links = {"previous": previous_link, "next": next_link}
    footer = HOW_TO_VOTE
    if snap.status is StrategyStatus.SUPERSEDED:
        footer = "This version has been replaced; reactions here no longer count."
    return [
        HeaderBlock(text=shorten(f"Strategy v{snap.version} · {snap.client_name}", 150)),
        ContextBlock(elements=[MarkdownTextObject(text=_status_line(snap, links))]),
        SectionBlock(text=MarkdownTextObject(text=fit(snap.summary, SECTION_TEXT))),
        SectionBlock(text=MarkdownTextObject(text=_evidence(snap))),
        SectionBlock(text=MarkdownTextObject(text=_measures(snap))),
        SectionBlock(text=MarkdownTextObject(text=_actions(snap))),
        DividerBlock(),
        SectionBlock(text=MarkdownTextObject(text=_buyin(snap))),
        ContextBlock(elements=[MarkdownTextObject(text=footer)]),
    ]


def strategy_fallback(snap: StrategySnapshot) -> str:
    """Notification text: version, client, the start of the summary, the coverage."""
    evidence = snap.coverage.sentence if snap.addressed else "addresses no grievance"
    return (
        f"Strategy v{snap.version} for {plain_escape(snap.client_name)}: "
        f"{fit(snap.summary, 300)} ({evidence})"
    )


# ---- notes around it --------------------------------------------------------------------


def buyin_announcement(snap: StrategySnapshot, stage: Stage, *, again: bool = False) -> str:
    """The message that says buy-in is reached (posted in the thread and to the channel).

    Reached again after it was lost, it says so; the case was already at rework then.
    """
    approvers = _names(snap.buyin.approvers()) or "the stakeholders"
    moved = (
        f" The case moves from *{STAGE_LABELS[Stage.STABILIZE]}* to *{STAGE_LABELS[Stage.REWORK]}*."
        if stage is Stage.REWORK and not again
        else ""
    )
    reached = "Buy-in reached again" if again else "Buy-in reached"
    return (
        f":tada: *{reached} on strategy v{snap.version}* for "
        f"{plain_escape(snap.client_name)}: approved by {approvers}.{moved}"
    )


def buyin_lost_notice(snap: StrategySnapshot, link: str | None) -> str:
    """The DM to the case's leads: buy-in they had is gone, and what would bring it back."""
    verdict = lost_verdict(snap.buyin.missing)
    return (
        f":warning: *{_link(link, f'Strategy v{snap.version}')}* for "
        f"*{plain_escape(snap.client_name)}*: {verdict}. The case stays at its stage; I'll "
        "announce it in the channel when buy-in is reached again."
    )


def new_version_notice(snap: StrategySnapshot, link: str | None) -> str:
    """The DM to people who approved the previous version: there is a new one to look at."""
    old = f"v{snap.previous.version}" if snap.previous else "the previous version"
    return (
        f"Strategy *v{snap.version}* for *{plain_escape(snap.client_name)}* replaces {old}, "
        f"which you approved, so your approval no longer counts. Have a look at "
        f"{_link(link, f'strategy v{snap.version}')} and react again if you agree."
    )


def status_blocks(snap: StrategySnapshot, *, link: str | None) -> list[Block]:
    """``/grievance strategy status``: the current version, votes by side, what's missing."""
    title = _link(link, f"Strategy v{snap.version}")
    if snap.status is StrategyStatus.APPROVED:
        when = f" on {snap.approved_at:%Y-%m-%d}" if snap.approved_at else ""
        verdict = f":tada: Buy-in reached{when}."
    elif snap.status is StrategyStatus.LOST:
        verdict = f":warning: {lost_verdict(snap.buyin.missing)}."
    elif snap.buyin.missing:
        verdict = "Buy-in not reached yet."
    else:
        verdict = "The rule holds."
    lines = [
        f"{title} · {fit(snap.summary, 200)}",
        f"Evidence: {snap.coverage.sentence if snap.addressed else 'addresses no grievance'}.",
        f"Rule ({RULE_NAMES[snap.buyin.rule]}): {RULE_LABELS[snap.buyin.rule]}. {verdict}",
        *buyin_lines(snap.buyin),
    ]
    if snap.status is not StrategyStatus.PROPOSED:
        lines = [line for line in lines if not line.startswith("*Still needed:*")]
    return [
        HeaderBlock(text=shorten(f"Strategy status · {snap.client_name}", 150)),
        SectionBlock(text=MarkdownTextObject(text=trim("\n".join(lines), SECTION_TEXT))),
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text="Leads change the rule with `/grievance strategy rule default|majority`."
                )
            ]
        ),
    ]


def status_text(snap: StrategySnapshot) -> str:
    """Plain fallback for the status blocks: the version and what is missing, if anything."""
    if snap.status is StrategyStatus.APPROVED:
        verdict = "buy-in reached"
    elif snap.status is StrategyStatus.LOST:
        return f"Strategy v{snap.version} · {lost_verdict(snap.buyin.missing)}"
    elif snap.buyin.missing:
        verdict = "Still needed: " + waiting_for(snap.buyin)
    else:
        verdict = "the rule holds"
    return f"Strategy v{snap.version} · {plain_escape(verdict)}"
