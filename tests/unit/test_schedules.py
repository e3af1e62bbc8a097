"""Check-in timing, pure: the cadence parser, due times across time zones and clock
changes, pauses and holidays, the schedule form's validation, the message builder and
the per-channel pacing."""

from __future__ import annotations

import contextlib
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.blocks.checkin import checkin_blocks, checkin_text, rate_action_id, tally_line
from bot.jobs.checkins import ChannelPacer
from bot.playbook.checkins import (
    RATING,
    TEXT,
    CheckinView,
    ScheduleDraftError,
    Tally,
    ViewQuestion,
    parse_draft,
    suggested_cadence,
)
from bot.playbook.schedules import (
    WEEKDAYS,
    CadenceError,
    Rule,
    canonical_zone,
    cron_days,
    days_of,
    describe,
    due_times,
    next_due,
    parse_cadence,
    parse_holidays,
    parse_time,
)
from bot.sandbox.blockkit_limits import message_block_errors
from storage.models import Audience, Stage


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


# ---- the parser ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "days", "interval", "time"),
    [
        ("every weekday at 9:30", WEEKDAYS, 1, "09:30"),
        ("every monday,thursday at 16:00", (0, 3), 1, "16:00"),
        ("every 2 weeks on friday at 11:00", (4,), 2, "11:00"),
        ("every Mon and Thu at 4pm", (0, 3), 1, "16:00"),
        ("every other week on tue at 9 a.m.", (1,), 2, "09:00"),
        ("every day at noon", tuple(range(7)), 1, "12:00"),
        ("every week on wednesday 8.15", (2,), 1, "08:15"),
        ("every fortnight on fridays", (4,), 2, "09:30"),
        ("EVERY WEEKDAYS AT 17H00.", WEEKDAYS, 1, "17:00"),
    ],
)
def test_cadences_people_type(text: str, days: tuple[int, ...], interval: int, time: str) -> None:
    cadence = parse_cadence(text)
    assert (cadence.days, cadence.interval_weeks, cadence.time_of_day) == (days, interval, time)
    assert cadence.timezone is None and cadence.audience is None


def test_time_zone_and_audience_in_any_order() -> None:
    cadence = parse_cadence("every monday for the client side in america/new_york at 9:30")
    assert cadence.timezone == "America/New_York"
    assert cadence.audience is Audience.CLIENT
    assert parse_cadence("every friday at 10 for team").audience is Audience.TEAM


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("every", "days of the week"),
        ("every blursday at 9", "“blursday”"),
        ("sometimes at 9", "Start with `every`"),
        ("every weekday at 25:00", "not a time"),
        ("every weekday at 9:30 at 10:00", "said twice"),
        ("every 5 weeks on monday", "1 to 4 weeks"),
        ("every monday in Mars/Olympus", "not a time zone"),
        ("every monday for my boss", "for everyone"),
        ("every monday at 9 please", "“please”"),
        ("every monday at", "after “at”"),
    ],
)
def test_unreadable_cadences_say_why_with_examples(text: str, problem: str) -> None:
    with pytest.raises(CadenceError) as caught:
        parse_cadence(text)
    assert problem in str(caught.value)
    assert "every weekday at 9:30" in str(caught.value)  # the usage comes with it


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=120))
def test_the_parser_never_raises_anything_but_a_usage(text: str) -> None:
    for attempt in (text, "every " + text, "every monday " + text):
        try:
            cadence = parse_cadence(attempt)
        except CadenceError:
            continue
        assert cadence.days and 1 <= cadence.interval_weeks <= 4
        assert 0 <= cadence.hour <= 23 and 0 <= cadence.minute <= 59


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "every",
                "2",
                "weeks",
                "on",
                "monday",
                ",",
                "and",
                "at",
                "9:30",
                "pm",
                "for",
                "client",
                "side",
                "in",
                "utc",
                "weekday",
                "other",
                "week",
                "noon",
                "99",
            ]
        ),
        max_size=12,
    )
)
def test_the_parser_never_crashes_on_plausible_word_salad(words: list[str]) -> None:
    with contextlib.suppress(CadenceError):
        parse_cadence(" ".join(words))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("9:30", (9, 30)),
        ("09:05", (9, 5)),
        ("16h00", (16, 0)),
        ("12am", (0, 0)),
        ("12 pm", (12, 0)),
        ("4:15pm", (16, 15)),
        ("midnight", (0, 0)),
        ("13pm", None),
        ("9:60", None),
        ("٣:30", None),
        ("", None),
    ],
)
def test_times(text: str, expected: tuple[int, int] | None) -> None:
    assert parse_time(text) == expected


