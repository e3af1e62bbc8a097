"""The sandbox console as a newcomer types into it: Slack's rules, errors, DMs, switching."""

from __future__ import annotations

import io
from datetime import datetime

from sqlalchemy import select

from bot.sandbox.console import Console
from bot.sandbox.stack import SandboxStack
from storage.models import CheckinNudge, CheckinOccurrence, CheckinSchedule, OccurrenceStatus


def _session(stack: SandboxStack, script: str) -> str:
    """Everything the console prints for ``script``, read as a non-interactive script."""
    out = io.StringIO()
    assert Console(stack, out).run(io.StringIO(script), interactive=False) == 0
    return out.getvalue()


def _problems(out: str) -> list[str]:
    return [line for line in out.splitlines() if line.startswith("  ! ")]


def test_people_post_only_where_they_are_members_and_private_channels_stay_hidden(
    stack: SandboxStack,
) -> None:
    out = _session(
        stack,
        "as dev\nin general\nsay hi\nwhoami\n"
        "as ana\nin delivery-internal\nsay Internal: the vendor is late again\n"
        "as carla\nchannels\nin delivery-internal\nreact m1 eyes\nreply m1 What vendor?\n"
        "whoami\n",
    )
    assert _problems(out) == [
        "  ! Slack says not_in_channel: you are not a member of this channel, "
        "so you cannot post in it",
        "  ! Slack says channel_not_found: no such channel for you "
        "(private channels exist only for members)",
        "  ! Slack says channel_not_found: no such channel for you "
        "(private channels exist only for members)",
        "  ! Slack says channel_not_found: no such channel for you "
        "(private channels exist only for members)",
    ]
    assert "dev> whoami\n  You are dev (Dev Patel) in #general." in out  # the session went on
    carla = out.split("carla> channels", 1)[1].split("carla> in", 1)[0]
    assert "#acme-recovery" in carla and "delivery-internal" not in carla
    assert "You are carla (Carla Reyes) in #acme-recovery." in out.rsplit("carla> whoami", 1)[1]
    assert not any(m.text == "hi" for m in stack.workspace.messages)
    assert stack.workspace.messages[-1].text == "Internal: the vendor is late again"
    assert not stack.workspace.messages[-1].reactions


def test_only_the_author_edits_or_deletes_and_nobody_deletes_the_bots_posts(
    stack: SandboxStack,
) -> None:
    out = _session(
        stack,
        "as carla\n/grievance The invoice export is broken\n"
        "as ana\nedit m1 Nothing to see here\ndelete m1\nsay We will fix it todya\n"
        "as ben\nedit m2 Ben was here\ndelete m2\n"
        "as ana\nedit m2 We will fix it today\nsay Wrong channel, sorry\ndelete m3\n",
    )
    assert _problems(out) == [
        "  ! Slack says cant_update_message: only a message's author can edit it, "
        "and nobody edits the bot's",
        "  ! Slack says cant_delete_message: only a message's author can delete it, "
        "and nobody deletes the bot's",
        "  ! Slack says cant_update_message: only a message's author can edit it, "
        "and nobody edits the bot's",
        "  ! Slack says cant_delete_message: only a message's author can delete it, "
        "and nobody deletes the bot's",
    ]
    assert "ana> edit m2 We will fix it today\n  ✓ edited m2\n" in out
    assert "ana> delete m3\n  ✓ deleted m3\n" in out
    texts = [m.text for m in stack.workspace.messages if m.bot_id is None]
    assert texts == ["We will fix it today"]


def test_odd_input_is_one_bang_line_each_and_the_session_goes_on(stack: SandboxStack) -> None:
    odd = [
        "frobnicate",
        "reply m9 hello",
        "reply m1",
        "edit e1 text",
        "delete",
        "react m1",
        "click v3 ok",
        "click m1 no_such_button",
        "choose m1 menu",
        "shortcut m42",
        "set severity",
        "set severity 3",
        "submit",
        "cancel",
        "wait",
        "wait 3 fortnights",
        "wait until yesterday",
        "wait until 2020-01-01T00:00Z",
        "wait until next blursday 09:00",
        "as nobody",
        "as grievance-bot",
        "in nowhere",
        "in #general now",
        "dm please",
        'say "unbalanced',
    ]
    out = _session(stack, "/grievance The build is red\n" + "\n".join(odd) + "\nwhoami\n")
    assert len(_problems(out)) == len(odd) - 1  # `say "unbalanced` is posted as typed
    assert out.rstrip().endswith("You are ana (Ana Lima) in #acme-recovery.")
    assert "Traceback" not in out


