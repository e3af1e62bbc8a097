"""The client pulse: how often it asks, a round sent to the client side, an answer kept.

One question ("how are things going?", 1–5 and an optional comment) put by DM to each
person on the client side of a case, on a cadence a lead sets: every four weeks by
default, every two while stabilizing, when a client most needs to be heard. A round is due
on the first weekday at or after its day, at ``ASK_AT`` on the case's clock.

Who said what stays with the leads: everyone else reads averages
(``bot.playbook.pulse_results``), and the timeline only says that a round went out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.playbook import health
from bot.playbook.access import Action, leads_of, require
from bot.playbook.commitment_tally import case_zone
from bot.playbook.errors import PlaybookError
from bot.playbook.pulse_results import CLIENT_ROLES
from bot.playbook.schedules.due import as_utc
from bot.playbook.stakeholders import members
from bot.playbook.timeline import Kind, record
from bot.vocabulary import Stage, plural
from storage.models import Case, CaseMember, Person, PulseReply, PulseRound

DEFAULT_WEEKS = {Stage.STABILIZE: 2, Stage.REWORK: 4}
MAX_WEEKS = 26
ASK_AT = time(10, 0)
RATINGS = range(1, 6)
MAX_COMMENT = 2000
#: An answer at or below this reaches the leads at once, comment or not.
LOW = 2
USAGE = (
    "Try `/grievance pulse` (its results), `/grievance pulse every 3 weeks`, "
    "`/grievance pulse default`, `/grievance pulse off` or `/grievance pulse now`."
)
_CADENCE = re.compile(r"(?:every\s+)?(?:(\d{1,3})\s*)?(weeks?|w)?", re.IGNORECASE)


def weeks(case: Case) -> int:
    """Weeks between rounds; 0 when the pulse is off (or the case closed)."""
    if case.closed_at is not None:
        return 0
    if case.pulse_weeks is not None:
        return case.pulse_weeks
    return DEFAULT_WEEKS.get(case.stage, 0)


def cadence_words(case: Case) -> str:
    """``every 2 weeks (the default while stabilizing)``, ``off``…"""
    if case.closed_at is not None:
        return "off (the case is closed)"
    every = weeks(case)
    if not every:
        return "off"
    said = "every week" if every == 1 else f"every {every} weeks"
    if case.pulse_weeks is None:
        stage = "while stabilizing" if case.stage is Stage.STABILIZE else "while reworking"
        said += f" (the default {stage})"
    return said


def due_after(case: Case, last_sent: datetime | None) -> datetime | None:
    """When the next round is due: the cadence after the last round (or after the case
    opened), moved to the first weekday at ``ASK_AT`` in the case's time zone."""
    every = weeks(case)
    if not every:
        return None
    zone = case_zone(case)
    base = as_utc(last_sent or case.created_at)
    day = (base + timedelta(weeks=every)).astimezone(zone).date()
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return datetime.combine(day, ASK_AT, tzinfo=zone)


#: Someone on the client side the bot can DM: a case without one has nobody to ask, and
#: is left out rather than found due (and asked again) at every tick.
_HAS_CLIENT_SIDE = (
    select(CaseMember.id)
    .join(Person, Person.id == CaseMember.person_id)
    .where(
        CaseMember.case_id == Case.id,
        CaseMember.role.in_(CLIENT_ROLES),
        Person.slack_user_id.is_not(None),
    )
    .exists()
)
_LAST_SENT = (
    select(Case, func.max(PulseRound.sent_at))
    .outerjoin(PulseRound, PulseRound.case_id == Case.id)
    .where(
        Case.closed_at.is_(None),
        (Case.pulse_weeks.is_(None)) | (Case.pulse_weeks > 0),
        _HAS_CLIENT_SIDE,
    )
    .group_by(Case.id)
)


