"""Slack's refusals, as the person who acted sees them, at every place they can happen.

Each refusal comes from the emulator: injected (``Workspace.inject``) or real (an archived
channel, a channel the bot left or that was deleted, a deactivated account, a scope the
install lacks). Every test checks what a user would notice: who is told what, what still
arrives, and that no stack trace or raw Slack error text ever shows in Slack.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.ids import ClosingField, StrategyField
from bot.jobs import checkins as checkins_job
from bot.jobs import digests as digests_job
from bot.jobs import interview_reminders, nudges
from bot.jobs.checkins import ChannelPacer
from bot.playbook.digest import next_due_after, schedule_of
from bot.sandbox.slack_side import Delivery
from bot.sandbox.stack import SandboxStack
from bot.sandbox.workspace import Message
from bot.surface import BOT_SCOPES
from storage.models import Case, CheckinSchedule, Grievance, Interview

CHANNEL = "CACME"
PRIVATE = "CINTERNAL"
#: Monday 2 March 2026: London is on GMT, so 09:30 local is 09:30 UTC.
MONDAY = datetime(2026, 3, 2, tzinfo=UTC)
#: What a Python error or slack_sdk's own message would look like if it reached Slack.
LEAKS = ("Traceback", "SlackApiError", "The request to the Slack API failed", "responded with")
GENERIC = "Slack didn't accept that just now"
INVITE = "/invite @grievance-bot"
PERSON_CODES = ["account_inactive", "user_not_found"]
LAYOUT_CODES = ["invalid_blocks", "msg_too_long"]


# ---- helpers ---------------------------------------------------------------------------


def _command(stack: SandboxStack, user: str, text: str, channel: str = CHANNEL) -> Delivery:
    """Run ``/grievance <text>``: Slack must get an answer, never a 500."""
    delivery = stack.slack.slash_command(user, channel, text)
    assert delivery.status == 200, delivery.body
    assert stack.settle()
    return delivery


def _dms(stack: SandboxStack, user: str) -> list[Message]:
    dm = stack.workspace.dm_channel_for(user).id
    return [m for m in stack.workspace.messages if m.channel == dm and m.bot_id]


def _seen_by(stack: SandboxStack, user: str) -> str:
    """Everything the bot showed ``user`` privately: ephemerals and DMs."""
    shown = [e.text for e in stack.workspace.ephemerals if e.user == user]
    return "\n".join(shown + [m.text for m in _dms(stack, user)])


def _posts(stack: SandboxStack, channel: str = CHANNEL) -> list[Message]:
    return [m for m in stack.workspace.messages if m.channel == channel and m.bot_id]


def _assert_no_leaks(stack: SandboxStack) -> None:
    """No message, ephemeral or view in the workspace shows a traceback or Slack's raw error."""
    ws = stack.workspace
    shown = [m.text + json.dumps(m.blocks) for m in ws.messages]
    shown += [e.text + json.dumps(e.blocks) for e in ws.ephemerals]
    shown += [json.dumps(v.payload) for v in ws.views.values()]
    for text in shown:
        assert not any(leak in text for leak in LEAKS), text


def _attempts(stack: SandboxStack, method: str, channel: str | None = None) -> int:
    """How often the bot called ``method`` (about ``channel``, if given)."""
    return len(
        [
            c
            for c in stack.workspace.calls_to(method)
            if channel is None or channel in (c.params.get("channel"), c.params.get("channel_id"))
        ]
    )


def _leave(stack: SandboxStack, channel: str, *, public_posting: bool = True) -> None:
    """The bot is removed from ``channel``; without ``chat:write.public`` (an install made
    before the app asked for it) it can no longer post to public channels it is not in."""
    stack.workspace.channels[channel].members.discard(stack.workspace.bot_user_id)
    if not public_posting:
        stack.workspace.granted_scopes = tuple(s for s in BOT_SCOPES if s != "chat:write.public")


def _schedule_checkin(stack: SandboxStack, channel: str) -> int:
    """Ana schedules a daily 09:30 check-in in ``channel``, as if created on ``MONDAY``."""
    _command(stack, "UANA", "checkin every day at 9:30", channel)
    with stack.db.transaction() as session:
        schedule = session.scalars(
            select(CheckinSchedule).order_by(CheckinSchedule.id.desc())
        ).first()
        assert schedule is not None and schedule.channel_id == channel
        schedule.checked_until, schedule.anchor = MONDAY, MONDAY.date()
        return schedule.id


def _run_checkins(stack: SandboxStack, now: datetime) -> int:
    return checkins_job.run(stack.db, stack.app.client, now, pacer=ChannelPacer(0))


def _schedule(stack: SandboxStack, schedule_id: int) -> CheckinSchedule:
    with stack.db.transaction() as session:
        return session.get_one(CheckinSchedule, schedule_id)


