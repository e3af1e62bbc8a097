"""Property tests for the two parsers people type into: ``/grievance`` and check-in cadences.

The subcommand parser must never raise, must always name a subcommand that exists, and
must keep the text of a grievance exactly as typed (less control characters). The cadence
parser must never raise anything but its own usage error, and what it accepts must be a
schedule the rest of the bot can run.
"""

from __future__ import annotations

import re
import time
from datetime import date
from zoneinfo import ZoneInfo

from hypothesis import example, given, settings
from hypothesis import strategies as st

from bot.playbook.commands import FILE, HELP, NEW, SUBCOMMANDS, parse, parse_number
from bot.playbook.commitments import CommitmentError
from bot.playbook.commitments import parse as parse_commitment
from bot.playbook.errors import PlaybookError
from bot.playbook.schedules import (
    MAX_INTERVAL_WEEKS,
    CadenceError,
    canonical_zone,
    cron_days,
    days_of,
    describe,
    parse_cadence,
    parse_date,
    parse_holidays,
    parse_time,
    stored_holidays,
)
from bot.playbook.targets import parse_duration, parse_hours

FUZZ = settings(max_examples=200, deadline=None)

KNOWN = {usage.name for usage in SUBCOMMANDS}
WORDS = sorted(KNOWN - {FILE})
#: What the parser drops: C0 controls and DEL, but not tab, newline or carriage return.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

ARGUMENT_PIECES = (
    "<@U0123ABC|ana>",
    "<@W9>",
    "<@lower>",
    "<#C0123|general>",
    "<!here>",
    "me",
    "ME",
    "#7",
    "7",
    "123456789012",
    "rename",
    "close",
    "reopen",
    "status",
    "questions",
    "rule",
    "majority",
    "every",
    "weekday",
    "at",
    "9:30",
    "list",
    "pause",
    "resume",
    "edit",
    "delete",
    "Europe/Berlin",
    "new release broke checkout",
    "😀",
    "مرحبا",
    "\u202e",
    "&amp;",
    "\x00",
    "\x1b",
    "\t",
    "\n",
    "\r",
    " ",
    "   ",
)
pieces = st.one_of(
    st.sampled_from(WORDS),
    st.sampled_from([w.upper() for w in WORDS]),
    st.sampled_from(ARGUMENT_PIECES),
    st.text(max_size=20),
)
command_texts = st.one_of(
    st.none(),
    st.text(),
    st.lists(pieces, max_size=12).map(" ".join),
    st.lists(pieces, max_size=12).map("".join),
)


def _cleaned(text: str | None) -> str:
    return _CONTROL.sub("", text or "").strip()


# ---- /grievance ----------------------------------------------------------------------------


@FUZZ
@given(command_texts)
@example(None)
@example("")
@example("\x00\x1b \t")
@example("history abc")
@example("new release broke checkout")
@example("lead " + "<@U1> " * 30 + "and carla")
@example("  The build\x07 is\x1b red  ")
def test_parse_never_raises_and_always_names_a_known_subcommand(text: str | None) -> None:
    parsed = parse(text)
    cleaned = _cleaned(text)

    assert parsed.name in KNOWN
    if not cleaned:
        assert parsed.name == NEW and parsed.args == ""
    elif parsed.name == FILE:
        assert parsed.args == cleaned, "a grievance is kept as typed, less control characters"
    elif parsed.unknown is not None:
        assert parsed.name == HELP and len(cleaned.split()) == 1
        assert parsed.unknown == cleaned.partition(" ")[0][:40]
        assert parsed.suggestion is None or parsed.suggestion in WORDS
    else:
        word, _, rest = cleaned.partition(" ")
        assert word.lower() == parsed.name
        assert parsed.args == rest.strip()
    assert parsed.text == cleaned, "the words are kept whole, to file if that is the reading"


@FUZZ
@given(st.sampled_from(WORDS), st.text(alphabet="\x00\x07\x1b\x7f \t", max_size=6))
def test_a_lone_subcommand_word_is_that_subcommand(word: str, noise: str) -> None:
    for spelt in (word, word.upper(), word.capitalize()):
        assert parse(noise + spelt + noise).name == word


#: A word: no whitespace, no control character, at least one character.
words = st.text(
    alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Zs", "Zl", "Zp")), min_size=1
)


@FUZZ
@given(st.lists(words, min_size=2, max_size=8), st.sampled_from([" ", "  ", " \x00", "\x1b "]))
def test_text_that_is_no_subcommand_is_filed_whole(several: list[str], separator: str) -> None:
    text = separator.join(several)
    if _cleaned(text).partition(" ")[0].lower() in WORDS:
        return
    parsed = parse(text)
    assert (parsed.name, parsed.args) == (FILE, _cleaned(text))


def test_many_mentions_then_a_word_are_parsed_at_once() -> None:
    """A failing mentions-only match used to backtrack exponentially (2^n for n mentions)."""
    started = time.perf_counter()
    for word in ("lead", "interview"):
        parsed = parse(f"{word} " + "<@U0123ABC> " * 26 + "please")
        assert (parsed.name, parsed.fits) == (word, False)
    assert time.perf_counter() - started < 1.0


@FUZZ
@given(st.text(max_size=30))
def test_parse_number_never_raises(text: str) -> None:
    number = parse_number(text)
    assert number is None or 0 <= number < 10**9


# ---- check-in cadences ---------------------------------------------------------------------

