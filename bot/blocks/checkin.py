"""Check-ins in Block Kit: the message with its rating buttons and tallies, the schedule
form, the list of schedules, and the notes the bot sends about them.

Pure builders over the playbook's plain values. ``checkin_blocks`` renders a message
from a ``CheckinView`` the same way whether it is first posted or updated after a
rating, so the answers part re-renders it in place with the new tally.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

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
    RadioButtonsElement,
    SectionBlock,
    StaticMultiSelectElement,
    StaticSelectElement,
    TimePickerElement,
)
from slack_sdk.models.views import View

from bot.blocks.inputs import text_input
from bot.blocks.text import fit, plain_escape, shorten, trim
from bot.ids import Action, Callback, CheckinField
from bot.playbook.checkins import (
    AUDIENCE_LABELS,
    MAX_QUESTION,
    MAX_QUESTIONS,
    RATING,
    CheckinView,
    MissedNotice,
    PausedNotice,
    ScheduleSummary,
    Tally,
)
from bot.playbook.commitment_tally import Upcoming
from bot.playbook.schedules import DAY_CODES, DAY_NAMES, zone
from bot.vocabulary import Audience

SECTION_TEXT = 3000
#: Blocks a message may have (Slack: 50), kept clear of the limit for the list.
MAX_LISTED = 40
RATING_HINT = "1 = not at all, 5 = completely. Press again to change your rating."
OPEN_TALLY_OPTION = "open_tally"
CADENCE_LABELS = {
    "weekday": "Every weekday (Monday to Friday)",
    "weekly": "Every week",
    "biweekly": "Every 2 weeks",
}
AUDIENCE_CHOICES = {
    Audience.EVERYONE: "Everyone in the channel",
    Audience.CLIENT: "The client side",
    Audience.TEAM: "The team side",
}


# ---- rating buttons ----------------------------------------------------------------------


def rate_action_id(question_index: int, rating: int) -> str:
    """``checkin_rate:<question_index>:<rating>``: unique per button within a message."""
    return f"{Action.CHECKIN_RATE}:{question_index}:{rating}"


def rate_value(occurrence_id: int, question_index: int, rating: int) -> str:
    """``<occurrence_id>:<question_index>:<rating>``, what the answers listener reads."""
    return f"{occurrence_id}:{question_index}:{rating}"


# ---- the check-in message ----------------------------------------------------------------


def tally_line(tally: Tally, *, open_tally: bool) -> str:
    """``3 ratings · average 3.7 · 1: – · 2: 1 · 3: – · 4: 2 · 5: –`` (names if open)."""
    if not tally.total:
        return "_No ratings yet._"
    parts = []
    for rating, count in enumerate(tally.counts, 1):
        shown = str(count) if count else "–"
        names = tally.names[rating - 1] if open_tally and rating <= len(tally.names) else ()
        if names:
            shown += " (" + ", ".join(fit(n, 40) for n in names) + ")"
        parts.append(f"*{rating}:* {shown}")
    plural = "rating" if tally.total == 1 else "ratings"
    average = tally.average or 0.0
    head = f"{tally.total} {plural} · average {average:.1f}"
    return trim(" · ".join([head, *parts]), SECTION_TEXT)


def _audience_words(audience: Audience) -> str:
    return f"For {AUDIENCE_LABELS[audience]}"


def _intro(view: CheckinView) -> str:
    line = f"{_audience_words(view.audience)} · {plain_escape(view.cadence)}"
    if view.late:
        line += f"\n:hourglass: Posted late: it was due at {view.due_local}."
    return line


def checkin_blocks(view: CheckinView) -> list[Block]:
    """The check-in: each rating question with buttons 1–5 and its tally; open questions
    answered in the thread."""
    blocks: list[Block] = [
        HeaderBlock(text=shorten(f"Check-in · {view.client_name}", 150)),
        ContextBlock(elements=[MarkdownTextObject(text=_intro(view))]),
    ]
    asks_thread = False
    for number, question in enumerate(view.questions, 1):
        text = f"*{number}. {fit(question.text, MAX_QUESTION + 50)}*"
        if question.kind != RATING:
            asks_thread = True
            blocks.append(
                SectionBlock(text=MarkdownTextObject(text=text + "\n_Answer in this thread._"))
            )
            continue
        blocks.append(SectionBlock(text=MarkdownTextObject(text=text)))
        blocks.append(
            ActionsBlock(
                block_id=f"{Action.CHECKIN_RATE}:{question.index}",
                elements=[
                    ButtonElement(
                        text=str(rating),
                        action_id=rate_action_id(question.index, rating),
                        value=rate_value(view.occurrence_id, question.index, rating),
                    )
                    for rating in range(1, 6)
                ],
            )
        )
        tally = question.tally or Tally()
        blocks.append(
            ContextBlock(
                elements=[MarkdownTextObject(text=tally_line(tally, open_tally=view.open_tally))]
            )
        )
    if view.due_soon:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=due_soon_text(view.due_soon))))
    footer = RATING_HINT
    if asks_thread:
        footer += " Anything else: reply in this thread."
    if view.open_tally:
        footer += " Ratings are shown with names."
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=footer)]))
    return blocks


def due_soon_text(items: Sequence[Upcoming]) -> str:
    """The commitments due this week (and any overdue), so everyone sees what is promised."""
    lines = [
        f"• #{c.number} {plain_escape(c.owner)}: {fit(c.text, 120)} — "
        + (f":warning: overdue since {c.due:%a %d %b}" if c.overdue else f"by {c.due:%a %d %b}")
        for c in items[:10]
    ]
    more = f"\n…and {len(items) - 10} more (`/grievance commit`)" if len(items) > 10 else ""
    return trim("*Due this week*\n" + "\n".join(lines) + more, 3000)


def checkin_text(view: CheckinView) -> str:
    """Notification text: whose check-in, and the first question."""
    first = view.questions[0].text if view.questions else "How are we doing?"
    late = " (posted late)" if view.late else ""
    return plain_escape(shorten(f"Check-in for {view.client_name}{late}: {first}", 300))


# ---- the schedule form -------------------------------------------------------------------


class CheckinModalContext(BaseModel):
    """What the schedule form remembers until it is submitted (``private_metadata``)."""

    team_id: str
    channel_id: str
    case_id: int
    #: The schedule being edited; None creates one.
    schedule_id: int | None = None


@dataclass(frozen=True)
class ScheduleForm:
    """What the form starts with: a suggestion for a new schedule, or the one being edited."""

    cadence: str
    days: tuple[int, ...]
    time_of_day: str
    timezone: str
    audience: Audience = Audience.EVERYONE
    rating_questions: Sequence[str] = field(default_factory=tuple)
    open_questions: Sequence[str] = field(default_factory=tuple)
    holidays: str = ""
    open_tally: bool = False


def _option(text: str, value: str) -> Option:
    return Option(text=text, value=value)


def schedule_modal(
    context: CheckinModalContext, form: ScheduleForm, *, client_name: str, stage_hint: str = ""
) -> View:
    """The form to schedule a check-in (or edit schedule ``context.schedule_id``)."""
    editing = context.schedule_id is not None
    cadences = [_option(label, value) for value, label in CADENCE_LABELS.items()]
    days = [_option(name, code) for code, name in zip(DAY_CODES, DAY_NAMES, strict=True)]
    audiences = [_option(label, a.value) for a, label in AUDIENCE_CHOICES.items()]
    tally_option = _option("Show who gave which rating", OPEN_TALLY_OPTION)
    intro = (
        f"A check-in is posted in this channel for *{fit(client_name, 200)}* on a schedule, "
        "asking for 1–5 ratings by button and anything else in its thread."
    )
    if stage_hint:
        intro += f"\n{stage_hint}"
    blocks: list[Block] = [
        SectionBlock(text=MarkdownTextObject(text=intro)),
        InputBlock(
            block_id=CheckinField.CADENCE,
            label="How often",
            element=StaticSelectElement(
                action_id=CheckinField.CADENCE,
                options=cadences,
                initial_option=next((o for o in cadences if o.value == form.cadence), None),
            ),
        ),
        InputBlock(
            block_id=CheckinField.DAYS,
            label="On",
            optional=True,
            hint="For weekly and every-2-weeks check-ins: which days of the week.",
            element=StaticMultiSelectElement(
                action_id=CheckinField.DAYS,
                placeholder="Choose days",
                options=days,
                initial_options=[days[d] for d in form.days] or None,
            ),
        ),
        InputBlock(
            block_id=CheckinField.TIME,
            label="At",
            element=TimePickerElement(action_id=CheckinField.TIME, initial_time=form.time_of_day),
        ),
        text_input(
            CheckinField.TIMEZONE,
            "Time zone",
            initial=form.timezone,
            multiline=False,
            optional=False,
            max_length=64,
            hint="A name such as Europe/London, America/New_York or UTC. The check-in keeps "
            "to this clock, daylight saving included.",
        ),
        InputBlock(
            block_id=CheckinField.AUDIENCE,
            label="Who is asked",
            element=RadioButtonsElement(
                action_id=CheckinField.AUDIENCE,
                options=audiences,
                initial_option=next(o for o in audiences if o.value == form.audience.value),
            ),
        ),
        text_input(
            CheckinField.RATING_QUESTIONS,
            "Rating questions (1–5)",
            initial="\n".join(form.rating_questions),
            hint=f"One per line; each gets buttons 1–5. Up to {MAX_QUESTIONS} questions in all.",
        ),
        text_input(
            CheckinField.OPEN_QUESTIONS,
            "Open questions (answered in the thread)",
            initial="\n".join(form.open_questions),
            hint="One per line.",
        ),
        text_input(
            CheckinField.HOLIDAYS,
            "No check-in on",
            initial=form.holidays,
            multiline=False,
            max_length=1500,
            hint="Holidays: dates as YYYY-MM-DD, separated by commas.",
            placeholder="2026-12-25, 2026-12-26, 2027-01-01",
        ),
        InputBlock(
            block_id=CheckinField.OPEN_TALLY,
            label="Tally",
            optional=True,
            element=CheckboxesElement(
                action_id=CheckinField.OPEN_TALLY,
                options=[tally_option],
                initial_options=[tally_option] if form.open_tally else None,
            ),
        ),
    ]
    title = f"Edit check-in #{context.schedule_id}" if editing else "Schedule a check-in"
    return View(
        type="modal",
        callback_id=Callback.CHECKIN_SCHEDULE,
        title=shorten(title, 24),
        submit="Save" if editing else "Schedule",
        close="Cancel",
        private_metadata=context.model_dump_json(exclude_none=True),
        blocks=blocks,
    )


# ---- lists and notes ---------------------------------------------------------------------


def when(moment: datetime | None, timezone: str) -> str:
    """``Tue 24 Nov 09:30`` on the schedule's clock; ``—`` for none."""
    if moment is None:
        return "—"
    return moment.astimezone(zone(timezone)).strftime("%a %d %b %H:%M")


