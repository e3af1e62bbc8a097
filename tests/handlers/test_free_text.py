"""Free text is never taken for a command it is not, through the real HTTP endpoint.

A ``/grievance`` text is a command only when it parses fully as one and the person may
run it. Words that start like a command but do not fit it, a lone unknown word, and any
``update <words>`` are answered privately with a button for each reading; nothing public
is posted, filed or sent until the typist presses one.
"""

from __future__ import annotations

import json
from dataclasses import replace

from sqlalchemy import select

from bot.ids import Action
from bot.sandbox.stack import SandboxStack
from bot.sandbox.workspace import Ephemeral, Message
from storage.models import Grievance, ProgressUpdate
from tests.conftest import shown

CHANNEL = "CACME"


def _command(stack: SandboxStack, user: str, text: str) -> str:
    return shown(stack, user, CHANNEL, text)


def _question(stack: SandboxStack, user: str) -> Ephemeral:
    """The last private question ``user`` was asked (it offers *File as grievance*)."""
    asked = [
        e for e in stack.workspace.ephemerals if e.user == user and Action.FILE_TEXT in _ids(e)
    ]
    assert asked, f"{user} was not asked anything"
    return asked[-1]


def _still_asked(stack: SandboxStack, user: str) -> bool:
    return any(Action.FILE_TEXT in _ids(e) for e in stack.workspace.ephemerals if e.user == user)


def _ids(ephemeral: Ephemeral) -> dict[str, str]:
    """Action id → button label of a private message."""
    return {
        element["action_id"]: element["text"]["text"]
        for block in ephemeral.blocks
        if block["type"] == "actions"
        for element in block["elements"]
    }


def _shown(ephemeral: Ephemeral) -> str:
    return ephemeral.text + "\n" + json.dumps(ephemeral.blocks, ensure_ascii=False)


def _press(stack: SandboxStack, user: str, action_id: str, ephemeral: Ephemeral) -> None:
    delivery = stack.slack.click(user, action_id, ephemeral=ephemeral)
    assert delivery.status == 200, delivery.body
    stack.settle()


def _public(stack: SandboxStack) -> list[Message]:
    return [m for m in stack.workspace.messages if m.channel == CHANNEL and m.bot_id]


def _grievances(stack: SandboxStack) -> list[str]:
    with stack.db.transaction() as session:
        return list(session.scalars(select(Grievance.text).order_by(Grievance.number)))


def _updates(stack: SandboxStack) -> int:
    with stack.db.transaction() as session:
        return len(session.scalars(select(ProgressUpdate)).all())


def _dms(stack: SandboxStack, user: str) -> list[Message]:
    dm = stack.workspace.dm_channel_for(user).id
    return [m for m in stack.workspace.messages if m.channel == dm]


def _told(stack: SandboxStack, user: str) -> str:
    return "\n".join(_shown(e) for e in stack.workspace.ephemerals if e.user == user)


def _open_case(stack: SandboxStack) -> None:
    """Ana files the first grievance: the case opens and she leads it."""
    _command(stack, "UANA", "The invoice export broke twice this month")
    assert _grievances(stack) == ["The invoice export broke twice this month"]


# ---- the three texts seen in the sandbox -----------------------------------------------


def test_a_team_members_update_sentence_is_asked_about_not_posted(stack: SandboxStack) -> None:
    _open_case(stack)
    posted_before = len(_public(stack))

    body = _command(stack, "UBEN", "update broke our login page for all users")

    assert len(_public(stack)) == posted_before and _updates(stack) == 0
    question = _question(stack, "UBEN")
    assert "Post this as a progress update in the channel" in _shown(question)
    assert ">update broke our login page for all users" in _shown(question)
    assert _ids(question) == {
        Action.FILE_TEXT: "File as grievance",
        Action.RUN_TEXT: "Post progress update",
    }
    assert "Post this as a progress update" in body  # the answer to the command itself

    _press(stack, "UBEN", Action.FILE_TEXT, question)

    assert _grievances(stack)[-1] == "update broke our login page for all users"
    assert _updates(stack) == 0
    assert "grievance #2" in _told(stack, "UBEN")
    assert not _still_asked(stack, "UBEN")  # the question gave way to the answer


