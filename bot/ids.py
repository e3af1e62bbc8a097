"""Every action id, block id and callback id the app uses, in one place.

Builders set them, listeners match them and the sandbox types them: a typo becomes an
AttributeError at import time instead of a button that silently does nothing.
"""

from __future__ import annotations

import enum
from typing import TypeVar

#: Value of the "keep confidential" checkbox option.
CONFIDENTIAL_OPTION = "confidential"


class Action(enum.StrEnum):
    """``action_id`` of interactive elements."""

    ADD_DETAIL = "grievance_add_detail"
    SET_STATUS = "grievance_set_status"
    READ_ALL = "grievance_read_all"
    HISTORY_PAGE = "history_page"
    PICK_CASE = "pick_case"
    # interviews
    INTERVIEW_INVITEES = "interview_invitees"
    INTERVIEW_OPEN = "interview_open"
    #: Prefix of each answer input: ``interview_answer:<position>`` (block and action id).
    INTERVIEW_ANSWER = "interview_answer"
    INTERVIEW_ANONYMOUS = "interview_anonymous"
    INTERVIEW_FINISH = "interview_finish"
    INTERVIEW_CLIENT_QUESTIONS = "interview_client_questions"
    INTERVIEW_TEAM_QUESTIONS = "interview_team_questions"
    INTERVIEW_REMINDER_HOURS = "interview_reminder_hours"
    # check-ins: schedules (the answers part listens to CHECKIN_RATE)
    #: Prefix of a rating button: ``checkin_rate:<question_index>:<rating>``; its value is
    #: ``<occurrence_id>:<question_index>:<rating>``.
    CHECKIN_RATE = "checkin_rate"
    # progress, digest and closing
    FINAL_RATING_OPEN = "final_rating_open"
    PROGRESS_CORRECT = "progress_correct"
    PROGRESS_WITHDRAW = "progress_withdraw"
    #: A lead's button to reopen a closed case a new grievance was filed on.
    REOPEN_CASE = "case_reopen"
    #: A commitment's *Done* button (its message, its reminders); the value is its id.
    COMMITMENT_DONE = "commitment_done"
    # client pulse
    #: Prefix of a pulse rating button: ``pulse_rate:<rating>``; its value is
    #: ``<reply_id>:<rating>``.
    PULSE_RATE = "pulse_rate"
    #: Opens the comment form; its value is the reply id.
    PULSE_COMMENT = "pulse_comment"
    # words that read two ways: a grievance, or a command
    FILE_TEXT = "text_file_as_grievance"
    RUN_TEXT = "text_run_command"


class Callback(enum.StrEnum):
    """``callback_id`` of modals and shortcuts."""

    GRIEVANCE_MODAL = "grievance_modal"
    FILE_AS_GRIEVANCE = "file_as_grievance"
    FULL_TEXT = "grievance_full_text"
    PEOPLE_MODAL = "people_modal"
    # interviews
    INTERVIEW_INVITE = "interview_invite"
    INTERVIEW_MODAL = "interview_modal"
    INTERVIEW_QUESTIONS = "interview_questions"
    # strategy
    STRATEGY_MODAL = "strategy_modal"
    # check-ins: schedules
    CHECKIN_SCHEDULE = "checkin_schedule"
    # progress, digest and closing
    PROGRESS_MODAL = "progress_modal"
    PROGRESS_CORRECTION = "progress_correction"
    FINAL_RATING_MODAL = "final_rating_modal"
    CLOSE_CASE_MODAL = "close_case_modal"
    PULSE_MODAL = "pulse_modal"


class Field(enum.StrEnum):
    """``block_id`` of the grievance modal's inputs (each input's action_id is the same)."""

    CASE = "case"
    TEXT = "text"
    RAISED_BY_USER = "raised_by_user"
    RAISED_BY_NAME = "raised_by_name"
    SIDE = "side"
    CATEGORY = "category"
    SEVERITY = "severity"
    CARES_ABOUT = "cares_about"
    SUCCESS_MEASURE = "success_measure"
    WENT_WELL = "went_well"
    CLIENT_NAME = "client_name"
    CONFIDENTIAL = "confidential"
    #: Asked only when a confidential grievance names the case's only lead.
    ROUTE = "route"


class PeopleField(enum.StrEnum):
    """``block_id`` of the people form's side correction (each action_id is the same)."""

    SIDE_PERSON = "side_person"
    SIDE = "side"


# strategy
class StrategyField(enum.StrEnum):
    """``block_id`` of the strategy modal's inputs (each input's action_id is the same)."""

    SUMMARY = "strategy_summary"
    ACTIONS = "strategy_actions"
    GRIEVANCES = "strategy_grievances"
    MEASURES = "strategy_measures"


# progress, digest and closing
class ProgressField(enum.StrEnum):
    """``block_id`` of the progress update modal's inputs (each input's action_id is the same).

    Actions are ticked in checkbox groups of at most ten (Slack's limit), so their block
    ids are ``progress_actions:<group>``.
    """

    ACTIONS = "progress_actions"
    TEXT = "progress_text"
    GRIEVANCES = "progress_grievances"


class RatingField(enum.StrEnum):
    """``block_id`` of the final rating modal's inputs (each input's action_id is the same)."""

    SCORE = "final_rating_score"
    COMMENT = "final_rating_comment"
    ANONYMOUS = "final_rating_anonymous"


class PulseField(enum.StrEnum):
    """``block_id`` of the pulse comment form's inputs (each input's action_id is the same)."""

    RATING = "pulse_rating"
    COMMENT = "pulse_comment_text"


class ClosingField(enum.StrEnum):
    """``block_id`` of the closing form's inputs (each input's action_id is the same)."""

    OUTCOME = "closing_outcome"
    CONFIRM = "closing_confirm"


# check-ins: schedules
class CheckinField(enum.StrEnum):
    """``block_id`` of the check-in schedule modal's inputs (each action_id is the same)."""

    CADENCE = "checkin_cadence"
    DAYS = "checkin_days"
    TIME = "checkin_time"
    TIMEZONE = "checkin_timezone"
    AUDIENCE = "checkin_audience"
    RATING_QUESTIONS = "checkin_rating_questions"
    OPEN_QUESTIONS = "checkin_open_questions"
    HOLIDAYS = "checkin_holidays"
    OPEN_TALLY = "checkin_open_tally"


#: The largest id an INTEGER column holds on PostgreSQL (SQLite would take any size).
MAX_ROW_ID = 2**31 - 1


def row_id(raw: object) -> int | None:
    """The row id a button value, cursor or form option stands for, or None.

    Slack hands back whatever a client sent; a value that is not a plausible id must read
    as "no such row" rather than reach the database, where PostgreSQL refuses integers
    out of its column's range and the whole request would fail.
    """
    text = str(raw if raw is not None else "")
    if not (text.isascii() and text.isdecimal()) or len(text) > len(str(MAX_ROW_ID)):
        return None
    value = int(text)
    return value if 0 < value <= MAX_ROW_ID else None


_Choice = TypeVar("_Choice", bound=enum.StrEnum)


def choice_of(kind: type[_Choice], raw: object) -> _Choice | None:
    """The member of ``kind`` a button value or form option names, or None.

    Like ``row_id``: a value no builder ever wrote (a forged or out-of-date button) must
    read as "no such choice", for the listener to refuse politely, rather than raise
    ``ValueError`` and end as an error reference.
    """
    try:
        return kind(raw) if isinstance(raw, str) else None
    except ValueError:
        return None
