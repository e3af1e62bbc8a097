"""Reading the case: history pages, one grievance with its thread, insights, the App Home."""

from __future__ import annotations

import json
import re
from typing import Any

from bot.sandbox.stack import SandboxStack
from bot.sandbox.workspace import Ephemeral, Message, View

_ENTRY = re.compile(r"^`\d{4}-\d\d-\d\d \d\d:\d\d` \*")
_LINK = re.compile(r" <[^>|]+\|view>$")


def _answer(stack: SandboxStack, user: str, text: str, channel: str = "CACME") -> Ephemeral:
    """Run ``/grievance <text>``; the ephemeral answer the user sees."""
    delivery = stack.slack.slash_command(user, channel, text)
    assert delivery.status == 200
    stack.settle()
    answer = [e for e in stack.workspace.ephemerals if e.user == user][-1]
    assert answer.channel == channel
    return answer


def _file(stack: SandboxStack, user: str, answers: dict[str, Any]) -> Message | None:
    """File through the modal; the grievance's channel message (None when confidential)."""
    stack.slack.slash_command(user, "CACME", "new")
    stack.settle()
    [modal] = stack.workspace.modal_stack(user)
    posted_before = len(stack.workspace.messages)
    stack.slack.submit_view(user, modal.id, answers)
    stack.settle()
    assert stack.workspace.modal_stack(user) == []
    new = [m for m in stack.workspace.messages[posted_before:] if m.channel == "CACME"]
    return new[-1] if new else None


def _quick(stack: SandboxStack, user: str, text: str) -> Message:
    stack.slack.slash_command(user, "CACME", text)
    stack.settle()
    return [m for m in stack.workspace.messages if m.channel == "CACME" and m.bot_id][-1]


def _reply(stack: SandboxStack, user: str, root: Message, text: str) -> Message:
    message, _ = stack.slack.post_message(user, "CACME", text, thread_ts=root.ts)
    stack.settle()
    return message


def _entries(blocks: list[dict[str, Any]]) -> list[str]:
    """The timeline lines of a history answer, in the order shown."""
    return [
        b["text"]["text"]
        for b in blocks
        if b["type"] == "section" and "text" in b and _ENTRY.match(b["text"]["text"])
    ]


def _said(line: str) -> str:
    """What an entry line quotes, without its author and its permalink."""
    return _LINK.sub("", line.split(": ", 1)[1])


def _pager(blocks: list[dict[str, Any]]) -> list[str]:
    return [
        e["action_id"]
        for b in blocks
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"].startswith("history_page:")
    ]


def _shown(item: Ephemeral | Message) -> str:
    return item.text + "\n" + json.dumps(item.blocks, ensure_ascii=False)


def _home(stack: SandboxStack, user: str) -> View:
    delivery = stack.slack.open_home(user)
    assert delivery.status == 200
    stack.settle()
    return stack.workspace.views[stack.workspace.home_views[user]]


def _view_text(view: View) -> str:
    return json.dumps(view.payload["blocks"], ensure_ascii=False)


def _failed_calls(stack: SandboxStack) -> list[tuple[str, str | None]]:
    return [(c.method, c.error) for c in stack.workspace.calls if c.error]


# ---- history --------------------------------------------------------------------------


def test_history_pages_newest_first_ten_at_a_time_in_place(stack: SandboxStack) -> None:
    root = _quick(stack, "UANA", "The weekly report is always late")  # 3 entries
    for n in range(1, 23):  # 22 replies: 25 entries in all
        _reply(stack, "UCARLA" if n % 2 else "UBEN", root, f"reply {n:02d}")

    history = _answer(stack, "UANA", "history")
    page = _entries(history.blocks)
    assert len(page) == 10
    assert "reply 22" in page[0] and "reply 13" in page[-1]
    assert _pager(history.blocks) == ["history_page:older"]
    count = len(stack.workspace.ephemerals)

    def turn(direction: str) -> list[str]:
        delivery = stack.slack.click("UANA", f"history_page:{direction}", ephemeral=history)
        assert delivery.status == 200
        stack.settle()
        assert len(stack.workspace.ephemerals) == count  # replaced, not added
        return _entries(history.blocks)

    page2 = turn("older")
    assert [_said(line) for line in page2] == [f"reply {n:02d}" for n in range(12, 2, -1)]
    assert _pager(history.blocks) == ["history_page:newer", "history_page:older"]
    page3 = turn("older")
    assert len(page3) == 5 and "reply 02" in page3[0] and "reply 01" in page3[1]
    assert [re.search(r"\*([A-Z][a-z]+ [a-z]+)", line)[1] for line in page3[2:]] == [
        "Lead added",  # once Slack confirmed ana is on the team, after the acknowledgement
        "Grievance filed",
        "Case opened",
    ]
    assert _pager(history.blocks) == ["history_page:newer"]
    assert turn("newer") == page2
    assert turn("newer") == page
    assert _pager(history.blocks) == ["history_page:older"]
    assert _failed_calls(stack) == []