def test_days_round_trip_and_words() -> None:
    assert cron_days(WEEKDAYS) == "mon-fri"
    assert cron_days((3, 0)) == "mon,thu"
    assert days_of("mon-fri") == WEEKDAYS and days_of("mon,thu") == (0, 3)
    assert describe("mon-fri", 1, "09:30", "Europe/London") == (
        "every weekday at 09:30 (Europe/London)"
    )
    assert describe("fri", 2, "11:00") == "every 2 weeks on Friday at 11:00"
    assert describe("mon,wed,fri", 1, "08:00") == "every Monday, Wednesday and Friday at 08:00"


def test_time_zone_names_are_matched_regardless_of_case() -> None:
    assert canonical_zone("europe/london") == "Europe/London"
    assert canonical_zone("utc") == "UTC"
    assert canonical_zone("Europe/Atlantis") is None
    assert canonical_zone("") is None


def test_holidays() -> None:
    assert parse_holidays("2026-12-25, 2026-12-24\n2026-12-25") == [
        date(2026, 12, 24),
        date(2026, 12, 25),
    ]
    with pytest.raises(ValueError, match="not a date"):
        parse_holidays("2026-12-25, christmas")
    with pytest.raises(ValueError, match="not a date"):
        parse_holidays("2026-02-30")


# ---- due times -----------------------------------------------------------------------------


def rule(**overrides: object) -> Rule:
    values: dict[str, object] = {
        "days": "mon-fri",
        "time_of_day": "09:30",
        "timezone": "Europe/London",
        "anchor": date(2026, 3, 2),
    }
    values.update(overrides)
    return Rule(**values)  # type: ignore[arg-type]


def test_weekdays_skip_the_weekend() -> None:
    found = due_times(rule(timezone="UTC"), utc(2026, 3, 5, 12), utc(2026, 3, 10, 12))
    assert found == [utc(2026, 3, 6, 9, 30), utc(2026, 3, 9, 9, 30), utc(2026, 3, 10, 9, 30)]


def test_the_window_is_open_below_and_closed_above() -> None:
    weekday = rule(timezone="UTC")
    assert due_times(weekday, utc(2026, 3, 6, 9, 30), utc(2026, 3, 6, 9, 30)) == []
    assert due_times(weekday, utc(2026, 3, 6, 9, 29), utc(2026, 3, 6, 9, 30)) == [
        utc(2026, 3, 6, 9, 30)
    ]
    assert due_times(weekday, utc(2026, 3, 6, 9, 30), utc(2026, 3, 6, 10)) == []
    assert due_times(weekday, utc(2026, 3, 6, 10), utc(2026, 3, 6, 9)) == []  # clock went back


def test_specific_days() -> None:
    found = due_times(
        rule(days="mon,thu", time_of_day="16:00", timezone="UTC"),
        utc(2026, 3, 1),
        utc(2026, 3, 13),
    )
    assert [d.strftime("%a %d") for d in found] == ["Mon 02", "Thu 05", "Mon 09", "Thu 12"]


def test_every_two_weeks_counts_from_the_anchor_week() -> None:
    biweekly = rule(
        days="fri", time_of_day="11:00", timezone="UTC", interval_weeks=2, anchor=date(2026, 3, 4)
    )  # a Wednesday: that week's Friday is the first
    found = due_times(biweekly, utc(2026, 3, 4), utc(2026, 4, 30))
    assert [d.date() for d in found] == [
        date(2026, 3, 6),
        date(2026, 3, 20),
        date(2026, 4, 3),
        date(2026, 4, 17),
    ]


