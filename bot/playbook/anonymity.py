"""The one anonymity rule every output follows: nobody is singled out from fewer than three.

Someone who answers an interview anonymously is promised that only their role is shown.
A role held by one person names them all the same ("a client leader" when there is one
client leader), and so does a role held by two once the other one's words are known.
So an anonymous person's words and figures are shown

* under their role ("a client leader") when at least ``K`` anonymous people share it,
* else under their side ("someone on the client side") when at least ``K`` share that,
* else not at all: the output says how much it held back, and why.

The same goes for figures about a group (how many of them answered, who went quiet): a
group of fewer than ``K`` is merged into its side, and a side of fewer than ``K`` is
withheld. Findings, the digest, health, coverage and every export ask this module; none
decides for itself.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from bot.playbook.stakeholders import ROLE_LABELS
from storage.models import Role, Side

#: The smallest group whose members can't be told apart from one another.
K = 3

ROLE_SPEAKERS: dict[Role, str] = {role: f"a {label}" for role, label in ROLE_LABELS.items()}
SIDE_SPEAKERS: dict[Side, str] = {
    Side.CLIENT: "someone on the client side",
    Side.TEAM: "someone on the team side",
}
SIDE_NAMES: dict[Side, str] = {Side.CLIENT: "client side", Side.TEAM: "team side"}


def large_enough(count: int) -> bool:
    """True when a group of ``count`` people hides each of them."""
    return count >= K


@dataclass(frozen=True)
class Crowd:
    """The anonymous people of a case, counted by role, among whom each one hides."""

    sizes: Counter[Role] = field(default_factory=Counter)

    @classmethod
    def of(cls, roles: Iterable[Role]) -> Crowd:
        """The crowd of people holding ``roles`` (one role per person)."""
        return cls(Counter(roles))

    def side_size(self, side: Side) -> int:
        """How many of the crowd are on ``side``."""
        return sum(count for role, count in self.sizes.items() if role.side is side)

    def speaker(self, role: Role) -> str | None:
        """How to name one of the crowd holding ``role``; None: their words are withheld."""
        if large_enough(self.sizes[role]):
            return ROLE_SPEAKERS[role]
        if large_enough(self.side_size(role.side)):
            return SIDE_SPEAKERS[role.side]
        return None


def withheld_note(count: int) -> str:
    """Why ``count`` anonymous answers are not shown, for the reader of the output."""
    noun = "anonymous answer is" if count == 1 else "anonymous answers are"
    return (
        f"{count} {noun} held back: fewer than {K} people on that side answered anonymously, "
        "so the answer would point at the person. The answers are kept."
    )


@dataclass(frozen=True)
class FigureGroup:
    """A group a figure is shown for: one role, a whole side, or a side held back."""

    label: str
    roles: tuple[Role, ...]
    withheld: bool = False

    @property
    def side(self) -> Side:
        """The side the group is on."""
        return self.roles[0].side


def figure_groups(sizes: Mapping[Role, int]) -> list[FigureGroup]:
    """The groups to show figures for, given how many people hold each role.

    A side is shown role by role when every role on it that has anyone has at least
    ``K``; else as one side when the side has ``K``; else it is held back (``withheld``).
    A side with nobody is left out.
    """
    groups: list[FigureGroup] = []
    for side in Side:
        roles = tuple(role for role in Role if role.side is side and sizes.get(role, 0))
        if not roles:
            continue
        if all(large_enough(sizes[role]) for role in roles):
            groups.extend(FigureGroup(ROLE_LABELS[role], (role,)) for role in roles)
        elif large_enough(sum(sizes[role] for role in roles)):
            groups.append(FigureGroup(SIDE_NAMES[side], roles))
        else:
            groups.append(FigureGroup(SIDE_NAMES[side], roles, withheld=True))
    return groups