def test_history_of_one_grievance_shows_it_with_its_whole_thread(stack: SandboxStack) -> None:
    _quick(stack, "UANA", "Unrelated first grievance")
    root = _file(
        stack,
        "UANA",
        {
            "text": "Releases slip every sprint",
            "raised_by_user": "UCARLA",
            "side": "client",
            "severity": "3",
            "cares_about": "Predictable releases",
            "success_measure": "Three sprints on time",
        },
    )
    assert root is not None
    first = _reply(stack, "UCARLA", root, "This is the third time this quarter")
    _reply(stack, "UANA", root, "We hear you, planning is changing")
    stack.slack.click("UBEN", "grievance_set_status:acknowledged", message=("CACME", root.ts))
    stack.settle()

    for asked in ("history 2", "history #2"):
        shown = _shown(_answer(stack, "UBEN", asked))
        assert "Grievance #2" in shown and "Releases slip every sprint" in shown
        assert "*carla*" in shown and "3 · serious" in shown and "*Acknowledged*" in shown
        assert "Predictable releases" in shown and "Three sprints on time" in shown
        assert "Unrelated first grievance" not in shown
    lines = _entries(_answer(stack, "UBEN", "history 2").blocks)
    assert [re.search(r"\*([A-Z][a-z]+(?: [a-z]+)?)", line)[1] for line in lines] == [
        "Grievance filed",
        "Reply",
        "Reply",
        "Status changed",
    ]
    assert stack.workspace.permalink("CACME", first.ts) in lines[1]

    assert "no grievance #9" in _answer(stack, "UBEN", "history 9").text
    not_a_number = _answer(stack, "UBEN", "history three")
    assert "File this as a grievance?" in not_a_number.text
    assert "`/grievance history [n]`" in json.dumps(not_a_number.blocks)
    assert "no case in this channel" in _answer(stack, "UBEN", "history", "CINTERNAL").text
    assert _failed_calls(stack) == []


def test_confidential_grievances_are_only_in_the_leads_history(stack: SandboxStack) -> None:
    _quick(stack, "UANA", "The client's invoices bounce")  # ana opens the case and leads it
    hidden = _file(
        stack,
        "UANA",
        {
            "text": "Ben argued with the client's CFO",
            "side": "client",
            "confidential": ["confidential"],
            "cares_about": "Respectful meetings",
        },
    )
    assert hidden is None  # not posted in the channel
    secret = "argued with the client"

    ben = _answer(stack, "UBEN", "history")
    assert "invoices bounce" in _shown(ben) and secret not in _shown(ben)
    assert "no grievance #2" in _answer(stack, "UBEN", "history 2").text
    assert "Respectful meetings" not in _shown(_answer(stack, "UBEN", "insights"))
    assert secret in _shown(_answer(stack, "UANA", "history"))
    assert secret in _shown(_answer(stack, "UANA", "history 2"))
    assert "Respectful meetings" in _shown(_answer(stack, "UANA", "insights"))

    _answer(stack, "UANA", "lead <@UBEN|ben>")
    assert secret in _shown(_answer(stack, "UBEN", "history"))
    assert secret in _shown(_answer(stack, "UBEN", "history 2"))


def test_a_grievance_made_confidential_later_leaves_non_leads_history(
    stack: SandboxStack,
) -> None:
    _quick(stack, "UANA", "The client's CFO shouted at Ben")
    [ack] = [e for e in stack.workspace.ephemerals if e.user == "UANA"]
    stack.slack.click("UANA", "grievance_add_detail", ephemeral=ack)
    stack.settle()
    [modal] = stack.workspace.modal_stack("UANA")
    stack.slack.submit_view("UANA", modal.id, {"confidential": ["confidential"]})
    stack.settle()
    assert "shouted" in _shown(_answer(stack, "UANA", "history"))
    assert "shouted" not in _shown(_answer(stack, "UBEN", "history"))


