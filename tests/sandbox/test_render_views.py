"""What a sandbox user sees in the terminal for the bot's modals and App Home: fields
with their ``set`` commands and choices, errors, inputs, and how typed choices resolve.

Payloads are built with slack_sdk's own models so they have exactly the shape Slack's API
receives; assertions are about the text a person reads and the commands they type.
"""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import (
    ButtonElement,
    CheckboxesElement,
    DatePickerElement,
    HeaderBlock,
    InputBlock,
    NumberInputElement,
    Option,
    PlainTextInputElement,
    RadioButtonsElement,
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
    describe_inputs,
    render_view,
    resolve_choice,
    resolve_choices,
)
from tests.sandbox.render_helpers import NAMES


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
