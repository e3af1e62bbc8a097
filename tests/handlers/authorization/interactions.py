"""The authorization matrix's buttons, forms, the message shortcut and events: each
with its act, its effect, and what it needs beyond the seed.
"""

from __future__ import annotations

from sqlalchemy import select

from bot.ids import Action as SlackAction
from bot.ids import Callback, CheckinField, ClosingField, Field, ProgressField, StrategyField
from bot.playbook.progress import NOT_THEIRS
from bot.playbook.timeline import Kind
from storage.models import (
    CheckinAnswer,
    CheckinSchedule,
    Commitment,
    Grievance,
    Interview,
    ProgressUpdate,
    Status,
    Strategy,
    TimelineEntry,
    Vote,
)
from tests.handlers.authorization.acts import (
    _new_grievance_form,
    _open_and_submit_interview,
    _open_and_submit_rating,
    _open_home,
    _page_back,
    _press,
    _press_add_detail,
    _press_on_grievance,
    _react,
    _react_and_withdraw,
    _reply,
    _shortcut,
    _submit,
)
from tests.handlers.authorization.effects import (
    _by_actor,
    _case_is,
    _form_opened,
    _interview_answered,
    _more,
    _public_status,
    _rated,
    _role_of_carla,
    _told,
)
from tests.handlers.authorization.setups import (
    _acknowledgement,
    _closed,
    _commitment_of_ben,
    _correction_form,
    _edit_form,
    _form,
    _invited,
    _long_grievance,
    _long_history,
    _posted_checkin,
    _reopen_offer,
    _strategy,
    _update_says,
    _user_message,
)
from tests.handlers.authorization.surface import A, Surface
from tests.handlers.authorization.world import CLIENT, GUEST, LEAD, PUBLIC, SECRET, TEAM

