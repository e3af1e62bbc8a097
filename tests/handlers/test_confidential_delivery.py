"""Confidential grievances reach someone: the leads by DM at once (urgent when critical),
never the lead they name, and when that lead is the only one, the person filing chooses
first, with the escalation contact from the settings as the way around them.

The lead a grievance names does not read it anywhere else either: not in the history, a
forged "Read it all" or status press, the App Home or their export."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from bot.ids import Action, Field
from bot.sandbox.slack_side import Delivery
from bot.sandbox.stack import SandboxStack
from bot.settings import Settings
from storage.clock import utcnow
from storage.models import Case, CaseLead, Escalation, Grievance, Person, Status
from tests.conftest import shown

CHANNEL = "CACME"


@pytest.fixture
def escalating(database_url: str) -> Iterator[SandboxStack]:
    """The sandbox with Ben named as the escalation contact."""
    settings = Settings(
        database_url=database_url, _env_file=None, grievance_escalation_contact="UBEN"
    )
    with SandboxStack(settings) as running:
        yield running


def _command(stack: SandboxStack, user: str, text: str) -> str:
    return shown(stack, user, CHANNEL, text)


def _file_confidential(stack: SandboxStack, text: str, severity: str = "2") -> Delivery:
    """Carla fills in the form: ``text``, kept confidential."""
    _command(stack, "UCARLA", "new")
    (form,) = stack.workspace.modal_stack("UCARLA")
    answers = {Field.TEXT: text, Field.CONFIDENTIAL: ["confidential"], Field.SEVERITY: severity}
    delivery = stack.slack.submit_view("UCARLA", form.id, answers)
    assert delivery.status == 200, delivery.body
    stack.settle()
    return delivery


def _dms(stack: SandboxStack, user: str) -> str:
    channel = stack.workspace.dm_channel_for(user).id
    return "\n".join(
        m.text + json.dumps(m.blocks, ensure_ascii=False)
        for m in stack.workspace.messages
        if m.channel == channel and m.bot_id
    )


def _told(stack: SandboxStack, user: str) -> str:
    return "\n".join(
        e.text + json.dumps(e.blocks, ensure_ascii=False)
        for e in stack.workspace.ephemerals
        if e.user == user
    )


def _confidential(stack: SandboxStack) -> list[str]:
    with stack.db.transaction() as session:
        return list(session.scalars(select(Grievance.text).where(Grievance.confidential.is_(True))))


def _with_two_leads(stack: SandboxStack) -> None:
    _command(stack, "UANA", "The invoice export broke twice this month")
    _command(stack, "UANA", "lead <@UBEN|ben>")


def test_a_confidential_grievance_reaches_every_lead_at_once_urgent_when_critical(
    stack: SandboxStack,
) -> None:
    _with_two_leads(stack)

    _file_confidential(stack, "The invoices are wrong again and finance is furious", "4")

    assert _confidential(stack) == ["The invoices are wrong again and finance is furious"]
    for lead in ("UANA", "UBEN"):
        said = _dms(stack, lead)
        assert "Urgent" in said and "finance is furious" in said and "from carla" in said
    assert "finance is furious" not in _dms(stack, "UDEV")
    assert "I'm sending it by DM to ana, ben." in _told(stack, "UCARLA")


def test_a_grievance_that_names_a_lead_goes_to_the_other_leads_only(stack: SandboxStack) -> None:
    _with_two_leads(stack)

    _file_confidential(stack, "Your PM Ben was rude to our CFO in the demo")

    assert "rude to our CFO" in _dms(stack, "UANA")
    assert "Urgent" not in _dms(stack, "UANA")
    assert "rude to our CFO" not in _dms(stack, "UBEN")
    told = _told(stack, "UCARLA")
    assert "I'm sending it by DM to ana." in told
    assert "It names ben, so ben will not see it." in told


def test_while_slack_is_slow_the_form_is_answered_from_the_names_slack_gave_before(
    stack: SandboxStack,
) -> None:
    _with_two_leads(stack)
    _command(stack, "UCARLA", "new")
    (form,) = stack.workspace.modal_stack("UCARLA")
    stack.workspace.inject_delay("users.info", 2, times=5)

    started = time.perf_counter()
    answers = {
        Field.TEXT: "Ben Okafor was rude to our CFO",
        Field.CONFIDENTIAL: ["confidential"],
        Field.SEVERITY: "2",
    }
    delivery = stack.slack.submit_view("UCARLA", form.id, answers)
    assert time.perf_counter() - started < 1.0  # no look-up before the answer
    assert delivery.status == 200
    assert stack.settle()

    assert "rude to our CFO" in _dms(stack, "UANA")
    assert "rude to our CFO" not in _dms(stack, "UBEN")  # his name as Slack gave it


def test_a_lead_kept_before_names_were_stored_is_still_recognised_by_their_full_name(
    stack: SandboxStack,
) -> None:
    _with_two_leads(stack)
    with stack.db.transaction() as session:  # as an upgraded database holds them
        for person in session.scalars(select(Person)):
            person.slack_names = None

    _file_confidential(stack, "Ben Okafor was rude to our CFO")

    assert "rude to our CFO" in _dms(stack, "UANA")
    assert "rude to our CFO" not in _dms(stack, "UBEN")
    with stack.db.reading() as session:  # asked once, kept for the next form
        ben = session.scalar(select(Person).where(Person.slack_user_id == "UBEN"))
        assert ben is not None and "Ben Okafor" in (ben.slack_names or "")


def test_naming_the_only_lead_asks_first_and_can_go_to_the_escalation_contact(
    escalating: SandboxStack,
) -> None:
    stack = escalating
    _command(stack, "UANA", "The invoice export broke twice this month")

    asked = _file_confidential(stack, "Ana ignored our emails for a week")

    assert asked.json and asked.json["response_action"] == "update"
    (form,) = stack.workspace.modal_stack("UCARLA")
    shown = json.dumps(form.payload, ensure_ascii=False)
    assert "names ana, who is this case's only lead" in shown
    assert "Send it only to ben instead" in shown
    assert _confidential(stack) == [] and "ignored our emails" not in _dms(stack, "UANA")

    sent = stack.slack.submit_view("UCARLA", form.id, {Field.ROUTE: "escalate"})
    assert sent.status == 200 and not sent.body.strip(), sent.body
    stack.settle()

    with stack.db.transaction() as session:
        (kept,) = session.scalars(select(Escalation))
        assert (kept.text, kept.contact_user_id) == ("Ana ignored our emails for a week", "UBEN")
    assert _confidential(stack) == []  # not on the case, where Ana would see it
    assert "ignored our emails" in _dms(stack, "UBEN")
    assert "ignored our emails" not in _dms(stack, "UANA")
    assert "I've sent it by DM to ben" in _told(stack, "UCARLA")


def test_without_an_escalation_contact_the_filer_may_still_send_it_to_the_lead(
    stack: SandboxStack,
) -> None:
    _command(stack, "UANA", "The invoice export broke twice this month")

    _file_confidential(stack, "Ana ignored our emails for a week")
    (form,) = stack.workspace.modal_stack("UCARLA")
    assert "No escalation contact is set up" in json.dumps(form.payload)
    sent = stack.slack.submit_view("UCARLA", form.id, {Field.ROUTE: "leads"})
    assert sent.status == 200
    stack.settle()

    assert _confidential(stack) == ["Ana ignored our emails for a week"]
    assert "ignored our emails" in _dms(stack, "UANA")
    assert "I'm sending it by DM to ana." in _told(stack, "UCARLA")


RUDE = "Your PM Ben was rude to our CFO in the demo"


@pytest.fixture
def named(stack: SandboxStack) -> SandboxStack:
    """Ana and Ben lead the case; Carla filed #2 in confidence, and it names Ben."""
    _with_two_leads(stack)
    _file_confidential(stack, RUDE)
    return stack


