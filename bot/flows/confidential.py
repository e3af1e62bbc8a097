"""What the confidential-grievance form needs from the database: the case's leads with the
names they are known by, people met on Slack kept for next time, the escalation contact's
stored name, and a grievance kept for that contact. Each is its own short transaction:
the Slack calls around them (``handlers.confidential``) never hold one open."""

from __future__ import annotations

from bot.playbook import confidential, people
from bot.playbook.confidential import Lead
from bot.playbook.grievances import GrievanceDraft
from bot.playbook.intake import Where
from bot.playbook.people import Profile
from storage.engine import Database


def leads(db: Database, where: Where) -> list[Lead]:
    """The leads of the channel's case, with every name Slack last gave each (none kept
    for a lead stored before names were)."""
    with db.reading() as session:
        return [
            Lead(lead.slack_user_id or "", lead.display_name, _names(lead.slack_names))
            for lead in confidential.leads_in(
                session=session, team_id=where.team_id, channel_id=where.channel_id
            )
        ]


def _names(kept: str | None) -> tuple[str, ...]:
    return tuple(name for name in (kept or "").split("\n") if name)


def remember(db: Database, team_id: str, profile: Profile) -> None:
    """Keep ``profile`` (as Slack just gave it) with the person, for forms to name them
    without asking Slack again."""
    with db.transaction() as session:
        workspace = people.ensure_workspace(session=session, team_id=team_id)
        people.ensure_person(session=session, workspace=workspace, profile=profile)


def stored_name(db: Database, team_id: str, user_id: str) -> str | None:
    """The name the bot last had from Slack for ``user_id``; None if never met."""
    with db.reading() as session:
        person = people.known_people(session=session, team_id=team_id, user_ids=[user_id])
        return person[user_id].display_name if user_id in person else None


def keep_for_contact(
    db: Database, where: Where, reporter: Profile, draft: GrievanceDraft, contact: str
) -> str:
    """Keep the grievance for ``contact``, outside the case's grievances (committed on
    return); the case's client name, for the DM to say which case it is about."""
    with db.transaction() as session:
        _kept, case = confidential.escalate(
            session=session, where=where, reporter=reporter, draft=draft, contact=contact
        )
        return case.client_name