def schedule(*, session: Session) -> list[tuple[int, datetime]]:
    """Every open case with a pulse on and someone to ask, and when its next round is due."""
    found = []
    for case, last in session.execute(_LAST_SENT).tuples():
        due = due_after(case, last)
        if due is not None:
            found.append((case.id, due))
    return found


def last_sent(*, session: Session, case: Case) -> datetime | None:
    """When the case's latest round went out."""
    found = session.scalar(
        select(func.max(PulseRound.sent_at)).where(PulseRound.case_id == case.id)
    )
    return as_utc(found) if found else None


def set_cadence(*, session: Session, case: Case, actor: Person, args: str) -> str:
    """``every 3 weeks``, ``default`` or ``off``: what is now set, in words."""
    require(session=session, case=case, person=actor, action=Action.SET_PULSE)
    words = args.strip().lower()
    if words == "off":
        chosen: int | None = 0
    elif words == "default":
        chosen = None
    else:
        found = _CADENCE.fullmatch(words)
        if found is None or not (found.group(1) or found.group(2)):
            raise PlaybookError(USAGE)
        chosen = int(found.group(1) or 1)
        if not 1 <= chosen <= MAX_WEEKS:
            raise PlaybookError(f"Pick between 1 and {MAX_WEEKS} weeks. {USAGE}")
    case.pulse_weeks = chosen
    said = f"The client pulse now asks {cadence_words(case)}"
    record(session=session, case=case, kind=Kind.PULSE_CADENCE, author=actor, text=said)
    return said


@dataclass(frozen=True)
class Asked:
    """A round sent: whom to DM (reply id, Slack user id), and about which case."""

    round_id: int
    number: int
    client_name: str
    recipients: tuple[tuple[int, str], ...]


def _client_side(session: Session, case: Case) -> list[Person]:
    return [
        m.person
        for m in members(session=session, case=case)
        if m.role in CLIENT_ROLES and m.person.slack_user_id
    ]


def start_round(
    *, session: Session, case: Case, now: datetime, by: Person | None = None
) -> Asked | None:
    """Claim the case's next round and a reply row for each client-side person; None
    when nobody is on the client side yet, or another process claimed it first."""
    if by is not None:
        require(session=session, case=case, person=by, action=Action.SET_PULSE)
        if case.closed_at is not None:
            raise PlaybookError(f"The {case.client_name} case is closed, so nobody is asked.")
    people = _client_side(session, case)
    if not people:
        if by is not None:
            raise PlaybookError(
                "Nobody is on the client side of this case yet, so there is nobody to ask. "
                "Add them with `/grievance people`."
            )
        return None
    number = 1 + (
        session.scalar(select(func.max(PulseRound.number)).where(PulseRound.case_id == case.id))
        or 0
    )
    pulse = PulseRound(
        case_id=case.id, number=number, sent_at=now, sent_by_id=by.id if by else None
    )
    try:
        with session.begin_nested():
            session.add(pulse)
            session.flush()
    except IntegrityError:
        return None
    replies = [PulseReply(round_id=pulse.id, person_id=p.id) for p in people]
    session.add_all(replies)
    session.flush()
    record(
        session=session,
        case=case,
        kind=Kind.PULSE_SENT,
        author=by,
        text=f"Client pulse #{number} asked {plural(len(people), 'person', 'people')} "
        "on the client side how things are going",
    )
    return Asked(
        pulse.id,
        number,
        case.client_name,
        tuple((r.id, str(p.slack_user_id)) for r, p in zip(replies, people, strict=True)),
    )


def remember_dm(*, session: Session, reply_id: int, channel: str, ts: str) -> None:
    """The DM that asked, so an answer can replace its buttons."""
    reply = session.get_one(PulseReply, reply_id)
    reply.dm_channel, reply.dm_ts = channel, ts


@dataclass(frozen=True)
class Answered:
    """An answer kept: what to thank them with, and whom among the leads to tell."""

    reply_id: int
    client_name: str
    number: int
    rating: int
    comment: str | None
    who: str
    #: The leads' Slack ids, when the answer is low or carries new words.
    tell: tuple[str, ...]
    dm: tuple[str, str] | None