def test_history_of_a_grievance_with_long_notes_fits_block_kit(stack: SandboxStack) -> None:
    _file(
        stack,
        "UANA",
        {"text": "R&D keeps changing the API", "cares_about": ("R&D <-> QA " * 300)[:2990]},
    )
    shown = _shown(_answer(stack, "UANA", "history 1"))
    assert "R&amp;D keeps changing the API" in shown


# ---- insights -------------------------------------------------------------------------


def test_insights_are_deduplicated_with_counts_and_grievance_numbers(
    stack: SandboxStack,
) -> None:
    assert "no case in this channel" in _answer(stack, "UANA", "insights").text
    _file(
        stack,
        "UANA",
        {
            "text": "Release slipped",
            "side": "client",
            "cares_about": "Predictable releases",
            "success_measure": "No P1 bugs for a month",
        },
    )
    _file(
        stack,
        "UBEN",
        {
            "text": "Nobody answered for a week",
            "side": "client",
            "cares_about": "predictable releases!\nFast answers",
            "success_measure": "no p1 bugs for a month.",
        },
    )
    _file(
        stack,
        "UANA",
        {
            "text": "Demo crashed",
            "side": "client",
            "cares_about": "  PREDICTABLE   RELEASES. ; fast answers",
        },
    )

    shown = _shown(_answer(stack, "UCARLA", "insights"))
    assert "Predictable releases — ×3 (#1, #2, #3)" in shown
    assert "Fast answers — ×2 (#2, #3)" in shown
    assert "No P1 bugs for a month — ×2 (#1, #2)" in shown
    assert shown.lower().count("predictable releases") == 1
    assert "What used to go well*\\n_Nothing yet._" in shown


# ---- App Home -------------------------------------------------------------------------


def test_app_home_shows_cases_open_grievances_by_severity_and_what_matters(
    stack: SandboxStack,
) -> None:
    _file(stack, "UANA", {"text": "Typo on the invoice", "severity": "1"})
    _file(
        stack,
        "UANA",
        {
            "text": "Production is down",
            "side": "client",
            "severity": "4",
            "cares_about": "Uptime above all",
        },
    )
    _file(
        stack,
        "UANA",
        {"text": "Ben was rude on the call", "severity": "3", "confidential": ["confidential"]},
    )
    done = _file(stack, "UBEN", {"text": "Slides were late", "severity": "2"})
    assert done is not None
    stack.slack.click("UBEN", "grievance_set_status:withdrawn", message=("CACME", done.ts))
    stack.settle()

    lead = _view_text(_home(stack, "UANA"))
    assert "acme-recovery" in lead and "you lead this case" in lead
    assert lead.index("*#2* Production is down") < lead.index("*#3* 🔒 Ben was rude")
    assert lead.index("*#3* 🔒 Ben was rude") < lead.index("*#1* Typo on the invoice")
    assert "Slides were late" not in lead.split("*Latest*")[0]  # withdrawn: not open
    assert "1 × 4 · critical, 1 × 3 · serious, 1 × 1 · minor" in lead
    assert "Uptime above all" in lead and "*Latest*" in lead

    member = _view_text(_home(stack, "UBEN"))
    assert "*#2* Production is down" in member and "Ben was rude" not in member
    assert "you lead this case" not in member and "3 · serious" not in member

    stranger = _view_text(_home(stack, "UCARLA"))
    assert "not part of any case" in stranger and "Production is down" not in stranger
    assert [c.error for c in stack.workspace.calls_to("views.publish")] == [None] * 3
    assert _failed_calls(stack) == []


def test_app_home_is_republished_with_new_grievances(stack: SandboxStack) -> None:
    before = _home(stack, "UANA")
    assert "not part of any case" in _view_text(before)
    _quick(stack, "UANA", "The nightly build is red")
    after = _home(stack, "UANA")
    assert after.id == before.id
    assert "The nightly build is red" in _view_text(after)


def test_a_case_an_angry_client_opened_minutes_ago_reads_as_stabilizing(
    stack: SandboxStack,
) -> None:
    _quick(stack, "UCARLA", "Production has been down all morning and nobody answers")
    stack.slack.slash_command("UANA", "CACME", "lead me")
    stack.settle()
    home = _home(stack, "UANA").payload["blocks"]
    header = next(b["text"]["text"] for b in home if b["type"] == "header")
    assert header == "acme-recovery · Stabilizing"
    assert "recovering" not in json.dumps(home)
