"""Filing grievances and moving them through their lifecycle.

A grievance is committed before anyone is told it was received: the caller commits the
session returned from here, then acknowledges. Nothing acknowledged is ever lost.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pydantic import BaseModel, Field, ValidationError, field_validator
from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import Session, joinedload

from bot.playbook import health, load, targets
from bot.playbook.access import Action, allows, require
from bot.playbook.errors import PlaybookError
from bot.playbook.timeline import Kind, record
from bot.views import GrievanceView
from storage.clock import utcnow
from storage.models import Case, Category, Grievance, Person, Side, Status, TimelineEntry
from storage.rows import lock, plain

MAX_TEXT = 20_000
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
MAX_NOTE = 3_000

SEVERITY_LABELS = {1: "minor", 2: "moderate", 3: "serious", 4: "critical"}
STATUS_ORDER = (Status.OPEN, Status.ACKNOWLEDGED, Status.ADDRESSING, Status.RESOLVED)
FINAL = {Status.RESOLVED, Status.WITHDRAWN}


class DraftError(PlaybookError):
    """A draft failed validation; ``fields`` maps each bad field to advice."""

    def __init__(self, fields: dict[str, str]) -> None:
        super().__init__("; ".join(fields.values()))
        self.fields = fields


def _blank_to_none(value: object) -> object:
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


class GrievanceDraft(BaseModel):
    """What a person tells us about a grievance, validated before anything is stored."""

    text: str = Field(min_length=1, max_length=MAX_TEXT)
    raised_by_user: str | None = None
    raised_by_name: str | None = Field(default=None, max_length=120)
    side: Side | None = None
    category: Category = Category.OTHER
    severity: int = Field(default=2, ge=1, le=4)
    cares_about: str | None = Field(default=None, max_length=MAX_NOTE)
    success_measure: str | None = Field(default=None, max_length=MAX_NOTE)
    went_well: str | None = Field(default=None, max_length=MAX_NOTE)
    confidential: bool = False
    client_name: str | None = Field(default=None, max_length=80)
    source_permalink: str | None = Field(default=None, max_length=500)

    _blanks = field_validator(
        "raised_by_user",
        "raised_by_name",
        "cares_about",
        "success_measure",
        "went_well",
        "client_name",
        "source_permalink",
        mode="before",
    )(_blank_to_none)

    @field_validator("text", mode="before")
    @classmethod
    def _strip_text(cls, value: object) -> object:
        """Control characters are not words: a text of nothing else is an empty text."""
        return _CONTROL.sub("", value).strip() if isinstance(value, str) else value

    @classmethod
    def parse(cls, **fields: object) -> GrievanceDraft:
        """Validate, turning pydantic's report into per-field advice for the modal."""
        try:
            return cls(**fields)  # type: ignore[arg-type]
        except ValidationError as exc:
            advice: dict[str, str] = {}
            for error in exc.errors():
                name = str(error["loc"][0]) if error["loc"] else "text"
                advice.setdefault(name, _ADVICE.get(name, "Please check this field."))
            raise DraftError(advice) from None


_ADVICE = {
    "text": f"Tell us what happened (1 to {MAX_TEXT:,} characters).",
    "severity": "Pick a severity from 1 (minor) to 4 (critical).",
    "category": "Pick one of the categories.",
    "raised_by_name": "Keep the name under 120 characters.",
    "cares_about": f"Keep this under {MAX_NOTE:,} characters.",
    "success_measure": f"Keep this under {MAX_NOTE:,} characters.",
    "went_well": f"Keep this under {MAX_NOTE:,} characters.",
    "client_name": "Keep the client's name under 80 characters.",
}


#: Built once: every filing runs them (see ``bot.playbook.people``).
_HIGHEST = select(func.max(Grievance.number)).where(Grievance.case_id == bindparam("case_id"))
_POSTED = (
    update(Grievance)
    .where(Grievance.id == bindparam("grievance_id"))
    .values(
        slack_channel=bindparam("channel"), slack_ts=bindparam("ts"), updated_at=bindparam("at")
    )
    .execution_options(synchronize_session=False)
)


