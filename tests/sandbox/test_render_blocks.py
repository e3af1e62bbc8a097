"""What a sandbox user sees in the terminal for Block Kit blocks: mrkdwn, sections,
buttons, selects, images and rich text, and that junk never makes rendering raise.

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
    ContextBlock,
    DatePickerElement,
    DividerBlock,
    HeaderBlock,
    ImageBlock,
    ImageElement,
    MarkdownTextObject,
    Option,
    OptionGroup,
    OverflowMenuElement,
    RichTextBlock,
    RichTextListElement,
    RichTextPreformattedElement,
    RichTextQuoteElement,
    RichTextSectionElement,
    SectionBlock,
    StaticSelectElement,
    UserSelectElement,
)

from bot.sandbox.render import (
    describe_actions,
    describe_inputs,
    mrkdwn_to_text,
    render_blocks,
    render_message,
    render_view,
    resolve_choice,
)
from tests.sandbox.render_helpers import NAMES, dicts

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
