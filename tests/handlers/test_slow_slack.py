"""A slow Slack never starves acknowledgements.

Slack gives up on a request after 3 seconds and tells the person it failed, although the
bot may have kept it: they file it twice. So while Slack answers slowly, a burst of
grievances, forms and check-in ratings from people the bot has never met is acknowledged
at once, each kept once, and each posted (on the right side) when Slack catches up.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot.jobs import checkins as checkins_job
from bot.playbook import checkins
from bot.playbook.checkins import Question, ScheduleDraft
from bot.playbook.people import find_person
from bot.sandbox.slack_side import Delivery
from bot.sandbox.stack import SandboxStack
from bot.sandbox.workspace import Message, User
from bot.settings import Settings
from storage.models import Case, CheckinAnswer, CheckinOccurrence, Grievance, Side
from tests.conftest import POSTGRES_SERVER_URL

CHANNEL = "CACME"
T0 = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)
#: Slack's answers come this late for the first calls of each method, the bot's ack may not.
DELAY, SLOW_CALLS = 1.5, 5
#: Within 1 s on SQLite. On PostgreSQL, 80 acknowledgements that each commit over loopback
#: on CI's 2 cores were seen at 1.2-1.8 s once; 2 s stays well inside Slack's 3 s.
ACK_BUDGET = 2.0 if POSTGRES_SERVER_URL else 1.0


def _newcomers(stack: SandboxStack, prefix: str, count: int) -> list[str]:
    """``count`` people the bot has never met in the shared channel: every other one is
    on the delivery team (its Grid organisation), the rest come from the client."""
    ws = stack.workspace
    ids = []
    for n in range(count):
        user_id = f"U{prefix.upper()}{n:02d}"
        if n % 2:
            ws.add_user(User(user_id, f"{prefix}{n:02d}", f"Client {n}", "T0CLIENT"))
        else:
            ws.add_user(
                User(
                    user_id,
                    f"{prefix}{n:02d}",
                    f"Teammate {n}",
                    ws.team_id,
                    enterprise_id="E0SANDBOX",
                )
            )
        ws.get_channel(CHANNEL).members.add(user_id)
        ids.append(user_id)
    return ids


def _checkin(stack: SandboxStack) -> Message:
    """Ana's check-in with one rating question, posted in the channel."""
    with stack.db.transaction() as session:
        case = session.scalars(select(Case)).one()
        ana = find_person(session=session, workspace=case.workspace, user_id="UANA")
        assert ana is not None
        draft = ScheduleDraft(
            days=(0, 1, 2, 3, 4),
            time_of_day="09:30",
            timezone="Europe/London",
            questions=[Question(kind="rating", text="How confident are you?")],
        )
        checkins.create(
            session=session, case=case, actor=ana, draft=draft, now=T0 - timedelta(minutes=5)
        )
    checkins_job.run(stack.db, stack.app.client, T0)
    with stack.db.transaction() as session:
        occurrence = session.scalars(select(CheckinOccurrence)).one()
        assert occurrence.slack_ts
        found = stack.workspace.find_message(CHANNEL, occurrence.slack_ts)
    assert found is not None
    return found


def _posted(stack: SandboxStack, words: str) -> list[Message]:
    return [m for m in stack.workspace.messages if m.channel == CHANNEL and words in m.text]


def test_a_burst_while_slack_is_slow_is_acknowledged_at_once_kept_once_and_posted_later(
    stack: SandboxStack,
) -> None:
    assert stack.slack.slash_command("UANA", CHANNEL, "The export broke again").status == 200
    assert stack.settle()
    filers = _newcomers(stack, "cmd", 30)
    formers = _newcomers(stack, "form", 30)
    raters = _newcomers(stack, "rate", 20)
    for user_id in formers:
        stack.slack.slash_command(user_id, CHANNEL, "new")
    assert stack.settle()
    forms = {user_id: stack.workspace.modal_stack(user_id)[-1].id for user_id in formers}
    checkin = _checkin(stack)
    for method in ("users.info", "chat.postMessage", "chat.update"):
        stack.workspace.inject_delay(method, DELAY, times=SLOW_CALLS)

    sends: list[Callable[[], Delivery]] = []
    for user_id in filers:
        sends.append(lambda u=user_id: stack.slack.slash_command(u, CHANNEL, f"typed by {u}"))
    for user_id, view_id in forms.items():
        sends.append(
            lambda u=user_id, v=view_id: stack.slack.submit_view(u, v, {"text": f"form of {u}"})
        )
    for n, user_id in enumerate(raters):
        sends.append(
            lambda u=user_id, r=n % 5 + 1: stack.slack.click(
                u, f"checkin_rate:0:{r}", message=(checkin.channel, checkin.ts)
            )
        )

    def timed(send: Callable[[], Delivery]) -> tuple[int, float]:
        started = time.perf_counter()
        return send().status, time.perf_counter() - started

    with ThreadPoolExecutor(max_workers=10) as burst:
        answers = list(burst.map(timed, sends))

    late = [
        (status, round(took, 2)) for status, took in answers if status != 200 or took > ACK_BUDGET
    ]
    assert late == [], f"{len(late)} of {len(answers)} not acknowledged within {ACK_BUDGET}s"
    assert stack.settle(timeout=60), "the bot never caught up with Slack"

    with stack.db.transaction() as session:
        filed = {g.text: g.side for g in session.scalars(select(Grievance))}
        rated = sorted(a.person.slack_user_id or "" for a in session.scalars(select(CheckinAnswer)))
    for user_id in filers + formers:
        words = f"typed by {user_id}" if user_id in filers else f"form of {user_id}"
        teammate = user_id.endswith(("0", "2", "4", "6", "8"))
        assert filed[words] is (Side.TEAM if teammate else Side.CLIENT), words
        [post] = _posted(stack, words)  # once each, on the side Slack confirmed
        shown = json.dumps(post.blocks)
        assert ("(team side)" if teammate else "(client side)") in shown, words
    assert len(filed) == 1 + 30 + 30
    assert rated == sorted(raters)
    assert "20 ratings" in checkin.text + json.dumps(checkin.blocks)


def test_someone_slack_does_not_describe_in_time_is_filed_on_the_client_side(
    database_url: str,
) -> None:
    settings = Settings(database_url=database_url, _env_file=None)
    with SandboxStack(settings, client_timeout=1) as stack:
        stack.workspace.inject_delay("users.info", 2, times=1)  # over the client's timeout

        started = time.perf_counter()
        delivery = stack.slack.slash_command("UBEN", CHANNEL, "Nobody reviewed the release")

        assert time.perf_counter() - started < ACK_BUDGET  # the look-up comes after
        assert "grievance #1" in delivery.body
        assert stack.settle()
        with stack.db.transaction() as session:
            [grievance] = session.scalars(select(Grievance))
            assert grievance.side is Side.CLIENT  # Ben is team side, but Slack never said so
            assert grievance.reporter is not None and grievance.reporter.side is Side.CLIENT
        [post] = _posted(stack, "Nobody reviewed the release")
        assert "(client side)" in json.dumps(post.blocks)
