"""Interviews in Block Kit: the invitation DM, the reminder, the answer modal, the question
editor, the coverage report, and the lead's summary of an invitation round.

Pure builders over the playbook's plain values (``InterviewCard``, ``Coverage``); text
people typed (names, questions, the client's name) is escaped before it reaches mrkdwn.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pydantic import BaseModel
from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    CheckboxesElement,
    ContextBlock,
    InputBlock,
    MarkdownTextObject,
    NumberInputElement,
    Option,
    RadioButtonsElement,
    SectionBlock,
    UserMultiSelectElement,
)
from slack_sdk.models.views import View

from bot.blocks.inputs import text_input
from bot.blocks.text import fit, plain_escape, shorten, trim
from bot.ids import Action, Callback
from bot.playbook.interviews import (
    MAX_ANSWER_LENGTH,
    MAX_QUESTION_LENGTH,
    MAX_QUESTIONS,
    MAX_REMINDER_HOURS,
    MIN_REMINDER_HOURS,
    Coverage,
    CoverageRow,
    InterviewCard,
)
from bot.vocabulary import InterviewStatus, Role, Side

#: Value of the "Quote me anonymously" checkbox option.
ANONYMOUS_OPTION = "anonymous"
#: Values of the "I'm done" / "Save and come back later" choice.
FINISH_DONE = "done"
FINISH_SAVE = "save"
#: Slack caps a plain_text_input at 3,000 characters (one input holds a whole set).
QUESTIONS_INPUT_LIMIT = 3000
SECTION_LIMIT = 3000
NAME_LIMIT = 80

_WHY = {
    Side.CLIENT: (
        "Things have not gone as they should. Before we plan how to put them right, we want "
        "to hear it from you: what went wrong, what matters most to you now, and how you "
        "will judge that we have recovered."
    ),
    Side.TEAM: (
        "Before we agree a recovery plan with the client, we want to hear everyone on the "
        "team: what went wrong, what matters most now, and what would make you confident "
        "in the plan."
    ),
}
_GROUP_TITLES = {
    Role.CLIENT_LEADER: "Client leadership",
    Role.CLIENT_MEMBER: "Client members",
    Role.TEAM_LEAD: "Team leads",
    Role.TEAM_MEMBER: "Team members",
}
_STATUS_WORDS = {
    None: "not invited",
    InterviewStatus.INVITED: "invited, no answer yet",
    InterviewStatus.IN_PROGRESS: "started, not finished",
    InterviewStatus.ANSWERED: "answered",
}


class InterviewModalContext(BaseModel):
    """What the answer modal remembers (``private_metadata``)."""

    interview_id: int


class QuestionsContext(BaseModel):
    """What the question editor remembers (``private_metadata``)."""

    team_id: str
    channel_id: str
    case_id: int


def answer_block_id(position: int) -> str:
    """Block (and action) id of the answer input for question ``position`` (from 1)."""
    return f"{Action.INTERVIEW_ANSWER}:{position}"


def answer_position(block_id: str) -> int | None:
    """The question position an answer input's block id stands for, if it is one."""
    prefix, _, number = block_id.partition(":")
    return int(number) if prefix == Action.INTERVIEW_ANSWER and number.isdigit() else None


# ---- the DM --------------------------------------------------------------------------


def _button(card: InterviewCard) -> ButtonElement:
    label = {
        InterviewStatus.INVITED: "Start the interview",
        InterviewStatus.IN_PROGRESS: "Continue",
        InterviewStatus.ANSWERED: "Edit your answers",
    }[card.status]
    return ButtonElement(
        text=label,
        action_id=Action.INTERVIEW_OPEN,
        value=str(card.interview_id),
        style="primary" if card.status is not InterviewStatus.ANSWERED else None,
    )


