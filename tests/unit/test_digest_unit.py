"""Pure rules and builders of progress updates, the digest and closing: no Slack, no database."""

from __future__ import annotations

import io
import json
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from matplotlib.image import imread

from bot.blocks.closing import RatingModalContext, closing_summary, rating_modal
from bot.blocks.digest import digest_message, measure_line, schedule_confirmation
from bot.blocks.progress import ProgressModalContext, progress_message, progress_modal
from bot.chart import render
from bot.ids import ProgressField, RatingField
from bot.playbook.closing import ClosingSummary, VersionLine
from bot.playbook.digest import (
    DigestData,
    DigestSchedule,
    GrievanceCounts,
    MeasureTrend,
    ResponseRate,
    StrategyLine,
    due_at_or_before,
    next_due_after,
    overall_weekly,
    parse_schedule,
    weekly_averages,
)
from bot.playbook.errors import PlaybookError
from bot.playbook.progress import (
    ActionChoice,
    AddressedItem,
    ProgressDraftError,
    UpdateChoices,
    UpdateRef,
    UpdateSnapshot,
    parse_draft,
)
from storage.models import ClosingOutcome, Side, Stage, Status, StrategyStatus

BERLIN = ZoneInfo("Europe/Berlin")
PNG = b"\x89PNG\r\n\x1a\n"

# ---- the digest schedule --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("every friday at 16:00 Europe/Berlin", DigestSchedule(4, "16:00", "Europe/Berlin")),
        ("every Fri 4pm", DigestSchedule(4, "16:00", "UTC")),
        ("every mondays at 9:30", DigestSchedule(0, "09:30", "UTC")),
        ("every  thursday  12am  utc", DigestSchedule(3, "00:00", "UTC")),
        ("every sun at 23:59 america/new_york", DigestSchedule(6, "23:59", "America/New_York")),
    ],
)
def test_schedules_are_read_in_the_ways_people_type_them(
    text: str, expected: DigestSchedule
) -> None:
    assert parse_schedule(text, default_timezone="UTC") == expected


@pytest.mark.parametrize(
    ("text", "advice"),
    [
        ("every funday at 16:00", "not a day of the week"),
        ("every friday at 25:00", "not a time"),
        ("every friday at 13pm", "not a time"),
        ("every friday at 16:00 Mars/Olympus", "time zone"),
        ("every friday", "Say when"),
    ],
)
def test_a_schedule_that_cant_be_read_says_why(text: str, advice: str) -> None:
    with pytest.raises(PlaybookError, match=advice):
        parse_schedule(text, default_timezone="UTC")


def test_the_due_time_stays_at_local_time_across_daylight_saving() -> None:
    berlin = DigestSchedule(4, "16:00", "Europe/Berlin")
    # Friday 27 March 2026, before the clocks go forward on the 29th: 16:00 CET = 15:00 UTC.
    friday = datetime(2026, 3, 27, 15, 0, tzinfo=UTC)
    assert due_at_or_before(berlin, friday) == friday
    assert due_at_or_before(berlin, friday - timedelta(seconds=1)) == friday - timedelta(days=7)
    # The next one is 16:00 CEST = 14:00 UTC: six days and 23 hours later.
    assert next_due_after(berlin, friday) == datetime(2026, 4, 3, 14, 0, tzinfo=UTC)


def test_due_times_on_the_weekday_itself_and_on_other_days() -> None:
    default = DigestSchedule(4, "16:00", "UTC")
    wednesday = datetime(2026, 3, 11, 9, 0, tzinfo=UTC)
    assert due_at_or_before(default, wednesday) == datetime(2026, 3, 6, 16, 0, tzinfo=UTC)
    assert next_due_after(default, wednesday) == datetime(2026, 3, 13, 16, 0, tzinfo=UTC)
    assert schedule_confirmation(default, datetime(2026, 3, 13, 16, tzinfo=UTC), changed=True) == (
        "The weekly digest now comes on Fridays at 16:00 (UTC). The next one: "
        "Fri 13 Mar 16:00 (UTC). `/grievance digest` posts one now."
    )


# ---- confidence trends ----------------------------------------------------------------------


def test_ratings_average_per_question_per_local_week() -> None:
    monday = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    rows = [
        ("Releases on time?", monday, 2),
        ("Releases on time?", monday + timedelta(days=3), 3),
        ("Releases on time?", monday + timedelta(days=7), 4),
        ("Support answers fast?", monday + timedelta(days=8), 5),
        # Sunday 23:30 UTC is already Monday in Berlin: it belongs to the next week there.
        ("Support answers fast?", datetime(2026, 3, 8, 23, 30, tzinfo=UTC), 1),
    ]
    trends = weekly_averages(rows, BERLIN)
    assert trends["Releases on time?"] == [(date(2026, 3, 2), 2.5), (date(2026, 3, 9), 4.0)]
    assert trends["Support answers fast?"] == [(date(2026, 3, 9), 3.0)]
    assert overall_weekly(rows, BERLIN) == [(date(2026, 3, 2), 2.5), (date(2026, 3, 9), 10 / 3)]
    trend = MeasureTrend("Releases on time?", trends["Releases on time?"], team=3.5)
    assert trend.change == 1.5
    assert measure_line(trend) == "• Releases on time?: client 2.5 → 4.0 :arrow_up: (team 3.5)"


