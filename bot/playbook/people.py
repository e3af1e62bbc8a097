"""Who is who: workspaces and people, and which side a person speaks for.

Slack profiles are read at the edge (handlers); the playbook only sees ``Profile``.
A Slack Connect user from another organisation or a guest defaults to the client side,
because that is who they almost always are in a shared recovery channel.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from storage.models import Person, Side, Workspace
from storage.rows import get_or_create, held, keep, lock, plain


@dataclass(frozen=True)
class Profile:
    """What the bot knows of a Slack user from ``users.info``.

    ``confirmed`` is False for a profile made from a request alone, before Slack was
    asked (the acknowledgement never waits on Slack): such a person is on the client side
    until ``sides.confirm_from_slack`` settles them, never on the team side on a guess.
    """

    user_id: str
    display_name: str
    external: bool = False
    timezone: str | None = None
    is_bot: bool = False
    confirmed: bool = True
    #: Every name Slack gives them (``lookup.profile_of``); none when Slack was not asked.
    names: tuple[str, ...] = ()

    @property
    def default_side(self) -> Side:
        """Client for external users and guests, team for everyone else."""
        return Side.CLIENT if self.external else Side.TEAM


#: The lookups every request makes, built once: building a statement costs more than
#: running it (137 µs against 52 µs for a person, in ``bench``'s terms).
_WORKSPACE = select(Workspace).where(Workspace.team_id == bindparam("team_id"))
_PERSON = select(Person).where(
    Person.workspace_id == bindparam("workspace_id"), Person.slack_user_id == bindparam("user_id")
)
_IN_TEAM = (Workspace.team_id == bindparam("team_id"), Person.slack_user_id == bindparam("user_id"))
#: The person with their workspace: both are then in the session (``storage.rows.held``).
_PERSON_IN_TEAM = (
    select(Person, Workspace).join(Workspace, Workspace.id == Person.workspace_id).where(*_IN_TEAM)
)
_PERSON_ID_IN_TEAM = (
    select(Person.id).join(Workspace, Workspace.id == Person.workspace_id).where(*_IN_TEAM)
)


def ensure_workspace(*, session: Session, team_id: str, url: str | None = None) -> Workspace:
    """The workspace row for ``team_id``, created on first sight."""
    workspace, created = get_or_create(
        session,
        lambda: (
            held(session, Workspace, team_id=team_id)
            or session.scalar(_WORKSPACE, {"team_id": team_id})
        ),
        lambda: Workspace(team_id=team_id, url=url),
    )
    if not created and url and workspace.url != url:
        workspace.url = url
    return workspace


def ensure_person(*, session: Session, workspace: Workspace, profile: Profile) -> Person:
    """The person for ``profile``; a known person keeps the side already set for them."""
    person, created = get_or_create(
        session,
        lambda: find_person(session=session, workspace=workspace, user_id=profile.user_id),
        lambda: Person(
            workspace_id=workspace.id,
            slack_user_id=profile.user_id,
            display_name=profile.display_name[:120],
            side=profile.default_side,
            timezone=profile.timezone,
            slack_names="\n".join(profile.names) or None,
        ),
    )
    if not created:
        refresh(person, profile)
    return person


def refresh(person: Person, profile: Profile) -> None:
    """Bring what the bot keeps of ``person`` up to ``profile`` (never the side, which is
    settled elsewhere); what the profile does not tell is kept as it was.

    Only what differs is assigned: an assignment, even of the same value, marks the row
    changed, and the next query's autoflush then runs the whole unit of work for nothing
    (a third of a filing's case lookup)."""
    changes = {
        "display_name": profile.display_name[:120] or person.display_name,
        "timezone": profile.timezone or person.timezone,
        "slack_names": "\n".join(profile.names) or person.slack_names,
    }
    for name, value in changes.items():
        if getattr(person, name) != value:
            setattr(person, name, value)


def find_person(*, session: Session, workspace: Workspace, user_id: str) -> Person | None:
    """The person with Slack id ``user_id`` in ``workspace``, if the bot has met them."""
    return held(session, Person, workspace_id=workspace.id, slack_user_id=user_id) or (
        session.scalar(_PERSON, {"workspace_id": workspace.id, "user_id": user_id})
    )


def known_people(*, session: Session, team_id: str, user_ids: Iterable[str]) -> dict[str, Person]:
    """The people the bot has met among ``user_ids``, by Slack id (one query, so a form
    can be checked within Slack's 3 seconds)."""
    wanted = set(user_ids)
    if not wanted:
        return {}
    found = session.scalars(
        select(Person)
        .join(Workspace, Workspace.id == Person.workspace_id)
        .where(Workspace.team_id == team_id, Person.slack_user_id.in_(wanted))
    )
    return {person.slack_user_id or "": person for person in found}


def named_person(*, session: Session, workspace: Workspace, name: str, side: Side) -> Person:
    """A person who is not in Slack, known only by the name someone typed.

    Such people have no Slack id to be unique on, so the workspace row is locked while
    looking: two grievances naming the same raiser at once on PostgreSQL find one person.
    """
    lock(session, workspace)
    person = session.scalar(
        select(Person).where(
            Person.workspace_id == workspace.id,
            Person.slack_user_id.is_(None),
            Person.display_name == name[:120],
        )
    )
    if person is None:
        person = Person(workspace_id=workspace.id, display_name=name[:120], side=side)
        session.add(person)
        session.flush()
    return person


def provisional_profile(user_id: str, name: object) -> Profile:
    """Someone the bot has not met, as a request tells of them (their id and handle):
    client side and unconfirmed until Slack's profile arrives."""
    shown = name.strip() if isinstance(name, str) and name.strip() else user_id
    return Profile(user_id=user_id, display_name=shown, external=True, confirmed=False)


@dataclass(frozen=True)
class Caller:
    """Someone a request names, not looked up yet: their Slack id and the name it gives
    (looked up in the transaction that files what they sent: ``as_known``)."""

    user_id: str
    name: object


def as_known(*, session: Session, team_id: str, caller: Caller) -> Profile:
    """``caller`` as stored when the bot knows them, else as the request tells
    (``provisional_profile``), without asking Slack."""
    known = known_profile(session=session, team_id=team_id, user_id=caller.user_id)
    return known or provisional_profile(caller.user_id, caller.name)


def known_id(*, session: Session, team_id: str, user_id: str) -> int | None:
    """The id of someone the bot has met in the workspace ``team_id``, in one lookup."""
    return plain(session).scalar(_PERSON_ID_IN_TEAM, {"team_id": team_id, "user_id": user_id})


def known_profile(*, session: Session, team_id: str, user_id: str) -> Profile | None:
    """The profile of someone the bot has met, as stored (their side already settled).

    Their rows stay with the session (``storage.rows.keep``): the filing that follows in
    the same transaction finds them without asking again."""
    found = session.execute(_PERSON_IN_TEAM, {"team_id": team_id, "user_id": user_id}).first()
    if found is None:
        return None
    person, workspace = found
    keep(session, person, workspace)
    return Profile(
        user_id=user_id,
        display_name=person.display_name,
        external=person.side is Side.CLIENT,
        timezone=person.timezone,
    )