def _state(item: ScheduleSummary) -> str:
    if item.paused:
        reason = f" ({plain_escape(item.paused_reason)})" if item.paused_reason else ""
        return f":double_vertical_bar: *Paused*{reason}"
    parts = []
    if item.pause_until is not None:
        parts.append(f"paused until {item.pause_until.isoformat()}")
    if item.holidays:
        parts.append(f"{item.holidays} holiday{'s' if item.holidays != 1 else ''} ahead")
    parts.append(f"next: {when(item.next_due, item.timezone)}")
    return " · ".join(parts)


def summary_line(item: ScheduleSummary) -> str:
    """``*#3* · every weekday at 09:30 (Europe/London) · for everyone · 2 questions``."""
    questions = f"{item.questions} question{'s' if item.questions != 1 else ''}"
    return (
        f"*#{item.number}* · {plain_escape(item.cadence)} · "
        f"for {AUDIENCE_LABELS[item.audience]} · {questions}\n{_state(item)}"
    )


def list_blocks(items: Sequence[ScheduleSummary], *, client_name: str) -> list[Block]:
    """The case's check-in schedules, numbered by schedule id."""
    blocks: list[Block] = [HeaderBlock(text=shorten(f"Check-ins · {client_name}", 150))]
    if not items:
        blocks.append(
            SectionBlock(
                text=MarkdownTextObject(
                    text="No check-ins are scheduled in this channel. A case lead starts one "
                    "with `/grievance checkin` (a form) or "
                    "`/grievance checkin every weekday at 9:30`."
                )
            )
        )
        return blocks
    for item in items[:MAX_LISTED]:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=summary_line(item))))
    if len(items) > MAX_LISTED:
        blocks.append(
            ContextBlock(
                elements=[MarkdownTextObject(text=f"…and {len(items) - MAX_LISTED} more.")]
            )
        )
    blocks.append(
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text="Numbers are the schedules' ids. Leads: `/grievance checkin pause 3 "
                    "[until 2026-12-28]`, `resume 3`, `edit 3`, `delete 3`."
                )
            ]
        )
    )
    return blocks