class PulseError(PlaybookError):
    """An answer that can't be kept as given; ``field`` names the input to blame."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


RATING, COMMENT = "rating", "comment"
GONE = "This pulse isn't yours, or no longer exists."


def own_reply(*, session: Session, reply_id: int, user_id: str, team_id: str) -> PulseReply:
    """The reply ``user_id`` was asked for, if it is theirs, in the bot's workspace
    ``team_id``, and still open: a reply id in a button is a claim, never a fact."""
    reply = session.get(PulseReply, reply_id)
    if reply is None or reply.person.slack_user_id != user_id:
        raise PlaybookError(GONE)
    pulse = reply.round
    case = pulse.case
    if case.workspace.team_id != team_id:
        raise PlaybookError(GONE)
    require(session=session, case=case, person=reply.person, action=Action.ANSWER_PULSE)
    if case.closed_at is not None:
        raise PlaybookError(
            f"The {case.client_name} case is closed, so the pulse is over. Thank you!"
        )
    newest = session.scalar(
        select(func.max(PulseRound.number)).where(PulseRound.case_id == case.id)
    )
    if newest != pulse.number:
        raise PlaybookError("A newer pulse has been sent since: please answer that one.")
    member = session.scalar(
        select(CaseMember.role).where(
            CaseMember.case_id == case.id, CaseMember.person_id == reply.person_id
        )
    )
    if member not in CLIENT_ROLES:
        raise PlaybookError(
            "You're not on the client side of this case now, so this pulse isn't yours to "
            "answer. Thank you all the same!"
        )
    return reply


def answer(
    *,
    session: Session,
    reply_id: int,
    user_id: str,
    team_id: str,
    rating: object,
    comment: str | None,
    keep_comment: bool,
    now: datetime,
) -> Answered:
    """Keep someone's rating (and comment, unless ``keep_comment``); health moves with it."""
    reply = own_reply(session=session, reply_id=reply_id, user_id=user_id, team_id=team_id)
    value = int(rating) if str(rating or "").isdigit() else None
    if value not in RATINGS:
        raise PulseError(RATING, "Pick a rating from 1 to 5.")
    text = reply.comment if keep_comment else (comment or "").strip() or None
    if text and len(text) > MAX_COMMENT:
        raise PulseError(COMMENT, f"Keep the comment under {MAX_COMMENT:,} characters.")
    news = (value <= LOW and reply.rating != value) or (text is not None and text != reply.comment)
    reply.rating, reply.comment, reply.answered_at = value, text, now
    pulse = reply.round
    case = pulse.case
    health.rescore(session=session, case=case, now=now)
    leads = tuple(
        str(lead.slack_user_id)
        for lead in leads_of(session=session, case=case)
        if lead.slack_user_id and lead.slack_user_id != user_id
    )
    dm = (reply.dm_channel, reply.dm_ts) if reply.dm_channel and reply.dm_ts else None
    return Answered(
        reply.id,
        case.client_name,
        pulse.number,
        value,
        text,
        reply.person.display_name,
        leads if news else (),
        dm,
    )


@dataclass(frozen=True)
class Comment:
    """A comment from the latest round, for the leads' eyes only."""

    who: str
    rating: int
    text: str


def latest_comments(*, session: Session, case: Case) -> list[Comment]:
    """The words given in the newest round, with who said them (leads only)."""
    newest = session.scalar(
        select(PulseRound.id)
        .where(PulseRound.case_id == case.id)
        .order_by(PulseRound.number.desc())
        .limit(1)
    )
    if newest is None:
        return []
    rows = session.scalars(
        select(PulseReply)
        .where(PulseReply.round_id == newest, PulseReply.comment.is_not(None))
        .order_by(PulseReply.answered_at)
    )
    return [Comment(r.person.display_name, r.rating or 0, r.comment or "") for r in rows]