def _grievances(stack: SandboxStack) -> list[Grievance]:
    with stack.db.transaction() as session:
        return list(session.scalars(select(Grievance).order_by(Grievance.id)))


# ---- posting in a channel ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "told"),
    [
        ("channel_not_found", INVITE),
        ("not_in_channel", INVITE),  # injected while the bot is a member: joining can't help
        ("is_archived", "archived"),
        ("restricted_action", f"{GENERIC} (`restricted_action`)"),
    ],
)
def test_a_grievance_slack_refuses_to_post_is_kept_and_the_reporter_told_why(
    stack: SandboxStack, code: str, told: str
) -> None:
    stack.workspace.inject("chat.postMessage", code)
    _command(stack, "UCARLA", "Nobody told us about the outage")

    [grievance] = _grievances(stack)
    assert grievance.text == "Nobody told us about the outage" and grievance.slack_ts is None
    seen = _seen_by(stack, "UCARLA")
    assert "safely recorded" in seen and told in seen
    assert _attempts(stack, "chat.postMessage", CHANNEL) == 1  # no retry loop
    _assert_no_leaks(stack)


@pytest.mark.parametrize("where", ["check-in", "findings", "digest chart"])
def test_not_in_a_public_channel_the_bot_joins_it_and_delivers(
    stack: SandboxStack, where: str
) -> None:
    _command(stack, "UANA", "The export broke again")
    if where == "check-in":
        number = _schedule_checkin(stack, CHANNEL)
        _leave(stack, CHANNEL, public_posting=False)
        assert _run_checkins(stack, MONDAY + timedelta(hours=9, minutes=31)) == 1
        assert not _schedule(stack, number).paused
        assert _posts(stack)[-1].text.startswith("Check-in for")
    elif where == "findings":
        _leave(stack, CHANNEL, public_posting=False)
        _command(stack, "UANA", "findings")
        assert _posts(stack)[-1].text == "What we learnt so far"
    else:  # chat:write.public posts the digest, but sharing its chart needs membership
        _leave(stack, CHANNEL)
        with stack.db.transaction() as session:
            case = session.scalars(select(Case)).one()
            due = next_due_after(schedule_of(case), case.created_at.replace(tzinfo=UTC))
        assert digests_job.run(stack.db, stack.app.client, due) == 1
        assert _posts(stack)[-1].files, "the chart was not shared"
    assert stack.workspace.bot_user_id in stack.workspace.channels[CHANNEL].members
    assert _attempts(stack, "conversations.join", CHANNEL) == 1


@pytest.mark.parametrize("how", ["archived", "bot removed from a private channel", "deleted"])
def test_a_channel_gone_stops_its_own_check_ins_once_and_the_others_go_on(
    stack: SandboxStack, how: str
) -> None:
    _command(stack, "UANA", "The export broke again")
    _command(stack, "UANA", "The staging server is down", PRIVATE)
    acme, internal = _schedule_checkin(stack, CHANNEL), _schedule_checkin(stack, PRIVATE)
    if how == "archived":
        stack.workspace.channels[PRIVATE].is_archived = True
    elif how == "deleted":
        del stack.workspace.channels[PRIVATE]
    else:
        _leave(stack, PRIVATE)

    assert _run_checkins(stack, MONDAY + timedelta(hours=9, minutes=31)) == 1
    tried = _attempts(stack, "chat.postMessage", PRIVATE)
    assert _run_checkins(stack, MONDAY + timedelta(days=1, hours=9, minutes=31)) == 1

    assert len([m for m in _posts(stack) if m.text.startswith("Check-in for")]) == 2
    assert _attempts(stack, "chat.postMessage", PRIVATE) == tried  # never retried
    assert _schedule(stack, internal).paused and not _schedule(stack, acme).paused
    told = _seen_by(stack, "UANA")
    assert told.count(f"paused check-in *#{internal}*") == 1 and "resume" in told
    _assert_no_leaks(stack)


# ---- views --------------------------------------------------------------------------------


@pytest.mark.parametrize("where", ["new grievance form", "add detail button", "home tab"])
def test_a_view_slack_refuses_gets_the_person_a_sentence_not_an_error(
    stack: SandboxStack, where: str
) -> None:
    if where == "home tab":
        stack.workspace.inject("views.publish", "internal_error")
        assert stack.slack.open_home("UANA").status == 200
    elif where == "new grievance form":
        stack.workspace.inject("views.open", "internal_error")
        _command(stack, "UANA", "new")
    else:
        _command(stack, "UANA", "The export broke again")
        [thanks] = [e for e in stack.workspace.ephemerals if e.user == "UANA"]
        stack.workspace.inject("views.open", "internal_error")
        assert stack.slack.click("UANA", "grievance_add_detail", ephemeral=thanks).status == 200
    assert stack.settle()
    assert f"{GENERIC} (`internal_error`)" in _seen_by(stack, "UANA")
    _assert_no_leaks(stack)


