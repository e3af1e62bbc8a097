"""The grievance modal: what happened, who raised it, and what they truly care about."""

from __future__ import annotations

from pydantic import BaseModel
from slack_sdk.models.blocks import (
    Block,
    CheckboxesElement,
    ContextBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    RadioButtonsElement,
    SectionBlock,
    StaticSelectElement,
    UserSelectElement,
)
from slack_sdk.models.views import View

from bot.blocks.inputs import TEXT_INPUT_LIMIT, text_input
from bot.blocks.text import plain_escape, split_escaped
from bot.ids import CONFIDENTIAL_OPTION, Callback, Field
from bot.playbook.confidential import Route
from bot.playbook.grievances import SEVERITY_LABELS
from bot.vocabulary import Category, Side

MODAL_TEXT_LIMIT = TEXT_INPUT_LIMIT


class ModalContext(BaseModel):
    """What the modal must remember between opening and submission (``private_metadata``)."""

    team_id: str
    channel_id: str
    channel_name: str = ""
    grievance_id: int | None = None
    source_permalink: str | None = None
    #: The text is too long for the form: keep the stored (or source message's) text.
    keep_text: bool = False
    #: The key to the whole text of the message a shortcut filed, when it is too long for
    #: the form, held until the form is sent (``bot.playbook.readings``).
    held_text: str | None = None


class RouteQuestion(BaseModel):
    """Asked before filing when a confidential grievance names the case's only lead."""

    named: list[str]
    #: The escalation contact's name, when the settings name one.
    contact: str | None = None


class ModalDefaults(BaseModel):
    """Values to prefill: a draft being edited, or a message filed by shortcut."""

    text: str = ""
    raised_by_user: str | None = None
    raised_by_name: str | None = None
    #: None: leave it to whoever raised it (a client-side user or guest makes it client).
    side: Side | None = None
    category: Category = Category.OTHER
    severity: int = 2
    cares_about: str | None = None
    success_measure: str | None = None
    went_well: str | None = None
    confidential: bool = False
    client_name: str | None = None
    ask_client_name: bool = False
    #: ``(client name, channel id)`` to choose from when filing from a DM.
    case_choices: list[tuple[str, str]] = []
    route: RouteQuestion | None = None


def _option(text: str, value: str) -> Option:
    return Option(text=text, value=value)


def _what_happened(text: str, *, keep: bool) -> list[Block]:
    """The text input, or, for a text too long for one, a note that it is kept unchanged."""
    if keep:
        return [
            SectionBlock(
                text=MarkdownTextObject(
                    text=f"_The grievance text ({len(text):,} characters) is longer than a "
                    "form can hold, so it is kept exactly as it is._"
                )
            )
        ]
    return [
        text_input(
            Field.TEXT,
            "What happened?",
            initial=text,
            multiline=True,
            optional=False,
            max_length=MODAL_TEXT_LIMIT,
            placeholder="In your own words: what happened, and how did it land?",
        ),
    ]


def _route_question(question: RouteQuestion) -> list[Block]:
    """Who would see it, and the choice: that lead anyway, the escalation contact, or
    Cancel (nothing is kept)."""
    named = ", ".join(question.named)
    options = [_option(f"File it: {named} will see it", Route.LEADS.value)]
    if question.contact:
        options.append(_option(f"Send it only to {question.contact} instead", Route.ESCALATE.value))
        elsewhere = (
            f"You can send it to {question.contact} instead: it is then not filed on the "
            f"case, and {named} does not see it."
        )
    else:
        elsewhere = "No escalation contact is set up for this workspace."
    return [
        SectionBlock(
            text=MarkdownTextObject(
                text=plain_escape(
                    f":warning: Your grievance names {named}, who is this case's only "
                    f"lead: as its lead, {named} would see it. {elsewhere} Or press Cancel: "
                    "nothing is kept."
                )
            )
        ),
        InputBlock(
            block_id=Field.ROUTE,
            label="Who should see it?",
            element=RadioButtonsElement(action_id=Field.ROUTE, options=options),
        ),
    ]