def _next_number(*, session: Session, case: Case) -> int:
    """One more than the case's highest number; the case row is locked so two grievances
    filed at once on PostgreSQL cannot both take it."""
    lock(session, case)
    current = plain(session).scalar(_HIGHEST, {"case_id": case.id})
    return (current or 0) + 1


def file_grievance(
    *,
    session: Session,
    case: Case,
    reporter: Person,
    draft: GrievanceDraft,
    raised_by: Person | None = None,
) -> Grievance:
    """Store a new grievance on ``case`` (numbered within the case) and its timeline entry."""
    require(session=session, case=case, person=reporter, action=Action.FILE_GRIEVANCE)
    who = raised_by or (reporter if draft.raised_by_name is None else None)
    side = draft.side or (who.side if who else reporter.side)
    grievance = Grievance(
        case_id=case.id,
        number=_next_number(session=session, case=case),
        reporter_id=reporter.id,
        raised_by_id=who.id if who else None,
        raised_by_name=draft.raised_by_name if who is None else None,
        side=side,
        category=draft.category,
        severity=draft.severity,
        text=draft.text,
        confidential=draft.confidential,
        cares_about=draft.cares_about,
        success_measure=draft.success_measure,
        went_well=draft.went_well,
        source_permalink=draft.source_permalink,
        status=Status.OPEN,
        created_at=utcnow(),
    )
    weighs = load.settle(session=session, grievance=grievance)  # counted by the INSERT itself
    session.add(grievance)
    session.flush()
    record(
        session=session,
        case=case,
        kind=Kind.GRIEVANCE_FILED,
        author=reporter,
        text=draft.text,
        grievance=grievance,
    )
    if weighs:
        health.rescore(session=session, case=case, now=utcnow())
    return grievance


def _weigh(*, session: Session, grievance: Grievance) -> None:
    """Count the grievance as it now is in its case's load, and rescore the case when
    that moved it (``bot.playbook.load``; a confidential one never does)."""
    if load.settle(session=session, grievance=grievance):
        health.rescore(session=session, case=grievance.case, now=utcnow())


@dataclass(frozen=True)
class DetailChange:
    """What an edit changed that Slack must reflect: confidentiality either way."""

    became_confidential: bool
    became_public: bool


def update_details(
    *,
    session: Session,
    grievance: Grievance,
    actor: Person,
    draft: GrievanceDraft,
    raised_by: Person | None = None,
) -> DetailChange:
    """Replace a grievance's details (the "add detail" modal); who filed it or a lead may.

    Making it confidential hides its whole discussion from non-leads too, entries
    already written included.
    """
    require_editor(session=session, grievance=grievance, actor=actor)
    grievance.text = draft.text
    if raised_by is not None or draft.raised_by_name is not None:
        grievance.raised_by_id = raised_by.id if raised_by else None
        grievance.raised_by_name = draft.raised_by_name if raised_by is None else None
    grievance.side = draft.side or grievance.side
    grievance.category = draft.category
    grievance.severity = draft.severity
    grievance.cares_about = draft.cares_about
    grievance.success_measure = draft.success_measure
    grievance.went_well = draft.went_well
    change = DetailChange(
        became_confidential=draft.confidential and not grievance.confidential,
        became_public=grievance.confidential and not draft.confidential,
    )
    grievance.confidential = draft.confidential
    if change.became_confidential or change.became_public:
        session.execute(
            update(TimelineEntry)
            .where(TimelineEntry.grievance_id == grievance.id)
            .values(confidential=draft.confidential)
        )
    record(
        session=session,
        case=grievance.case,
        kind=Kind.GRIEVANCE_UPDATED,
        author=actor,
        text=draft.text,
        grievance=grievance,
    )
    _weigh(session=session, grievance=grievance)
    return change


def require_editor(*, session: Session, grievance: Grievance, actor: Person | None) -> None:
    """Refuse anyone but whoever filed it, whoever raised it, or a lead.

    The edit form shows every detail of the grievance, so this guards opening it as well
    as saving it: a confidential grievance's words stay with those who may change them.
    """
    own = actor is not None and actor.id in {grievance.reporter_id, grievance.raised_by_id}
    if not _may_change(session=session, grievance=grievance, actor=actor, own=own):
        raise PlaybookError("Only the person who filed this grievance or a case lead can edit it.")


