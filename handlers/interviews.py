"""``/grievance interview``: invite people by DM, answer in a modal, see coverage, edit questions.

Invitations are committed before anything is sent: the command is acknowledged at once
(Slack's 3 seconds do not cover a users.info and two DM calls per person), then each
person is looked up, invited and messaged, and the lead gets one private summary that
names whoever could not be invited or reached.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from slack_bolt import Ack, App
from slack_bolt.context.respond import Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.blocks.interview import (
    ANONYMOUS_OPTION,
    FINISH_SAVE,
    InterviewModalContext,
    InviteContext,
    InviteReport,
    QuestionsContext,
    SentInvitation,
    answer_position,
    interview_modal,
    invitation_blocks,
    invitation_text,
    invite_modal,
    invite_report_text,
    questions_modal,
    status_blocks,
    status_text,
)
from bot.blocks.text import fit, plain_escape
from bot.deps import Deps
from bot.flows import interviews as flow
from bot.ids import Action, Callback, row_id
from bot.playbook import interviews as playbook
from bot.playbook.errors import PlaybookError
from bot.playbook.people import Profile
from bot.slack.identity import Acting, Installation
from bot.slack.lookup import profile_of
from bot.slack.messages import open_dm, tell
from bot.vocabulary import Side
from handlers.context import CommandCall
from handlers.payloads import ButtonPress, FormSubmission
from handlers.refusals import answer_refusals
from handlers.view_state import answers_stale_forms, read_metadata

logger = logging.getLogger(__name__)

USAGE = (
    "Use `/grievance interview @someone @someone-else` to invite people to an interview "
    "by DM (leads), `/grievance interview status` to see who has answered, or "
    "`/grievance interview questions` to edit the questions (leads)."
)
_MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|([^>]*))?>")
_QUESTION_BLOCKS = {
    Side.CLIENT.value: Action.INTERVIEW_CLIENT_QUESTIONS.value,
    Side.TEAM.value: Action.INTERVIEW_TEAM_QUESTIONS.value,
    "hours": Action.INTERVIEW_REMINDER_HOURS.value,
}
_NOT_BOTS = frozenset({"USLACKBOT"})


def interview(call: CommandCall) -> None:
    """Route ``/grievance interview status | questions | @a @b …``; anything else: usage."""
    args = call.parsed.args.strip()
    if args.lower() == "status":
        _status(call)
    elif args.lower() == "questions":
        _open_questions(call)
    elif mentions := _mentions(args):
        _invite(call, mentions)
    elif not args:
        _open_invite_form(call)
    else:
        call.ack(text=USAGE)


def _mentions(args: str) -> list[tuple[str, str | None]]:
    """``(user id, name as typed)`` for each distinct mention, in order."""
    found: dict[str, str | None] = {}
    for user_id, label in _MENTION.findall(args):
        found.setdefault(user_id, label or None)
    return list(found.items())


def _asked_by(call: CommandCall) -> dict[str, str]:
    """Who typed the command where, as the interview flows take it."""
    return {"team_id": call.team_id, "channel_id": call.where.channel_id, "user_id": call.user_id}


# ---- inviting ------------------------------------------------------------------------


def _invite(call: CommandCall, mentions: list[tuple[str, str | None]]) -> None:
    """Refuse non-leads at once; otherwise acknowledge, then invite and report privately."""
    case_id = flow.require_inviter(call.deps.db, **_asked_by(call))
    call.ack()
    try:
        report = _invite_and_send(
            call.client, call.deps, call.home, call.user_id, case_id, mentions
        )
    except PlaybookError as refusal:  # e.g. no longer a lead by the time we got here
        call.respond(text=str(refusal), response_type="ephemeral")
        return
    call.respond(text=invite_report_text(report), response_type="ephemeral")


def _invitee(
    client: WebClient, user_id: str, label: str | None, home: Installation
) -> Profile | str:
    """The person's profile, or a sentence naming them and why they can't be invited.

    ``profile_of`` hides users.info failures behind a bare profile, so the cases that
    matter here (unknown, deactivated, bot) are checked first.
    """
    shown = f"*@{fit(label, 80)}*" if label else f"`{plain_escape(user_id)}`"
    try:
        user: dict[str, Any] = client.users_info(user=user_id)["user"]
    except SlackApiError as exc:
        error = str(exc.response.get("error"))
        if error in {"user_not_found", "users_not_found"}:
            return f"I can't find {shown} in this workspace, so I didn't invite them."
        return f"I couldn't look up {shown} (Slack said `{plain_escape(error)}`); not invited."
    name = (user.get("profile") or {}).get("display_name") or user.get("real_name") or label
    named = f"*{fit(str(name), 80)}*" if name else shown
    if user.get("deleted"):
        return f"{named}'s account is deactivated, so I didn't invite them."
    if user.get("is_bot") or user.get("is_app_user") or user_id in _NOT_BOTS:
        return f"{named} is a bot: there is nobody to interview."
    return profile_of(client, user_id, home)


def _open_invite_form(call: CommandCall) -> None:
    """``/grievance interview`` alone: a lead picks whom to interview in a form."""
    suggested = flow.suggested_invitees(call.deps.db, **_asked_by(call))
    call.ack()
    context = InviteContext(team_id=call.team_id, channel_id=call.where.channel_id)
    call.client.views_open(
        trigger_id=call.body["trigger_id"], view=invite_modal(context.model_dump_json(), suggested)
    )


def _invite_and_send(
    client: WebClient,
    deps: Deps,
    home: Installation,
    lead_id: str,
    case_id: int,
    mentions: list[tuple[str, str | None]],
) -> InviteReport:
    """Look the invitees up, commit their interviews, then DM each of them."""
    report = InviteReport()
    profiles: list[Profile] = []
    for user_id, label in mentions:
        found = _invitee(client, user_id, label, home)
        if isinstance(found, str):
            report.refused.append(found)
        else:
            profiles.append(found)
    if not profiles:
        return report
    invited = flow.invite(
        deps.db, team_id=home.key, case_id=case_id, lead_id=lead_id, invitees=profiles
    )
    report.already.extend(invited.already)
    report.refused.extend(invited.skipped)
    # Committed: the interviews exist whatever happens to the DMs below.
    for invitation, card in invited.to_send:
        error: str | None = None
        try:
            channel, ts = _send_dm(
                client,
                invitation.user_id or "",
                text=invitation_text(card),
                blocks=invitation_blocks(card),
            )
        except SlackApiError as exc:
            error = str(exc.response.get("error") or "unknown_error")
            logger.warning(
                "interview invitation not delivered",
                extra={"interview_id": invitation.interview_id, "error": error},
            )
        else:
            flow.remember_dm(deps.db, interview_id=invitation.interview_id, channel=channel, ts=ts)
        report.sent.append(
            SentInvitation(invitation.name, invitation.side, invitation.again, error)
        )
    return report


def _send_dm(client: WebClient, user_id: str, *, text: str, blocks: list[Any]) -> tuple[str, str]:
    """Open the DM with ``user_id`` and post there; (channel, ts) of the message."""
    channel = open_dm(client, user_id)
    posted = client.chat_postMessage(channel=channel, text=text, blocks=blocks)
    return str(posted["channel"]), str(posted["ts"])


# ---- status and questions ------------------------------------------------------------


def _status(call: CommandCall) -> None:
    """Coverage of the case's interviews, privately; leads also see who asked anonymity."""
    found = flow.status(call.deps.db, **_asked_by(call))
    blocks = status_blocks(found.client_name, found.coverage, show_anonymous=found.show_anonymous)
    call.ack(text=status_text(found.coverage), blocks=blocks)


