"""Grievance intents: filing one and what follows it, the form, the message's buttons.

Each function owns the one transaction its intent needs and hands back plain values
(``bot.views.GrievanceView`` and the small records below), so the listeners in
``handlers.grievances``, ``handlers.grievance_forms`` and ``handlers.grievance_buttons``
render and reply without opening a session.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from bot.flows.item_scope import Reach, require_in_scope
from bot.ids import row_id
from bot.playbook import cases, grievances, people
from bot.playbook import history as playbook_history
from bot.playbook import readings as held
from bot.playbook.confidential import Routing, keep_from_named
from bot.playbook.errors import PlaybookError
from bot.playbook.grievances import GrievanceDraft
from bot.playbook.intake import Intake, Where, confirm_filers, file
from bot.playbook.withheld import is_kept_from
from bot.views import GrievanceView
from bot.vocabulary import Category, Side, Status
from storage.engine import Database
from storage.models import Case, Grievance

#: Said alike for a grievance that does not exist and one the person may not reach.
GRIEVANCE_GONE = "That grievance no longer exists."


@dataclass(frozen=True)
class Pressed:
    """Who pressed a grievance's button, and where: what decides whether they reach it."""

    #: The button's value; the grievance's id leads it (``<id>`` or ``<id>:<more>``).
    value: str
    reach: Reach


@dataclass(frozen=True)
class Detail:
    """A grievance as the "add detail" form shows it for editing."""

    grievance_id: int
    channel_id: str
    text: str
    side: Side | None
    category: Category
    severity: int
    cares_about: str | None
    success_measure: str | None
    went_well: str | None
    confidential: bool
    raised_by_user: str | None
    raised_by_name: str | None
    client_name: str | None
    case_named: bool


@dataclass(frozen=True)
class Shown:
    """A grievance after a change, and where its message is (None: never posted)."""

    view: GrievanceView
    channel: str | None
    ts: str | None

    @property
    def posted(self) -> bool:
        """Whether the grievance has a message to update."""
        return bool(self.channel and self.ts)


@dataclass(frozen=True)
class StatusMoved:
    """A status change: the grievance now, who moved it, and who raised it."""

    shown: Shown
    new: Status
    actor_name: str
    #: The Slack user it was raised by, if anyone (they hear of every move).
    raiser: str | None


@dataclass(frozen=True)
class DetailSaved:
    """An "add detail" edit saved, or the reason it was refused (nothing saved)."""

    shown: Shown | None = None
    became_public: bool = False
    refusal: str | None = None


def _reachable(session: Session, pressed: Pressed) -> Grievance:
    """The grievance a button is about, if the person pressing may reach it from there;
    one answer for "no such grievance" and "not yours".

    One kept from the person pressing (it names them) is refused exactly like a missing
    one, so a forged value cannot even tell them it exists.
    """
    number = row_id(pressed.value.partition(":")[0])
    grievance = session.get(Grievance, number) if number is not None else None
    if grievance is None:
        raise PlaybookError(GRIEVANCE_GONE)
    person = require_in_scope(session, grievance.case, pressed.reach, gone=GRIEVANCE_GONE)
    if is_kept_from(session=session, grievance=grievance, person=person):
        raise PlaybookError(GRIEVANCE_GONE)
    return grievance


def _shown(grievance: Grievance) -> Shown:
    return Shown(grievances.view(grievance), grievance.slack_channel, grievance.slack_ts)


def detail_to_edit(db: Database, pressed: Pressed) -> Detail:
    """The grievance "add detail" opens, once its author or a lead pressed it."""
    with db.transaction() as session:
        grievance = _reachable(session, pressed)
        actor = people.find_person(
            session=session, workspace=grievance.case.workspace, user_id=pressed.reach.user_id
        )
        grievances.require_editor(session=session, grievance=grievance, actor=actor)
        return Detail(
            grievance_id=grievance.id,
            channel_id=grievance.case.channel_id,
            text=grievance.text,
            side=grievance.side,
            category=grievance.category,
            severity=grievance.severity,
            cares_about=grievance.cares_about,
            success_measure=grievance.success_measure,
            went_well=grievance.went_well,
            confidential=grievance.confidential,
            raised_by_user=grievance.raised_by.slack_user_id if grievance.raised_by else None,
            raised_by_name=grievance.raised_by_name,
            client_name=grievance.case.client_name,
            case_named=grievance.case.named,
        )


def move_status(db: Database, pressed: Pressed, actor: people.Profile, new: Status) -> StatusMoved:
    """Move a grievance to ``new`` (``bot.playbook.grievances.change_status``)."""
    with db.transaction() as session:
        grievance = _reachable(session, pressed)
        workspace = people.ensure_workspace(session=session, team_id=pressed.reach.team_id)
        person = people.ensure_person(session=session, workspace=workspace, profile=actor)
        change = grievances.change_status(
            session=session, grievance=grievance, actor=person, new=new
        )
        return StatusMoved(
            shown=_shown(grievance),
            new=change.new,
            actor_name=person.display_name,
            raiser=grievance.raised_by.slack_user_id if grievance.raised_by else None,
        )


def full_text(db: Database, pressed: Pressed) -> tuple[int, str]:
    """A public grievance's number and whole text ("read all")."""
    with db.transaction() as session:
        grievance = _reachable(session, pressed)
        if grievance.confidential:
            raise PlaybookError("That grievance is confidential now.")
        return grievance.number, grievance.text