def _progress(card: InterviewCard) -> str | None:
    total = len(card.questions)
    if card.status is InterviewStatus.IN_PROGRESS:
        return (
            f":pencil2: Saved: {card.answered_count} of {total} answered. "
            "Press *Continue* when you're ready, and choose *I'm done* to finish."
        )
    if card.status is InterviewStatus.ANSWERED:
        quoted = (
            " You asked to be quoted anonymously: only your role will be shown."
            if card.anonymous
            else ""
        )
        return (
            f":white_check_mark: Answered ({card.answered_count} of {total}). "
            f"Thank you for taking the time.{quoted}"
        )
    return None


def _questions_list(card: InterviewCard) -> str:
    lines = [f"{n}. {plain_escape(q)}" for n, q in enumerate(card.questions, start=1)]
    return trim("*The questions* (all optional):\n" + "\n".join(lines), SECTION_LIMIT)


def _status_tail(card: InterviewCard) -> list[Block]:
    blocks: list[Block] = []
    if progress := _progress(card):
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=progress)]))
    blocks.append(ActionsBlock(elements=[_button(card)]))
    return blocks


def invitation_blocks(card: InterviewCard) -> list[Block]:
    """The invitation DM: who asks, why, the questions, and a button that tracks progress."""
    who = f"*{fit(card.inviter_name, NAME_LIMIT)}*" if card.inviter_name else "The delivery team"
    greeting = (
        f":wave: Hi {fit(card.person_name, NAME_LIMIT)}, {who} would like to interview you "
        f"about *{fit(card.client_name, NAME_LIMIT)}*."
    )
    return [
        SectionBlock(text=MarkdownTextObject(text=greeting + "\n" + _WHY[card.side])),
        SectionBlock(text=MarkdownTextObject(text=_questions_list(card))),
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text="It takes about ten minutes. You can save and come back later, "
                    "and ask to be quoted anonymously."
                )
            ]
        ),
        *_status_tail(card),
    ]


def invitation_text(card: InterviewCard) -> str:
    """The DM's notification text."""
    who = card.inviter_name or "The delivery team"
    return shorten(f"{who} would like to interview you about {card.client_name}.", 300)


def reminder_blocks(card: InterviewCard, *, hours: int) -> list[Block]:
    """The one reminder DM, with the same button as the invitation."""
    who = f"*{fit(card.inviter_name, NAME_LIMIT)}*" if card.inviter_name else "The delivery team"
    ago = f"{hours // 24} days" if hours % 24 == 0 and hours >= 48 else f"{hours} hours"
    text = (
        f":alarm_clock: A gentle reminder, {fit(card.person_name, NAME_LIMIT)}: {who} asked "
        f"for your view on *{fit(card.client_name, NAME_LIMIT)}* about {ago} ago. "
        "Every question is optional, and what you say shapes the recovery plan."
    )
    return [SectionBlock(text=MarkdownTextObject(text=text)), *_status_tail(card)]


def reminder_text(card: InterviewCard) -> str:
    """The reminder's notification text."""
    return shorten(f"A reminder: your interview about {card.client_name} is waiting.", 300)


# ---- the answer modal ----------------------------------------------------------------


def interview_modal(card: InterviewCard) -> View:
    """One optional multiline input per question, prefilled; anonymity; finish or save."""
    intro = (
        f"*{fit(card.client_name, NAME_LIMIT)}*: {_WHY[card.side]}\n"
        "Every question is optional. Your answers are kept with the case."
    )
    blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text=intro))]
    for position, question in enumerate(card.questions, start=1):
        answer = card.answers[position - 1] if position - 1 < len(card.answers) else ""
        block_id = answer_block_id(position)
        blocks.append(
            text_input(
                block_id, shorten(question, 2000), initial=answer, max_length=MAX_ANSWER_LENGTH
            )
        )
    anonymous = Option(
        text="Quote me anonymously",
        value=ANONYMOUS_OPTION,
        description="Findings will show only your role, not your name.",
    )
    blocks.append(
        InputBlock(
            block_id=Action.INTERVIEW_ANONYMOUS,
            label="Anonymity",
            optional=True,
            element=CheckboxesElement(
                action_id=Action.INTERVIEW_ANONYMOUS,
                options=[anonymous],
                initial_options=[anonymous] if card.anonymous else None,
            ),
        )
    )
    done = Option(text="I'm done", value=FINISH_DONE)
    later = Option(text="Save and come back later", value=FINISH_SAVE)
    blocks.append(
        InputBlock(
            block_id=Action.INTERVIEW_FINISH,
            label="When you save",
            element=RadioButtonsElement(
                action_id=Action.INTERVIEW_FINISH, options=[done, later], initial_option=done
            ),
        )
    )
    return View(
        type="modal",
        callback_id=Callback.INTERVIEW_MODAL,
        title="Interview",
        submit="Save",
        close="Cancel",
        private_metadata=InterviewModalContext(interview_id=card.interview_id).model_dump_json(),
        blocks=blocks,
    )