def test_nine_thirty_in_london_stays_nine_thirty_across_the_march_change() -> None:
    # The clocks go forward on Sunday 29 March 2026: 09:30 local is 09:30 UTC, then 08:30.
    found = due_times(rule(), utc(2026, 3, 26), utc(2026, 3, 31, 12))
    assert found == [
        utc(2026, 3, 26, 9, 30),
        utc(2026, 3, 27, 9, 30),
        utc(2026, 3, 30, 8, 30),
        utc(2026, 3, 31, 8, 30),
    ]


def test_new_york_across_the_november_change() -> None:
    # The clocks go back on Sunday 1 November 2026: 09:30 EDT is 13:30 UTC, EST 14:30.
    found = due_times(rule(timezone="America/New_York"), utc(2026, 10, 30), utc(2026, 11, 3))
    assert found == [utc(2026, 10, 30, 13, 30), utc(2026, 11, 2, 14, 30)]


def test_an_hour_that_happens_twice_gives_one_check_in() -> None:
    # 01:30 on 1 November 2026 happens twice in New York; one check-in, the first.
    night = rule(days="sun", time_of_day="01:30", timezone="America/New_York")
    found = due_times(night, utc(2026, 10, 31), utc(2026, 11, 2))
    assert found == [utc(2026, 11, 1, 5, 30)]


def test_an_hour_that_never_happens_still_gives_the_day_its_check_in() -> None:
    # 01:30 on 29 March 2026 does not exist in London; the check-in goes out once that day.
    night = rule(days="sun", time_of_day="01:30")
    found = due_times(night, utc(2026, 3, 28), utc(2026, 3, 30))
    assert len(found) == 1 and found[0].date() == date(2026, 3, 29)


def test_pause_window_and_holidays_are_skipped() -> None:
    paused = rule(
        timezone="UTC",
        pause_from=date(2026, 3, 10),
        pause_until=date(2026, 3, 12),
        holidays=frozenset({date(2026, 3, 16)}),
    )
    found = due_times(paused, utc(2026, 3, 9), utc(2026, 3, 17, 12))
    assert [d.day for d in found] == [9, 13, 17]


def test_next_due_looks_past_a_long_pause() -> None:
    paused = rule(timezone="UTC", pause_from=date(2026, 3, 1), pause_until=date(2026, 12, 28))
    assert next_due(paused, utc(2026, 3, 2)) == utc(2026, 12, 29, 9, 30)
    forever = rule(timezone="UTC", pause_from=date(2026, 3, 1))
    assert next_due(forever, utc(2026, 3, 2)) is None


def test_a_long_outage_is_walked_in_bounded_steps() -> None:
    found = due_times(rule(timezone="UTC"), utc(2020, 1, 1), utc(2026, 1, 1), limit=10)
    assert len(found) == 10 and found[0] == utc(2020, 1, 1, 9, 30)


# ---- the form ------------------------------------------------------------------------------


def form(**overrides: object) -> dict[str, object]:
    values: dict[str, object] = {
        "cadence": "weekly",
        "days": ["mon", "thu"],
        "time": "16:00",
        "timezone": "europe/london",
        "audience": "client",
        "rating_questions": "How are we doing on releases?\n\n",
        "open_questions": "Anything we should know?",
        "holidays": "2026-12-25",
    }
    values.update(overrides)
    return values


def test_a_valid_form() -> None:
    draft = parse_draft(**form())  # type: ignore[arg-type]
    assert draft.days == (0, 3) and draft.interval_weeks == 1 and draft.time_of_day == "16:00"
    assert draft.timezone == "Europe/London" and draft.audience is Audience.CLIENT
    assert [(q.kind, q.text) for q in draft.questions] == [
        (RATING, "How are we doing on releases?"),
        (TEXT, "Anything we should know?"),
    ]
    assert draft.holidays == [date(2026, 12, 25)]
    assert parse_draft(**form(cadence="weekday", days=[])).days == WEEKDAYS  # type: ignore[arg-type]
    assert parse_draft(**form(cadence="biweekly")).interval_weeks == 2  # type: ignore[arg-type]