def _open_questions(call: CommandCall) -> None:
    """Open the question editor for a lead, prefilled with the case's current sets."""
    sets = flow.question_sets(call.deps.db, **_asked_by(call))
    context = QuestionsContext(
        team_id=call.team_id, channel_id=call.where.channel_id, case_id=sets.case_id
    )
    call.ack()
    call.client.views_open(
        trigger_id=call.body["trigger_id"],
        view=questions_modal(context, client=sets.client, team=sets.team, hours=sets.hours),
    )


# ---- listeners -----------------------------------------------------------------------


def _answers(values: dict[str, object]) -> list[str]:
    """The answer inputs' texts ordered by question position (gaps left blank)."""
    by_position = {
        position: value if isinstance(value, str) else ""
        for block_id, value in values.items()
        if (position := answer_position(block_id)) is not None
    }
    return [by_position.get(n, "") for n in range(1, max(by_position, default=0) + 1)]


@answer_refusals
@answers_stale_forms
def on_invite(
    ack: Ack,
    body: dict[str, Any],
    view: dict[str, Any],
    submission: FormSubmission,
    client: WebClient,
    deps: Deps,
    acting: Acting,
) -> None:
    """A lead picked whom to interview in the invite form."""
    context = read_metadata(InviteContext, view)
    chosen = submission.values.get(Action.INTERVIEW_INVITEES) or []
    lead_id = acting.user_id
    case_id = flow.case_here(deps.db, team_id=context.team_id, channel_id=context.channel_id)
    if case_id is None or not isinstance(chosen, list) or not chosen:
        ack(response_action="errors", errors={Action.INTERVIEW_INVITEES: "Pick someone."})
        return
    ack()
    try:
        report = _invite_and_send(
            client, deps, acting.home, lead_id, case_id, [(u, None) for u in chosen]
        )
        text = invite_report_text(report)
    except PlaybookError as refusal:
        text = str(refusal)
    tell(client, context.channel_id, lead_id, text)


