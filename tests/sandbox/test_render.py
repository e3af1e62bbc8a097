"""What a sandbox user sees in the terminal for the Block Kit the bot sends.

Payloads are built with slack_sdk's own models so they have exactly the shape Slack's API
receives; assertions are about the text a person reads and the commands they type.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    ChannelSelectElement,
    CheckboxesElement,
    ContextBlock,
    DatePickerElement,
    DividerBlock,
    HeaderBlock,
    ImageBlock,
    ImageElement,
    InputBlock,
    MarkdownTextObject,
    NumberInputElement,
    Option,
    OptionGroup,
    OverflowMenuElement,
    PlainTextInputElement,
    RadioButtonsElement,
    RichTextBlock,
    RichTextListElement,
    RichTextPreformattedElement,
    RichTextQuoteElement,
    RichTextSectionElement,
    SectionBlock,
    StaticSelectElement,
    TimePickerElement,
    UserMultiSelectElement,
    UserSelectElement,
)
from slack_sdk.models.views import View

from bot.blocks.people import PeopleContext, people_modal
from bot.sandbox.render import (
    InputField,
    describe_actions,
    describe_inputs,
    mrkdwn_to_text,
    render_blocks,
    render_file,
    render_message,
    render_view,
    resolve_choice,
    resolve_choices,
)

NAMES = {"U1": "ana", "U2": "ben", "C1": "acme-recovery", "S1": "devs"}
TS = "1700820240.000100"  # 2023-11-24 10:04:00 UTC


def dicts(*blocks: Any) -> list[dict[str, Any]]:
    return [b.to_dict() for b in blocks]


def grievance_modal(**kwargs: Any) -> dict[str, Any]:
    return View(
        type="modal",
        callback_id="file_grievance",
        title="File a grievance",
        submit="File",
        close="Not now",
        blocks=[
            InputBlock(
                block_id="summary",
                label="What happened?",
                hint="Stick to facts the client would agree with.",
                element=PlainTextInputElement(
                    action_id="summary_input",
                    multiline=True,
                    placeholder="The release slipped",
                    initial_value="Missed the\ndemo",
                ),
            ),
            InputBlock(
                block_id="severity",
                label="Severity",
                element=StaticSelectElement(
                    action_id="severity_select",
                    options=[Option(text=f"Sev {n}", value=str(n)) for n in (1, 2, 3)],
                    initial_option=Option(text="Sev 2", value="2"),
                ),
            ),
            InputBlock(
                block_id="category",
                label="Category",
                optional=True,
                element=RadioButtonsElement(
                    action_id="category_radio",
                    options=[
                        Option(text="Timeline", value="timeline", description="Dates slipped"),
                        Option(text="Quality", value="quality"),
                        Option(text="Communication", value="comms"),
                    ],
                ),
            ),
            InputBlock(
                block_id="tags",
                label="Tags",
                optional=True,
                element=CheckboxesElement(
                    action_id="tags_boxes",
                    options=[
                        Option(text="Urgent", value="urgent"),
                        Option(text="Legal", value="legal"),
                    ],
                    initial_options=[Option(text="Legal", value="legal")],
                ),
            ),
            InputBlock(
                block_id="owner",
                label="Owner",
                element=UserSelectElement(action_id="owner_user", initial_user="U2"),
            ),
            InputBlock(
                block_id="watchers",
                label="Watchers",
                optional=True,
                element=UserMultiSelectElement(action_id="watchers_users"),
            ),
            InputBlock(
                block_id="due",
                label="Due",
                element=DatePickerElement(action_id="due_date", initial_date="2024-01-31"),
            ),
            InputBlock(block_id="at", label="At", element=TimePickerElement(action_id="at_time")),
            InputBlock(
                block_id="hours",
                label="Hours lost",
                element=NumberInputElement(
                    action_id="hours_n", is_decimal_allowed=False, min_value="0", max_value="80"
                ),
            ),
        ],
        **kwargs,
    ).to_dict()


# --- mrkdwn ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mrkdwn", "shown"),
    [
        ("<@U1> please look", "@ana please look"),
        ("ping <@U9>", "ping @U9"),
        ("see <#C1|acme>", "see #acme-recovery"),
        ("see <#C7|acme>", "see #acme"),
        ("see <#C7>", "see #C7"),
        ("<!here> and <!channel> and <!everyone>", "@here and @channel and @everyone"),
        ("<!subteam^S9|@devs> help", "@devs help"),
        ("<https://x.io/g/12|the ticket>", "the ticket (https://x.io/g/12)"),
        ("<https://x.io/g/12>", "https://x.io/g/12"),
        ("<mailto:ana@x.io|ana@x.io>", "ana@x.io"),
        ("a &lt;b&gt; &amp;amp; c", "a <b> &amp; c"),
        ("*bold* _it_ :tada:", "*bold* _it_ :tada:"),
        ("<https://x.io/?a=1&amp;b=2|q &amp; a>", "q & a (https://x.io/?a=1&b=2)"),
        ("<!date^1392734382^{date_short}|Feb 18, 2014>", "Feb 18, 2014"),
    ],
)
def test_mrkdwn_to_text(mrkdwn: str, shown: str) -> None:
    assert mrkdwn_to_text(mrkdwn, NAMES) == shown


def test_control_characters_and_escapes_are_stripped_but_rtl_and_newlines_kept() -> None:
    text = "a\x1b[31mred\x1b[0m\x07 b\r\nשלום עולם\tمرحبا\x00"
    assert mrkdwn_to_text(text, NAMES) == "ared b\nשלום עולם    مرحبا"


# --- blocks ---------------------------------------------------------------------------


def test_section_with_mentions_links_fields_and_overflow() -> None:
    blocks = dicts(
        HeaderBlock(text="Grievance #12"),
        SectionBlock(
            text="<@U1> filed a grievance in <#C1>: <https://x.io/g/12|ticket>",
            fields=["*Severity*\nHigh", "*Owner*\n<@U2>", "*Category*\nTimeline"],
            accessory=OverflowMenuElement(
                action_id="more",
                options=[
                    Option(text="Snooze", value="snooze"),
                    Option(text="Close", value="close"),
                ],
            ),
        ),
        DividerBlock(),
        ContextBlock(
            elements=[
                ImageElement(image_url="https://x.io/bot.png", alt_text="bot"),
                MarkdownTextObject(text="Opened by <@U1>"),
            ]
        ),
    )
    lines = render_blocks(blocks, NAMES, ref="m3")
    assert lines[0] == "Grievance #12"
    assert set(lines[1]) == {"═"}
    assert lines[2] == "@ana filed a grievance in #acme-recovery: ticket (https://x.io/g/12)"
    assert lines[3].startswith("  Severity: High")
    assert lines[3].endswith("Owner: @ben")
    assert lines[4] == "  Category: Timeline"
    assert lines[5] == "  more: Snooze | Close (choose m3 more <option>)"
    assert set(lines[6]) == {"─"}
    assert lines[7] == "  · [image: bot] · Opened by @ana"
    assert all(len(line) <= 100 for line in lines)


def test_buttons_show_the_exact_click_command() -> None:
    blocks = dicts(
        ActionsBlock(
            elements=[
                ButtonElement(text="Acknowledge", action_id="ack_grievance", value="g12"),
                ButtonElement(text="Open ticket", action_id="open", url="https://x.io/g/12"),
            ]
        )
    )
    assert render_blocks(blocks, NAMES, ref="m3") == [
        "  [Acknowledge] (click m3 ack_grievance)",
        "  [Open ticket] (click m3 open) → https://x.io/g/12",
    ]


def test_buttons_sharing_an_action_id_are_told_apart_by_value() -> None:
    blocks = dicts(
        SectionBlock(
            text="How bad is it?",
            accessory=ButtonElement(text="Sev 1", action_id="set_sev", value="1"),
        ),
        ActionsBlock(
            elements=[
                ButtonElement(text="Sev 2", action_id="set_sev", value="2"),
                ButtonElement(text="Dismiss", action_id="dismiss", value="x"),
            ]
        ),
    )
    lines = render_blocks(blocks, NAMES, ref="m4")
    assert "  [Sev 1] (click m4 set_sev 1)" in lines
    assert "  [Sev 2] (click m4 set_sev 2)" in lines
    assert "  [Dismiss] (click m4 dismiss)" in lines
    actions = describe_actions(blocks)
    assert [(a.action_id, a.value, a.text) for a in actions] == [
        ("set_sev", "1", "Sev 1"),
        ("set_sev", "2", "Sev 2"),
        ("dismiss", "x", "Dismiss"),
    ]


def test_selects_list_options_with_choose_command() -> None:
    blocks = dicts(
        ActionsBlock(
            block_id="triage",
            elements=[
                StaticSelectElement(
                    action_id="category",
                    placeholder="Category",
                    option_groups=[
                        OptionGroup(label="Delivery", options=[Option(text="Timeline", value="t")]),
                        OptionGroup(label="Product", options=[Option(text="Quality", value="q")]),
                    ],
                    initial_option=Option(text="Quality", value="q"),
                ),
                UserSelectElement(action_id="assign", placeholder="Assign"),
                ChannelSelectElement(action_id="move"),
                DatePickerElement(action_id="follow_up"),
            ],
        )
    )
    assert render_blocks(blocks, NAMES, ref="m5") == [
        "  category: Timeline | Quality (current: Quality) (choose m5 category <option>)",
        "  assign: a user, e.g. @ana (choose m5 assign <@user>)",
        "  move: a channel, e.g. #acme-recovery (choose m5 move <#channel>)",
        "  follow_up: a date, YYYY-MM-DD (choose m5 follow_up <YYYY-MM-DD>)",
    ]
    select = describe_actions(blocks)[0]
    assert select.block_id == "triage"
    assert select.choices == (("Timeline", "t"), ("Quality", "q"))
    assert resolve_choice(select, "timeline") == "t"


def test_image_rich_text_and_unknown_blocks() -> None:
    blocks = [
        ImageBlock(image_url="https://x.io/c.png", alt_text="burndown chart").to_dict(),
        RichTextBlock(
            elements=[
                RichTextSectionElement(
                    elements=[
                        {"type": "text", "text": "Hi "},
                        {"type": "user", "user_id": "U1"},
                        {"type": "text", "text": " urgent", "style": {"bold": True}},
                        {"type": "text", "text": ", see "},
                        {"type": "link", "url": "https://x.io", "text": "docs"},
                        {"type": "emoji", "name": "pray"},
                    ]
                ),
                RichTextListElement(
                    style="bullet",
                    elements=[
                        RichTextSectionElement(elements=[{"type": "text", "text": "call them"}]),
                        RichTextSectionElement(elements=[{"type": "text", "text": "apologise"}]),
                    ],
                ),
                RichTextListElement(
                    style="ordered",
                    indent=1,
                    elements=[RichTextSectionElement(elements=[{"type": "text", "text": "first"}])],
                ),
                RichTextQuoteElement(elements=[{"type": "text", "text": "you missed\nagain"}]),
                RichTextPreformattedElement(elements=[{"type": "text", "text": "eta = 3d"}]),
            ]
        ).to_dict(),
        {"type": "carousel", "items": []},
        "not a block",
        None,
    ]
    assert render_blocks(blocks, NAMES, ref="m6") == [
        "[image: burndown chart]",
        "Hi @ana *urgent*, see docs (https://x.io):pray:",
        "- call them",
        "- apologise",
        "  1. first",
        "> you missed",
        "> again",
        "```",
        "eta = 3d",
        "```",
        "[unsupported block: carousel]",
        "[unsupported block: str]",
        "[unsupported block: NoneType]",
    ]


def test_long_text_is_kept_whole() -> None:
    text = "word " * 300
    lines = render_blocks(dicts(SectionBlock(text=text)), NAMES, ref="m1")
    assert lines == [text.rstrip()]


# --- messages -------------------------------------------------------------------------


def test_message_header_body_reactions_and_files() -> None:
    msg = {
        "ts": TS,
        "username": "grievance-bot",
        "text": "fallback that should not show",
        "blocks": dicts(SectionBlock(text="Thanks <@U1>, logged.")),
        "reactions": [{"name": "+1", "count": 2, "users": ["U1", "U2"]}, {"name": "x", "count": 1}],
        "files": [{"id": "F1", "name": "timeline.pdf"}],
    }
    out = render_message(msg, NAMES, ref="m3", channel_name="acme-recovery", kind="message")
    assert out.splitlines() == [
        "── m3 · #acme-recovery · grievance-bot · 10:04 ──",
        "Thanks @ana, logged.",
        ":+1: 2  :x: 1",
        "[file: timeline.pdf]",
    ]


def test_a_shared_text_file_shows_its_name_size_and_first_lines() -> None:
    report = "".join(f"line {n}\n" for n in range(1, 10)) + "\x1b[2Jthe end\n"
    out = render_file("history.md", report.encode(), lines=3)
    assert out == [
        f"  [file uploaded: history.md] {len(report.encode())} bytes",
        "  │ line 1",
        "  │ line 2",
        "  │ line 3",
        "  │ … 7 more line(s)",
    ]
    assert render_file("history.md", report.encode(), lines=10)[-1] == "  │ the end"


def test_a_shared_binary_file_shows_only_its_name_and_size() -> None:
    png = b"\x89PNG\r\n\x1a\n" + bytes(2048)
    assert render_file("digest.png", png) == ["  [file uploaded: digest.png] 2.0 KB"]
    assert render_file("blob.bin", b"ab\x00cd") == ["  [file uploaded: blob.bin] 5 bytes"]


@pytest.mark.parametrize(
    ("kind", "tag"),
    [("ephemeral", "only visible to you"), ("update", "edited in place"), ("dm", "direct message")],
)
def test_message_kinds_are_labelled(kind: str, tag: str) -> None:
    msg = {"ts": TS, "user": "U1", "text": "hello <!here>"}
    out = render_message(msg, NAMES, ref="m7", channel_name="acme-recovery", kind=kind)
    header, body = out.splitlines()
    assert tag in header
    assert "ana" in header
    assert body == "hello @here"


def test_thread_reply_names_its_parent() -> None:
    msg = {"ts": TS, "thread_ts": "1700820000.000001", "thread_ref": "m1", "text": "on it"}
    out = render_message(msg, NAMES, ref="m8", channel_name="#acme-recovery", kind="message")
    assert out.splitlines()[0] == "── m8 · #acme-recovery · 10:04 · in thread of m1 ──"
    parent = {"ts": TS, "thread_ts": TS, "thread_ref": "m8", "text": "root"}
    out = render_message(parent, NAMES, ref="m8", channel_name="acme", kind="message")
    assert "in thread" not in out


def test_message_with_action_ids_shared_across_blocks_and_bad_ts() -> None:
    msg = {
        "ts": "not-a-ts",
        "blocks": dicts(
            ActionsBlock(elements=[ButtonElement(text="Yes", action_id="vote", value="yes")]),
            ActionsBlock(elements=[ButtonElement(text="No", action_id="vote", value="no")]),
        ),
    }
    out = render_message(msg, {}, ref="m9", channel_name="acme", kind="message")
    assert out.splitlines() == [
        "── m9 · #acme ──",
        "  [Yes] (click m9 vote yes)",
        "  [No] (click m9 vote no)",
    ]


# --- views ----------------------------------------------------------------------------


def test_a_pickers_placeholder_is_not_offered_as_an_example() -> None:
    form = people_modal(PeopleContext(team_id="T1", channel_id="C1"), {}, [])
    lines = render_view(form.to_dict(), NAMES, ref="v1").splitlines()
    pickers = [line for line in lines if line.startswith("      users")]
    assert pickers == ["      users, comma-separated, e.g. @ana, @ben"] * 4
    assert "      a user, e.g. @ana" in lines


def test_modal_lists_fields_with_set_commands_and_choices() -> None:
    out = render_view(grievance_modal(), NAMES, ref="v1")
    lines = out.splitlines()
    assert lines[:3] == ["┌──────────────────┐", "│ File a grievance │", "└──────────────────┘"]
    assert "  What happened?  → set summary <value>" in lines
    assert "      multi-line text, e.g. The release slipped; current: Missed the ⏎ demo" in lines
    assert "      · Stick to facts the client would agree with." in lines
    assert "  Severity  → set severity <value>" in lines
    assert "        2. Sev 2 = 2 (current)" in lines
    assert "  Category (optional)  → set category <value>" in lines
    assert "        1. Timeline = timeline — Dates slipped" in lines
    assert "      any of (comma-separated):" in lines
    assert "        2. Legal = legal (current)" in lines
    assert "      a user, e.g. @ana; current: @ben" in lines
    assert "      users, comma-separated, e.g. @ana, @ben" in lines
    assert "      a date, YYYY-MM-DD; current: 2024-01-31" in lines
    assert "      a time, HH:MM" in lines
    assert "      a whole number from 0 to 80" in lines
    assert lines[-1] == "[File] (submit)   [Not now] (cancel)"
    assert all(len(line) <= 100 for line in lines)


def test_modal_errors_appear_under_their_field() -> None:
    errors = {"severity": "Pick a severity from 1 to 3", "gone": "Field vanished"}
    lines = render_view(grievance_modal(), NAMES, ref="v1", errors=errors).splitlines()
    at = lines.index("  Severity  → set severity <value>")
    assert lines[at + 1] == "  ! Pick a severity from 1 to 3"
    assert "  ! gone: Field vanished" in lines


def test_modal_without_submit_and_home_tab() -> None:
    info = View(type="modal", title="Playbook", blocks=[SectionBlock(text="Read me")]).to_dict()
    assert render_view(info, NAMES, ref="v2").splitlines()[-1] == "[Cancel] (cancel)"
    home = View(
        type="home",
        blocks=[
            HeaderBlock(text="Open grievances"),
            SectionBlock(
                text="*Acme* — 2 open",
                accessory=ButtonElement(text="View", action_id="view_client", value="acme"),
            ),
        ],
    ).to_dict()
    lines = render_view(home, NAMES, ref="h1").splitlines()
    assert "│ App Home │" in lines
    assert "  [View] (click h1 view_client)" in lines
    assert not any("(submit)" in line or "(cancel)" in line for line in lines)


def test_describe_inputs_matches_what_is_rendered() -> None:
    fields = describe_inputs(grievance_modal())
    by_id = {f.block_id: f for f in fields}
    assert [f.block_id for f in fields] == [
        "summary",
        "severity",
        "category",
        "tags",
        "owner",
        "watchers",
        "due",
        "at",
        "hours",
    ]
    assert by_id["summary"] == InputField(
        block_id="summary",
        action_id="summary_input",
        label="What happened?",
        element_type="plain_text_input",
        optional=False,
        choices=(),
        initial="Missed the\ndemo",
        multiline=True,
        placeholder="The release slipped",
        hint="Stick to facts the client would agree with.",
    )
    assert by_id["severity"].choices == (("Sev 1", "1"), ("Sev 2", "2"), ("Sev 3", "3"))
    assert by_id["severity"].initial == "2"
    assert by_id["category"].optional
    assert by_id["tags"].initial == ("legal",)
    assert by_id["tags"].multiple
    assert by_id["owner"].initial == "U2"
    assert by_id["due"].element_type == "datepicker"


def test_input_without_block_id_is_still_addressable() -> None:
    view = View(
        type="modal",
        title="Quick note",
        submit="Save",
        blocks=[InputBlock(label="Note", element=PlainTextInputElement(action_id="note"))],
    ).to_dict()
    (only,) = describe_inputs(view)
    assert only.block_id == "block1"
    assert "  Note  → set block1 <value>" in render_view(view, NAMES, ref="v3").splitlines()


# --- resolve_choice -------------------------------------------------------------------


def test_resolve_choice_by_value_text_number_and_prefix() -> None:
    fields = {f.block_id: f for f in describe_inputs(grievance_modal())}
    category = fields["category"]
    assert resolve_choice(category, "quality") == "quality"
    assert resolve_choice(category, "Timeline") == "timeline"
    assert resolve_choice(category, "TIMELINE") == "timeline"
    assert resolve_choice(category, "3") == "comms"
    assert resolve_choice(category, " comm ") == "comms"
    assert resolve_choice(category, "4") is None
    assert resolve_choice(category, "nonsense") is None
    assert resolve_choice(category, "") is None
    # A value that is a number wins over the position: "3" means severity 3, not option 3.
    assert resolve_choice(fields["severity"], "3") == "3"
    assert resolve_choice(fields["severity"], "sev 1") == "1"
    # Free-text fields have no options: the console takes the text as typed.
    assert resolve_choice(fields["summary"], "anything") is None


def test_resolve_choices_for_checkboxes() -> None:
    tags = {f.block_id: f for f in describe_inputs(grievance_modal())}["tags"]
    assert resolve_choices(tags, "urgent, 2") == ("urgent", "legal")
    assert resolve_choices(tags, "Urgent") == ("urgent",)
    assert resolve_choices(tags, "") == ()
    assert resolve_choices(tags, "urgent, bogus") is None


# --- robustness -----------------------------------------------------------------------

KEYS = st.sampled_from(
    [
        "type", "text", "blocks", "elements", "element", "fields", "accessory", "options",
        "option_groups", "initial_option", "initial_options", "initial_value", "initial_user",
        "value", "action_id", "block_id", "label", "hint", "optional", "title", "submit",
        "close", "alt_text", "style", "indent", "offset", "ts", "thread_ts", "thread_ref",
        "reactions", "files", "attachments", "name", "count", "user", "url", "rows",
    ]
)  # fmt: skip
TYPES = st.sampled_from(
    [
        "section", "actions", "context", "header", "divider", "image", "input", "rich_text",
        "rich_text_section", "rich_text_list", "rich_text_quote", "rich_text_preformatted",
        "button", "static_select", "checkboxes", "overflow", "users_select", "datepicker",
        "plain_text", "mrkdwn", "plain_text_input", "text", "user", "link", "emoji", "date",
        "modal", "home", "table", "video", "file", "markdown",
    ]
)  # fmt: skip
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=20)
    | TYPES
    | st.sampled_from(["<@U1>", "<#C1|x>", "<!here>", "<https://x|y>", "\x1b[2J", "\u202eabc"])
)
JUNK = st.recursive(
    SCALARS,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(KEYS | st.text(max_size=5), children, max_size=6)
    ),
    max_leaves=40,
)


@settings(max_examples=300, deadline=None)
@given(JUNK)
def test_rendering_never_raises_on_junk(junk: Any) -> None:
    blocks = junk if isinstance(junk, list) else [junk]
    lines = render_blocks(blocks, NAMES, ref="m1")
    assert all(isinstance(line, str) and "\n" not in line for line in lines)
    assert not any("\x1b" in line for line in lines)
    message = junk if isinstance(junk, dict) else {"blocks": junk, "text": junk}
    assert render_message(message, NAMES, ref="m1", channel_name="c", kind="update")
    view = junk if isinstance(junk, dict) else {"type": "modal", "blocks": junk}
    assert render_view(view, NAMES, ref="v1", errors={"a": "b"})
    for field in describe_inputs(view):
        resolve_choice(field, "1")
    describe_actions(blocks)