def _id_of_named(stack: SandboxStack) -> int:
    with stack.db.transaction() as session:
        return session.scalars(select(Grievance.id).where(Grievance.text == RUDE)).one()


def _press_with(stack: SandboxStack, user: str, action: str, value: str) -> str:
    """``user`` presses ``action`` on a bot message, its value forged to ``value``; what
    they were told privately."""
    button = {"type": "button", "text": {"type": "plain_text", "text": "Go"}, "value": "0"}
    blocks = [{"type": "actions", "elements": [button | {"action_id": action}]}]
    posted = stack.workspace.post_bot_message(CHANNEL, "Grievance", blocks)
    seen = len(stack.workspace.ephemerals)
    delivery = stack.slack.click(user, action, message=(CHANNEL, posted.ts), value=value)
    assert delivery.status == 200, delivery.body
    stack.settle()
    return "\n".join(e.text for e in stack.workspace.ephemerals[seen:] if e.user == user)


def test_the_lead_it_names_does_not_find_it_in_the_history_even_as_the_only_lead(
    named: SandboxStack,
) -> None:
    stack = named

    assert "rude to our CFO" in _command(stack, "UANA", "history")
    assert "rude to our CFO" in _command(stack, "UANA", "history 2")
    assert "rude to our CFO" not in _command(stack, "UBEN", "history")
    refused = _command(stack, "UBEN", "history 2")
    assert "There is no grievance #2 on this case that you can see." in refused
    assert "rude to our CFO" not in refused

    with stack.db.transaction() as session:  # Ana stops leading: Ben leads alone
        ana = session.scalars(select(Person).where(Person.slack_user_id == "UANA")).one()
        session.delete(session.scalars(select(CaseLead).where(CaseLead.person_id == ana.id)).one())
    assert "rude to our CFO" not in _command(stack, "UBEN", "history")
    assert "There is no grievance #2" in _command(stack, "UBEN", "history 2")