# ---- the question editor -------------------------------------------------------------


def questions_modal(
    context: QuestionsContext, *, client: list[str], team: list[str], hours: int
) -> View:
    """Edit both sides' questions (one per line) and the reminder delay."""

    def questions_input(action: Action, label: str, current: list[str], hint: str) -> InputBlock:
        return text_input(
            action,
            label,
            initial="\n".join(current),
            optional=False,
            hint=hint,
            max_length=QUESTIONS_INPUT_LIMIT,
        )

    return View(
        type="modal",
        callback_id=Callback.INTERVIEW_QUESTIONS,
        title="Interview questions",
        submit="Save",
        close="Cancel",
        private_metadata=context.model_dump_json(),
        blocks=[
            SectionBlock(
                text=MarkdownTextObject(
                    text=f"One question per line, at most {MAX_QUESTIONS} per side, each at "
                    f"most {MAX_QUESTION_LENGTH} characters. Interviews already sent keep "
                    "the questions they were sent with."
                )
            ),
            questions_input(
                Action.INTERVIEW_CLIENT_QUESTIONS,
                "Questions for the client",
                client,
                "Asked of client leadership and client members.",
            ),
            questions_input(
                Action.INTERVIEW_TEAM_QUESTIONS,
                "Questions for the team",
                team,
                "Asked of team leads and team members.",
            ),
            InputBlock(
                block_id=Action.INTERVIEW_REMINDER_HOURS,
                label="Remind after (hours)",
                hint="Whoever hasn't answered by then gets one reminder by DM.",
                element=NumberInputElement(
                    action_id=Action.INTERVIEW_REMINDER_HOURS,
                    is_decimal_allowed=False,
                    initial_value=str(hours),
                    min_value=str(MIN_REMINDER_HOURS),
                    max_value=str(MAX_REMINDER_HOURS),
                ),
            ),
        ],
    )


# ---- coverage ------------------------------------------------------------------------


def _row_line(row: CoverageRow, *, show_anonymous: bool) -> str:
    words = _STATUS_WORDS[row.status]
    if row.reminded and row.status is not InterviewStatus.ANSWERED:
        words += ", reminded"
    if show_anonymous and row.anonymous and row.status is InterviewStatus.ANSWERED:
        words += " (anonymous)"
    mark = ":white_check_mark:" if row.status is InterviewStatus.ANSWERED else "•"
    return f"{mark} {fit(row.name, NAME_LIMIT)}: {words}"


def status_blocks(client_name: str, found: Coverage, *, show_anonymous: bool) -> list[Block]:
    """Who was invited, who answered and who has not, per role; and leadership heard.

    ``show_anonymous`` marks who asked for anonymity (for leads, who quote findings).
    """
    counts = (
        f"Invited {found.invited} · answered {found.answered} · waiting {found.waiting}\n"
        f"*{found.leadership_summary}*"
    )
    blocks: list[Block] = [
        SectionBlock(
            text=MarkdownTextObject(text=f"*Interviews for {fit(client_name, NAME_LIMIT)}*")
        ),
        SectionBlock(text=MarkdownTextObject(text=counts)),
    ]
    for role, title in _GROUP_TITLES.items():
        rows = found.groups.get(role, [])
        lines = [_row_line(r, show_anonymous=show_anonymous) for r in rows] or ["_nobody yet_"]
        blocks.append(
            SectionBlock(
                text=MarkdownTextObject(text=trim(f"*{title}*\n" + "\n".join(lines), SECTION_LIMIT))
            )
        )
    blocks.append(
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text="Invite with `/grievance interview @someone`; edit the questions "
                    "with `/grievance interview questions`; set roles with `/grievance people`."
                )
            ]
        )
    )
    return blocks


