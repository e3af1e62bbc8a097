"""Words that read two ways wait for the typist to pick one.

When ``/grievance`` text could be a command or a grievance, the bot asks privately and
offers a button for each reading. Both buttons carry the words, because the choice may
come minutes later and on another instance. Slack caps a button's value at 2,000
characters, so longer words are kept here (``HeldText``) behind a random key, and only
the person who typed them can take them back. Nothing is filed or posted until they press.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from pydantic import BaseModel, ValidationError
from sqlalchemy import delete
from sqlalchemy.orm import Session

from bot.playbook.errors import PlaybookError
from storage.models import HeldText

#: Slack's limit on a button's ``value``.
VALUE_LIMIT = 2000
#: Held words are for a choice made soon after typing; a day is generous.
KEEP_HELD = timedelta(days=1)

GONE = (
    "I no longer have those words (they are kept for a day, until you choose). "
    "Nothing was filed or posted; please type them again."
)


class Choice(BaseModel):
    """What both buttons of one question carry: the words (or where they are held) and
    the subcommand the *Run* button runs."""

    #: The words as typed, when they fit in the button.
    t: str | None = None
    #: The ``HeldText`` id and key, when they did not.
    h: int | None = None
    k: str | None = None
    #: The subcommand *Run* runs (None: only *File as grievance* is offered).
    r: str | None = None
    #: True when *Run* takes the words after the subcommand (``update <text>``).
    w: bool = False


def offer(
    *, session: Session, user_id: str, text: str, run: str | None, with_words: bool, now: datetime
) -> str:
    """The button value for ``text``: the words themselves, or a key to them if too long."""
    inline = Choice(t=text, r=run, w=with_words).model_dump_json(exclude_defaults=True)
    if len(inline) <= VALUE_LIMIT:
        return inline
    held = HeldText(key=secrets.token_urlsafe(24), user_id=user_id, text=text, created_at=now)
    session.add(held)
    session.flush()
    return Choice(h=held.id, k=held.key, r=run, w=with_words).model_dump_json(exclude_defaults=True)


def take(*, session: Session, value: str, user_id: str) -> tuple[Choice, str]:
    """The choice a button carries and its words; refuses words that are gone or not theirs."""
    try:
        choice = Choice.model_validate_json(value)
    except ValidationError as exc:
        raise PlaybookError(GONE) from exc
    if choice.t is not None:
        return choice, choice.t
    held = session.get(HeldText, choice.h) if choice.h is not None else None
    if (
        held is None
        or held.user_id != user_id
        or not secrets.compare_digest(held.key, choice.k or "")
    ):
        raise PlaybookError(GONE)
    return choice, held.text


def prune(*, session: Session, now: datetime) -> int:
    """Forget held words nobody chose a reading for within ``KEEP_HELD``."""
    result = session.execute(delete(HeldText).where(HeldText.created_at < now - KEEP_HELD))
    return int(result.rowcount or 0)
