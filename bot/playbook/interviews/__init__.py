"""Structured interviews: hear each stakeholder, client and team, before planning the rework.

The playbook's second step is to congregate: a lead invites people by DM, each answers a
short set of questions phrased for their side, and findings are built from what they
said. The rules live here, free of Slack:

- Only a case's leads invite people and change the questions; invitees become
  stakeholders, so their role (and side) is known when findings weigh their answers.
- The questions are copied onto the interview when it is created, so an interview is
  always answered against the questions it was sent, and later edits to the case's
  set only change the next invitations (``InterviewAnswer.question`` keeps the text).
- Someone who has not answered is reminded once, ``Case.interview_reminder_hours``
  after the invitation; each reminder is claimed in the database before it is sent.

For the findings module: ``answered_interviews`` is the query, ``answer_theme`` /
``themed_answers`` tell which answers say what went wrong, what matters most, how
success is judged, what used to go well and what would give confidence
(``QUESTION_THEMES``), and ``heard`` says, for each answered interview, on which side
and under which name its answers may be shown: the person's, or for an anonymous one
what ``bot.playbook.anonymity`` allows (their role, their side, or nothing at all).

One module per part, all read as ``bot.playbook.interviews`` (every public name is
re-exported here): :mod:`~bot.playbook.interviews.questions` (which questions, for
which side), :mod:`~bot.playbook.interviews.themes` (what each question asks about),
:mod:`~bot.playbook.interviews.invitations`, :mod:`~bot.playbook.interviews.answering`,
:mod:`~bot.playbook.interviews.reminders`, :mod:`~bot.playbook.interviews.roster` (who
was heard, per role) and :mod:`~bot.playbook.interviews.answered` (what findings may
quote, under which name).
"""

from bot.playbook.interviews.answered import (
    Heard,
    answered_interviews,
    heard,
)
from bot.playbook.interviews.answering import (
    MAX_ANSWER_LENGTH,
    AnswersError,
    InterviewCard,
    SaveOutcome,
    card,
    card_for,
    save_answers,
)
from bot.playbook.interviews.invitations import (
    SELF_INVITE,
    Invitation,
    InviteOutcome,
    find_interview,
    invite,
    remember_dm,
)
from bot.playbook.interviews.questions import (
    DEFAULT_QUESTIONS,
    MAX_QUESTION_LENGTH,
    MAX_QUESTIONS,
    MAX_REMINDER_HOURS,
    MIN_REMINDER_HOURS,
    QuestionsError,
    parse_hours,
    parse_questions,
    question_problem,
    questions_for,
    role_of,
    set_questions,
    side_of,
)
from bot.playbook.interviews.reminders import (
    claim_reminder,
    due_reminders,
    next_reminder_at,
    note_reminded,
)
from bot.playbook.interviews.roster import (
    Coverage,
    CoverageRow,
    coverage,
    not_yet_invited,
)
from bot.playbook.interviews.themes import (
    QUESTION_THEMES,
    THEME_KEYWORDS,
    Theme,
    answer_theme,
    theme_of,
    themed_answers,
)

__all__ = [
    "DEFAULT_QUESTIONS",
    "MAX_ANSWER_LENGTH",
    "MAX_QUESTIONS",
    "MAX_QUESTION_LENGTH",
    "MAX_REMINDER_HOURS",
    "MIN_REMINDER_HOURS",
    "QUESTION_THEMES",
    "SELF_INVITE",
    "THEME_KEYWORDS",
    "AnswersError",
    "Coverage",
    "CoverageRow",
    "Heard",
    "InterviewCard",
    "Invitation",
    "InviteOutcome",
    "QuestionsError",
    "SaveOutcome",
    "Theme",
    "answer_theme",
    "answered_interviews",
    "card",
    "card_for",
    "claim_reminder",
    "coverage",
    "due_reminders",
    "find_interview",
    "heard",
    "invite",
    "next_reminder_at",
    "not_yet_invited",
    "note_reminded",
    "parse_hours",
    "parse_questions",
    "question_problem",
    "questions_for",
    "remember_dm",
    "role_of",
    "save_answers",
    "set_questions",
    "side_of",
    "theme_of",
    "themed_answers",
]