def save_detail(
    db: Database,
    *,
    grievance_id: int,
    team_id: str,
    editor: people.Profile,
    draft: GrievanceDraft,
    raised_by: people.Profile | None,
) -> DetailSaved:
    """The "add detail" submission: update the grievance (and rename its case when the
    editor may), or the refusal to show on the form with nothing saved."""
    with db.transaction() as session:
        grievance = session.get_one(Grievance, grievance_id)
        workspace = people.ensure_workspace(session=session, team_id=team_id)
        actor = people.ensure_person(session=session, workspace=workspace, profile=editor)
        who = (
            people.ensure_person(session=session, workspace=workspace, profile=raised_by)
            if raised_by
            else None
        )
        try:
            change = grievances.update_details(
                session=session, grievance=grievance, actor=actor, draft=draft, raised_by=who
            )
        except PlaybookError as exc:
            session.rollback()
            return DetailSaved(refusal=str(exc))
        renamed = draft.client_name and draft.client_name != grievance.case.client_name
        if renamed and cases.may_rename(session=session, case=grievance.case, person=actor):
            cases.rename_case(
                session=session, case=grievance.case, actor=actor, name=draft.client_name or ""
            )
        return DetailSaved(shown=_shown(grievance), became_public=change.became_public)


def stored_text(db: Database, grievance_id: int) -> str:
    """A grievance's whole text, kept when the form could hold only part of it."""
    with db.transaction() as session:
        grievance = session.get(Grievance, grievance_id)
        return grievance.text if grievance else ""


def hold(db: Database, *, user_id: str, text: str, now: datetime) -> str:
    """Keep ``text`` for ``user_id``'s form; the key to it (``bot.playbook.readings``)."""
    with db.transaction() as session:
        return held.offer(
            session=session, user_id=user_id, text=text, run=None, with_words=False, now=now
        )


def held_text(db: Database, *, key: str, user_id: str) -> str:
    """The whole text of the message a shortcut filed, held when the form opened (the
    form holds only 3,000 characters; Slack is not asked again before the answer)."""
    with db.transaction() as session:
        _choice, text = held.take(session=session, value=key, user_id=user_id)
    return text


def my_cases(
    db: Database, *, team_id: str, user_id: str, default_side: Side
) -> tuple[list[tuple[str, str]], Side]:
    """The ``(client name, channel id)`` of the cases someone takes part in, and their
    side (``default_side`` for someone never met): the only cases a DM's form offers."""
    with db.transaction() as session:
        workspace = people.ensure_workspace(session=session, team_id=team_id)
        person = people.find_person(session=session, workspace=workspace, user_id=user_id)
        mine = playbook_history.cases_for(session=session, person=person) if person else []
        return [(case.client_name, case.channel_id) for case in mine], (
            person.side if person else default_side
        )


def asks_client_name(
    db: Database, *, team_id: str, channel_id: str, reporter: people.Profile
) -> bool:
    """Whether a new grievance's form asks to name the client: only the team is asked,
    and only while the channel's case is unnamed."""
    with db.transaction() as session:
        workspace = people.ensure_workspace(session=session, team_id=team_id)
        known = people.find_person(session=session, workspace=workspace, user_id=reporter.user_id)
        case = cases.find_case(session=session, workspace=workspace, channel_id=channel_id)
        side = known.side if known else reporter.default_side
        return (case is None or not case.named) and side is Side.TEAM


@dataclass(frozen=True)
class Filing:
    """A grievance filed and committed: the intake (for the work after the ack) and the
    grievance as its acknowledgement shows it."""

    intake: Intake
    view: GrievanceView
    #: Who filed it, as the filing took them (unconfirmed when met just now).
    reporter: people.Profile


def file_grievance(
    db: Database,
    *,
    where: Where,
    reporter: people.Profile | people.Caller,
    draft: GrievanceDraft,
    raised_by: people.Profile | None = None,
    routing: Routing | None = None,
) -> Filing:
    """File ``draft`` on the case of ``where``; a confidential one ``routing`` decided is
    kept from the leads it names (``bot.playbook.confidential.keep_from_named``). A
    ``Caller`` is looked up in the same transaction (``people.as_known``)."""
    with db.transaction() as session:
        if isinstance(reporter, people.Caller):
            reporter = people.as_known(session=session, team_id=where.team_id, caller=reporter)
        intake = file(
            session=session, where=where, reporter=reporter, draft=draft, raised_by=raised_by
        )
        if routing is not None:
            keep_from_named(session=session, grievance=intake.grievance, routing=routing)
        return Filing(intake, grievances.view(intake.grievance), reporter)


def settle_filers(
    db: Database, filing: Filing, profiles: list[people.Profile], draft: GrievanceDraft
) -> bool:
    """Settle first-met filers with Slack's ``profiles`` (``bot.playbook.intake``); True
    when the reporter is on the team side."""
    with db.transaction() as session:
        return confirm_filers(
            session=session,
            grievance_id=filing.view.id,
            profiles=profiles,
            draft=draft,
            opened=filing.intake.case_opened,
        )


def adopt_channel_name(db: Database, filing: Filing, channel_name: str) -> None:
    """Give the case a grievance opened its channel's real name, once Slack told it."""
    with db.transaction() as session:
        case = session.get_one(Case, filing.intake.case.id)
        cases.adopt_channel_name(case=case, channel_name=channel_name)


def to_post(db: Database, grievance_id: int) -> tuple[str, GrievanceView]:
    """The channel a grievance's message goes to, and the grievance as it shows it."""
    with db.reading() as session:  # rendering only reads: no writer's turn
        grievance = grievances.for_message(session=session, grievance_id=grievance_id)
        return grievance.case.channel_id, grievances.view(grievance)


def mark_posted(db: Database, grievance_id: int, *, channel: str, ts: str) -> None:
    """Remember where a grievance's message is (its thread root)."""
    with db.transaction() as session:
        grievances.mark_posted(session=session, grievance_id=grievance_id, channel=channel, ts=ts)
