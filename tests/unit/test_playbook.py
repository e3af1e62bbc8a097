"""Pure playbook rules: insights de-duplication, the command parser, drafts, text escaping."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.blocks.grievance import grievance_message
from bot.blocks.text import plain_escape, shorten
from bot.playbook.commands import SUBCOMMANDS, parse, parse_number, split_mentions
from bot.playbook.grievances import MAX_TEXT, DraftError, GrievanceDraft
from bot.playbook.grievances import view as view_of
from bot.playbook.insights import normalise, split_items, tally
from bot.playbook.people import Profile
from bot.sandbox.blockkit_limits import message_block_errors
from storage.models import Category, Grievance, Side, Status

_PING = re.compile(r"<!|(?<!\u200b)@(channel|here|everyone)\b", re.IGNORECASE)


# ---- insights -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Predictable releases", "predictable releases!"),
        ("PREDICTABLE RELEASES.", "  predictable   releases "),
        ("On-time delivery", "on time delivery"),
        ("The weekly demo", "weekly demo"),
        ("Café opening hours", "café opening hours?"),
    ],
)
def test_the_same_thing_said_differently_has_one_key(first: str, second: str) -> None:
    assert normalise(first) == normalise(second)


def test_different_things_keep_different_keys() -> None:
    assert normalise("fast answers") != normalise("fast releases")
    assert normalise("no P1 bugs") != normalise("no P2 bugs")


def test_answers_split_into_items_on_lines_semicolons_and_bullets() -> None:
    answer = "- Fast answers\n• Clear owner; weekly demo - honest dates\n\n.;"
    assert split_items(answer) == ["Fast answers", "Clear owner", "weekly demo", "honest dates"]
    assert split_items("well-known owner") == ["well-known owner"]
    assert split_items(None) == split_items("") == split_items(" ;\n. ") == []


def test_tally_counts_every_mention_with_the_grievances_behind_it() -> None:
    items = tally(
        [
            (1, "Predictable releases"),
            (2, "predictable releases!\nFast answers"),
            (3, None),
            (4, "PREDICTABLE RELEASES.; fast answers; Fast answers"),
            (5, "Honest dates"),
        ]
    )
    assert [(i.text, i.count, i.grievances) for i in items] == [
        ("Predictable releases", 3, [1, 2, 4]),
        ("Fast answers", 3, [2, 4]),
        ("Honest dates", 1, [5]),
    ]


def test_tally_ranks_by_count_then_first_grievance_and_keeps_the_top_ten() -> None:
    answers = [(n, f"thing {n}") for n in range(1, 15)] + [(20, "thing 9"), (21, "thing 12")]
    items = tally(answers)
    assert len(items) == 10
    assert [i.text for i in items[:3]] == ["thing 9", "thing 12", "thing 1"]
    assert tally([], limit=10) == []


def test_apostrophes_do_not_split_the_same_answer() -> None:
    assert normalise("Don't surprise us") == normalise("Dont surprise us")


# ---- the command parser ---------------------------------------------------------------


@pytest.mark.parametrize("text", [None, "", "   ", "\x00\x07  "])
def test_no_text_opens_the_form(text: str | None) -> None:
    assert parse(text).name == "new"


@pytest.mark.parametrize(
    ("text", "name", "args"),
    [
        ("help", "help", ""),
        ("HISTORY 3", "history", "3"),
        ("history   #12 ", "history", "#12"),
        ("insights", "insights", ""),
        ("lead <@UBEN|ben>", "lead", "<@UBEN|ben>"),
        ("case rename Acme Corp", "case", "rename Acme Corp"),
        ("new", "new", ""),
        ("The build is red", "file", "The build is red"),
        ("broken again", "file", "broken again"),
        ("  The build\x07 is\x1b red  ", "file", "The build is red"),
    ],
)
def test_parse_routes_subcommands_and_files_everything_else(
    text: str, name: str, args: str
) -> None:
    parsed = parse(text)
    assert (parsed.name, parsed.args) == (name, args)
    assert parsed.unknown is None


@pytest.mark.parametrize(
    ("text", "name", "fits"),
    [
        ("export broken", "export", False),
        ("Export broken", "export", False),
        ("export json", "export", True),
        ("history abc", "history", False),
        ("new release broke checkout", "new", False),
        ("lead carla please", "lead", False),
        ("update broke our login page for all users", "update", True),
        ("checkin every weekday at 9:30", "checkin", True),
        ("status", "status", True),
    ],
)
def test_a_command_word_is_a_command_only_when_the_rest_fits(
    text: str, name: str, fits: bool
) -> None:
    parsed = parse(text)
    assert (parsed.name, parsed.fits, parsed.text) == (name, fits, text)
    assert parsed.reads_two_ways is not fits


def test_a_lone_unknown_word_reads_two_ways() -> None:
    parsed = parse("Unacceptable.")
    assert (parsed.unknown, parsed.suggestion, parsed.text) == (
        "Unacceptable.",
        None,
        "Unacceptable.",
    )
    assert parsed.reads_two_ways


def test_a_lone_unknown_word_gets_help_not_a_grievance() -> None:
    parsed = parse("statsu")
    assert (parsed.name, parsed.unknown, parsed.suggestion) == ("help", "statsu", "status")
    parsed = parse("frobnicate")
    assert (parsed.name, parsed.unknown, parsed.suggestion) == ("help", "frobnicate", None)


@pytest.mark.parametrize(
    ("typo", "suggestion"), [("histroy", "history"), ("insight", "insights"), ("hlep", "help")]
)
def test_a_misspelt_lone_subcommand_gets_help_not_a_grievance(typo: str, suggestion: str) -> None:
    parsed = parse(typo)
    assert (parsed.name, parsed.unknown, parsed.suggestion) == ("help", typo, suggestion)


def test_a_lone_flag_gets_help() -> None:
    parsed = parse("--verbose")
    assert (parsed.name, parsed.unknown) == ("help", "--verbose")


def test_every_subcommand_in_the_help_is_parsed_as_itself() -> None:
    for usage in SUBCOMMANDS:
        if usage.name != "file":
            assert parse(usage.name).name == usage.name


def test_mentions_are_read_as_slack_escapes_them() -> None:
    text = "<@UBEN|ben> and <@W0123ABC> but not <#C123|general>, <!here> or <@lower>"
    assert split_mentions(text) == ["UBEN", "W0123ABC"]
    assert split_mentions("me") == []


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("7", 7),
        ("#7", 7),
        (" 12 ", 12),
        ("seven", None),
        ("7 8", None),
        ("-1", None),
        ("#", None),
        ("1234567890", None),
    ],
)
def test_grievance_numbers(text: str, number: int | None) -> None:
    assert parse_number(text) == number


# ---- drafts and people ----------------------------------------------------------------


def test_a_draft_is_trimmed_and_blank_notes_are_none() -> None:
    draft = GrievanceDraft.parse(
        text="  The build is red \n",
        cares_about="   ",
        went_well="\n",
        raised_by_name=" ",
        client_name="",
        severity="4",
        category="quality",
    )
    assert draft.text == "The build is red"
    assert (draft.cares_about, draft.went_well, draft.raised_by_name, draft.client_name) == (
        None,
        None,
        None,
        None,
    )
    assert (draft.severity, draft.category, draft.side) == (4, Category.QUALITY, None)


@pytest.mark.parametrize(
    ("fields", "bad"),
    [
        ({"text": "   "}, {"text"}),
        ({"text": "\n\t"}, {"text"}),
        ({"text": "x" * (MAX_TEXT + 1)}, {"text"}),
        ({"text": "ok", "severity": 5}, {"severity"}),
        ({"text": "ok", "severity": 0}, {"severity"}),
        ({"text": "ok", "category": "vibes"}, {"category"}),
        ({"text": " ", "severity": 9}, {"text", "severity"}),
        ({"text": "ok", "cares_about": "x" * 3001}, {"cares_about"}),
    ],
)
def test_invalid_drafts_name_each_bad_field(fields: dict[str, object], bad: set[str]) -> None:
    with pytest.raises(DraftError) as refused:
        GrievanceDraft.parse(**fields)
    assert set(refused.value.fields) == bad
    assert all(advice for advice in refused.value.fields.values())


def test_a_text_of_exactly_the_maximum_is_kept_whole() -> None:
    assert GrievanceDraft.parse(text="x" * MAX_TEXT).text == "x" * MAX_TEXT


def test_external_users_and_guests_default_to_the_client_side() -> None:
    assert Profile("UANA", "ana").default_side is Side.TEAM
    assert Profile("UCARLA", "carla", external=True).default_side is Side.CLIENT


# ---- escaping user text ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("a & b < c > d", "a &amp; b &lt; c &gt; d"),
        ("<!channel> now", "@\u200bchannel now"),
        ("<!here|here> now", "@\u200bhere now"),
        ("<!everyone>", "@\u200beveryone"),
        ("ping @Channel and @HERE", "ping @\u200bchannel and @\u200bhere"),
        ("<@UBEN|ben>", "@ben"),
        ("<https://x.example|click>", "&lt;https://x.example|click&gt;"),
        ("line\x00one\x07\nline\ttwo\r", "lineone\nline\ttwo"),
        ("*bold* stays", "*bold* stays"),
    ],
)
def test_plain_escape(text: str, shown: str) -> None:
    assert plain_escape(text) == shown


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("<>!&|@ \x00\u200bchanelreyvoCHERE")), max_size=60))
def test_escaped_text_can_never_ping_or_link(text: str) -> None:
    shown = plain_escape(text)
    assert "<" not in shown and ">" not in shown
    assert not _PING.search(shown), shown


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400), st.integers(min_value=1, max_value=300))
def test_shorten_never_exceeds_the_limit_and_keeps_a_prefix(text: str, limit: int) -> None:
    short = shorten(text, limit)
    assert len(short) <= limit
    if len(text) <= limit:
        assert short == text
    else:
        assert short.endswith("…") and text.startswith(short[:-1])


def test_shorten_prefers_a_word_boundary_when_it_is_near() -> None:
    assert shorten("alpha beta gamma delta epsilon", 25) == "alpha beta gamma delta…"
    assert shorten("x" * 30, 10) == "x" * 9 + "…"


@settings(max_examples=60, deadline=None)
@given(
    st.text(alphabet=st.sampled_from(list("&<>ab \n*")), min_size=1, max_size=MAX_TEXT),
    st.text(alphabet=st.sampled_from(list("&<>x")), min_size=1, max_size=120),
)
def test_a_grievance_message_always_fits_block_kit(text: str, raiser: str) -> None:
    grievance = Grievance(
        id=1,
        number=1,
        text=text,
        raised_by_name=raiser,
        side=Side.CLIENT,
        category=Category.OTHER,
        severity=4,
        status=Status.OPEN,
        source_permalink="https://sandbox.slack.local/archives/C1/p1",
    )
    blocks = [block.to_dict() for block in grievance_message(view_of(grievance))]
    assert message_block_errors(blocks) == []
