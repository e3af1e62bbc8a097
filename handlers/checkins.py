"""``/grievance checkin``: schedule recurring check-ins (a form, or a line of text), list
them, and pause, resume, edit or delete them.

Slack I/O only: timing lives in ``bot.playbook.schedules``, the rules in
``bot.playbook.checkins``. A schedule is committed before the form closes; posting is
the scheduler's job (``bot.jobs.checkins``), never this listener's. Anyone may list the
schedules; only the case's leads change them.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.blocks.checkin import (
    OPEN_TALLY_OPTION,
    CheckinModalContext,
    ScheduleForm,
    list_blocks,
    list_text,
    schedule_modal,
    scheduled_text,
)
from bot.blocks.text import plain_escape
from bot.deps import Deps
from bot.flows import checkins as flows
from bot.flows.checkins import FormStart, Where
from bot.ids import Callback, CheckinField
from bot.playbook import checkins as playbook
from bot.playbook.checkins import RATING, ScheduleDraftError
from bot.playbook.errors import PlaybookError
from bot.playbook.schedules import (
    WEEKDAYS,
    CadenceError,
    parse_cadence,
    parse_date,
)
from bot.slack.identity import Acting
from bot.slack.lookup import profile_of
from bot.slack.messages import tell
from bot.vocabulary import Stage
from handlers.context import CommandCall
from handlers.payloads import FormSubmission
from handlers.refusals import answer_refusals
from handlers.view_state import answers_stale_forms, read_metadata

logger = logging.getLogger(__name__)

USAGE = (
    "Use `/grievance checkin` to schedule a check-in in this channel with a form (leads), "
    "or say when: `/grievance checkin every weekday at 9:30`, "
    "`/grievance checkin every monday,thursday at 16:00`, "
    "`/grievance checkin every 2 weeks on friday at 11:00`.\n"
    "`/grievance checkin list` shows the schedules (anyone); leads manage them with "
    "`pause 3 [until 2026-12-28]`, `resume 3`, `edit 3` and `delete 3`."
)
_NUMBER = re.compile(r"#?(\d{1,9})")
_PAUSE = re.compile(r"#?(\d{1,9})(?:\s+until\s+(\S+))?", re.IGNORECASE)
_VERB_USAGE = {
    "pause": "`/grievance checkin pause 3` (until a lead resumes it) or "
    "`/grievance checkin pause 3 until 2026-12-28` (no check-ins up to that date).",
    "resume": "`/grievance checkin resume 3`",
    "edit": "`/grievance checkin edit 3`",
    "delete": "`/grievance checkin delete 3`",
}
_STAGE_HINTS = {
    Stage.STABILIZE: "The case is stabilizing, so a check-in every weekday is suggested.",
    Stage.REWORK: "The rework has started, so a weekly check-in is suggested.",
    Stage.RECOVERED: "The client has recovered; a weekly check-in keeps the line open.",
}
#: Draft fields → the form's block ids.
_BLOCKS = {
    playbook.CADENCE: CheckinField.CADENCE,
    playbook.DAYS: CheckinField.DAYS,
    playbook.TIME: CheckinField.TIME,
    playbook.TIMEZONE: CheckinField.TIMEZONE,
    playbook.AUDIENCE: CheckinField.AUDIENCE,
    playbook.RATING_QUESTIONS: CheckinField.RATING_QUESTIONS,
    playbook.OPEN_QUESTIONS: CheckinField.OPEN_QUESTIONS,
    playbook.HOLIDAYS: CheckinField.HOLIDAYS,
}


# ---- the slash command ---------------------------------------------------------------------


def checkin(call: CommandCall) -> None:
    """Route ``checkin``, ``checkin every …``, ``list``, ``pause|resume|edit|delete N``."""
    args = call.parsed.args.strip()
    word, _, rest = args.partition(" ")
    word = word.lower()
    if not word:
        _open_form(call, None)
    elif word == "every":
        _create_from_text(call, args)
    elif word == "list":
        _list(call)
    elif word in _VERB_USAGE:
        _manage(call, word, rest.strip())
    else:
        call.ack(text=USAGE)


def _where(call: CommandCall) -> Where:
    """The channel and caller every check-in flow starts from (its case, its leads)."""
    return Where(team_id=call.team_id, channel_id=call.where.channel_id, user_id=call.user_id)


def _create_from_text(call: CommandCall, text: str) -> None:
    """``every weekday at 9:30``: a schedule with the case's default questions."""
    try:
        cadence = parse_cadence(text)
    except CadenceError as exc:
        call.ack(text=plain_escape(str(exc)))
        return
    item = flows.create_from_cadence(
        call.deps.db,
        _where(call),
        caller=profile_of(call.client, call.user_id, call.home),
        cadence=cadence,
        default_timezone=call.deps.settings.default_timezone,
        now=call.deps.now(),
    )
    call.ack(text=scheduled_text(item))


def _list(call: CommandCall) -> None:
    """Every schedule of the case, for anyone in the channel."""
    found = flows.schedule_list(call.deps.db, _where(call), now=call.deps.now())
    call.ack(
        text=list_text(found.items), blocks=list_blocks(found.items, client_name=found.client_name)
    )