def test_a_refused_channel_check_neither_delays_nor_loses_the_grievance(
    stack: SandboxStack,
) -> None:
    stack.workspace.inject("conversations.info", "internal_error")

    delivery = _command(stack, "UANA", "The export broke again")

    assert "grievance #1" in delivery.body  # the check comes after the acknowledgement
    assert stack.settle()
    assert len(_grievances(stack)) == 1
    assert any("The export broke again" in m.text for m in stack.workspace.messages)
    _assert_no_leaks(stack)


# ---- people who can't be reached ---------------------------------------------------------


def _fail_to_reach(stack: SandboxStack, code: str, user: str) -> None:
    """Make a DM fail: ``user``'s account is deactivated, or the next one answers ``code``."""
    if code == "deactivated":
        stack.workspace.users[user].deleted = True  # conversations.open: user_disabled
    else:
        stack.workspace.inject("conversations.open", code)


@pytest.mark.parametrize("code", [*PERSON_CODES, "deactivated"])
def test_a_resolved_notice_that_cant_reach_the_raiser_tells_the_lead(
    stack: SandboxStack, code: str
) -> None:
    _command(stack, "UANA", "The export broke again")
    _command(stack, "UCARLA", "Nobody answers the support line")
    post = _posts(stack)[-1]
    _fail_to_reach(stack, code, "UCARLA")

    click = stack.slack.click("UANA", "grievance_set_status:resolved", message=(CHANNEL, post.ts))
    assert click.status == 200 and stack.settle()

    assert "*Resolved*" in json.dumps(stack.workspace.get_message(CHANNEL, post.ts).blocks)
    assert "Resolved, but I couldn't reach <@UCARLA>" in _seen_by(stack, "UANA")
    _assert_no_leaks(stack)


@pytest.mark.parametrize("code", [*PERSON_CODES, "user_disabled"])
def test_an_invitee_who_cant_be_reached_is_named_and_the_others_invited(
    stack: SandboxStack, code: str
) -> None:
    _command(stack, "UANA", "The export broke again")
    stack.workspace.inject("conversations.open", code)

    _command(stack, "UANA", "interview <@UCARLA|carla> <@UBEN|ben>")

    report = _seen_by(stack, "UANA")
    assert "couldn't DM *carla*" in report and "*ben* (team side)" in report
    assert "would like to interview you" in _seen_by(stack, "UBEN")
    _assert_no_leaks(stack)


@pytest.mark.parametrize("code", [*PERSON_CODES, "deactivated"])
def test_a_final_rating_that_cant_reach_someone_is_named_to_the_lead(
    stack: SandboxStack, code: str
) -> None:
    _command(stack, "UANA", "The export broke again")
    _command(stack, "UCARLA", "Nobody answers the support line")
    _fail_to_reach(stack, code, "UCARLA")  # injected: whoever is asked first

    _command(stack, "UANA", "case close")
    [form] = stack.workspace.modal_stack("UANA")
    answers = {ClosingField.OUTCOME: "client_left"}
    assert stack.slack.submit_view("UANA", form.id, answers).status == 200
    stack.settle()

    told = _seen_by(stack, "UANA")
    named = [n for n in ("ana", "carla") if f"I couldn't DM {n} for their final rating" in told]
    assert len(named) == 1 and (code != "deactivated" or named == ["carla"])
    asked = [u for u in ("UANA", "UCARLA") if "how did it go for you" in _seen_by(stack, u)]
    assert len(asked) == 1 and asked[0][1:].lower() not in named
    _assert_no_leaks(stack)


def _propose_strategy(stack: SandboxStack, summary: str) -> Message:
    """Ana proposes a strategy through the form; its message in the channel."""
    _command(stack, "UANA", "strategy")
    [form] = stack.workspace.modal_stack("UANA")
    assert stack.slack.submit_view("UANA", form.id, {StrategyField.SUMMARY: summary}).status == 200
    assert stack.settle()
    return _posts(stack)[-1]


def test_a_new_strategy_names_to_its_author_the_approver_who_could_not_be_told(
    stack: SandboxStack,
) -> None:
    _command(stack, "UANA", "The export broke again")
    _command(stack, "UBEN", "Support answers too slowly")
    v1 = _propose_strategy(stack, "Stabilise the export first")
    stack.slack.react("UBEN", CHANNEL, v1.ts, "+1")
    assert stack.settle()
    stack.workspace.users["UBEN"].deleted = True

    v2 = _propose_strategy(stack, "Stabilise the export, then weekly demos")

    assert v2.text.startswith("Strategy v2")
    told = _seen_by(stack, "UANA")
    assert "I couldn't reach <@UBEN>" in told and "They approved the version it replaces" in told
    _assert_no_leaks(stack)


