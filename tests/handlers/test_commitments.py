"""Commitments end to end, through signed requests to the bot: recorded with an owner and
a due day, posted with a *Done* button, listed as each side may see them, marked done by
their owner or a lead (never by someone else, never through a forged id), and kept from
the client side when internal.

The suite's clock starts on Monday 30 November 2026 (``tests.conftest.TEST_EPOCH``); the
case's time zone is UTC.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

from sqlalchemy import event, select

from bot.flows import commitments as flow
from bot.ids import Action, StrategyField
from bot.playbook.people import Profile
from bot.sandbox.stack import SandboxStack
from bot.sandbox.workspace import Message
from storage.clock import CLOCK
from storage.models import Commitment, Role, TimelineEntry
from tests.handlers.digest_closing_helpers import CHANNEL, _command, _dms, _open_case
from tests.handlers.strategy_helpers import _file, _propose, _role


def _commitments(stack: SandboxStack) -> list[Commitment]:
    with stack.db.transaction() as session:
        found = list(session.scalars(select(Commitment).order_by(Commitment.number)))
        session.expunge_all()
        return found


def _posted(stack: SandboxStack) -> list[Message]:
    return [
        m
        for m in stack.workspace.messages
        if m.channel == CHANNEL and m.bot_id and m.text.startswith("Commitment #")
    ]


def _has_done_button(message: Message) -> bool:
    return Action.COMMITMENT_DONE in json.dumps(message.blocks)


def test_the_team_records_a_commitment_the_channel_sees_and_its_owner_is_told(
    stack: SandboxStack,
) -> None:
    _open_case(stack)

    said = _command(stack, "UBEN", "commit <@UCARLA> friday Send the list of affected invoices #1")

    assert "Recorded commitment #1, posted in the channel" in said
    (commitment,) = _commitments(stack)
    assert (commitment.text, commitment.due) == (
        "Send the list of affected invoices",
        date(2026, 12, 4),
    )
    (message,) = _posted(stack)
    assert "will Send the list of affected invoices by *Fri 04 Dec*" in json.dumps(message.blocks)
    assert "answers #1" in json.dumps(message.blocks) and _has_done_button(message)
    (dm,) = [m for m in _dms(stack, "UCARLA") if "recorded a commitment for you" in m.text]
    assert dm.text.startswith("ben recorded a commitment for you on the")
    listed = _command(stack, "UDEV", "commit")  # the client side reads the list too
    assert "*#1* <@UCARLA> will Send the list of affected invoices by *Fri 04 Dec* — open" in listed


def test_due_days_read_as_people_write_them_and_a_past_day_is_refused(stack: SandboxStack) -> None:
    _open_case(stack)
    _command(stack, "UBEN", "commit me in 2 weeks Rerun the export nightly")
    _command(stack, "UBEN", "commit me 2026-12-18 Review the invoice template")
    _command(stack, "UBEN", "commit me tomorrow Call the client's finance lead")
    assert [c.due for c in _commitments(stack)] == [
        date(2026, 12, 14),
        date(2026, 12, 18),
        date(2026, 12, 1),
    ]
    assert "already passed" in _command(stack, "UBEN", "commit me 2026-11-02 Too late")
    assert "couldn't tell when it is due" in _command(stack, "UBEN", "commit me soonish Fix it")
    assert "no grievance #9" in _command(stack, "UBEN", "commit me friday Fix it #9")
    assert len(_commitments(stack)) == 3


def test_the_client_side_cannot_record_commitments(stack: SandboxStack) -> None:
    _open_case(stack)
    said = _command(stack, "UCARLA", "commit <@UBEN> friday Fix the export")
    assert "Commitments are recorded by the delivery team" in said
    assert _commitments(stack) == [] and _posted(stack) == []


def test_an_internal_commitment_is_kept_from_the_client_side(stack: SandboxStack) -> None:
    _open_case(stack)
    said = _command(stack, "UANA", "commit <@UBEN> friday Audit the export job [internal]")
    assert "kept from the client side (internal)" in said
    assert _posted(stack) == []  # never in the shared channel
    assert "Audit the export job" in _command(stack, "UANA", "commit")
    assert "Audit the export job" not in _command(stack, "UCARLA", "commit")
    with stack.db.transaction() as session:
        (entry,) = session.scalars(
            select(TimelineEntry).where(TimelineEntry.kind == "commitment_made")
        )
        assert entry.confidential
    refused = _command(stack, "UANA", "commit <@UCARLA> friday Sign off [internal]")
    assert "its owner must be on the team side" in refused


def test_its_owner_marks_it_done_with_a_note_and_the_leads_hear(stack: SandboxStack) -> None:
    _open_case(stack)
    _command(stack, "UANA", "commit <@UBEN> friday Ship the export fix")

    said = _command(stack, "UBEN", "commit done 1 shipped in 2.4.1")

    assert "was done on time by ben" in said and "shipped in 2.4.1" in said
    (commitment,) = _commitments(stack)
    assert commitment.done_at is not None and commitment.done_note == "shipped in 2.4.1"
    (message,) = _posted(stack)
    assert "done on time" in json.dumps(message.blocks) and not _has_done_button(message)
    assert any("was done on time by ben" in m.text for m in _dms(stack, "UANA"))
    assert "already done" in _command(stack, "UBEN", "commit done 1")


def test_the_done_button_is_for_its_owner_or_a_lead_and_checks_its_id(
    stack: SandboxStack,
) -> None:
    _open_case(stack)
    _command(stack, "UANA", "commit <@UBEN> friday Ship the export fix")
    (message,) = _posted(stack)
    (commitment,) = _commitments(stack)

    stack.slack.click("UDEV", Action.COMMITMENT_DONE, message=(message.channel, message.ts))
    stack.settle()
    assert _commitments(stack)[0].done_at is None
    assert any(
        e.user == "UDEV" and "Only its owner or a lead" in e.text
        for e in stack.workspace.ephemerals
    )
    forged = str(commitment.id + 1000)
    stack.slack.click(
        "UBEN", Action.COMMITMENT_DONE, message=(message.channel, message.ts), value=forged
    )
    stack.settle()
    assert _commitments(stack)[0].done_at is None

    stack.slack.click("UBEN", Action.COMMITMENT_DONE, message=(message.channel, message.ts))
    stack.settle()
    assert _commitments(stack)[0].done_at is not None
    assert not _has_done_button(stack.workspace.find_message(message.channel, message.ts))


def _home_text(stack: SandboxStack, user: str) -> str:
    delivery = stack.slack.open_home(user)
    assert delivery.status == 200
    stack.settle()
    view = stack.workspace.views[stack.workspace.home_views[user]]
    return json.dumps(view.payload["blocks"], ensure_ascii=False)


def test_app_home_lists_the_viewers_own_open_commitments(stack: SandboxStack) -> None:
    _open_case(stack)
    _command(stack, "UANA", "commit <@UBEN> friday Ship the export fix")
    _command(stack, "UANA", "commit <@UBEN> tuesday Rerun the failed exports")
    _command(stack, "UANA", "commit <@UCARLA> friday Confirm the invoice list")
    _command(stack, "UBEN", "commit done 2")

    home = _home_text(stack, "UBEN")
    assert "*Your commitments*" in home
    bens = home[home.index("*Your commitments*") :].split('"type"')[0]
    assert "Ship the export fix" in bens
    assert "Rerun the failed exports" not in bens  # done
    assert "Confirm the invoice list" not in bens  # carla's
    assert "Confirm the invoice list" in _home_text(stack, "UCARLA")
    assert "*Your commitments*" not in _home_text(stack, "UDEV")


def test_the_digest_counts_commitments_kept_late_and_overdue(stack: SandboxStack) -> None:
    _open_case(stack)
    _command(stack, "UANA", "commit <@UBEN> monday Ship the export fix")
    _command(stack, "UANA", "commit <@UBEN> tuesday Rerun the failed exports")
    _command(stack, "UANA", "commit <@UBEN> wednesday Confirm the invoice list")
    _command(stack, "UANA", "commit <@UBEN> 2026-12-10 Review the template")
    _command(stack, "UANA", "commit <@UBEN> wednesday Audit the job [internal]")
    _command(stack, "UBEN", "commit done 1")  # on time, Monday
    CLOCK.set(datetime(2026, 12, 3, 10, 0, tzinfo=UTC))  # Thursday
    _command(stack, "UBEN", "commit done 2")  # late

    _command(stack, "UBEN", "digest")
    (digest,) = [m for m in stack.workspace.messages if m.text.startswith("Weekly digest")]
    shown = json.dumps(digest.blocks, ensure_ascii=False)
    assert (
        "*Commitments*\\n1 of 3 due so far kept on time, 1 done late, 1 overdue; "
        "1 due in the next 7 days." in shown
    )  # the internal one is never counted where the client side reads


def test_its_owner_says_done_in_its_thread_and_nobody_else_can(stack: SandboxStack) -> None:
    _open_case(stack)
    _command(stack, "UANA", "commit <@UBEN> friday Ship the export fix")
    (message,) = _posted(stack)

    _, delivery = stack.slack.post_message("UDEV", CHANNEL, "done", thread_ts=message.ts)
    assert delivery is not None and delivery.status == 200
    stack.settle()
    assert _commitments(stack)[0].done_at is None
    assert any(
        e.user == "UDEV" and "Only its owner or a lead" in e.text
        for e in stack.workspace.ephemerals
    )
    stack.slack.post_message("UBEN", CHANNEL, "Looks close, testing now", thread_ts=message.ts)
    stack.settle()
    assert _commitments(stack)[0].done_at is None  # only "done" marks it

    stack.slack.post_message("UBEN", CHANNEL, "Done: live since 14:00", thread_ts=message.ts)
    stack.settle()
    (commitment,) = _commitments(stack)
    assert commitment.done_at is not None and commitment.done_note == "live since 14:00"
    updated = stack.workspace.find_message(message.channel, message.ts)
    assert updated is not None and not _has_done_button(updated)
    assert any("was done on time by ben" in m.text for m in _dms(stack, "UANA"))


def test_a_strategys_actions_with_an_owner_and_a_day_become_commitments_once(
    stack: SandboxStack,
) -> None:
    first = _file(stack, "UANA", "Invoice export broken", severity=4)
    _role(stack, "UBEN", Role.TEAM_MEMBER)
    actions = (
        "Weekly release notes — <@UBEN> — 2026-12-04\n"
        "Fix the export @ben by 2026-11-15\n"  # a day already past: not promised
        "Daily stand-up with the client\n"  # nobody named
    )
    answers = {
        StrategyField.SUMMARY: "Tell the client every week",
        StrategyField.ACTIONS: actions,
        StrategyField.GRIEVANCES: [str(first)],
    }
    _propose(stack, answers)

    (commitment,) = _commitments(stack)
    assert (commitment.text, commitment.due) == ("Weekly release notes", date(2026, 12, 4))
    assert "Weekly release notes" in _command(stack, "UCARLA", "commit")
    assert "answers #1" in _command(stack, "UANA", "commit")
    assert any("recorded a commitment for you" in m.text for m in _dms(stack, "UBEN"))
    told = [e.text for e in stack.workspace.ephemerals if e.user == "UANA"]
    assert any("are now commitments, with reminders for their owners" in t for t in told)

    _propose(stack, answers)  # v2 repeats the action: still one promise
    assert len(_commitments(stack)) == 1


def test_a_commitment_typed_in_a_grievances_thread_answers_that_grievance(
    stack: SandboxStack,
) -> None:
    _open_case(stack)  # grievance #1, posted in the channel by the bot
    (root,) = [m for m in stack.workspace.messages if m.bot_id and "invoice export" in m.text]

    stack.slack.post_message(
        "UANA", CHANNEL, "commit <@UBEN> friday Restore the export", thread_ts=root.ts
    )
    stack.settle()

    (commitment,) = _commitments(stack)
    assert commitment.text == "Restore the export"
    assert "answers #1" in json.dumps(_posted(stack)[0].blocks)
    told = [e.text for e in stack.workspace.ephemerals if e.user == "UANA"]
    assert any(t.startswith("Recorded commitment #1") for t in told)
    with stack.db.transaction() as session:  # and the words stay in the thread, as a reply
        replies = session.scalars(select(TimelineEntry.text).where(TimelineEntry.kind == "reply"))
        assert "commit <@UBEN> friday Restore the export" in list(replies)

    stack.slack.post_message("UCARLA", CHANNEL, "commit me friday Send logs", thread_ts=root.ts)
    stack.settle()
    assert len(_commitments(stack)) == 1  # the client side does not record commitments
    told = [e.text for e in stack.workspace.ephemerals if e.user == "UCARLA"]
    assert any("Commitments are recorded by the delivery team" in t for t in told)


def test_the_list_costs_the_same_statements_for_three_commitments_or_thirty(
    stack: SandboxStack,
) -> None:
    """Each commitment's grievances are read for the whole list at once, so a long list
    does not make ``/grievance commit`` slower one query at a time."""
    _open_case(stack)

    def statements_for_listing() -> int:
        seen: list[str] = []

        def count(*args: object) -> None:
            seen.append(str(args[2]))

        event.listen(stack.db.engine, "before_cursor_execute", count)
        try:
            listed = flow.listing(
                stack.db,
                team_id=stack.workspace.team_id,
                channel_id=CHANNEL,
                caller=Profile(user_id="UANA", display_name="ana"),
                now=CLOCK.now(),
            )
        finally:
            event.remove(stack.db.engine, "before_cursor_execute", count)
        assert all(c.grievance_numbers == (1,) for c in listed.commitments)
        return len(seen)

    for n in range(3):
        _command(stack, "UANA", f"commit @ben friday Step {n} #1")
    few = statements_for_listing()
    for n in range(3, 30):
        _command(stack, "UANA", f"commit @ben friday Step {n} #1")
    assert statements_for_listing() == few
