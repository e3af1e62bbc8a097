"""The weekly digest with its chart, end to end: the seeded week's numbers, posted once
and only when due, moved by a lead, posted on demand, and a failing channel.

Seeded data sits around a chosen ``NOW`` (a Friday at 16:00 UTC, the default digest
time) so every number in the digest can be checked; jobs are driven with that clock.
"""

from __future__ import annotations

import threading
from datetime import timedelta

from sqlalchemy import select

from bot.jobs import digests
from bot.playbook.digest import next_due_after, schedule_of
from bot.sandbox.stack import SandboxStack
from storage.clock import utcnow
from storage.models import DigestRun, HealthSnapshot, OccurrenceStatus
from tests.handlers.digest_closing_helpers import (
    CHANNEL,
    NOW,
    PNG,
    QUESTION,
    _bot_posts,
    _case,
    _charts,
    _command,
    _kinds,
    _open_case,
    _seed,
    _shown,
)

# ---- the digest -------------------------------------------------------------------------


def test_the_weekly_digest_reports_the_seeded_week_and_uploads_a_png_chart(
    stack: SandboxStack,
) -> None:
    _seed(stack)

    assert digests.run(stack.db, stack.app.client, NOW) == 1

    (posted,) = _bot_posts(stack, "Weekly digest")
    shown = _shown(posted)
    assert "This week: 2 raised, 1 resolved · So far: 4 raised, 2 resolved, 2 open" in shown
    assert "2 check-ins this week" in shown
    assert "client: 2 of 4 (50%) · team: 3 of 4 (75%)" in shown
    # The client side's figures lead; the team's 3 and 4 are beside them, never blended in.
    assert "*Client confidence 4.5 (team 3.5)*" in shown
    assert (
        "*Other*: client side severity 2.0 (1 grievance) · team side severity 2.0 (3 grievances)"
    ) in shown  # the perception gap: both sides have spoken on it
    assert f"{QUESTION}: client 2.0 → 4.5 :arrow_up: (team 3.5)" in shown
    assert "*Strategy* v1: awaiting buy-in (approvals: client 0 · team 0)" in shown
    assert "1 of 2 actions done" in shown
    with stack.db.transaction() as session:
        latest = session.scalars(select(HealthSnapshot).order_by(HealthSnapshot.id.desc())).first()
    assert latest is not None and f"*Health* {latest.score}/100" in shown
    if latest.score != 40:
        assert "from 40 a week ago" in shown
    assert "Next check-in: Mon 18 Mar 09:30 (Europe/London)" in shown
    (chart,) = _charts(stack)
    assert chart.content.startswith(PNG) and len(chart.content) > 5_000
    shared = [m for m in stack.workspace.messages if m.channel == CHANNEL and m.files]
    assert [f["name"] for m in shared for f in m.files] == ["digest.png"]
    assert [e.slack_ts for e in _kinds(stack, "digest_posted")] == [posted.ts]
    with stack.db.transaction() as session:
        run = session.scalars(select(DigestRun)).one()
        assert run.status is OccurrenceStatus.POSTED


def test_two_runs_at_once_post_the_digest_once_and_only_when_due(stack: SandboxStack) -> None:
    _seed(stack)
    client = stack.app.client
    assert digests.run(stack.db, client, NOW - timedelta(minutes=1)) == 0
    barrier = threading.Barrier(2)
    counts: list[int] = []

    def tick() -> None:
        barrier.wait()
        counts.append(digests.run(stack.db, client, NOW + timedelta(seconds=30)))

    threads = [threading.Thread(target=tick) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(counts) == [0, 1]
    assert digests.run(stack.db, client, NOW + timedelta(hours=2)) == 0
    assert digests.run(stack.db, client, NOW + timedelta(days=7)) == 1  # next week's
    assert len(_bot_posts(stack, "Weekly digest")) == 2 and len(_charts(stack)) == 2
    with stack.db.transaction() as session:
        assert len(session.scalars(select(DigestRun)).all()) == 2


def test_a_digest_missed_by_more_than_the_grace_is_skipped(stack: SandboxStack) -> None:
    _seed(stack)

    assert digests.run(stack.db, stack.app.client, NOW + timedelta(hours=13)) == 0
    assert not _bot_posts(stack, "Weekly digest")


def test_a_lead_moves_the_digest_to_another_day_time_and_zone(stack: SandboxStack) -> None:
    _open_case(stack)

    said = _command(stack, "UANA", "digest every tuesday at 09:00 Europe/Berlin")
    refused = _command(stack, "UBEN", "digest every monday at 10:00")
    garbled = _command(stack, "UANA", "digest every someday at 9")

    assert "now comes on Tuesdays at 09:00 (Europe/Berlin)" in said
    assert "Only a lead of this case" in refused and "not a day of the week" in garbled
    case = _case(stack)
    assert (case.digest_weekday, case.digest_time, case.digest_timezone) == (
        1,
        "09:00",
        "Europe/Berlin",
    )
    assert [e.text for e in _kinds(stack, "digest_scheduled")] == [
        "Weekly digest: Tuesdays at 09:00 (Europe/Berlin)"
    ]
    due = next_due_after(schedule_of(case), utcnow())
    assert due.weekday() == 1 and due.hour in (7, 8)  # 09:00 in Berlin, in UTC
    client = stack.app.client
    assert digests.run(stack.db, client, due - timedelta(minutes=1)) == 0
    assert digests.run(stack.db, client, due) == 1
    assert digests.run(stack.db, client, due + timedelta(minutes=1)) == 0


def test_digest_on_demand_posts_now_for_the_team_and_refuses_the_client(
    stack: SandboxStack,
) -> None:
    _open_case(stack)

    assert _command(stack, "UBEN", "digest").strip() == ""
    refused = _command(stack, "UCARLA", "digest")

    (posted,) = _bot_posts(stack, "Weekly digest")
    assert "This week: 1 raised, 0 resolved" in _shown(posted)
    assert "comes to this channel every week anyway, on Fridays at 16:00 (UTC)" in refused
    (chart,) = _charts(stack)
    assert chart.content.startswith(PNG)
    (entry,) = _kinds(stack, "digest_posted")
    assert entry.text == "Digest posted on request" and entry.slack_ts == posted.ts


def test_a_failing_channel_does_not_stop_the_chart_or_the_run(stack: SandboxStack) -> None:
    _seed(stack)
    stack.workspace.inject("chat.postMessage", "channel_not_found")

    assert digests.run(stack.db, stack.app.client, NOW) == 0
    assert digests.run(stack.db, stack.app.client, NOW) == 0  # claimed: never retried
    with stack.db.transaction() as session:
        assert session.scalars(select(DigestRun)).one().status is OccurrenceStatus.FAILED
