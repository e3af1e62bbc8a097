"""A corpus of malformed Slack payloads, correctly signed, sent to the real ``/slack/events``.

Slack's payloads are signed, not guaranteed well formed: a field can be missing, null, a
number or a list; a body can be bad JSON, a list, empty, huge, or of the wrong content
type. Every such request must get a 2xx (ignored), a 4xx, or a clear message: never a
5xx, and never a half-written record. Afterwards the bot still serves a normal command.
"""

from __future__ import annotations

from sqlalchemy import text

from bot.sandbox.stack import SandboxStack
from tests.fuzz.malformed_corpus import corpus
from tests.fuzz.malformed_helpers import _assert_still_serves_help, _counts, _send_all

# ---- the tests -----------------------------------------------------------------------------


def test_malformed_payloads_never_get_a_5xx_nor_leave_records(stack: SandboxStack) -> None:
    cases = corpus()
    before = _counts(stack)

    failures = _send_all(stack, cases)

    assert not failures, (
        f"{len(failures)} of {len(cases)} malformed payloads got a 5xx (or no answer):\n"
        + "\n".join(failures)
    )
    assert _counts(stack) == before, "a malformed payload left grievance or case rows behind"
    if stack.db.engine.dialect.name == "sqlite":  # PostgreSQL has no such check to run
        with stack.db.transaction() as session:
            assert session.execute(text("PRAGMA integrity_check")).scalar() == "ok"
    _assert_still_serves_help(stack)
