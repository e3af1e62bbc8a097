"""What a sandbox user sees in the terminal for the messages the bot sends: header,
body, reactions, files, message kinds and thread replies.

Payloads are built with slack_sdk's own models so they have exactly the shape Slack's API
receives; assertions are about the text a person reads and the commands they type.
"""

from __future__ import annotations

import pytest
from slack_sdk.models.blocks import ActionsBlock, ButtonElement, SectionBlock

from bot.sandbox.render import render_file, render_message
from tests.sandbox.render_helpers import NAMES, dicts

TS = "1700820240.000100"  # 2023-11-24 10:04:00 UTC


# --- messages -------------------------------------------------------------------------


def test_message_header_body_reactions_and_files() -> None:
    msg = {
        "ts": TS,
        "username": "grievance-bot",
        "text": "fallback that should not show",
        "blocks": dicts(SectionBlock(text="Thanks <@U1>, logged.")),
        "reactions": [{"name": "+1", "count": 2, "users": ["U1", "U2"]}, {"name": "x", "count": 1}],
        "files": [{"id": "F1", "name": "timeline.pdf"}],
    }
    out = render_message(msg, NAMES, ref="m3", channel_name="acme-recovery", kind="message")
    assert out.splitlines() == [
        "── m3 · #acme-recovery · grievance-bot · 10:04 ──",
        "Thanks @ana, logged.",
        ":+1: 2  :x: 1",
        "[file: timeline.pdf]",
    ]


def test_a_shared_text_file_shows_its_name_size_and_first_lines() -> None:
    report = "".join(f"line {n}\n" for n in range(1, 10)) + "\x1b[2Jthe end\n"
    out = render_file("history.md", report.encode(), lines=3)
    assert out == [
        f"  [file uploaded: history.md] {len(report.encode())} bytes",
        "  │ line 1",
        "  │ line 2",
        "  │ line 3",
        "  │ … 7 more line(s)",
    ]
    assert render_file("history.md", report.encode(), lines=10)[-1] == "  │ the end"


def test_a_shared_binary_file_shows_only_its_name_and_size() -> None:
    png = b"\x89PNG\r\n\x1a\n" + bytes(2048)
    assert render_file("digest.png", png) == ["  [file uploaded: digest.png] 2.0 KB"]
    assert render_file("blob.bin", b"ab\x00cd") == ["  [file uploaded: blob.bin] 5 bytes"]


@pytest.mark.parametrize(
    ("kind", "tag"),
    [("ephemeral", "only visible to you"), ("update", "edited in place"), ("dm", "direct message")],
)
def test_message_kinds_are_labelled(kind: str, tag: str) -> None:
    msg = {"ts": TS, "user": "U1", "text": "hello <!here>"}
    out = render_message(msg, NAMES, ref="m7", channel_name="acme-recovery", kind=kind)
    header, body = out.splitlines()
    assert tag in header
    assert "ana" in header
    assert body == "hello @here"


def test_thread_reply_names_its_parent() -> None:
    msg = {"ts": TS, "thread_ts": "1700820000.000001", "thread_ref": "m1", "text": "on it"}
    out = render_message(msg, NAMES, ref="m8", channel_name="#acme-recovery", kind="message")
    assert out.splitlines()[0] == "── m8 · #acme-recovery · 10:04 · in thread of m1 ──"
    parent = {"ts": TS, "thread_ts": TS, "thread_ref": "m8", "text": "root"}
    out = render_message(parent, NAMES, ref="m8", channel_name="acme", kind="message")
    assert "in thread" not in out


def test_message_with_action_ids_shared_across_blocks_and_bad_ts() -> None:
    msg = {
        "ts": "not-a-ts",
        "blocks": dicts(
            ActionsBlock(elements=[ButtonElement(text="Yes", action_id="vote", value="yes")]),
            ActionsBlock(elements=[ButtonElement(text="No", action_id="vote", value="no")]),
        ),
    }
    out = render_message(msg, {}, ref="m9", channel_name="acme", kind="message")
    assert out.splitlines() == [
        "── m9 · #acme ──",
        "  [Yes] (click m9 vote yes)",
        "  [No] (click m9 vote no)",
    ]