def _manage(call: CommandCall, verb: str, rest: str) -> None:
    """``pause N [until DATE]``, ``resume N``, ``edit N``, ``delete N``."""
    pattern = _PAUSE if verb == "pause" else _NUMBER
    match = pattern.fullmatch(rest)
    if match is None:
        call.ack(text=f"Use {_VERB_USAGE[verb]} `/grievance checkin list` shows the numbers.")
        return
    number = int(match.group(1))
    if verb == "edit":
        _open_form(call, number)
        return
    until = None
    if verb == "pause" and match.group(2):
        until = parse_date(match.group(2))
        if until is None:
            call.ack(
                text=f"“{plain_escape(match.group(2)[:30])}” is not a date; write it as "
                "YYYY-MM-DD, e.g. `/grievance checkin pause 3 until 2026-12-28`."
            )
            return
    db, where, now = call.deps.db, _where(call), call.deps.now()
    if verb == "pause":
        flows.pause(db, where, number=number, until=until, now=now)
        text = (
            f"Check-in #{number} is paused until {until.isoformat()}: nothing is posted "
            "up to that date, then it carries on."
            if until
            else f"Check-in #{number} is paused. `/grievance checkin resume {number}` "
            "starts it again."
        )
    elif verb == "resume":
        resumed = flows.resume(db, where, number=number, now=now)
        text = (
            scheduled_text(resumed, verb="resumed")
            if resumed
            else f"Check-in #{number} isn't paused."
        )
    else:
        flows.delete(db, where, number=number)
        text = f"Check-in #{number} is deleted; its past check-ins stay in the history."
    call.ack(text=text)


# ---- the form ------------------------------------------------------------------------------


def _form(start: FormStart, timezone: str) -> ScheduleForm:
    """The form's first values: the stage's suggestion for a new schedule (in the creator's
    time zone, ``start.editing`` None), or the schedule being edited."""
    rating = [q.text for q in start.questions if q.kind == RATING]
    open_ = [q.text for q in start.questions if q.kind != RATING]
    editing = start.editing
    if editing is None:
        weekdays = start.cadence.days == WEEKDAYS
        return ScheduleForm(
            cadence="weekday" if weekdays else "weekly",
            days=() if weekdays else start.cadence.days,
            time_of_day=start.cadence.time_of_day,
            timezone=timezone,
            rating_questions=rating,
            open_questions=open_,
        )
    if editing.interval_weeks > 1:
        cadence = "biweekly"
    elif editing.days == WEEKDAYS:
        cadence = "weekday"
    else:
        cadence = "weekly"
    return ScheduleForm(
        cadence=cadence,
        days=() if cadence == "weekday" else editing.days,
        time_of_day=editing.time_of_day,
        timezone=editing.timezone,
        audience=editing.audience,
        rating_questions=rating,
        open_questions=open_,
        holidays=", ".join(sorted(h for h in editing.holidays.split(",") if h)),
        open_tally=editing.open_tally,
    )


def _open_form(call: CommandCall, number: int | None) -> None:
    """Open the schedule form for a lead: suggested for a new one, prefilled for an edit."""
    profile = profile_of(call.client, call.user_id, call.home)
    start = flows.form_start(call.deps.db, _where(call), caller=profile, number=number)
    timezone = profile.timezone or call.deps.settings.default_timezone
    hint = _STAGE_HINTS.get(start.stage, "") if number is None else ""
    context = CheckinModalContext(
        team_id=call.team_id,
        channel_id=start.channel_id,
        case_id=start.case_id,
        schedule_id=number,
    )
    view = schedule_modal(
        context, _form(start, timezone), client_name=start.client_name, stage_hint=hint
    )
    call.ack()
    call.client.views_open(trigger_id=call.body["trigger_id"], view=view)


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _draft(values: dict[str, object]) -> playbook.ScheduleDraft:
    days = values.get(CheckinField.DAYS)
    tally = values.get(CheckinField.OPEN_TALLY)
    return playbook.parse_draft(
        cadence=_text(values.get(CheckinField.CADENCE)),
        days=[str(d) for d in days] if isinstance(days, list) else [],
        time=_text(values.get(CheckinField.TIME)),
        timezone=_text(values.get(CheckinField.TIMEZONE)),
        audience=_text(values.get(CheckinField.AUDIENCE)),
        rating_questions=_text(values.get(CheckinField.RATING_QUESTIONS)),
        open_questions=_text(values.get(CheckinField.OPEN_QUESTIONS)),
        holidays=_text(values.get(CheckinField.HOLIDAYS)),
        open_tally=isinstance(tally, list) and OPEN_TALLY_OPTION in tally,
    )


@answer_refusals
@answers_stale_forms
def on_submit(
    ack: Ack,
    body: dict[str, Any],
    view: dict[str, Any],
    submission: FormSubmission,
    acting: Acting,
    client: WebClient,
    deps: Deps,
) -> None:
    """Commit the schedule form before it closes; a refusal is shown on the form."""
    context = read_metadata(CheckinModalContext, view)
    try:
        item = flows.save_schedule(
            deps.db,
            case_id=context.case_id,
            number=context.schedule_id,
            user_id=acting.user_id,
            draft=_draft(submission.values),
            now=deps.now(),
        )
    except ScheduleDraftError as exc:
        errors = {
            _BLOCKS.get(name, CheckinField.CADENCE).value: message
            for name, message in exc.fields.items()
        }
        ack(response_action="errors", errors=errors)
        return
    except PlaybookError as exc:
        ack(response_action="errors", errors={CheckinField.CADENCE.value: str(exc)})
        return
    ack()  # committed: close the form
    verb = "scheduled" if context.schedule_id is None else "updated"
    tell(client, context.channel_id, acting.user_id, scheduled_text(item, verb=verb))


def register(app: App) -> None:
    """Listen for the schedule form; the slash command is routed by ``handlers.commands``."""
    app.view(Callback.CHECKIN_SCHEDULE)(on_submit)
