"""Pure rules of check-in answers, nudges and case health: no Slack, no database."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.blocks.health import band, health_line, nudge_text, status_blocks
from bot.playbook.anonymity import Crowd
from bot.playbook.answers import WHOLE_CHECKIN, RatingPress, first_text_question, latest_ratings
from bot.playbook.checkins import Question
from bot.playbook.errors import PlaybookError
from bot.playbook.health import (
    BuyIn,
    HealthInputs,
    HealthReport,
    Silence,
    Trend,
    score,
)
from bot.playbook.load import GrievanceLoad, OpenGrievance
from bot.playbook.nudges import in_working_hours, is_due, next_working_moment, nudge_at
from storage.models import Role

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")

#: A middling case: some confidence, one grievance, half the answers, a proposed strategy.
BASE = HealthInputs(
    client_ratings=(3, 3),
    team_ratings=(4,),
    rated_checkins=2,
    grievances=GrievanceLoad.of([OpenGrievance(severity=2, age_days=3)]),
    expected_answers=4,
    given_answers=2,
    buyin=BuyIn.PROPOSED,
    strategy_version=1,
)


# ---- the score ----------------------------------------------------------------------------


def test_a_middling_case_scores_in_the_middle_and_explains_itself() -> None:
    result = score(BASE)
    assert 30 < result.value < 80
    assert set(result.components) == {
        "client_confidence",
        "team_confidence",
        "grievances",
        "response",
        "buyin",
    }
    assert round(sum(result.components.values())) == result.value
    assert "Client confidence is 3.0/5 over the last 2 check-ins" in result.reasons
    assert "2 of 4 expected check-in answers given (50%)" in result.reasons
    assert "Strategy v1 is waiting for buy-in" in result.reasons


@pytest.mark.parametrize(
    ("better", "worse"),
    [
        (replace(BASE, client_ratings=(5, 4)), replace(BASE, client_ratings=(2, 1))),
        (replace(BASE, team_ratings=(5,)), replace(BASE, team_ratings=(1,))),
        (replace(BASE, given_answers=4), replace(BASE, given_answers=1)),
        (replace(BASE, buyin=BuyIn.APPROVED), replace(BASE, buyin=BuyIn.PROPOSED)),
        (replace(BASE, buyin=BuyIn.PROPOSED), replace(BASE, buyin=BuyIn.NONE)),
        (replace(BASE, buyin=BuyIn.NONE), replace(BASE, buyin=BuyIn.OBJECTED)),
        (replace(BASE, buyin=BuyIn.PROPOSED), replace(BASE, buyin=BuyIn.LOST)),
        (replace(BASE, grievances=GrievanceLoad()), BASE),
        (BASE, replace(BASE, grievances=GrievanceLoad.of([OpenGrievance(4, 3)]))),
        (BASE, replace(BASE, grievances=GrievanceLoad.of([OpenGrievance(2, 25)]))),
        (
            BASE,
            replace(BASE, grievances=GrievanceLoad.of([OpenGrievance(2, 3), OpenGrievance(1, 0)])),
        ),
        (BASE, replace(BASE, silent_leaders=1)),
    ],
    ids=[
        "client confidence",
        "team confidence",
        "response rate",
        "approved beats proposed",
        "proposed beats none",
        "none beats a client leader objecting",
        "proposed beats reached-then-lost",
        "no grievances",
        "severity",
        "age",
        "count",
        "silence",
    ],
)
def test_each_component_moves_the_score_the_right_way(
    better: HealthInputs, worse: HealthInputs
) -> None:
    assert score(better).value > score(worse).value


def test_a_lost_buyin_is_explained_by_what_it_waits_for() -> None:
    lost = replace(BASE, buyin=BuyIn.LOST, buyin_waiting="an approval from a client leader")
    assert (
        "Strategy v1: buy-in lost — waiting for an approval from a client leader"
        in score(lost).reasons
    )
    assert not any("approved" in reason for reason in score(lost).reasons)


def test_client_confidence_weighs_more_than_the_teams() -> None:
    low_client = replace(BASE, client_ratings=(1,), team_ratings=(5,))
    low_team = replace(BASE, client_ratings=(5,), team_ratings=(1,))
    assert score(low_team).value > score(low_client).value


def test_older_grievances_weigh_more_up_to_four_weeks() -> None:
    fresh, old, ancient = OpenGrievance(3, 0), OpenGrievance(3, 28), OpenGrievance(3, 400)
    assert GrievanceLoad.of([fresh]).load == 3
    assert GrievanceLoad.of([old]).load == 9
    assert GrievanceLoad.of([ancient]).load == GrievanceLoad.of([old]).load


def test_silence_costs_ten_points_a_leader_up_to_twenty() -> None:
    quiet = [score(replace(BASE, silent_leaders=n)).value for n in range(4)]
    assert quiet[0] - quiet[1] == 10
    assert quiet[0] - quiet[2] == 20
    assert quiet[3] == quiet[2]
    leaders = Crowd.of([Role.CLIENT_LEADER] * 3)
    assert (
        "2 client leaders have not answered the last two check-ins"
        in score(replace(BASE, silent_leaders=2, stakeholders=leaders)).reasons
    )


def test_components_without_data_are_left_out_not_held_against_the_case() -> None:
    new_case = HealthInputs(buyin=BuyIn.APPROVED, strategy_version=2)
    result = score(new_case)
    assert result.value == 100
    assert set(result.components) == {"grievances", "buyin"}
    assert "No check-in ratings yet, so confidence is not counted" in result.reasons
    assert "Strategy v2 is approved" in result.reasons


def test_the_worst_case_stays_at_zero_or_more() -> None:
    awful = HealthInputs(
        client_ratings=(1,),
        team_ratings=(1,),
        grievances=GrievanceLoad.of([OpenGrievance(4, 60)] * 20),
        expected_answers=10,
        given_answers=0,
        buyin=BuyIn.OBJECTED,
        silent_leaders=3,
    )
    assert score(awful).value == 0


@pytest.mark.parametrize(
    ("current", "baseline", "arrow"),
    [(70, 60, "↑"), (60, 70, "↓"), (61, 60, "→"), (50, None, "→")],
)
def test_trend_arrows(current: int, baseline: int | None, arrow: str) -> None:
    since = datetime(2026, 12, 1, tzinfo=UTC) if baseline is not None else None
    assert Trend.between(current, baseline, since).arrow == arrow


# ---- answers ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Answer:
    id: int
    person_id: int
    question_index: int
    rating: int | None


def test_each_persons_latest_rating_per_question_counts_once() -> None:
    answers = [
        _Answer(1, 10, 0, 2),
        _Answer(2, 11, 0, 4),
        _Answer(3, 10, 0, 5),  # a later press by the same person replaces their 2
        _Answer(4, 12, 1, None),  # a text answer is not a rating
        _Answer(5, 10, 2, 1),
    ]
    assert latest_ratings(answers) == {(10, 0): 5, (11, 0): 4, (10, 2): 1}


def test_rating_values_are_parsed_or_refused_politely() -> None:
    assert RatingPress.parse("12:0:4") == RatingPress(12, 0, 4)
    for bad in ("", "12:0", "x:0:4", "12:0:9", "12:0:4:1"):
        with pytest.raises(PlaybookError):
            RatingPress.parse(bad)


def test_a_thread_reply_answers_the_first_text_question() -> None:
    assert first_text_question([Question("rating", "Q1"), Question("text", "Q2")]) == 1
    assert first_text_question([Question("rating", "Q1")]) == WHOLE_CHECKIN


# ---- nudge timing -------------------------------------------------------------------------


def _utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_working_hours_are_nine_to_six_on_weekdays_local_time() -> None:
    # Monday 1 December 2026: London is UTC+0, New York UTC-5.
    assert in_working_hours(_utc(2026, 12, 1, 9, 0), LONDON)
    assert not in_working_hours(_utc(2026, 12, 1, 18, 0), LONDON)
    assert not in_working_hours(_utc(2026, 12, 1, 9, 0), NEW_YORK)  # 04:00 there
    assert in_working_hours(_utc(2026, 12, 1, 14, 0), NEW_YORK)
    assert not in_working_hours(_utc(2026, 12, 5, 12, 0), LONDON)  # Saturday


def test_outside_working_hours_the_nudge_waits_for_the_next_working_start() -> None:
    # Friday evening in London → Monday 09:00 London.
    assert next_working_moment(_utc(2026, 12, 4, 19, 0), LONDON) == _utc(2026, 12, 7, 9, 0)
    # Tuesday 07:00 London → the same day at 09:00.
    assert next_working_moment(_utc(2026, 12, 1, 7, 0), LONDON) == _utc(2026, 12, 1, 9, 0)
    # Tuesday 11:00 UTC is 06:00 in New York → 09:00 New York = 14:00 UTC.
    assert next_working_moment(_utc(2026, 12, 1, 11, 0), NEW_YORK) == _utc(2026, 12, 1, 14, 0)
    # Inside working hours nothing moves.
    assert next_working_moment(_utc(2026, 12, 1, 10, 0), LONDON) == _utc(2026, 12, 1, 10, 0)


def test_a_nudge_is_due_after_the_delay_in_working_hours_and_not_after_three_days() -> None:
    posted = _utc(2026, 12, 1, 9, 30)  # Tuesday
    assert nudge_at(posted, 240, LONDON) == _utc(2026, 12, 1, 13, 30)
    assert not is_due(_utc(2026, 12, 1, 13, 29), posted, 240, LONDON)
    assert is_due(_utc(2026, 12, 1, 13, 30), posted, 240, LONDON)
    assert not is_due(_utc(2026, 12, 1, 22, 0), posted, 240, LONDON)  # late tick, at night
    assert not is_due(posted + timedelta(days=3, minutes=1), posted, 240, LONDON)
    # New York's working day starts at 14:00 UTC.
    assert not is_due(_utc(2026, 12, 1, 13, 30), posted, 240, NEW_YORK)
    assert is_due(_utc(2026, 12, 1, 14, 0), posted, 240, NEW_YORK)


# ---- builders -----------------------------------------------------------------------------


def _report(silent: int) -> HealthReport:
    silences = [
        Silence(person_id=i, name=f"leader{i}", user_id=None, occurrence_ids=(1, 2))
        for i in range(silent)
    ]
    return HealthReport(
        score=score(replace(BASE, silent_leaders=silent)),
        trend=Trend.between(60, 50, datetime(2026, 12, 1, tzinfo=UTC)),
        silent=silences,
        silence="A client leader has not answered the last two check-ins",
    )


def test_status_names_the_silent_only_to_leads() -> None:
    report = _report(1)
    for_lead = str([b.to_dict() for b in status_blocks("Acme", report, show_names=True)])
    for_others = str([b.to_dict() for b in status_blocks("Acme", report, show_names=False)])
    assert "leader0" in for_lead
    assert "leader0" not in for_others
    assert "A client leader has not answered the last two check-ins" in for_others


def test_lines_and_links() -> None:
    assert band(80) == "healthy" and band(55) == "mixed" and band(10) == "critical"
    line = health_line(72, Trend.between(72, 64, datetime(2026, 12, 1, tzinfo=UTC)))
    assert line == "Health *72*/100 (mixed) ↑ +8 since 2026-12-01"
    assert "<https://x.slack.com/archives/C1/p1|the check-in> in <#C1>" in nudge_text(
        "C1", "https://x.slack.com/archives/C1/p1"
    )