def list_text(items: Sequence[ScheduleSummary]) -> str:
    """Fallback text of the list."""
    if not items:
        return "No check-ins are scheduled in this channel."
    return f"{len(items)} check-in schedule{'s' if len(items) != 1 else ''} in this channel."


def scheduled_text(item: ScheduleSummary, *, verb: str = "scheduled") -> str:
    """The lead's confirmation: what was scheduled (updated, resumed) and when it next goes out."""
    return (
        f":calendar: Check-in *#{item.number}* {verb}: {plain_escape(item.cadence)}, "
        f"for {AUDIENCE_LABELS[item.audience]}, {item.questions} "
        f"question{'s' if item.questions != 1 else ''}. "
        f"Next: {when(item.next_due, item.timezone)}. "
        f"Manage it with `/grievance checkin list`."
    )


def paused_notice_text(notice: PausedNotice) -> str:
    """The DM to a schedule's owner when its channel can no longer take check-ins."""
    return (
        f":double_vertical_bar: I've paused check-in *#{notice.schedule_id}* for "
        f"*{fit(notice.client_name, 200)}* ({plain_escape(notice.cadence)}) "
        f"in <#{notice.channel_id}>: "
        f"{plain_escape(notice.reason)}. Once I can post there again (the channel is "
        f"unarchived, or I'm invited back), a lead can run "
        f"`/grievance checkin resume {notice.schedule_id}` in it."
    )


def missed_notice_text(notice: MissedNotice) -> str:
    """The DM to a schedule's owner when Slack, or the bot itself, stayed unavailable past
    a check-in's grace period, so they know the silence in the channel was not the client's."""
    return (
        f":warning: Check-in *#{notice.schedule_id}* for *{fit(notice.client_name, 200)}*, due "
        f"{notice.due_local} in <#{notice.channel_id}>, was not posted: Slack or the bot was "
        "unavailable until its grace period ran out. The schedule carries on; the next one is "
        "posted as usual."
    )