def test_every_problem_of_a_form_is_reported_at_once() -> None:
    with pytest.raises(ScheduleDraftError) as caught:
        parse_draft(
            **form(
                days=[],
                timezone="Mars/Olympus",
                rating_questions="",  # type: ignore[arg-type]
                open_questions="",
                holidays="soon",
                time=None,
            )
        )
    assert set(caught.value.fields) == {"days", "timezone", "rating_questions", "holidays", "time"}


def test_suggested_cadence_follows_the_stage() -> None:
    assert suggested_cadence(Stage.STABILIZE).days == WEEKDAYS
    assert suggested_cadence(Stage.REWORK).days == (0,)


# ---- the message ---------------------------------------------------------------------------


def view(**overrides: object) -> CheckinView:
    values: dict[str, object] = {
        "occurrence_id": 7,
        "schedule_id": 3,
        "client_name": "Acme <Corp>",
        "audience": Audience.CLIENT,
        "due_at": utc(2026, 3, 30, 8, 30),
        "timezone": "Europe/London",
        "cadence": "every weekday at 09:30 (Europe/London)",
        "late": False,
        "open_tally": False,
        "questions": (
            ViewQuestion(0, RATING, "How are we doing on <releases>?", Tally()),
            ViewQuestion(1, TEXT, "Anything we should know?"),
            ViewQuestion(2, RATING, "Confident?", Tally.of({4: 2, 5: 1}, {4: ["ana", "ben"]})),
        ),
    }
    values.update(overrides)
    return CheckinView(**values)  # type: ignore[arg-type]


def _dicts(blocks: list[object]) -> list[dict[str, object]]:
    return [b.to_dict() for b in blocks]  # type: ignore[attr-defined]


def test_the_message_has_buttons_tallies_and_the_audience() -> None:
    blocks = _dicts(checkin_blocks(view()))
    assert not message_block_errors(blocks)
    buttons = [e for b in blocks if b["type"] == "actions" for e in b["elements"]]  # type: ignore[union-attr]
    assert [b["action_id"] for b in buttons[:5]] == [rate_action_id(0, r) for r in range(1, 6)]
    assert buttons[0]["action_id"] == "checkin_rate:0:1" and buttons[0]["value"] == "7:0:1"
    assert buttons[-1]["value"] == "7:2:5"
    shown = str(blocks)
    assert "For the client side" in shown and "&lt;releases&gt;" in shown
    assert "Answer in this thread" in shown and "No ratings yet" in shown
    assert "3 ratings · average 4.3" in shown and "ana" not in shown  # names only when open
    assert "Posted late" not in shown


def test_an_open_tally_names_people_and_a_late_post_says_so() -> None:
    shown = str(_dicts(checkin_blocks(view(open_tally=True, late=True))))
    assert "*4:* 2 (ana, ben)" in shown
    assert "Posted late: it was due at 09:30" in shown  # on the schedule's own clock
    assert "posted late" in checkin_text(view(late=True))
    assert "&lt;Corp&gt;" in checkin_text(view())


def test_ten_questions_fit_in_a_message() -> None:
    many = tuple(ViewQuestion(i, RATING, f"Question {i}?" + "x" * 200, Tally()) for i in range(10))
    assert not message_block_errors(_dicts(checkin_blocks(view(questions=many))))


def test_tally_line_without_names() -> None:
    assert tally_line(Tally.of({1: 1}), open_tally=False) == (
        "1 rating · average 1.0 · *1:* 1 · *2:* – · *3:* – · *4:* – · *5:* –"
    )


# ---- pacing --------------------------------------------------------------------------------


def test_posts_to_one_channel_are_a_second_apart_and_other_channels_do_not_wait() -> None:
    clock = [100.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        clock[0] += seconds

    pacer = ChannelPacer(1.0, clock=lambda: clock[0], sleep=sleep)
    pacer.wait("C1")
    pacer.wait("C2")
    clock[0] += 0.25
    pacer.wait("C1")
    assert slept == [pytest.approx(0.75)]
    clock[0] += 5
    pacer.wait("C1")
    pacer.wait("C2")
    assert len(slept) == 1
    assert timedelta(seconds=sum(slept)) < timedelta(seconds=1)