INTERACTIONS: tuple[Surface, ...] = (
    # ---- buttons -----------------------------------------------------------------------
    Surface(
        "acknowledge",
        SlackAction.SET_STATUS,
        A.MOVE_GRIEVANCE,
        _press_on_grievance(f"{SlackAction.SET_STATUS}:acknowledged"),
        _public_status(Status.ACKNOWLEDGED),
    ),
    Surface(
        "mark Ben's commitment done",
        SlackAction.COMMITMENT_DONE,
        A.VIEW_HISTORY,
        _press(SlackAction.COMMITMENT_DONE),
        lambda world, actor: world.read(
            lambda session: session.scalars(select(Commitment)).one().done_at is not None
        ),
        setup=_commitment_of_ben,
        allowed_for=lambda actor: actor in {LEAD, TEAM},
        says="Only its owner or a lead",
    ),
    Surface(
        "resolve Carla's",
        SlackAction.SET_STATUS,
        A.EDIT_OWN_GRIEVANCE,
        _press_on_grievance(f"{SlackAction.SET_STATUS}:resolved"),
        _public_status(Status.RESOLVED),
        allowed_for=lambda actor: actor in {LEAD, CLIENT},
        says="Only the person who raised grievance #2 or a case lead",
    ),
    Surface(
        "add detail to Carla's",
        SlackAction.ADD_DETAIL,
        A.EDIT_OWN_GRIEVANCE,
        _press_add_detail,
        _form_opened(Callback.GRIEVANCE_MODAL),
        setup=_acknowledgement,
        allowed_for=lambda actor: actor in {LEAD, CLIENT},
        says="Only the person who filed this grievance or a case lead can edit it",
    ),
    Surface(
        "read it all",
        SlackAction.READ_ALL,
        A.VIEW_HISTORY,
        _press(SlackAction.READ_ALL),
        _form_opened(Callback.FULL_TEXT),
        setup=_long_grievance,
    ),
    Surface(
        "history older page",
        SlackAction.HISTORY_PAGE,
        A.VIEW_HISTORY,
        _page_back,
        _told("Update 0"),
        setup=_long_history,
        reveals=SECRET,
    ),
    Surface(
        "open own interview",
        SlackAction.INTERVIEW_OPEN,
        A.ANSWER_INTERVIEW,
        _press(SlackAction.INTERVIEW_OPEN),
        _form_opened(Callback.INTERVIEW_MODAL),
        setup=_invited(lambda actor: actor),
    ),
    Surface(
        "open someone else's interview",
        SlackAction.INTERVIEW_OPEN,
        A.ANSWER_INTERVIEW,
        _press(SlackAction.INTERVIEW_OPEN),
        _form_opened(Callback.INTERVIEW_MODAL),
        setup=_invited(lambda actor: GUEST if actor != GUEST else CLIENT),
        allowed_for=lambda actor: False,
        says="This interview was sent to someone else",
    ),
    Surface(
        "rate a check-in",
        SlackAction.CHECKIN_RATE,
        A.ANSWER_CHECKIN,
        _press(f"{SlackAction.CHECKIN_RATE}:0:4"),
        _by_actor(CheckinAnswer),
        setup=_posted_checkin,
    ),
    Surface(
        "reopen button",
        SlackAction.REOPEN_CASE,
        A.CLOSE_CASE,
        _press(SlackAction.REOPEN_CASE),
        _case_is(lambda case: case.closed_at is None),
        setup=_reopen_offer,
    ),
    Surface(
        "open own final rating",
        SlackAction.FINAL_RATING_OPEN,
        A.RATE_RECOVERY,
        _press(SlackAction.FINAL_RATING_OPEN),
        _form_opened(Callback.FINAL_RATING_MODAL),
        setup=_closed,
    ),
    # ---- forms and the shortcut -----------------------------------------------------------
    Surface(
        "file in the form",
        Callback.GRIEVANCE_MODAL,
        A.FILE_GRIEVANCE,
        _new_grievance_form,
        _more(Grievance, 2),
    ),
    Surface(
        "save detail on Carla's",
        Callback.GRIEVANCE_MODAL,
        A.EDIT_OWN_GRIEVANCE,
        _submit({Field.TEXT: "The invoice export broke (edited)"}),
        lambda world, actor: world.read(
            lambda session: "(edited)" in session.get_one(Grievance, world.public_id).text
        ),
        setup=_edit_form,
        allowed_for=lambda actor: actor in {LEAD, CLIENT},
        says="Only the person who filed this grievance or a case lead can edit it",
    ),
    Surface(
        "file as grievance",
        Callback.FILE_AS_GRIEVANCE,
        A.FILE_GRIEVANCE,
        _shortcut,
        _form_opened(Callback.GRIEVANCE_MODAL),
        setup=_user_message,
    ),
    Surface(
        "people form",
        Callback.PEOPLE_MODAL,
        A.MANAGE_PEOPLE,
        _submit(
            {
                "client_leader": [CLIENT],
                "client_member": [GUEST],
                "team_lead": [LEAD],
                "team_member": [TEAM],
            }
        ),
        _role_of_carla,
        setup=_form("people"),
    ),
    Surface(
        "interview invite form",
        Callback.INTERVIEW_INVITE,
        A.INVITE_TO_INTERVIEW,
        _submit({SlackAction.INTERVIEW_INVITEES: [GUEST]}),
        _more(Interview, 0),
        setup=_form("interview"),
    ),
    Surface(
        "interview questions form",
        Callback.INTERVIEW_QUESTIONS,
        A.EDIT_INTERVIEW_QUESTIONS,
        _submit({SlackAction.INTERVIEW_REMINDER_HOURS: "72"}),
        _case_is(lambda case: case.interview_reminder_hours == 72),
        setup=_form("interview questions"),
    ),
    Surface(
        "own interview form",
        Callback.INTERVIEW_MODAL,
        A.ANSWER_INTERVIEW,
        _open_and_submit_interview,
        _interview_answered,
        setup=_invited(lambda actor: actor),
    ),
    Surface(
        "strategy form",
        Callback.STRATEGY_MODAL,
        A.PROPOSE_STRATEGY,
        _submit({StrategyField.SUMMARY: "Fix the export, then talk weekly"}),
        _more(Strategy, 0),
        setup=_form("strategy"),
    ),
    Surface(
        "check-in form",
        Callback.CHECKIN_SCHEDULE,
        A.MANAGE_CHECKINS,
        _submit({CheckinField.TIME: "10:00"}),
        _more(CheckinSchedule, 0),
        setup=_form("checkin"),
    ),
    Surface(
        "progress form",
        Callback.PROGRESS_MODAL,
        A.POST_PROGRESS,
        _submit({ProgressField.TEXT: "The export fix is in staging"}),
        _more(ProgressUpdate, 0),
        setup=_form("update"),
    ),
    Surface(
        "correction form of Ben's update",
        Callback.PROGRESS_CORRECTION,
        A.CORRECT_OWN_PROGRESS,
        _submit({ProgressField.TEXT: "The export fix is live"}),
        _update_says("The export fix is live"),
        setup=_correction_form,
        says=NOT_THEIRS,
    ),
    Surface(
        "closing form",
        Callback.CLOSE_CASE_MODAL,
        A.CLOSE_CASE,
        _submit({ClosingField.OUTCOME: "not_recovered"}),
        _case_is(lambda case: case.closed_at is not None),
        setup=_form("case close"),
    ),
    Surface(
        "own final rating form",
        Callback.FINAL_RATING_MODAL,
        A.RATE_RECOVERY,
        _open_and_submit_rating,
        _rated,
        setup=_closed,
    ),
    # ---- events ---------------------------------------------------------------------------
    Surface(
        "reply in a check-in thread",
        "message.channels",
        A.ANSWER_CHECKIN,
        _reply,
        _by_actor(CheckinAnswer, CheckinAnswer.text == "Better this week"),
        setup=_posted_checkin,
    ),
    Surface(
        "vote by reaction",
        "reaction_added",
        A.VOTE,
        _react,
        _by_actor(Vote),
        setup=_strategy,
    ),
    Surface(
        "withdraw a vote",
        "reaction_removed",
        A.VOTE,
        _react_and_withdraw,
        _by_actor(TimelineEntry, TimelineEntry.kind == Kind.VOTE_WITHDRAWN),
        setup=_strategy,
    ),
    Surface(
        "App Home",
        "app_home_opened",
        A.VIEW_HISTORY,
        _open_home,
        _told(PUBLIC[:40]),
        reveals=SECRET,
    ),
)