CADENCE_WORDS = (
    "every",
    "other",
    "week",
    "weeks",
    "fortnight",
    "on",
    "day",
    "days",
    "daily",
    "weekday",
    "weekdays",
    "weekend",
    "workdays",
    "monday",
    "Tue",
    "weds",
    "thurs",
    "fridays",
    "sat",
    "sun",
    ",",
    "and",
    "&",
    "/",
    "+",
    "or",
    "at",
    "in",
    "for",
    "the",
    "client",
    "team",
    "everyone",
    "side",
    "0",
    "2",
    "4",
    "5",
    "99",
    "007",
    "9:30",
    "09.05",
    "16h00",
    "16h",
    "24:00",
    "9:60",
    "12am",
    "4 pm",
    "4p.m.",
    "noon",
    "midnight",
    "Europe/London",
    "america/new_york",
    "UTC",
    "z",
    "Mars/Olympus",
    "etc/gmt+5",
    "٣:30",
    "😀",
    ".",
    "!",
)
cadence_texts = st.one_of(
    st.text(max_size=80),
    st.lists(st.sampled_from(CADENCE_WORDS), max_size=14).map(" ".join),
    st.lists(st.one_of(st.sampled_from(CADENCE_WORDS), st.text(max_size=6)), max_size=10).map(
        " ".join
    ),
    st.text(min_size=400, max_size=700),
)


@FUZZ
@given(cadence_texts)
@example("every 2 weeks on every day at 09:30")
@example("every " + "monday and " * 200)
@example("every weekday at")
@example("every weekday in")
@example("every 99999999999999999999 weeks on monday")
@example("every day at 9:30 at 10:00")
def test_parse_cadence_raises_nothing_but_its_usage_and_gives_runnable_schedules(
    text: str,
) -> None:
    try:
        cadence = parse_cadence(text)
    except CadenceError as refusal:
        assert "every weekday at 9:30" in str(refusal), "the usage comes with every refusal"
        return
    assert cadence.days and set(cadence.days) <= set(range(7))
    assert list(cadence.days) == sorted(set(cadence.days))
    assert 1 <= cadence.interval_weeks <= MAX_INTERVAL_WEEKS
    assert 0 <= cadence.hour <= 23 and 0 <= cadence.minute <= 59
    if cadence.timezone is not None:
        ZoneInfo(cadence.timezone)
    assert days_of(cadence.cron_days) == cadence.days
    assert describe(cadence.cron_days, cadence.interval_weeks, cadence.time_of_day)


@FUZZ
@given(
    st.sets(st.integers(min_value=0, max_value=6), min_size=1),
    st.integers(min_value=1, max_value=MAX_INTERVAL_WEEKS),
    st.integers(min_value=0, max_value=23),
    st.integers(min_value=0, max_value=59),
)
def test_what_the_bot_says_back_parses_to_the_same_schedule(
    days: set[int], interval: int, hour: int, minute: int
) -> None:
    said = describe(cron_days(days), interval, f"{hour:02d}:{minute:02d}")
    cadence = parse_cadence(said)
    assert (cadence.days, cadence.interval_weeks) == (tuple(sorted(days)), interval)
    assert (cadence.hour, cadence.minute) == (hour, minute)


@FUZZ
@given(st.one_of(st.text(max_size=20), st.sampled_from(CADENCE_WORDS)))
def test_times_dates_zones_and_day_lists_never_raise(text: str) -> None:
    parsed = parse_time(text)
    assert parsed is None or (0 <= parsed[0] <= 23 and 0 <= parsed[1] <= 59)
    parse_date(text)
    zone = canonical_zone(text)
    assert zone is None or ZoneInfo(zone)
    assert set(days_of(text)) <= set(range(7))
    stored_holidays(text)


@FUZZ
@given(
    st.one_of(
        st.none(),
        st.text(max_size=200),
        st.lists(st.dates()).map(lambda days: ", ".join(d.isoformat() for d in days)),
    )
)
def test_holidays_raise_nothing_but_a_readable_value_error(text: str | None) -> None:
    try:
        days = parse_holidays(text)
    except ValueError as refusal:
        assert str(refusal)
        return
    assert days == sorted(set(days))


# ---- commitments and response targets -------------------------------------------------

commit_words = st.sampled_from(
    [
        "me",
        "<@UBEN>",
        "<@UBEN|ben>",
        "friday",
        "fri",
        "tomorrow",
        "today",
        "in",
        "2",
        "weeks",
        "days",
        "2026-12-18",
        "18",
        "December",
        "by",
        "due",
        "#3",
        "#0",
        "[internal]",
        "done",
        "Ship",
        "the",
        "fix",
        "\x00",
        "—",
        "<!channel>",
    ]
)


@FUZZ
@given(st.lists(commit_words, max_size=10).map(" ".join))
def test_a_commitment_parses_or_says_how_to_write_it(text: str) -> None:
    """``commit …`` never raises anything but a refusal a person can read, and what it
    reads is a commitment from today on, with words."""
    today = date(2026, 12, 2)
    try:
        draft = parse_commitment(text, today)
    except CommitmentError as refusal:
        assert str(refusal)
        return
    assert draft.due >= today and draft.text.strip()


target_words = st.sampled_from(
    [
        "1",
        "4",
        "5",
        "ack",
        "plan",
        "30m",
        "2h",
        "1.5h",
        "1d",
        "0m",
        "soon",
        "hours",
        "09:00-17:00",
        "17:00-09:00",
        "25:00-26:00",
        "x",
    ]
)


@FUZZ
@given(st.lists(target_words, max_size=6).map(" ".join))
def test_durations_and_business_hours_parse_or_refuse_kindly(text: str) -> None:
    for parser in (lambda t: parse_duration(t, 480), parse_hours):
        try:
            parser(text)
        except PlaybookError as refusal:
            assert str(refusal)