def test_a_forged_press_with_its_id_is_refused_to_the_lead_it_names_like_a_missing_one(
    named: SandboxStack,
) -> None:
    stack = named
    secret = str(_id_of_named(stack))

    missing = _press_with(stack, "UBEN", Action.READ_ALL, "999999")
    assert missing == "That grievance no longer exists."
    assert _press_with(stack, "UBEN", Action.READ_ALL, secret) == missing
    assert stack.workspace.modal_stack("UBEN") == []
    assert _press_with(stack, "UBEN", f"{Action.SET_STATUS}:resolved", f"{secret}:resolved") == (
        missing
    )
    with stack.db.transaction() as session:
        assert session.scalars(select(Grievance.status).where(Grievance.text == RUDE)).one() == (
            Status.OPEN
        )


def test_app_home_shows_it_to_the_other_lead_only(named: SandboxStack) -> None:
    stack = named

    def home(user: str) -> str:
        assert stack.slack.open_home(user).status == 200
        stack.settle()
        return json.dumps(stack.workspace.views[stack.workspace.home_views[user]].payload)

    assert "rude to our CFO" in home("UANA")
    ben = home("UBEN")
    assert "acme" in ben.lower() and "rude to our CFO" not in ben


def test_their_export_leaves_it_out_and_says_why(named: SandboxStack) -> None:
    stack = named

    def export(user: str) -> tuple[str, str]:
        _command(stack, user, "export json")
        dm = stack.workspace.dm_channel_for(user).id
        (message,) = [m for m in stack.workspace.messages if m.channel == dm and m.files]
        (shared,) = message.files
        return message.text, stack.workspace.files[shared["id"]].content.decode("utf-8")

    note, archive = export("UBEN")
    assert RUDE not in archive
    assert json.loads(archive)["withheld_confidential"] == 1
    assert "1 confidential grievance(s) name you" in note
    note, archive = export("UANA")
    assert RUDE in archive and "includes them: 1 confidential grievance(s)" in note


def test_on_a_closed_case_only_the_other_lead_is_offered_to_reopen_it(
    stack: SandboxStack,
) -> None:
    _with_two_leads(stack)
    with stack.db.transaction() as session:
        session.scalars(select(Case)).one().closed_at = utcnow()

    _file_confidential(stack, RUDE)

    assert "filed *grievance #2*" in _dms(stack, "UANA")
    assert "grievance #2" not in _dms(stack, "UBEN")
    assert "I've told its lead, who can reopen it." in _told(stack, "UCARLA")