@answer_refusals
def on_open(
    ack: Ack,
    body: dict[str, Any],
    press: ButtonPress,
    client: WebClient,
    respond: Respond,
    deps: Deps,
    acting: Acting,
) -> None:
    """An invitee opens the answer modal from their DM."""
    ack()
    interview_id = row_id(press.value)
    if interview_id is None:
        raise PlaybookError("That interview is no longer available.")
    card = flow.card_for(deps.db, interview_id=interview_id, user_id=acting.user_id)
    client.views_open(trigger_id=press.trigger_id, view=interview_modal(card))


@answer_refusals
@answers_stale_forms
def on_answer(
    ack: Ack,
    body: dict[str, Any],
    view: dict[str, Any],
    submission: FormSubmission,
    client: WebClient,
    deps: Deps,
    acting: Acting,
) -> None:
    """An invitee saved or finished their answers."""
    context = read_metadata(InterviewModalContext, view)
    values = submission.values
    anonymous = values.get(Action.INTERVIEW_ANONYMOUS) or []
    try:
        outcome = flow.save_answers(
            deps.db,
            interview_id=context.interview_id,
            user_id=acting.user_id,
            answers=_answers(values),
            anonymous=isinstance(anonymous, list) and ANONYMOUS_OPTION in anonymous,
            finish=values.get(Action.INTERVIEW_FINISH) != FINISH_SAVE,
        )
    except PlaybookError as refusal:
        ack(response_action="errors", errors={Action.INTERVIEW_FINISH.value: str(refusal)})
        return
    ack()  # committed: close the modal, then show the new state in the DM
    card = outcome.card
    if card.dm_channel and card.dm_ts:
        try:
            client.chat_update(
                channel=card.dm_channel,
                ts=card.dm_ts,
                text=invitation_text(card),
                blocks=invitation_blocks(card),
            )
        except SlackApiError as exc:
            logger.warning(
                "interview DM not updated",
                extra={"interview_id": card.interview_id, "error": exc.response.get("error")},
            )


@answer_refusals
@answers_stale_forms
def on_questions(
    ack: Ack,
    body: dict[str, Any],
    view: dict[str, Any],
    submission: FormSubmission,
    client: WebClient,
    deps: Deps,
    acting: Acting,
) -> None:
    """A lead saved the question editor."""
    context = read_metadata(QuestionsContext, view)
    values = submission.values
    user_id = acting.user_id
    try:
        saved = flow.save_questions(
            deps.db,
            team_id=context.team_id,
            case_id=context.case_id,
            user_id=user_id,
            client=_text(values.get(Action.INTERVIEW_CLIENT_QUESTIONS)),
            team=_text(values.get(Action.INTERVIEW_TEAM_QUESTIONS)),
            reminder_hours=values.get(Action.INTERVIEW_REMINDER_HOURS),
        )
    except playbook.QuestionsError as invalid:
        ack(
            response_action="errors",
            errors={_QUESTION_BLOCKS[key]: message for key, message in invalid.fields.items()},
        )
        return
    except PlaybookError as refusal:
        ack(
            response_action="errors",
            errors={Action.INTERVIEW_CLIENT_QUESTIONS.value: str(refusal)},
        )
        return
    ack()
    text = (
        f"Saved the interview questions: {saved.counts[Side.CLIENT]} for the client, "
        f"{saved.counts[Side.TEAM]} for the team; reminders after {saved.hours} hours. "
        "Interviews already sent keep their questions."
        if saved.changed
        else "Nothing changed in the interview questions."
    )
    try:
        client.chat_postEphemeral(channel=context.channel_id, user=user_id, text=text)
    except SlackApiError as exc:
        logger.warning(
            "questions confirmation not shown", extra={"error": exc.response.get("error")}
        )


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def register(app: App) -> None:
    """Listen for the invite form, the DM's button, the answer modal and the question editor."""
    app.view(Callback.INTERVIEW_INVITE)(on_invite)
    app.action(Action.INTERVIEW_OPEN)(on_open)
    app.view(Callback.INTERVIEW_MODAL)(on_answer)
    app.view(Callback.INTERVIEW_QUESTIONS)(on_questions)
