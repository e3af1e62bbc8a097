"""Closing a case: the before-and-after summary, the final rating DM and its modal.

Pure builders over ``bot.playbook.closing`` values.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from pydantic import BaseModel
from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    CheckboxesElement,
    ContextBlock,
    HeaderBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    SectionBlock,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot.blocks.inputs import text_input
from bot.blocks.text import fit, plain_escape, shorten, trim
from bot.ids import Action, Callback, RatingField
from bot.playbook.closing import MAX_COMMENT, ClosingSummary, Reopened, VersionLine
from bot.playbook.stages import STAGE_LABELS
from bot.vocabulary import ClosingOutcome, Side, StrategyStatus, plural

SECTION_TEXT = 3000
ANONYMOUS_OPTION = "anonymous"
RATING_LABELS = {
    5: "5 · It went very well",
    4: "4 · Well",
    3: "3 · Mixed",
    2: "2 · Not well",
    1: "1 · Badly",
}
_EMOJI: dict[ClosingOutcome | None, str] = {
    None: ":handshake:",
    ClosingOutcome.RECOVERED: ":handshake:",
    ClosingOutcome.NOT_RECOVERED: ":white_flag:",
    ClosingOutcome.CLIENT_LEFT: ":wave:",
}
_STATUS = {
    StrategyStatus.PROPOSED: "proposed, no buy-in",
    StrategyStatus.APPROVED: "approved",
    StrategyStatus.LOST: "buy-in lost",
    StrategyStatus.SUPERSEDED: "superseded",
}
#: What followed a buy-in that was once reached, by the version's status now.
_AFTER_BUYIN = {
    StrategyStatus.SUPERSEDED: ", later superseded",
    StrategyStatus.LOST: ", later lost",
}


def _confidence(value: float | None) -> str:
    return f"{value:.1f}/5" if value is not None else "—"


def _health(value: int | None) -> str:
    return f"{value}/100" if value is not None else "—"


def _version_line(line: VersionLine, link: str | None) -> str:
    label = f"<{link}|v{line.version}>" if link else f"v{line.version}"
    status = _STATUS[line.status]
    if line.approved_at is not None:
        status = f"buy-in reached {line.approved_at:%Y-%m-%d}" + _AFTER_BUYIN.get(line.status, "")
    votes = f"approvals: client {line.approvals[Side.CLIENT]}, team {line.approvals[Side.TEAM]}"
    objections = sum(line.objections.values())
    if objections:
        votes += f"; objections: {objections}"
    return f"• {label} — {status} ({votes})"


def how_it_ended(
    client_name: str, outcome: ClosingOutcome | None, concerns: tuple[str, ...] = ()
) -> str:
    """The outcome a lead chose, in one clause; a recovery the data argues with says so.

    Cases closed before outcomes were asked for were all closed as recovered.
    """
    name = f"*{plain_escape(client_name)}*"
    if outcome is ClosingOutcome.NOT_RECOVERED:
        return f"the case with {name} is closed without a recovery"
    if outcome is ClosingOutcome.CLIENT_LEFT:
        return f"the case with {name} is closed: the client has left"
    if concerns:
        return f"the leads closed the case with {name} as recovered, although " + plain_escape(
            "; ".join(concerns)
        )
    return f"the relationship with {name} has recovered"


def _sentence(clause: str) -> str:
    return clause[0].upper() + clause[1:]


def told_us_text(told: Sequence[tuple[str, str, str]]) -> str:
    """What the client side said, in its words, each with where and when it was said."""
    lines = [
        f"• “{plain_escape(fit(text, 150))}” {kind} _({plain_escape(source)})_"
        for kind, text, source in told
    ]
    return trim("*What you told us*\n" + "\n".join(lines), SECTION_TEXT)


def closing_summary(
    summary: ClosingSummary, *, links: Callable[[VersionLine], str | None] = lambda _v: None
) -> list[Block]:
    """The channel message that closes the case: the whole arc, before and after."""
    grievances = (
        f"*Grievances* {summary.raised} raised, {summary.resolved} resolved"
        + (f", {summary.withdrawn} withdrawn" if summary.withdrawn else "")
        + (f", {summary.still_open} still open" if summary.still_open else "")
    )
    arc = (
        f"*Client confidence* {_confidence(summary.confidence_start)} at the start → "
        f"{_confidence(summary.confidence_now)} now\n"
        f"*Health* {_health(summary.health_start)} at the start → "
        f"{_health(summary.health_now)} now"
    )
    if summary.versions:
        versions = "*Strategy*\n" + "\n".join(_version_line(v, links(v)) for v in summary.versions)
    else:
        versions = "*Strategy* none was proposed."
    ended = how_it_ended(summary.client_name, summary.outcome, summary.concerns)
    return [
        HeaderBlock(text=shorten(f"Case closed · {summary.client_name}", 150)),
        SectionBlock(
            text=MarkdownTextObject(
                text=trim(
                    f"{_EMOJI[summary.outcome]} {_sentence(ended)}. "
                    f"Opened {summary.opened_at:%Y-%m-%d}, closed "
                    f"{summary.closed_at:%Y-%m-%d} ({plural(summary.days, 'day')}). "
                    "Thank you, everyone.",
                    SECTION_TEXT,
                )
            )
        ),
        SectionBlock(text=MarkdownTextObject(text=grievances)),
        SectionBlock(text=MarkdownTextObject(text=arc)),
        SectionBlock(text=MarkdownTextObject(text=trim(versions, SECTION_TEXT))),
        *(
            [SectionBlock(text=MarkdownTextObject(text=told_us_text(summary.told_us)))]
            if summary.told_us
            else []
        ),
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text="Check-ins have stopped. Every stakeholder gets a DM asking for a final "
                    "rating. A lead can reopen the case with `/grievance case reopen`."
                )
            ]
        ),
    ]


def closing_fallback(summary: ClosingSummary) -> str:
    """Notification text of the summary."""
    ended = how_it_ended(summary.client_name, summary.outcome, summary.concerns)
    return shorten(
        f"Case closed: {ended} ({summary.raised} grievances raised, {summary.resolved} resolved).",
        SECTION_TEXT,
    )


def closed_ack(asked: int, paused: int) -> str:
    """What the lead sees at once."""
    stopped = (
        f" and stopped {paused} check-in schedule{'s' if paused != 1 else ''}" if paused else ""
    )
    return (
        f"Closing the case: I'm posting the summary here, asking {asked} stakeholder"
        f"{'s' if asked != 1 else ''} for a final rating by DM{stopped}."
    )


def reopened_text(outcome: Reopened, by: str) -> str:
    """The channel notice when a case is reopened."""
    resumed = (
        f" {outcome.resumed} check-in schedule{'s' if outcome.resumed != 1 else ''} resumed."
        if outcome.resumed
        else ""
    )
    return (
        f":arrows_counterclockwise: *{plain_escape(by)}* reopened the case: back to "
        f"*{STAGE_LABELS[outcome.stage]}*.{resumed}"
    )


# ---- a grievance on a closed case -----------------------------------------------------


def _reopen_button(case_id: int) -> ActionsBlock:
    return ActionsBlock(
        elements=[
            ButtonElement(
                text="Reopen the case",
                action_id=Action.REOPEN_CASE,
                value=str(case_id),
                style="primary",
            )
        ]
    )


def reopen_offer(client_name: str, number: int, case_id: int, by: str) -> list[Block]:
    """The DM to a lead when a grievance lands on their closed case."""
    return [
        SectionBlock(
            text=MarkdownTextObject(
                text=f":rotating_light: {plain_escape(by)} filed *grievance #{number}* on the "
                f"*{plain_escape(client_name)}* case, which is closed. Check-ins have stopped; "
                "reopen the case to pick it up again."
            )
        ),
        _reopen_button(case_id),
    ]


def reopen_offer_text(client_name: str, number: int) -> str:
    """Fallback text of the lead's DM."""
    return f"Grievance #{number} was filed on the closed {plain_escape(client_name)} case."


