"""View submissions whose private_metadata the modal's listener cannot read, sent to the
real ``/slack/events``: never a 5xx, never a record, and the bot still serves a command.
"""

from __future__ import annotations

from bot.sandbox.stack import SandboxStack
from tests.fuzz.malformed_helpers import (
    _MISSING,
    MODALS,
    Malformed,
    _assert_still_serves_help,
    _counts,
    _payload,
    _send_all,
    _submission,
    _view,
)


def unreadable_private_metadata() -> list[Malformed]:
    """View submissions whose private_metadata the modal's listener cannot read.

    Only Slack can sign them, so they come from the bot's own modals: a view opened
    before a deploy that changed what its private_metadata holds looks like this.
    """
    cases = []
    for callback in MODALS:
        for metadata in (
            _MISSING,
            "not json",
            "[1, 2]",
            "null",
            "{}",
            '{"team_id": 5, "channel_id": [], "case_id": "abc", "interview_id": null}',
        ):
            shown = (
                "without private_metadata"
                if metadata is _MISSING
                else f"with private_metadata={metadata!r}"
            )
            view = _view(callback, private_metadata=metadata)
            cases.append(
                Malformed(f"view_submission {callback} {shown}", _payload(_submission(view)))
            )
    return cases


def test_view_submission_with_unreadable_private_metadata_gets_no_5xx(
    stack: SandboxStack,
) -> None:
    cases = unreadable_private_metadata()
    before = _counts(stack)

    failures = _send_all(stack, cases)

    assert _counts(stack) == before
    _assert_still_serves_help(stack)
    assert not failures, (
        f"{len(failures)} of {len(cases)} view submissions got a 5xx:\n" + "\n".join(failures)
    )