def test_what_reached_you_while_away_is_shown_when_you_come_back_once(
    stack: SandboxStack,
) -> None:
    out = _session(
        stack,
        "as carla\n/grievance The build is red\n"
        "as ana\n/grievance lead me\nclick m1 grievance_set_status:resolved\n"
        "as carla\nas ana\nas carla\n",
    )
    ana = out.split("carla> as ana", 1)[1].split("ana> /grievance lead me", 1)[0]
    assert "While you were away:" in ana
    assert "only visible to you" in ana and "it has no lead yet" in ana  # an ephemeral to ana
    back = out.split("ana> as carla")[2].split("carla> as ana", 1)[0]
    assert back.splitlines()[2:] == [
        "While you were away:",
        '  m2 · DM from grievance-bot: Good news: your grievance #1 ("The build is red") was '
        "marked resolved by ana. If it doesn't feel res",
    ]
    assert out.count("While you were away:") == 2  # not again on the second return


def test_dm_is_a_conversation_with_the_bot(stack: SandboxStack) -> None:
    out = _session(
        stack,
        "help\nas carla\ndm\nsay Hello bot, is anyone there?\n/grievance help\nas ben\nwhoami\n"
        "in acme-recovery\n",
    )
    assert "  dm  " in out.split("ana> help", 1)[1]
    assert "carla> dm\n  You are carla (Carla Reyes) in your DM with grievance-bot." in out
    [said] = [m for m in stack.workspace.messages if m.text == "Hello bot, is anyone there?"]
    assert said.channel == stack.workspace.dm_channel_for("UCARLA").id
    assert "── e1 · @grievance-bot · grievance-bot" in out and "How to use /grievance" in out
    assert "ben> whoami\n  You are ben (Ben Okafor) in your DM with grievance-bot." in out
    assert out.rstrip().endswith("You are ben (Ben Okafor) in #acme-recovery.")
    assert not _problems(out)


SETUP = """\
as carla
/grievance The nightly build has been red for a week
as ana
/grievance lead me
/grievance people
set client_leader carla
set client_member dev
set team_lead ana
set team_member ben
submit
"""


def test_wait_runs_each_occurrence_at_its_own_time(stack: SandboxStack) -> None:
    out = _session(stack, SETUP + "/grievance checkin every weekday at 9:30 in UTC\nwait 2d\n")
    assert not _problems(out)
    waited = out.split("ana> wait 2d", 1)[1]
    assert waited.count("Check-in · acme-recovery") == 2
    assert "(it is now Wed 02 Dec 08:00 UTC; 2 check-ins, 8 nudges" in waited
    with stack.db.transaction() as session:
        posted = session.scalars(select(CheckinOccurrence).order_by(CheckinOccurrence.id)).all()
        assert [(o.status, _minute(o.posted_at)) for o in posted] == [
            (OccurrenceStatus.POSTED, "Mon 09:30"),
            (OccurrenceStatus.POSTED, "Tue 09:30"),
        ]
        nudged = session.scalars(select(CheckinNudge).order_by(CheckinNudge.id)).all()
        assert [_minute(n.sent_at) for n in nudged] == ["Mon 13:30"] * 4 + ["Tue 13:30"] * 4
    # each check-in and its nudges are shown as they happen, in order
    assert waited.index("09:30 ──") < waited.index("13:30 · direct message")


def _minute(moment: datetime | None) -> str:
    assert moment is not None
    return f"{moment:%a %H:%M}"


def test_wait_posts_the_weekly_digest_at_its_hour(stack: SandboxStack) -> None:
    out = _session(stack, SETUP + "wait until 2026-12-04T17:00Z\n")
    waited = out.split("ana> wait until", 1)[1]
    assert "Weekly digest · acme-recovery" in waited
    digest = waited.split("Weekly digest", 1)[0].rsplit("── m", 1)[1]
    assert "16:00 ──" in digest  # Friday 16:00, not when the wait ended
    assert "(it is now Fri 04 Dec 17:00 UTC; 1 digests" in waited


def test_a_form_refused_with_errors_keeps_what_was_typed(stack: SandboxStack) -> None:
    out = _session(
        stack,
        "as carla\n/grievance The build is red\nas ana\n/grievance lead me\n/grievance checkin\n"
        "set checkin_time 25:99\nset checkin_rating_questions Are releases predictable now?\n"
        "submit\nset checkin_time 10:00\nsubmit\n",
    )
    refused = out.split("ana> submit", 1)[1].split("ana> set checkin_time 10:00", 1)[0]
    assert "  ! Choose the time." in refused  # the error, by its field
    assert refused.rstrip().endswith(
        "(fix the field marked ! and submit again; kept: checkin_time = 25:99; "
        "checkin_rating_questions = Are releases predictable now?)"
    )
    assert "scheduled: every weekday at 10:00" in out.rsplit("ana> submit", 1)[1]
    with stack.db.transaction() as session:
        [schedule] = session.scalars(select(CheckinSchedule)).all()
        assert "Are releases predictable now?" in (schedule.questions or "")


def test_becoming_someone_who_cannot_see_the_channel_moves_you_out(stack: SandboxStack) -> None:
    out = _session(stack, "in delivery-internal\nas carla\n")
    assert out.rstrip().endswith("You are carla (Carla Reyes) in #acme-recovery.")