def _may_change(*, session: Session, grievance: Grievance, actor: Person | None, own: bool) -> bool:
    """Their own grievance (if the policy lets them change theirs), or anyone's for a lead."""
    case = grievance.case
    return (
        own and allows(session=session, case=case, person=actor, action=Action.EDIT_OWN_GRIEVANCE)
    ) or allows(session=session, case=case, person=actor, action=Action.EDIT_ANY_GRIEVANCE)


def _may_close(*, session: Session, grievance: Grievance, actor: Person) -> bool:
    """Resolve or withdraw: whoever raised it, or a lead.

    When the raiser is not in Slack (a typed name), the person who filed it on their
    behalf stands in for them.
    """
    raiser = grievance.raised_by
    speaks_for_raiser = (
        actor.id == grievance.raised_by_id
        if raiser is not None and raiser.slack_user_id
        else actor.id == grievance.reporter_id
    )
    return _may_change(session=session, grievance=grievance, actor=actor, own=speaks_for_raiser)


@dataclass(frozen=True)
class Transition:
    """A status change that happened, for telling people about it."""

    grievance: Grievance
    old: Status
    new: Status


def change_status(
    *, session: Session, grievance: Grievance, actor: Person, new: Status
) -> Transition:
    """Move a grievance forward; resolving or withdrawing is for its raiser or a lead."""
    old = grievance.status
    if old in FINAL:
        raise PlaybookError(f"Grievance #{grievance.number} is already {old.value}.")
    if new is old:
        raise PlaybookError(f"Grievance #{grievance.number} is already {old.value}.")
    if (
        new in STATUS_ORDER
        and old in STATUS_ORDER
        and (STATUS_ORDER.index(new) < STATUS_ORDER.index(old))
    ):
        raise PlaybookError(f"Grievance #{grievance.number} is already past {new.value}.")
    if new in FINAL:
        if not _may_close(session=session, grievance=grievance, actor=actor):
            raise PlaybookError(
                f"Only the person who raised grievance #{grievance.number} or a case lead "
                f"can mark it {new.value}."
            )
    else:
        require(session=session, case=grievance.case, person=actor, action=Action.MOVE_GRIEVANCE)
    grievance.status = new
    targets.first_time(grievance, new, utcnow())
    record(
        session=session,
        case=grievance.case,
        kind=Kind.STATUS_CHANGED,
        author=actor,
        text=f"#{grievance.number}: {old.value} → {new.value}",
        grievance=grievance,
    )
    _weigh(session=session, grievance=grievance)
    return Transition(grievance=grievance, old=old, new=new)


def find_by_number(*, session: Session, case: Case, number: int) -> Grievance | None:
    """Grievance ``number`` of ``case``."""
    return session.scalar(
        select(Grievance).where(Grievance.case_id == case.id, Grievance.number == number)
    )


def for_message(*, session: Session, grievance_id: int) -> Grievance:
    """The grievance with what its message shows (its case, who raised it), in one query."""
    return session.get_one(
        Grievance,
        grievance_id,
        options=[joinedload(Grievance.case), joinedload(Grievance.raised_by)],
    )


def mark_posted(*, session: Session, grievance_id: int, channel: str, ts: str) -> None:
    """Remember the grievance's message: it becomes the thread its discussion lives in.
    One UPDATE, nothing read: it runs after every filing."""
    plain(session).execute(
        _POSTED, {"grievance_id": grievance_id, "channel": channel, "ts": ts, "at": utcnow()}
    )


def view(grievance: Grievance) -> GrievanceView:
    """The grievance as its messages show it, read now (inside the caller's session)."""
    return GrievanceView(
        id=grievance.id,
        number=grievance.number,
        text=grievance.text,
        side=grievance.side,
        category=grievance.category,
        severity=grievance.severity,
        status=grievance.status,
        confidential=grievance.confidential,
        source_permalink=grievance.source_permalink,
        raised_by=raiser_name(grievance),
        target_missed=bool(grievance.ack_missed or grievance.plan_missed),
    )


def raiser_name(grievance: Grievance) -> str:
    """Who raised it, for display."""
    if grievance.raised_by is not None:
        return grievance.raised_by.display_name
    return grievance.raised_by_name or "someone"
