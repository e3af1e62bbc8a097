"""The real HTTP endpoint: signatures, retries, health, and the help answer."""

from __future__ import annotations

import http.client
import json
import time
import urllib.error
import urllib.request
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

import pytest
from sqlalchemy import func, select

from bot.jobs import run_due
from bot.sandbox.stack import SandboxStack
from bot.server import bound_port, make_server, serve_in_thread, stop_server
from bot.web import SlackWsgiApp
from storage.clock import utcnow
from storage.engine import Database
from storage.models import Grievance, ProcessedEvent, SeenRequest, TimelineEntry


def _post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int, str]:
    request = urllib.request.Request(url, data=body, method="POST", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def _command_body(text: str) -> str:
    return urlencode(
        {
            "command": "/grievance",
            "text": text,
            "team_id": "T0SANDBOX",
            "channel_id": "CACME",
            "user_id": "UANA",
            "trigger_id": "x",
            "response_url": "http://127.0.0.1:9/r",
        }
    )


def test_help_is_answered_ephemerally_with_every_subcommand(stack: SandboxStack) -> None:
    delivery = stack.slack.slash_command("UANA", "CACME", "help")
    assert delivery.status == 200
    answer = delivery.json or {}
    assert answer.get("response_type", "ephemeral") == "ephemeral"
    shown = json.dumps(answer["blocks"])
    for syntax in (
        "/grievance help",
        "/grievance history",
        "/grievance insights",
        "/grievance lead",
    ):
        assert syntax in shown
    assert stack.workspace.ephemerals[-1].user == "UANA"


def test_unknown_subcommand_gets_help_with_a_suggestion(stack: SandboxStack) -> None:
    answer = stack.slack.slash_command("UANA", "CACME", "histroy").json or {}
    shown = json.dumps(answer["blocks"])
    assert "histroy" in shown and "/grievance history" in shown


def test_forged_signature_is_refused_and_changes_nothing(stack: SandboxStack) -> None:
    body = _command_body("this should never be filed")
    status, _ = _post(
        stack.events_url,
        body.encode(),
        {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Slack-Request-Timestamp": str(int(time.time())),
            "X-Slack-Signature": "v0=" + "0" * 64,
        },
    )
    assert status == 401
    assert stack.workspace.ephemerals == []


def test_unsigned_request_is_refused(stack: SandboxStack) -> None:
    status, _ = _post(
        stack.events_url,
        _command_body("help").encode(),
        {"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert status == 401


def test_stale_timestamp_is_refused_even_when_correctly_signed(stack: SandboxStack) -> None:
    body = _command_body("help")
    stale = str(int(time.time()) - 6 * 60)
    status, _ = _post(
        stack.events_url,
        body.encode(),
        {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Slack-Request-Timestamp": stale,
            "X-Slack-Signature": stack.slack.sign(stale, body),
        },
    )
    assert status == 401


def test_replayed_command_is_refused_and_files_nothing_twice(stack: SandboxStack) -> None:
    """Someone who captured a signed request sends it again within Slack's 5 minutes."""
    body = _command_body("The export broke again")
    now = str(int(time.time()))
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Slack-Request-Timestamp": now,
        "X-Slack-Signature": stack.slack.sign(now, body),
    }
    first = _post(stack.events_url, body.encode(), headers)
    replay = _post(stack.events_url, body.encode(), headers)
    stack.settle()
    assert first[0] == 200 and "grievance #1" in first[1]
    assert replay == (401, '{"error": "replayed request"}')
    with stack.db.transaction() as session:
        assert session.scalar(select(func.count()).select_from(Grievance)) == 1
    assert stack.slack.slash_command("UANA", "CACME", "help").status == 200  # a new request


def _thread_root(stack: SandboxStack) -> str:
    """File a grievance and return its message's ts: a thread whose replies are kept."""
    assert stack.slack.slash_command("UANA", "CACME", "The export broke again").status == 200
    stack.settle()
    return next(m.ts for m in stack.workspace.messages if m.channel == "CACME" and m.bot_id)


def _reply(stack: SandboxStack, root: str, ts: str = "", retry_of: str | None = None) -> int:
    """Deliver a reply in ``root``'s thread; ``retry_of`` an ``event_id``: Slack's retry
    of that delivery (the same event, the same id, with retry headers)."""
    ts = ts or f"{time.time():.6f}"
    event = {
        "type": "message",
        "channel": "CACME",
        "channel_type": "channel",
        "user": "UCARLA",
        "text": f"still broken at {ts}",
        "ts": ts,
        "thread_ts": root,
        "event_ts": ts,
    }
    delivery, _ = stack.slack.deliver_event(
        event, event_id=retry_of, retry_num=1 if retry_of else None
    )
    stack.settle()
    return delivery.status


def _records(stack: SandboxStack) -> tuple[int, int]:
    with stack.db.reading() as session:
        return (
            session.scalar(select(func.count()).select_from(SeenRequest)) or 0,
            session.scalar(select(func.count()).select_from(ProcessedEvent)) or 0,
        )


def test_old_delivery_records_are_pruned_by_the_scheduler(stack: SandboxStack) -> None:
    root = _thread_root(stack)
    assert _reply(stack, root) == 200
    assert _records(stack) == (1, 1)
    later = utcnow() + timedelta(days=2)
    assert run_due(stack.db, stack.app.client, later)["housekeeping"] == 2
    assert _records(stack) == (0, 0)


def test_old_delivery_records_are_retired_as_new_ones_are_written(stack: SandboxStack) -> None:
    """Without a scheduler (``run --no-scheduler`` and no ``tick``) the tables stay bounded."""
    root = _thread_root(stack)

    def deliver_both() -> None:  # each writes (a pure read, such as help, is not recorded)
        assert stack.slack.slash_command("UANA", "CACME", "The demo slipped").status == 200
        assert _reply(stack, root) == 200

    for _ in range(3):
        deliver_both()
    assert _records(stack) == (4, 3)  # four grievances' commands; three replies
    stack.advance(utcnow() + timedelta(days=2))  # all seven are past keeping
    deliver_both()
    assert _records(stack) == (3, 2)  # one new of each, each retiring two old ones
    deliver_both()
    assert _records(stack) == (2, 2)  # only the two new ones of each


def test_a_retried_reply_is_acknowledged_stored_and_recorded_once(stack: SandboxStack) -> None:
    root = _thread_root(stack)
    ts = f"{time.time():.6f}"
    assert _reply(stack, root, ts=ts, retry_of="Ev0RETRIED1") == 200
    assert _reply(stack, root, ts=ts, retry_of="Ev0RETRIED1") == 200  # and once more
    with stack.db.reading() as session:
        replies = session.scalar(
            select(func.count()).select_from(TimelineEntry).where(TimelineEntry.kind == "reply")
        )
    assert replies == 1
    assert _records(stack)[1] == 1


def test_an_event_that_writes_nothing_leaves_no_record(stack: SandboxStack) -> None:
    """The App Home opened is only read and drawn: its retry costs a read, never a write."""
    stack.slack.deliver_event(
        {"type": "app_home_opened", "user": "UANA", "channel": "DANA", "tab": "home"}
    )
    stack.settle()
    assert len(stack.workspace.calls_to("views.publish")) == 1
    assert _records(stack) == (0, 0)


def test_healthz_reports_the_database(stack: SandboxStack, tmp_path: Path) -> None:
    with urllib.request.urlopen(stack.url + "/healthz", timeout=5) as response:
        assert response.status == 200
        assert json.loads(response.read()) == {"status": "ok"}
    unreachable = Database.from_url(f"sqlite:///{tmp_path / 'missing' / 'dir' / 'x.db'}")
    server = make_server(SlackWsgiApp(stack.app, unreachable), host="127.0.0.1", port=0)
    thread = serve_in_thread(server)
    try:
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(f"http://127.0.0.1:{bound_port(server)}/healthz", timeout=5)
        assert refused.value.code == 503
    finally:
        stop_server(server, thread)


def test_body_over_one_megabyte_is_refused_before_parsing(stack: SandboxStack) -> None:
    """The server answers on the declared length alone, without reading the body."""
    host, port = stack.url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=5)
    connection.putrequest("POST", "/slack/events")
    connection.putheader("Content-Type", "application/x-www-form-urlencoded")
    connection.putheader("Content-Length", "1100000")
    connection.endheaders()
    assert connection.getresponse().status == 413
    connection.close()