def grievance_modal(context: ModalContext, defaults: ModalDefaults) -> View:
    """The modal to file (or add detail to) a grievance."""
    sides = [_option("Client", Side.CLIENT.value), _option("Team", Side.TEAM.value)]
    categories = [_option(c.value.capitalize(), c.value) for c in Category]
    severities = [_option(f"{n} · {label}", str(n)) for n, label in SEVERITY_LABELS.items()]
    confidential = _option("Keep confidential (only case leads will see it)", CONFIDENTIAL_OPTION)
    case_picker: list[Block] = []
    if defaults.case_choices:
        options = [_option(name[:75], channel) for name, channel in defaults.case_choices[:100]]
        case_picker.append(
            InputBlock(
                block_id=Field.CASE,
                label="Which client is this about?",
                element=StaticSelectElement(
                    action_id=Field.CASE,
                    options=options,
                    initial_option=options[0] if len(options) == 1 else None,
                ),
            )
        )
    blocks: list[Block] = [
        *case_picker,
        SectionBlock(
            text=MarkdownTextObject(
                text=(
                    "Tell us what went wrong. Everything you write is kept with the client's case; "
                    "the last three questions help us learn what matters most."
                )
            )
        ),
        *_what_happened(defaults.text, keep=context.keep_text),
        InputBlock(
            block_id=Field.RAISED_BY_USER,
            label="Raised by",
            optional=True,
            hint="Leave empty if it's you, or type a name below for someone not in Slack.",
            element=UserSelectElement(
                action_id=Field.RAISED_BY_USER, initial_user=defaults.raised_by_user
            ),
        ),
        text_input(
            Field.RAISED_BY_NAME,
            "…or their name, if they are not in Slack",
            initial=defaults.raised_by_name,
            multiline=False,
            optional=True,
            max_length=120,
        ),
        InputBlock(
            block_id=Field.SIDE,
            label="Side",
            optional=defaults.side is None,
            hint=None if defaults.side else "Leave empty to use the side of whoever raised it.",
            element=RadioButtonsElement(
                action_id=Field.SIDE,
                options=sides,
                initial_option=next((o for o in sides if o.value == defaults.side), None),
            ),
        ),
        InputBlock(
            block_id=Field.CATEGORY,
            label="Category",
            element=StaticSelectElement(
                action_id=Field.CATEGORY,
                options=categories,
                initial_option=next(o for o in categories if o.value == defaults.category.value),
            ),
        ),
        InputBlock(
            block_id=Field.SEVERITY,
            label="Severity",
            element=StaticSelectElement(
                action_id=Field.SEVERITY,
                options=severities,
                initial_option=severities[min(max(defaults.severity, 1), 4) - 1],
            ),
        ),
        text_input(
            Field.CARES_ABOUT,
            "What do they truly care about?",
            initial=defaults.cares_about,
            multiline=True,
            optional=True,
            hint="One thing per line, e.g. 'predictable releases'.",
        ),
        text_input(
            Field.SUCCESS_MEASURE,
            "How do they measure success?",
            initial=defaults.success_measure,
            multiline=True,
            optional=True,
            hint="e.g. 'no P1 bugs in production for a month'.",
        ),
        text_input(
            Field.WENT_WELL,
            "What used to go well?",
            initial=defaults.went_well,
            multiline=True,
            optional=True,
            hint="The glory days: what worked before things went wrong?",
        ),
    ]
    if defaults.ask_client_name:
        blocks.append(
            text_input(
                Field.CLIENT_NAME,
                "Client name",
                initial=defaults.client_name,
                multiline=False,
                optional=True,
                max_length=80,
                hint="Names the case; until then it's named after the channel.",
            )
        )
    blocks.append(
        InputBlock(
            block_id=Field.CONFIDENTIAL,
            label="Confidential",
            optional=True,
            element=CheckboxesElement(
                action_id=Field.CONFIDENTIAL,
                options=[confidential],
                initial_options=[confidential] if defaults.confidential else None,
            ),
        )
    )
    if defaults.route:
        blocks += _route_question(defaults.route)
    if context.source_permalink:
        blocks.append(
            ContextBlock(
                elements=[
                    MarkdownTextObject(
                        text=f"Filed from <{context.source_permalink}|this message>."
                    )
                ]
            )
        )
    editing = context.grievance_id is not None
    return View(
        type="modal",
        callback_id=Callback.GRIEVANCE_MODAL,
        title="Add detail" if editing else "File a grievance",
        submit="Save" if editing else "File it",
        close="Cancel",
        private_metadata=context.model_dump_json(exclude_none=True),
        blocks=blocks,
    )


def full_text_modal(number: int, text: str) -> View:
    """A read-only modal with a long grievance text split into section-sized parts."""
    parts = split_escaped(text, 2900)[:95]
    return View(
        type="modal",
        callback_id=Callback.FULL_TEXT,
        title=f"Grievance #{number}"[:24],
        close="Close",
        blocks=[SectionBlock(text=MarkdownTextObject(text=part)) for part in parts],
    )
