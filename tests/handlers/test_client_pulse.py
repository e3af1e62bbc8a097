"""The client pulse, through signed requests and the scheduler's job with the bot's clock:
the client side is asked by DM on the cadence (every two weeks while stabilizing), answers
with a button and a comment form, and everyone reads the averages while only the leads
read who said what. Ids in buttons are checked against who presses them; someone moved to
the team side no longer speaks for the client.

The suite's clock starts on Monday 30 November 2026; the case is on UTC.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlalchemy import select

from bot.ids import Action, PulseField
from bot.jobs import digests
from bot.jobs import pulse as job
from bot.playbook import health
from bot.playbook.sides import correct_side
from bot.sandbox.stack import SandboxStack
from bot.vocabulary import Side
from storage.models import Case, PulseReply, TimelineEntry
from tests.handlers.digest_closing_helpers import _command, _dms, _open_case, _person, _shown

CLIENT_SIDE = ("UCARLA", "UDEV")


def _at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 12, day, hour, minute, tzinfo=UTC)


def _asks(stack: SandboxStack, user: str) -> list:
    return [m for m in _dms(stack, user) if "how are things going" in m.text]


def _rate(stack: SandboxStack, user: str, rating: int) -> str:
    dm = _asks(stack, user)[-1]
    delivery = stack.slack.click(user, f"{Action.PULSE_RATE}:{rating}", message=(dm.channel, dm.ts))
    assert delivery.status == 200, delivery.body
    stack.settle()
    updated = stack.workspace.find_message(dm.channel, dm.ts)
    assert updated is not None
    return _shown(updated)


def _told(stack: SandboxStack, user: str) -> str:
    """What ``user`` was told privately (an ephemeral, here in their DM)."""
    return "\n".join(e.text for e in stack.workspace.ephemerals if e.user == user)


def _health(stack: SandboxStack) -> dict[str, float]:
    with stack.db.transaction() as session:
        case = session.scalars(select(Case)).one()
        return health.assess(session=session, case=case, now=_at(30, 12)).score.components


def test_a_lead_asks_now_and_the_client_side_answers_by_dm(stack: SandboxStack) -> None:
    _open_case(stack)
    said = _command(stack, "UANA", "pulse now")
    assert "Client pulse #1" in said and "2 people on the client side" in said
    assert stack.settle()
    for user in CLIENT_SIDE:
        (ask,) = _asks(stack, user)
        assert f"{Action.PULSE_RATE}:5" in json.dumps(ask.blocks)
    for user in ("UANA", "UBEN"):  # the delivery team is not the client's pulse
        assert _asks(stack, user) == []

    thanked = _rate(stack, "UCARLA", 4)
    assert "you rated how things are going" in thanked and "*4/5*" in thanked
    assert f"{Action.PULSE_RATE}:1" not in thanked  # no button left to press twice
    _rate(stack, "UDEV", 2)
    (told,) = [m for m in _dms(stack, "UANA") if "Client pulse #1" in m.text]
    assert "*2/5* from dev" in _shown(told)  # a low answer reaches the leads at once
    assert not [m for m in _dms(stack, "UANA") if "*4/5* from carla" in _shown(m)]

    seen = _command(stack, "UBEN", "pulse")
    assert "*3.0/5* from 2 of 2 people" in seen
    assert "carla" not in seen.lower() and "dev" not in seen.lower()  # averages only
    with stack.db.transaction() as session:
        (entry,) = session.scalars(
            select(TimelineEntry.text).where(TimelineEntry.kind == "pulse_sent")
        )
    assert entry == "Client pulse #1 asked 2 people on the client side how things are going"


def test_a_comment_goes_to_the_leads_only(stack: SandboxStack) -> None:
    _open_case(stack)
    _command(stack, "UANA", "pulse now")
    stack.settle()
    thanked_dm = _asks(stack, "UCARLA")[0]
    _rate(stack, "UCARLA", 4)
    stack.slack.click("UCARLA", Action.PULSE_COMMENT, message=(thanked_dm.channel, thanked_dm.ts))
    stack.settle()
    (form,) = stack.workspace.modal_stack("UCARLA")
    delivery = stack.slack.submit_view(
        "UCARLA", form.id, {PulseField.RATING: "3", PulseField.COMMENT: "Demos are back, bugs not"}
    )
    assert delivery.status == 200 and not delivery.body.strip(), delivery.body
    stack.settle()

    updated = stack.workspace.find_message(thanked_dm.channel, thanked_dm.ts)
    assert (
        updated is not None and "*3/5*" in _shown(updated) and "Demos are back" in _shown(updated)
    )
    (told,) = [m for m in _dms(stack, "UANA") if "Client pulse #1" in m.text]
    assert "*3/5* from carla" in _shown(told) and "Demos are back, bugs not" in _shown(told)
    lead_view = _command(stack, "UANA", "pulse")
    assert "carla (3/5): Demos are back, bugs not" in lead_view
    for reader in ("UBEN", "UDEV"):
        seen = _command(stack, reader, "pulse")
        assert "*3.0/5* from 1 of 2 people" in seen and "Demos are back" not in seen
        assert "Demos are back" not in _command(stack, reader, "history")


def test_the_cadence_sends_rounds_once_and_a_lead_sets_it(stack: SandboxStack) -> None:
    _open_case(stack)
    assert "every 2 weeks (the default while stabilizing)" in _command(stack, "UBEN", "pulse")
    assert job.next_due(stack.db, _at(13, 0)) == _at(14, 10)  # two weeks on, a Monday at 10:00
    assert job.run(stack.db, stack.app.client, _at(14, 9, 59)) == 0
    assert job.run(stack.db, stack.app.client, _at(14, 10)) == 2
    assert job.run(stack.db, stack.app.client, _at(14, 10, 1)) == 0  # asked once
    assert [len(_asks(stack, u)) for u in CLIENT_SIDE] == [1, 1]

    said = _command(stack, "UANA", "pulse every 3 weeks")
    assert "The client pulse now asks every 3 weeks" in said
    assert job.next_due(stack.db, _at(14, 11)) == datetime(2027, 1, 4, 10, tzinfo=UTC)
    assert "Client pulse · acme-recovery* is off." in _command(stack, "UANA", "pulse off")
    assert job.next_due(stack.db, _at(14, 11)) is None
    assert job.run(stack.db, stack.app.client, datetime(2027, 3, 1, 10, tzinfo=UTC)) == 0
    refused = _command(stack, "UCARLA", "pulse every week")
    assert "Only a lead of this case can change the client pulse" in refused
    assert "Pick between 1 and 26 weeks" in _command(stack, "UANA", "pulse every 40 weeks")


def test_the_pulse_moves_health_and_counts_only_the_client_side_now(stack: SandboxStack) -> None:
    _open_case(stack)
    assert "pulse" not in _health(stack)  # no answers: not counted, not punished
    _command(stack, "UANA", "pulse now")
    stack.settle()
    _rate(stack, "UCARLA", 1)
    _rate(stack, "UDEV", 2)
    low = _health(stack)["pulse"]
    assert "Client pulse #1 is 1.5/5 from 2 people" in _command(stack, "UBEN", "status")

    _command(stack, "UANA", "pulse now")
    stack.settle()
    _rate(stack, "UCARLA", 5)
    dev_dm = _asks(stack, "UDEV")[-1]
    _rate(stack, "UDEV", 4)
    assert _health(stack)["pulse"] > low
    assert "Client pulse #2 is 4.5/5 from 2 people, up from 1.5" in _command(
        stack, "UBEN", "status"
    )

    with stack.db.transaction() as session:  # Dev turns out to be on the delivery team
        case = session.scalars(select(Case)).one()
        correct_side(
            session=session,
            case=case,
            actor=_person(session, case, "UANA"),
            person=_person(session, case, "UDEV"),
            side=Side.TEAM,
        )
    assert "*5.0/5* from 1 of 1 person" in _command(stack, "UANA", "pulse")
    stack.slack.click("UDEV", Action.PULSE_COMMENT, message=(dev_dm.channel, dev_dm.ts))
    stack.settle()
    assert not stack.workspace.modal_stack("UDEV")
    assert "The client pulse asks the client side" in _told(stack, "UDEV")


def test_a_reply_id_in_a_button_is_checked_against_who_presses_it(stack: SandboxStack) -> None:
    _open_case(stack)
    _command(stack, "UANA", "pulse now")
    stack.settle()
    with stack.db.transaction() as session:
        carlas = session.scalars(
            select(PulseReply.id).where(PulseReply.person.has(slack_user_id="UCARLA"))
        ).one()
    dm = _asks(stack, "UDEV")[0]
    stack.slack.click(
        "UDEV", f"{Action.PULSE_RATE}:1", message=(dm.channel, dm.ts), value=f"{carlas}:1"
    )
    stack.settle()
    with stack.db.transaction() as session:
        assert session.get_one(PulseReply, carlas).rating is None
    assert "isn't yours" in _told(stack, "UDEV")

    _command(stack, "UANA", "pulse now")  # a newer round: the first one's buttons are stale
    stack.settle()
    first = _asks(stack, "UCARLA")[0]
    stack.slack.click("UCARLA", f"{Action.PULSE_RATE}:3", message=(first.channel, first.ts))
    stack.settle()
    assert "A newer pulse has been sent since" in _told(stack, "UCARLA")


def test_the_digest_shows_the_pulse_and_its_trend_without_names(stack: SandboxStack) -> None:
    _open_case(stack)
    _command(stack, "UANA", "pulse now")
    stack.settle()
    _rate(stack, "UCARLA", 2)
    _rate(stack, "UDEV", 3)
    _command(stack, "UANA", "pulse now")
    stack.settle()
    _rate(stack, "UCARLA", 4)

    assert digests.run(stack.db, stack.app.client, _at(4, 16)) == 1
    (posted,) = [m for m in stack.workspace.messages if m.text.startswith("Weekly digest")]
    shown = _shown(posted)
    assert "*Client pulse* 4.0/5 from 1 of 2 people (#2, Mon 30 Nov), up from 2.5" in shown
    assert "carla" not in shown.lower()
    (chart,) = [m for m in stack.workspace.messages if m.files]
    assert "the client pulse (1–5)" in chart.text


def test_nobody_on_the_client_side_means_no_round_until_someone_joins(
    stack: SandboxStack,
) -> None:
    _command(stack, "UANA", "The invoice export broke twice this month")  # Ana alone
    assert job.next_due(stack.db, _at(13, 0)) is None
    assert job.run(stack.db, stack.app.client, _at(14, 10)) == 0
    refused = _command(stack, "UANA", "pulse now")
    assert "Nobody is on the client side of this case yet" in refused

    _command(stack, "UCARLA", "Still no word on the invoice fix")  # Carla takes part
    assert job.next_due(stack.db, _at(13, 0)) == _at(14, 10)
    assert job.run(stack.db, stack.app.client, _at(14, 10)) == 1
    assert len(_asks(stack, "UCARLA")) == 1