def test_response_rates_round_and_say_when_nobody_was_asked() -> None:
    assert ResponseRate(Side.CLIENT, 2, 3).percent == 67
    assert ResponseRate(Side.TEAM, 0, 0).percent is None


# ---- the chart ------------------------------------------------------------------------------


def test_the_chart_is_a_png_with_or_without_data() -> None:
    start = datetime(2026, 3, 2, tzinfo=UTC)
    drawn = render(
        title="Acme",
        health=[(start + timedelta(days=7 * n), 40 + 10 * n) for n in range(4)],
        confidence={"Releases on time?": [(date(2026, 3, 2), 2.5), (date(2026, 3, 9), 4.0)]},
    )
    empty = render(title="Nothing yet", health=[], confidence={})
    assert drawn.startswith(PNG) and empty.startswith(PNG)
    assert len(drawn) > 5_000


def test_the_client_pulse_is_drawn_in_its_own_colour() -> None:
    start = datetime(2026, 3, 2, tzinfo=UTC)
    health = [(start + timedelta(days=7 * n), 40 + 10 * n) for n in range(4)]
    pulse = [(start, 2.0), (start + timedelta(days=14), 3.5)]

    def has_pulse_colour(png: bytes) -> bool:
        pixels = imread(io.BytesIO(png))[..., :3]
        target = np.array([0xAD, 0x14, 0x57]) / 255
        return bool((np.abs(pixels - target).max(axis=-1) < 0.05).any())

    assert has_pulse_colour(render(title="Acme", health=health, confidence={}, pulse=pulse))
    assert not has_pulse_colour(render(title="Acme", health=health, confidence={}))


# ---- builders -------------------------------------------------------------------------------


def _data(**overrides: object) -> DigestData:
    fields: dict[str, object] = {
        "client_name": "Acme <Corp>",
        "stage": Stage.REWORK,
        "period_start": datetime(2026, 3, 6, 16, tzinfo=UTC),
        "period_end": datetime(2026, 3, 13, 16, tzinfo=UTC),
        "timezone": "UTC",
        "counts": GrievanceCounts(2, 1, 5, 2, 3),
        "rates": [ResponseRate(Side.CLIENT, 3, 4), ResponseRate(Side.TEAM, 2, 2)],
        "checkins_this_week": 2,
        "measures": [MeasureTrend("Releases on time?", [(date(2026, 3, 2), 2.0)])],
        "strategy": StrategyLine(
            2,
            StrategyStatus.PROPOSED,
            None,
            ["an approval from a team lead"],
            {Side.CLIENT: 1, Side.TEAM: 0},
            1,
            3,
            "C1",
            "1.2",
        ),
        "health": 72,
        "health_before": 65,
        "health_series": [],
        "next_checkin": datetime(2026, 3, 16, 9, 30, tzinfo=UTC),
        "next_checkin_timezone": "Europe/London",
        "schedule": DigestSchedule(4, "16:00", "UTC"),
    }
    fields.update(overrides)
    return DigestData(**fields)  # type: ignore[arg-type]


def _text(blocks: list[object]) -> str:
    return json.dumps([b.to_dict() for b in blocks], ensure_ascii=False)  # type: ignore[attr-defined]


def test_the_digest_message_shows_every_section_and_escapes_the_client_name() -> None:
    shown = _text(digest_message(_data(), strategy_link="https://x/p1"))
    assert "This week: 2 raised, 1 resolved · So far: 5 raised, 2 resolved, 3 open" in shown
    assert "client: 3 of 4 (75%) · team: 2 of 2 (100%)" in shown
    assert "Releases on time?: client 2.0" in shown
    assert "<https://x/p1|v2>: awaiting buy-in" in shown and "1 of 3 actions done" in shown
    assert "72/100 :arrow_up: from 65 a week ago" in shown
    assert "Next check-in: Mon 16 Mar 09:30 (Europe/London)" in shown
    assert "Acme <Corp>" in shown  # a header is plain text
    quiet = _text(digest_message(_data(checkins_this_week=0, health=None, next_checkin=None)))
    assert "No check-ins this week." in quiet and "Not scored yet." in quiet
    assert "Next check-in: —" in quiet


