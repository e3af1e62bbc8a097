"""Closing (and reopening) a case, end to end: the arc posted, final ratings asked once
and stored, check-ins stopped and resumed, and stakeholders who can't be DMed.

Seeded data sits around a chosen ``NOW`` (a Friday at 16:00 UTC, the default digest
time) so every number in the digest can be checked; jobs are driven with that clock.
"""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import select

from bot.ids import Action, RatingField
from bot.jobs import digests
from bot.sandbox.stack import SandboxStack
from storage.models import FinalRating, HealthSnapshot, Person, Stage
from tests.handlers.digest_closing_helpers import (
    NOW,
    _bot_posts,
    _case,
    _closable,
    _close,
    _command,
    _dms,
    _kinds,
    _schedules,
    _shown,
    _told,
)

# ---- closing ----------------------------------------------------------------------------


def test_closing_posts_the_arc_asks_everyone_to_rate_and_stops_check_ins(
    stack: SandboxStack,
) -> None:
    _closable(stack, approved=True)

    assert "Only a lead of this case can close it" in _command(stack, "UBEN", "case close")
    _close(stack)
    said = _told(stack, "UANA")

    assert "asking 4 stakeholders for a final rating by DM" in said
    assert "stopped 1 check-in schedule" in said
    (summary,) = _bot_posts(stack, "Case closed")
    shown = _shown(summary)
    assert "4 raised, 2 resolved, 2 still open" in shown
    assert "*Client confidence* 2.0/5 at the start → 4.5/5 now" in shown
    with stack.db.transaction() as session:
        scores = list(
            session.scalars(
                select(HealthSnapshot.score).order_by(HealthSnapshot.computed_at, HealthSnapshot.id)
            )
        )
    assert f"*Health* {scores[0]}/100 at the start → {scores[-1]}/100 now" in shown
    assert "v1 — buy-in reached" in shown
    case = _case(stack)
    assert case.stage is Stage.RECOVERED and case.closed_at is not None
    assert _kinds(stack, "stage_changed")[-1].text == (
        "Stage: Reworking → Closed (case closed by ana)"
    )
    schedules = _schedules(stack)
    assert (schedules["mon-fri"].paused, schedules["mon-fri"].paused_reason) == (
        True,
        "case closed",
    )
    assert schedules["mon"].paused_reason == "summer holidays"
    for user in ("UANA", "UBEN", "UCARLA", "UDEV"):
        (dm,) = _dms(stack, user)
        assert Action.FINAL_RATING_OPEN in json.dumps(dm.blocks)
    assert digests.run(stack.db, stack.app.client, NOW + timedelta(days=7)) == 0  # closed
    assert "already closed" in _command(stack, "UANA", "case close")


def test_a_final_rating_is_stored_anonymously_and_asked_only_once(stack: SandboxStack) -> None:
    _closable(stack, approved=True)
    _close(stack)
    (dm,) = _dms(stack, "UCARLA")

    click = stack.slack.click("UCARLA", Action.FINAL_RATING_OPEN, message=(dm.channel, dm.ts))
    assert click.status == 200
    stack.settle()
    (modal,) = stack.workspace.modal_stack("UCARLA")
    answers = {
        RatingField.SCORE: "4",
        RatingField.COMMENT: "Much better since the release notes",
        RatingField.ANONYMOUS: ["anonymous"],
    }
    delivery = stack.slack.submit_view("UCARLA", modal.id, answers)
    assert delivery.status == 200 and not delivery.body.strip(), delivery.body
    stack.settle()

    with stack.db.transaction() as session:
        carla = session.scalars(select(Person).where(Person.slack_user_id == "UCARLA")).one()
        rating = session.scalars(select(FinalRating).where(FinalRating.person_id == carla.id)).one()
        assert (rating.rating, rating.anonymous, rating.comment) == (
            4,
            True,
            "Much better since the release notes",
        )
        assert rating.answered_at is not None
    (entry,) = _kinds(stack, "final_rating")
    assert entry.author_id is None and "given anonymously" in entry.text
    # Neither the figure nor the words: beside the export's list of who has not rated
    # yet, a lone anonymous rating on the timeline would name carla.
    assert "4/5" not in entry.text and "release notes" not in entry.text
    for reader in ("UBEN", "UDEV", "UANA"):
        history = _command(stack, reader, "history")
        assert "given anonymously" in history
        assert "release notes" not in history and "4/5" not in history
    updated = stack.workspace.find_message(dm.channel, dm.ts)
    assert updated is not None and "4/5* anonymously" in _shown(updated)
    assert Action.FINAL_RATING_OPEN not in json.dumps(updated.blocks)
    (to_lead,) = [m for m in _dms(stack, "UANA") if "Final rating for" in m.text]
    assert "*4/5* from an anonymous stakeholder" in _shown(to_lead)
    assert "Much better since the release notes" in _shown(to_lead)
    assert "carla" not in _shown(to_lead).lower()
    assert not [m for m in _dms(stack, "UBEN") if "Final rating for" in m.text]  # not a lead

    (dev_dm,) = _dms(stack, "UDEV")
    stolen = stack.slack.click(
        "UDEV", Action.FINAL_RATING_OPEN, message=(dev_dm.channel, dev_dm.ts), value=str(rating.id)
    )
    assert stolen.status == 200
    stack.settle()
    assert not stack.workspace.modal_stack("UDEV")  # not Dev's rating to give
    assert any(e.user == "UDEV" and "isn't yours" in e.text for e in stack.workspace.ephemerals)


def test_reopening_goes_back_to_rework_and_resumes_only_the_closed_schedules(
    stack: SandboxStack,
) -> None:
    _closable(stack, approved=True)
    _close(stack)

    assert _command(stack, "UANA", "case reopen").strip() == ""

    case = _case(stack)
    assert case.stage is Stage.REWORK and case.closed_at is None
    schedules = _schedules(stack)
    assert not schedules["mon-fri"].paused and schedules["mon-fri"].paused_reason is None
    assert schedules["mon"].paused and schedules["mon"].paused_reason == "summer holidays"
    (notice,) = _bot_posts(stack, ":arrows_counterclockwise:")
    assert "back to *Reworking*" in notice.text and "1 check-in schedule resumed" in notice.text
    assert "This case is open" in _command(stack, "UANA", "case reopen")


def test_reopening_without_an_agreed_strategy_goes_back_to_stabilize(
    stack: SandboxStack,
) -> None:
    _closable(stack, approved=False)
    _close(stack)

    _command(stack, "UANA", "case reopen")

    assert _case(stack).stage is Stage.STABILIZE
    assert _kinds(stack, "stage_changed")[-1].text == (
        "Stage: Closed → Stabilizing (case reopened by ana)"
    )


def test_a_stakeholder_who_cant_be_dmed_is_named_to_the_lead(stack: SandboxStack) -> None:
    _closable(stack, approved=False)
    stack.workspace.inject("conversations.open", "user_not_found")

    _close(stack)

    asked = [u for u in ("UANA", "UBEN", "UCARLA", "UDEV") if _dms(stack, u)]
    assert len(asked) == 3
    notes = [e.text for e in stack.workspace.ephemerals if e.user == "UANA"]
    assert any("I couldn't DM" in text and "final rating" in text for text in notes)