def closed_case_note(case_id: int, *, told: int, lead: bool) -> list[Block]:
    """Added to the filer's acknowledgement: the case is closed, and who was told."""
    if told:
        said = f"I've told its lead{'s' if told != 1 else ''}, who can reopen it."
    else:
        said = "No other lead was there to tell."
    blocks: list[Block] = [
        SectionBlock(text=MarkdownTextObject(text=f":lock: This case is closed. {said}"))
    ]
    if lead:
        blocks.append(_reopen_button(case_id))
    return blocks


# ---- the rating DM and modal --------------------------------------------------------------


def rating_request(summary: ClosingSummary, rating_id: int) -> list[Block]:
    """The DM asking a stakeholder for their final rating, with the button that opens it."""
    ended = how_it_ended(summary.client_name, summary.outcome, summary.concerns)
    return [
        SectionBlock(
            text=MarkdownTextObject(
                text=trim(
                    f"{_sentence(ended)}. Before we move on: how did the work on it go "
                    "for you? A rating from 1 to 5 and a word or two help us learn; you can "
                    "stay anonymous.",
                    SECTION_TEXT,
                )
            )
        ),
        ActionsBlock(
            elements=[
                ButtonElement(
                    text="Rate how it went",
                    action_id=Action.FINAL_RATING_OPEN,
                    value=str(rating_id),
                    style="primary",
                )
            ]
        ),
    ]