def status_text(found: Coverage) -> str:
    """Fallback text of the coverage report."""
    return (
        f"Interviews: {found.answered} answered of {found.invited} invited. "
        + found.leadership_summary
    )


# ---- the lead's summary of an invitation round ---------------------------------------


@dataclass(frozen=True)
class SentInvitation:
    """One invitation DM and how it went (``error``: Slack's error when it failed)."""

    name: str
    side: Side
    again: bool = False
    error: str | None = None


@dataclass
class InviteReport:
    """What happened to each person a lead named, for one private summary."""

    sent: list[SentInvitation] = field(default_factory=list)
    already: list[tuple[str, InterviewStatus]] = field(default_factory=list)
    #: Sentences naming who can't be invited and why (bots, unknown, deactivated).
    refused: list[str] = field(default_factory=list)


def _names(names: list[str]) -> str:
    escaped = [f"*{fit(n, NAME_LIMIT)}*" for n in names]
    return escaped[0] if len(escaped) == 1 else ", ".join(escaped[:-1]) + " and " + escaped[-1]


def invite_report_text(report: InviteReport) -> str:
    """The lead's private summary: invited, already invited, refused, not delivered."""
    lines: list[str] = []
    fresh = [s for s in report.sent if s.error is None and not s.again]
    if fresh:
        by_side = ", ".join(f"*{fit(s.name, NAME_LIMIT)}* ({s.side.value} side)" for s in fresh)
        lines.append(f":incoming_envelope: Invited by DM: {by_side}.")
    resent = [s.name for s in report.sent if s.error is None and s.again]
    if resent:
        lines.append(f"Sent the invitation again to {_names(resent)} (it hadn't reached them).")
    for name, status in report.already:
        state = {
            InterviewStatus.INVITED: "has not started yet",
            InterviewStatus.IN_PROGRESS: "has started answering",
            InterviewStatus.ANSWERED: "has answered",
        }[status]
        lines.append(
            f"*{fit(name, NAME_LIMIT)}* was already invited and {state}; nothing was changed."
        )
    lines.extend(report.refused)
    for failed in (s for s in report.sent if s.error is not None):
        lines.append(
            f":warning: I couldn't DM *{fit(failed.name, NAME_LIMIT)}* (Slack said "
            f"`{plain_escape(failed.error or '')}`). Their interview is kept: invite them "
            "again later to retry, or ask them to open a DM with me first."
        )
    if not lines:
        lines.append("Nobody was invited.")
    return trim("\n".join(lines), SECTION_LIMIT)


class InviteContext(BaseModel):
    """What the invite form remembers (``private_metadata``)."""

    team_id: str
    channel_id: str


def invite_modal(private_metadata: str, suggested: list[str]) -> View:
    """Pick whom to interview; stakeholders not yet invited are preselected."""
    return View(
        type="modal",
        callback_id=Callback.INTERVIEW_INVITE,
        title="Invite to interview",
        submit="Invite",
        close="Cancel",
        private_metadata=private_metadata,
        blocks=[
            SectionBlock(
                text=MarkdownTextObject(
                    text="Each person gets a DM with the questions for their side and answers "
                    "in a form. Client leadership first: buy-in depends on them."
                )
            ),
            InputBlock(
                block_id=Action.INTERVIEW_INVITEES,
                label="Who should we interview?",
                element=UserMultiSelectElement(
                    action_id=Action.INTERVIEW_INVITEES,
                    initial_users=suggested[:100] or None,
                    max_selected_items=30,
                ),
            ),
        ],
    )