# ---- jobs: one person skipped, never retried, the others served ---------------------------


@pytest.mark.parametrize(
    ("method", "code"),
    [*(("chat.postMessage", code) for code in PERSON_CODES), ("users.info", "user_not_found")],
)
def test_a_nudge_that_cant_be_delivered_is_not_retried_and_the_others_are_nudged(
    stack: SandboxStack, method: str, code: str
) -> None:
    _command(stack, "UANA", "The export broke again")
    _command(stack, "UCARLA", "Nobody answers the support line")
    _schedule_checkin(stack, CHANNEL)
    posted_at = MONDAY + timedelta(hours=9, minutes=31)
    assert _run_checkins(stack, posted_at) == 1
    stack.workspace.inject(method, code)

    later = posted_at + timedelta(hours=4)
    assert nudges.run(stack.db, stack.app.client, later, default_timezone="UTC") == 1
    tried = _attempts(stack, "chat.postMessage")
    assert nudges.run(stack.db, stack.app.client, later, default_timezone="UTC") == 0

    assert _attempts(stack, "chat.postMessage") == tried
    nudged = [u for u in ("UANA", "UCARLA") if "gentle nudge" in _seen_by(stack, u)]
    assert len(nudged) == 1


@pytest.mark.parametrize("code", PERSON_CODES)
def test_an_interview_reminder_that_cant_be_delivered_is_not_retried(
    stack: SandboxStack, code: str
) -> None:
    _command(stack, "UANA", "The export broke again")
    _command(stack, "UANA", "interview <@UCARLA|carla> <@UDEV|dev>")
    with stack.db.transaction() as session:
        invited = max(i.invited_at for i in session.scalars(select(Interview)))
    due = invited.replace(tzinfo=UTC) + timedelta(hours=49)
    stack.workspace.inject("chat.postMessage", code)

    assert interview_reminders.run(stack.db, stack.app.client, due) == 1
    tried = _attempts(stack, "chat.postMessage")
    assert interview_reminders.run(stack.db, stack.app.client, due) == 0
    assert _attempts(stack, "chat.postMessage") == tried


# ---- messages Slack refuses for their layout or length ----------------------------------


@pytest.mark.parametrize("code", LAYOUT_CODES)
@pytest.mark.parametrize("where", ["grievance", "check-in", "status update"])
def test_a_message_refused_for_its_layout_arrives_as_plain_text(
    stack: SandboxStack, caplog: pytest.LogCaptureFixture, code: str, where: str
) -> None:
    caplog.set_level(logging.WARNING)
    if where == "grievance":
        stack.workspace.inject("chat.postMessage", code)
    _command(stack, "UANA", "The export broke again")
    if where == "check-in":
        _schedule_checkin(stack, CHANNEL)
        stack.workspace.inject("chat.postMessage", code)
        assert _run_checkins(stack, MONDAY + timedelta(hours=9, minutes=31)) == 1
        expected = "How confident are you"
    elif where == "status update":
        stack.workspace.inject("chat.update", code)
        post = _posts(stack)[0]
        stack.slack.click("UANA", "grievance_set_status:acknowledged", message=(CHANNEL, post.ts))
        assert stack.settle()
        expected = "*Acknowledged*"
    else:
        expected = "The export broke again"

    plain = _posts(stack)[-1]
    assert plain.blocks == [] and expected in plain.text
    if where == "grievance":
        assert _grievances(stack)[0].slack_ts == plain.ts  # delivered, so remembered
    [logged] = [r for r in caplog.records if r.getMessage() == "message re-sent as plain text"]
    assert vars(logged)["error"] == code
    assert "export broke" not in json.dumps(vars(logged), default=str)  # no message bodies
    _assert_no_leaks(stack)


# ---- anything else --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "quoted"),
    [("restricted_action", True), ("<html>Bad gateway</html> token=xoxb-1-2-3", False)],
)
def test_an_unexpected_refusal_is_a_short_message_and_a_log_line_with_its_code(
    stack: SandboxStack, caplog: pytest.LogCaptureFixture, code: str, quoted: bool
) -> None:
    caplog.set_level(logging.WARNING)
    _command(stack, "UANA", "The export broke again")
    stack.workspace.inject("chat.postMessage", code)

    _command(stack, "UANA", "findings")

    seen = _seen_by(stack, "UANA")
    assert GENERIC in seen and (f"(`{code}`)" in seen) is quoted
    assert "xoxb" not in seen and "<html>" not in seen
    logged = [r for r in caplog.records if vars(r).get("error") == code]
    assert logged and not any(r.exc_info for r in logged)
    assert "What we learnt" not in caplog.text
    _assert_no_leaks(stack)
