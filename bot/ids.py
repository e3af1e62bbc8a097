"""Every action id, block id and callback id the app uses, in one place.

Builders set them, listeners match them and the sandbox types them: a typo becomes an
AttributeError at import time instead of a button that silently does nothing.
"""

from __future__ import annotations

import enum

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


# strategy
class StrategyField(enum.StrEnum):
    """``block_id`` of the strategy modal's inputs (each input's action_id is the same)."""

    SUMMARY = "strategy_summary"
    ACTIONS = "strategy_actions"
    GRIEVANCES = "strategy_grievances"
    MEASURES = "strategy_measures"
