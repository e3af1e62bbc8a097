"""What a Slack refusal means, in one place: what the bot does about it, what the person hears.

Slack answers a refused Web API call with a short error code. Everywhere the bot talks
to Slack, a refusal is turned into a ``Fault`` here, so the remedy (join and retry, skip
the person, fall back to plain text) and the sentence shown to whoever acted are the
same for every feature. An outage (Slack unreachable, overloaded, or rate limiting past
the client's own retries) is told apart from a refusal by ``is_outage``: the same call
may work later, so scheduled work waits for it instead of giving up. Sentences never
carry Slack's raw answer: only an error code that looks like one is quoted, and the
stack trace stays in nobody's sight.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from http.client import HTTPException

from slack_sdk.errors import SlackApiError


class Remedy(StrEnum):
    """What to do about a refusal."""

    #: The bot is not in the channel: join it if public, and try once more.
    JOIN = "join"
    #: The channel cannot be used (archived, deleted, or private without the bot).
    CHANNEL = "channel"
    #: One person cannot be reached: skip them, say who, carry on with the others.
    PERSON = "person"
    #: Slack refused the message's layout or length: send it as plain, trimmed text.
    PLAIN_TEXT = "plain_text"
    #: Slack is unavailable for now (down, overloaded, rate limiting): the same call may
    #: work later, so scheduled work tries again instead of giving up.
    LATER = "later"
    #: Nothing to repair: a short apology to the person, the code in the log.
    NONE = "none"


_REMEDIES: dict[str, Remedy] = {
    "not_in_channel": Remedy.JOIN,
    "channel_not_found": Remedy.CHANNEL,
    "is_archived": Remedy.CHANNEL,
    "user_not_found": Remedy.PERSON,
    "users_not_found": Remedy.PERSON,
    "account_inactive": Remedy.PERSON,
    "user_disabled": Remedy.PERSON,
    "user_not_visible": Remedy.PERSON,
    "invalid_blocks": Remedy.PLAIN_TEXT,
    "invalid_blocks_format": Remedy.PLAIN_TEXT,
    "msg_too_long": Remedy.PLAIN_TEXT,
    "ratelimited": Remedy.LATER,
    "fatal_error": Remedy.LATER,
    "internal_error": Remedy.LATER,
    "service_unavailable": Remedy.LATER,
    "request_timeout": Remedy.LATER,
}

INVITE_ME = "Invite me there with `/invite @grievance-bot`, then try again."
_CHANNEL_SENTENCES: dict[str, str] = {
    "not_in_channel": f"I'm not a member of that channel. {INVITE_ME}",
    "channel_not_found": (
        "I can't find that channel: it was deleted, or it is private and I'm not in it. "
        "If it still exists, invite me there with `/invite @grievance-bot`."
    ),
    "is_archived": (
        "That channel is archived, so I can't post there. Unarchive it, or carry on in "
        "the client's active channel."
    ),
}
#: What a Slack error code looks like; anything else (a proxy's page, an echoed token)
#: is never repeated to a person.
_CODE = re.compile(r"[a-z][a-z0-9_.]{0,63}")


@dataclass(frozen=True)
class Fault:
    """One refusal: Slack's error code and the remedy it calls for."""

    code: str
    remedy: Remedy

    def sentence(self, who: str = "that person") -> str:
        """What to tell the person who acted; ``who`` names the person who was skipped."""
        if self.code in _CHANNEL_SENTENCES:
            return _CHANNEL_SENTENCES[self.code]
        if self.remedy is Remedy.PERSON:
            return (
                f"I couldn't reach {who}: their Slack account is deactivated or no longer "
                "visible to me."
            )
        quoted = f" (`{self.code}`)" if _CODE.fullmatch(self.code) else ""
        if self.remedy is Remedy.PLAIN_TEXT:
            return f"Slack refused that message as too long or malformed{quoted}."
        return (
            f"Slack didn't accept that just now{quoted}. Please try again in a moment; if "
            "it keeps happening, tell your Slack admin."
        )


def fault_of(error: SlackApiError | str) -> Fault:
    """The fault behind a refusal (or behind an error code).

    An HTTP 429 or 5xx answer is an outage whatever its body says (a proxy's error page
    has no code at all).
    """
    if isinstance(error, str):
        return Fault(code=error, remedy=_REMEDIES.get(error, Remedy.NONE))
    code = str(error.response.get("error") or "unknown")
    status = error.response.status_code
    remedy = Remedy.LATER if status == 429 or status >= 500 else _REMEDIES.get(code, Remedy.NONE)
    return Fault(code=code, remedy=remedy)


def is_outage(error: BaseException) -> bool:
    """True when Slack could not be reached or could not serve the call for now.

    A refused call (bad channel, bad token, bad blocks) fails the same way every time;
    an outage may pass, so the caller can keep the work for a later try. Connection
    errors and timeouts reach the bot as ``OSError`` (urllib's ``URLError`` is one) or,
    for a connection cut mid-answer, as ``http.client.HTTPException``.
    """
    if isinstance(error, SlackApiError):
        return fault_of(error).remedy is Remedy.LATER
    return isinstance(error, OSError | HTTPException)