def test_the_digest_and_the_closing_summary_say_when_buyin_was_lost() -> None:
    lost = StrategyLine(
        1,
        StrategyStatus.LOST,
        datetime(2026, 2, 1, tzinfo=UTC),
        ["an approval from a client leader"],
        {Side.CLIENT: 0, Side.TEAM: 1},
        0,
        0,
        None,
        None,
    )
    shown = _text(digest_message(_data(strategy=lost)))
    assert "v1: :warning: Buy-in lost — waiting for an approval from a client leader" in shown
    assert "buy-in reached" not in shown
    version = VersionLine(
        1,
        StrategyStatus.LOST,
        datetime(2026, 2, 1, tzinfo=UTC),
        {Side.CLIENT: 0, Side.TEAM: 1},
        {Side.CLIENT: 1, Side.TEAM: 0},
        None,
        None,
    )
    summary = _text(closing_summary(_closing(versions=[version])))
    assert "v1 — buy-in reached 2026-02-01, later lost (approvals: client 0, team 1" in summary


def _action(n: int) -> ActionChoice:
    return ActionChoice(
        n, n, f"Action number {n} " + "with a long description " * 5, None, "ana", date(2026, 12, 1)
    )


def test_the_update_modal_ticks_actions_in_groups_of_ten() -> None:
    choices = UpdateChoices(
        strategy_id=7,
        version=2,
        open_actions=[_action(n) for n in range(1, 13)],
        done_actions=[_action(13)],
        grievances=[],
        open_total=0,
    )
    view = progress_modal(ProgressModalContext(team_id="T", channel_id="C", case_id=1), choices)
    blocks = view.to_dict()["blocks"]
    groups = [b for b in blocks if b.get("block_id", "").startswith(f"{ProgressField.ACTIONS}:")]
    assert [len(g["element"]["options"]) for g in groups] == [10, 2]
    assert all(len(o["text"]["text"]) <= 75 for g in groups for o in g["element"]["options"])
    assert groups[0]["element"]["options"][0]["text"]["text"].endswith("(ana — 2026-12-01)")
    assert "Already done" in json.dumps(blocks)


def test_an_update_must_say_or_tick_something() -> None:
    with pytest.raises(ProgressDraftError) as raised:
        parse_draft(text="  ", action_ids=[], grievance_ids=[])
    assert "text" in raised.value.fields
    draft = parse_draft(text=" Shipped ", action_ids=["3", "x", "3"], grievance_ids=["9"])
    assert (draft.text, draft.action_ids, draft.grievance_ids) == ("Shipped", [3], [9])


def test_the_update_message_links_its_strategy_and_escapes_text() -> None:
    snap = UpdateSnapshot(
        client_name="Acme",
        author_name="ana",
        text="Fixed <!channel> & more",
        version=1,
        strategy_channel="C",
        strategy_ts="1.1",
        ticked=["Fix the export"],
        actions_done=1,
        actions_total=2,
        addressed=[AddressedItem(3, "Export broke", Status.ADDRESSING, True)],
        ref=UpdateRef(update=7, ticked=[4], moved=[3]),
    )
    shown = _text(progress_message(snap, strategy_link="https://x/p1"))
    assert "<!channel>" not in shown and "&amp; more" in shown
    assert "Towards <https://x/p1|strategy v1> · 1 of 2 actions done" in shown
    assert "#3 · Export broke — now *being addressed*" in shown


def _closing(versions: list[VersionLine]) -> ClosingSummary:
    return ClosingSummary(
        client_name="Acme",
        outcome=ClosingOutcome.RECOVERED,
        opened_at=datetime(2026, 1, 1, tzinfo=UTC),
        closed_at=datetime(2026, 3, 1, tzinfo=UTC),
        raised=5,
        resolved=4,
        withdrawn=1,
        still_open=0,
        confidence_start=2.0,
        confidence_now=4.3,
        health_start=30,
        health_now=85,
        versions=versions,
    )


def test_the_closing_summary_and_the_rating_modal() -> None:
    summary = _closing(
        [
            VersionLine(
                1,
                StrategyStatus.APPROVED,
                datetime(2026, 2, 1, tzinfo=UTC),
                {Side.CLIENT: 1, Side.TEAM: 1},
                {Side.CLIENT: 0, Side.TEAM: 0},
                None,
                None,
            )
        ]
    )
    shown = _text(closing_summary(summary))
    assert "(59 days)" in shown and "5 raised, 4 resolved, 1 withdrawn" in shown
    assert "2.0/5 at the start → 4.3/5 now" in shown
    assert "30/100 at the start → 85/100 now" in shown
    assert "v1 — buy-in reached 2026-02-01 (approvals: client 1, team 1)" in shown
    view = rating_modal(RatingModalContext(rating_id=3), "Acme").to_dict()
    ids = [b.get("block_id") for b in view["blocks"]]
    assert {RatingField.SCORE, RatingField.COMMENT, RatingField.ANONYMOUS} <= set(ids)