def test_post_progress_update_posts_the_words_after_update(stack: SandboxStack) -> None:
    _open_case(stack)
    _command(stack, "UBEN", "update The export fix is in staging & ready to try")
    question = _question(stack, "UBEN")

    _press(stack, "UBEN", Action.RUN_TEXT, question)

    (update,) = [m for m in _public(stack) if m.text.startswith("Progress update")]
    assert "The export fix is in staging &amp; ready to try" in update.text
    assert _updates(stack) == 1
    assert len(_grievances(stack)) == 1
    assert not _still_asked(stack, "UBEN")


def test_export_broken_is_asked_about_not_exported(stack: SandboxStack) -> None:
    _open_case(stack)

    _command(stack, "UANA", "Export broken")

    assert not _dms(stack, "UANA")
    question = _question(stack, "UANA")
    assert "starts like `/grievance export`" in _shown(question)
    assert "/grievance export [md | json | csv]" in _shown(question)  # how it is written
    assert _ids(question)[Action.RUN_TEXT] == "Run /grievance export"

    _press(stack, "UANA", Action.FILE_TEXT, question)

    assert _grievances(stack)[-1] == "Export broken"
    assert not _dms(stack, "UANA")


def test_unacceptable_is_offered_as_a_grievance_not_answered_i_dont_know(
    stack: SandboxStack,
) -> None:
    _open_case(stack)

    _command(stack, "UCARLA", "Unacceptable.")

    question = _question(stack, "UCARLA")
    assert "File it as a grievance?" in _shown(question)
    assert _ids(question) == {Action.FILE_TEXT: "File as grievance"}
    assert "How to use /grievance" not in _shown(question)
    assert _grievances(stack) == ["The invoice export broke twice this month"]

    _press(stack, "UCARLA", Action.FILE_TEXT, question)

    assert _grievances(stack)[-1] == "Unacceptable."


# ---- the other reading, did-you-mean, who may run what --------------------------------


def test_a_misspelt_command_gets_did_you_mean_and_runs_when_pressed(
    stack: SandboxStack,
) -> None:
    _open_case(stack)

    _command(stack, "UANA", "statsu")

    question = _question(stack, "UANA")
    assert "Did you mean `/grievance status`?" in _shown(question)
    assert _ids(question) == {
        Action.FILE_TEXT: "File as grievance",
        Action.RUN_TEXT: "Run /grievance status",
    }

    _press(stack, "UANA", Action.RUN_TEXT, question)

    assert "health" in _told(stack, "UANA").split("Did you mean")[-1].lower()
    assert _grievances(stack) == ["The invoice export broke twice this month"]


def test_a_client_is_offered_filing_only_for_update_words(stack: SandboxStack) -> None:
    _open_case(stack)

    _command(stack, "UCARLA", "update 4.2 broke the checkout again")

    question = _question(stack, "UCARLA")
    assert _ids(question) == {Action.FILE_TEXT: "File as grievance"}
    assert "Progress updates come from the delivery team" in _shown(question)
    assert len(_grievances(stack)) == 1 and _updates(stack) == 0

    _press(stack, "UCARLA", Action.FILE_TEXT, question)

    assert _grievances(stack)[-1] == "update 4.2 broke the checkout again"
    assert _updates(stack) == 0


def test_words_too_long_for_a_button_are_kept_for_their_typist_only(
    stack: SandboxStack,
) -> None:
    _open_case(stack)
    words = "new release broke " + " ".join(f"screen{n}" for n in range(400))
    assert len(words) > 3000

    _command(stack, "UBEN", words)

    question = _question(stack, "UBEN")
    values = [
        element["value"]
        for block in question.blocks
        if block["type"] == "actions"
        for element in block["elements"]
    ]
    assert values and all(len(value) <= 2000 and "screen" not in value for value in values)
    stolen = replace(question, user="UCARLA")
    _press(stack, "UCARLA", Action.FILE_TEXT, stolen)
    assert "I no longer have those words" in _told(stack, "UCARLA")
    assert len(_grievances(stack)) == 1

    _press(stack, "UBEN", Action.FILE_TEXT, question)

    assert _grievances(stack)[-1] == words