def rating_request_text(client_name: str) -> str:
    """Fallback text of the DM."""
    return f"The {plain_escape(client_name)} case is closed: how did it go for you?"


def rating_for_leads(client_name: str, score: int, comment: str | None, who: str) -> list[Block]:
    """A final rating as it reaches the leads; ``who`` is "an anonymous stakeholder" for
    an anonymous one, so nothing here names them."""
    said = f"\n>{plain_escape(comment)}" if comment else ""
    return [
        SectionBlock(
            text=MarkdownTextObject(
                text=trim(
                    f":star: Final rating for the *{plain_escape(client_name)}* case: "
                    f"*{score}/5* from {plain_escape(who)}.{said}",
                    SECTION_TEXT,
                )
            )
        )
    ]


def rating_for_leads_text(client_name: str, score: int, who: str) -> str:
    """Fallback text of the leads' DM."""
    return f"Final rating for the {plain_escape(client_name)} case: {score}/5 from {who}."


def rating_thanks(client_name: str, score: int, *, anonymous: bool) -> list[Block]:
    """What the DM becomes once answered (no button left to press twice)."""
    how = " anonymously" if anonymous else ""
    return [
        SectionBlock(
            text=MarkdownTextObject(
                text=f":pray: Thank you: you rated the *{plain_escape(client_name)}* "
                f"case *{score}/5*{how}."
            )
        )
    ]


class RatingModalContext(BaseModel):
    """What the rating modal remembers (``private_metadata``): the rating and the DM."""

    rating_id: int
    dm_channel: str | None = None
    dm_ts: str | None = None


def rating_modal(context: RatingModalContext, client_name: str) -> View:
    """1–5, a comment, and "anonymous"."""
    options = [Option(text=label, value=str(score)) for score, label in RATING_LABELS.items()]
    anonymous = Option(
        text="Keep my rating anonymous (it is never shown with my name)", value=ANONYMOUS_OPTION
    )
    return View(
        type="modal",
        callback_id=Callback.FINAL_RATING_MODAL,
        title="Final rating",
        submit="Send",
        close="Cancel",
        private_metadata=context.model_dump_json(),
        blocks=[
            SectionBlock(
                text=MarkdownTextObject(
                    text=f"How did the work on the *{plain_escape(client_name)}* case go for you?"
                )
            ),
            InputBlock(
                block_id=RatingField.SCORE,
                label="Your rating",
                element=StaticSelectElement(
                    action_id=RatingField.SCORE, placeholder="1 to 5", options=options
                ),
            ),
            text_input(
                RatingField.COMMENT,
                "Anything you'd like to say?",
                optional=True,
                max_length=MAX_COMMENT,
                placeholder="What made the difference, and what should we keep doing?",
            ),
            InputBlock(
                block_id=RatingField.ANONYMOUS,
                label="Anonymity",
                optional=True,
                element=CheckboxesElement(action_id=RatingField.ANONYMOUS, options=[anonymous]),
            ),
        ],
    )
