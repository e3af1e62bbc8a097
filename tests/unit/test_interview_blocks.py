"""Interview builders without Slack: the Block Kit each surface gets (invitation and
reminder DMs, the answer and questions modals, the invite report), checked against limits.
"""

from __future__ import annotations

import json

from bot.blocks.interview import (
    InviteReport,
    QuestionsContext,
    SentInvitation,
    answer_block_id,
    answer_position,
    interview_modal,
    invitation_blocks,
    invite_report_text,
    questions_modal,
    reminder_blocks,
)
from bot.playbook import interviews as iv
from bot.sandbox.blockkit_limits import message_block_errors, view_errors
from storage.models import InterviewStatus, Side

# ---- builders ------------------------------------------------------------------------


def _card(**overrides: object) -> iv.InterviewCard:
    values: dict[str, object] = {
        "interview_id": 7,
        "client_name": "Acme <!channel> & Co",
        "person_name": "Carla",
        "user_id": "UCARLA",
        "inviter_name": "Ana",
        "side": Side.CLIENT,
        "status": InterviewStatus.INVITED,
        "questions": iv.DEFAULT_QUESTIONS[Side.CLIENT],
        "answers": ("",) * 5,
        "anonymous": False,
        "reminded": False,
    }
    values.update(overrides)
    return iv.InterviewCard(**values)  # type: ignore[arg-type]


def _buttons(blocks: list[dict[str, object]]) -> list[str]:
    return [
        e["text"]["text"]  # type: ignore[index]
        for b in blocks
        if b["type"] == "actions"
        for e in b["elements"]  # type: ignore[attr-defined]
    ]


def test_invitation_dm_says_who_and_why_and_tracks_progress() -> None:
    invited = [b.to_dict() for b in invitation_blocks(_card())]
    shown = json.dumps(invited)
    assert "*Ana*" in shown and "What went wrong, from your point of view?" in shown
    assert "<!channel>" not in shown and "&amp; Co" in shown
    assert _buttons(invited) == ["Start the interview"]
    started = [
        b.to_dict()
        for b in invitation_blocks(
            _card(status=InterviewStatus.IN_PROGRESS, answers=("a", "", "", "", ""))
        )
    ]
    assert _buttons(started) == ["Continue"] and "1 of 5 answered" in json.dumps(started)
    done = [
        b.to_dict()
        for b in invitation_blocks(_card(status=InterviewStatus.ANSWERED, anonymous=True))
    ]
    assert "anonymously" in json.dumps(done)
    reminder = [b.to_dict() for b in reminder_blocks(_card(), hours=48)]
    assert "2 days" in json.dumps(reminder) and _buttons(reminder) == ["Start the interview"]
    for blocks in (invited, started, done, reminder):
        assert message_block_errors(blocks) == []


def test_answer_modal_prefills_and_stays_within_limits() -> None:
    questions = tuple(f"Question {n}? " + "x" * 280 for n in range(10))
    answers = ("y" * 3000,) + ("",) * 9
    view = interview_modal(_card(questions=questions, answers=answers, anonymous=True)).to_dict()
    assert view_errors(view) == []
    inputs = [b for b in view["blocks"] if b["type"] == "input"]
    assert inputs[0]["block_id"] == answer_block_id(1) and answer_position(answer_block_id(1)) == 1
    assert inputs[0]["element"]["initial_value"] == "y" * 3000
    assert "initial_value" not in inputs[1]["element"]
    assert inputs[-2]["element"]["initial_options"][0]["value"] == "anonymous"
    assert len(view["title"]["text"]) <= 24
    assert answer_position("interview_finish") is None


def test_questions_modal_prefills_both_sides_and_the_hours() -> None:
    context = QuestionsContext(team_id="T1", channel_id="C1", case_id=3)
    view = questions_modal(
        context, client=["A?", "B?"], team=list(iv.DEFAULT_QUESTIONS[Side.TEAM]), hours=36
    ).to_dict()
    assert view_errors(view) == []
    by_id = {b.get("block_id"): b for b in view["blocks"]}
    assert by_id["interview_client_questions"]["element"]["initial_value"] == "A?\nB?"
    assert by_id["interview_reminder_hours"]["element"]["initial_value"] == "36"
    assert by_id["interview_reminder_hours"]["label"]["text"] == "Remind after (hours)"


def test_invite_report_names_everyone_once() -> None:
    report = InviteReport(
        sent=[
            SentInvitation("Carla", Side.CLIENT),
            SentInvitation("Ben <b>", Side.TEAM, error="channel_not_found"),
            SentInvitation("Dev", Side.CLIENT, again=True),
        ],
        already=[("Eve", InterviewStatus.ANSWERED)],
        refused=["*Zed* is a bot: there is nobody to interview."],
    )
    text = invite_report_text(report)
    assert "Invited by DM: *Carla* (client side)." in text
    assert "again to *Dev*" in text and "*Eve* was already invited and has answered" in text
    assert "Ben &lt;b&gt;" in text and "`channel_not_found`" in text and "Zed" in text
    assert invite_report_text(InviteReport()) == "Nobody was invited."
