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
from sqlalchemy.orm import Session

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
from bot.flows.scope import NO_CASE
from bot.ids import Callback, CheckinField
from bot.playbook import access, cases, history, people
from bot.playbook import checkins as playbook
from bot.playbook.checkins import RATING, ScheduleDraftError
from bot.playbook.errors import PlaybookError
from bot.playbook.people import Profile
from bot.playbook.schedules import (
    WEEKDAYS,
    CadenceError,
    days_of,
    parse_cadence,
    parse_date,
)
from bot.slack.lookup import profile_of
from bot.slack.messages import tell
from handlers.context import CommandCall
from handlers.refusals import answer_refusals
from handlers.view_state import answers_stale_forms, flatten, read_metadata
from storage.models import Case, CheckinSchedule, Person, Stage

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


def _case_here(
    session: Session, call: CommandCall, profile: Profile | None = None
) -> tuple[Case, Person | None]:
    """The channel's case and the caller (None if the bot has never met them)."""
    workspace = people.ensure_workspace(session=session, team_id=call.team_id)
    case = cases.find_case(session=session, workspace=workspace, channel_id=call.where.channel_id)
    if case is None:
        raise PlaybookError(NO_CASE)
    if profile is not None:
        return case, people.ensure_person(session=session, workspace=workspace, profile=profile)
    return case, people.find_person(session=session, workspace=workspace, user_id=call.user_id)


def _require_manager(session: Session, case: Case, person: Person | None) -> Person:
    """Refuse anyone the policy does not let manage check-ins (before any form opens)."""
    return access.require(
        session=session, case=case, person=person, action=access.Action.MANAGE_CHECKINS
    )


def _create_from_text(call: CommandCall, text: str) -> None:
    """``every weekday at 9:30``: a schedule with the case's default questions."""
    try:
        cadence = parse_cadence(text)
    except CadenceError as exc:
        call.ack(text=plain_escape(str(exc)))
        return
    profile = profile_of(call.client, call.user_id, call.home)
    now = call.deps.now()
    with call.deps.db.transaction() as session:
        case, person = _case_here(session, call, profile)
        actor = _require_manager(session, case, person)
        draft = playbook.draft_from_cadence(
            cadence,
            timezone=profile.timezone or call.deps.settings.default_timezone,
            questions=playbook.default_questions(session=session, case=case),
        )
        schedule = playbook.create(session=session, case=case, actor=actor, draft=draft, now=now)
        item = playbook.summary(schedule, now)
    call.ack(text=scheduled_text(item))


def _list(call: CommandCall) -> None:
    """Every schedule of the case, for anyone in the channel."""
    with call.deps.db.transaction() as session:
        case, person = _case_here(session, call)
        history.require_reader(session=session, case=case, viewer=person)
        items = playbook.summaries(session=session, case=case, now=call.deps.now())
        client_name = case.client_name
    call.ack(text=list_text(items), blocks=list_blocks(items, client_name=client_name))


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
    now = call.deps.now()
    with call.deps.db.transaction() as session:
        case, person = _case_here(session, call)
        actor = _require_manager(session, case, person)
        schedule = playbook.find(session=session, case=case, number=number)
        if verb == "pause":
            playbook.pause(session=session, schedule=schedule, actor=actor, until=until, now=now)
            text = (
                f"Check-in #{number} is paused until {until.isoformat()}: nothing is posted "
                "up to that date, then it carries on."
                if until
                else f"Check-in #{number} is paused. `/grievance checkin resume {number}` "
                "starts it again."
            )
        elif verb == "resume":
            resumed = playbook.resume(session=session, schedule=schedule, actor=actor, now=now)
            text = (
                scheduled_text(playbook.summary(schedule, now), verb="resumed")
                if resumed
                else f"Check-in #{number} isn't paused."
            )
        else:
            playbook.remove(session=session, schedule=schedule, actor=actor)
            text = f"Check-in #{number} is deleted; its past check-ins stay in the history."
    call.ack(text=text)


# ---- the form ------------------------------------------------------------------------------


def _suggested_form(session: Session, case: Case, timezone: str) -> ScheduleForm:
    """A new schedule: the stage's cadence, the creator's time zone, the case's questions."""
    cadence = playbook.suggested_cadence(case.stage)
    questions = playbook.default_questions(session=session, case=case)
    return ScheduleForm(
        cadence="weekday" if cadence.days == WEEKDAYS else "weekly",
        days=() if cadence.days == WEEKDAYS else cadence.days,
        time_of_day=cadence.time_of_day,
        timezone=timezone,
        rating_questions=[q.text for q in questions if q.kind == RATING],
        open_questions=[q.text for q in questions if q.kind != RATING],
    )


def _form_of(schedule: CheckinSchedule) -> ScheduleForm:
    """The form prefilled with a schedule being edited."""
    days = days_of(schedule.days)
    if schedule.interval_weeks > 1:
        cadence = "biweekly"
    elif days == WEEKDAYS:
        cadence = "weekday"
    else:
        cadence = "weekly"
    questions = playbook.load_questions(schedule.questions)
    return ScheduleForm(
        cadence=cadence,
        days=() if cadence == "weekday" else days,
        time_of_day=schedule.time_of_day,
        timezone=schedule.timezone,
        audience=schedule.audience,
        rating_questions=[q.text for q in questions if q.kind == RATING],
        open_questions=[q.text for q in questions if q.kind != RATING],
        holidays=", ".join(sorted(h for h in schedule.holidays.split(",") if h)),
        open_tally=schedule.open_tally,
    )


def _open_form(call: CommandCall, number: int | None) -> None:
    """Open the schedule form for a lead: suggested for a new one, prefilled for an edit."""
    profile = profile_of(call.client, call.user_id, call.home)
    with call.deps.db.transaction() as session:
        case, person = _case_here(session, call, profile)
        _require_manager(session, case, person)
        if number is None:
            timezone = profile.timezone or call.deps.settings.default_timezone
            form = _suggested_form(session, case, timezone)
            hint = _STAGE_HINTS.get(case.stage, "")
        else:
            form, hint = _form_of(playbook.find(session=session, case=case, number=number)), ""
        context = CheckinModalContext(
            team_id=call.team_id, channel_id=case.channel_id, case_id=case.id, schedule_id=number
        )
        view = schedule_modal(context, form, client_name=case.client_name, stage_hint=hint)
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


def register(app: App, deps: Deps) -> None:
    """Listen for the schedule form; the slash command is routed by ``handlers.commands``."""

    @app.view(Callback.CHECKIN_SCHEDULE)
    @answer_refusals
    @answers_stale_forms
    def on_submit(ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient) -> None:
        context = read_metadata(CheckinModalContext, view)
        user_id = body["user"]["id"]
        now = deps.now()
        try:
            draft = _draft(flatten(view))
            with deps.db.transaction() as session:
                case = session.get(Case, context.case_id)
                if case is None:
                    raise PlaybookError("This case no longer exists.")
                actor = _require_manager(
                    session,
                    case,
                    people.find_person(session=session, workspace=case.workspace, user_id=user_id),
                )
                if context.schedule_id is None:
                    schedule = playbook.create(
                        session=session, case=case, actor=actor, draft=draft, now=now
                    )
                else:
                    schedule = playbook.find(session=session, case=case, number=context.schedule_id)
                    playbook.update_schedule(
                        session=session, schedule=schedule, actor=actor, draft=draft, now=now
                    )
                item = playbook.summary(schedule, now)
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
        tell(client, context.channel_id, user_id, scheduled_text(item, verb=verb))
