"""Recovery strategy versions: what a lead proposes, the evidence behind it, and its actions.

A strategy is only as convincing as the grievances it answers, so each version names the
grievances it addresses and reports how much of the open grievance load it covers,
weighted by severity. Versions are never edited: an update is a new version linking the
one it replaces, which is marked superseded, so buy-in is always given to fixed words.

Action lines are typed freely in a plain-text box ("Fix the export @ana by 2026-12-01");
``parse_action_line`` finds the owner and the due date in them and says which line is
wrong when a date is not a date.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, selectinload

from bot.ids import row_id
from bot.playbook.access import Action, require
from bot.playbook.buyin import BuyInState, state_of
from bot.playbook.errors import PlaybookError
from bot.playbook.history import OPEN_STATUSES
from bot.playbook.said import said
from bot.playbook.stakeholders import members
from bot.playbook.timeline import Kind, record
from storage.clock import utcnow
from storage.models import (
    Case,
    Grievance,
    Person,
    Side,
    Strategy,
    StrategyAction,
    StrategyStatus,
    TimelineEntry,
    Vote,
    VoteKind,
)
from storage.rows import lock

MAX_SUMMARY = 3000
MAX_ACTIONS = 20
MAX_ACTION_LINE = 300
MAX_MEASURES = 20
MAX_MEASURE = 300
#: Slack's static selects take at most 100 options.
MAX_OPTIONS = 100

#: Field names of a draft; the modal's block ids carry the same words.
SUMMARY, ACTIONS, GRIEVANCES, MEASURES = "summary", "actions", "grievances", "measures"

_BULLET = re.compile(r"^\s*(?:[-*•·]+|\d{1,2}[.)])\s+")
_ISO = re.compile(r"(?<![\w-])(\d{4})-(\d{1,2})-(\d{1,2})(?![\w-])")
_DUE_WORDS = r"(?:by|due(?:\s+(?:on|by))?|before|deadline)\s*:?\s*"
_MONTHS = {
    name.lower(): number
    for number in range(1, 13)
    for name in (calendar.month_name[number], calendar.month_abbr[number])
}
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
_WORDY_DATE = re.compile(
    rf"\b{_DUE_WORDS}(?:(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<m1>{_MONTH})\.?"
    rf"|(?P<m2>{_MONTH})\.?\s+(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?)(?:,?\s+(?P<y>\d{{4}}))?\b",
    re.IGNORECASE,
)
_ISO_DUE = re.compile(rf"(?:\b{_DUE_WORDS})?{_ISO.pattern}", re.IGNORECASE)
_MENTION = re.compile(r"(?:\b(?:owner|by)\s*:?\s*)?<@([UW][A-Z0-9]+)(?:\|([^>]*))?>", re.IGNORECASE)
_LOOSE_AT = re.compile(r"(?:\b(?:owner|by)\s*:?\s*)?(?<![\w@])@([A-Za-z][\w.'-]*)")
_BROADCASTS = frozenset({"channel", "here", "everyone"})
_NOT_OWNER = frozenset({"with", "to", "for", "and", "from", "cc", "of", "about", "tell", "ask"})
_SEP = r"(?:[—–|]|(?<=\s)-(?=\s|$)|(?<=\s)--+)"
_SEP_RUN = re.compile(rf"\s*{_SEP}(?:\s*{_SEP})+\s*")
_SEP_EDGE = re.compile(rf"^(?:\s*{_SEP}\s*|[\s,;:]+)|(?:\s*{_SEP}\s*|[\s,;:]+)$")


# ---- parsing ----------------------------------------------------------------------------


class StrategyDraftError(PlaybookError):
    """A draft failed validation; ``fields`` maps a draft field to advice for the modal."""

    def __init__(self, fields: dict[str, str]) -> None:
        super().__init__("; ".join(fields.values()))
        self.fields = fields


class ActionLineError(ValueError):
    """One action line cannot be read; the message says why, without the line number."""


@dataclass(frozen=True)
class ParsedAction:
    """One action as typed: what, who owns it (Slack id and/or name) and by when."""

    text: str
    owner_user_id: str | None = None
    owner_name: str | None = None
    due: date | None = None


@dataclass(frozen=True)
class StrategyDraft:
    """A validated proposal, ready to store."""

    summary: str
    actions: list[ParsedAction] = field(default_factory=list)
    grievance_ids: list[int] = field(default_factory=list)
    success_measures: list[str] = field(default_factory=list)


def _tidy(text: str) -> str:
    """Collapse the separators left where an owner or a date was cut out of a line."""
    text = " ".join(text.split())
    text = _SEP_RUN.sub(" — ", text)
    while True:
        stripped = _SEP_EDGE.sub("", text)
        if stripped == text:
            return text.strip()
        text = stripped


def _real_date(year: int, month: int, day: int, shown: str) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise ActionLineError(
            f"“{shown}” is not a date; write it as YYYY-MM-DD, e.g. 2026-12-01"
        ) from None


def _take_due(line: str, today: date) -> tuple[str, date | None]:
    """Find the due date (ISO anywhere, or "by 1 December"); refuse impossible dates."""
    for match in _ISO.finditer(line):
        _real_date(*(int(g) for g in match.groups()), shown=match.group(0))
    iso = _ISO_DUE.search(line)
    if iso is not None:
        due = date(*(int(g) for g in iso.groups()))
        return line[: iso.start()] + " " + line[iso.end() :], due
    wordy = _WORDY_DATE.search(line)
    if wordy is None:
        return line, None
    month = _MONTHS[(wordy["m1"] or wordy["m2"]).lower()]
    day = int(wordy["d1"] or wordy["d2"])
    shown = f"{day} {calendar.month_name[month]}" + (f" {wordy['y']}" if wordy["y"] else "")
    if wordy["y"]:
        due = _real_date(int(wordy["y"]), month, day, shown)
    else:
        due = _real_date(today.year, month, day, shown)
        if due < today:
            due = _real_date(today.year + 1, month, day, shown)
    return line[: wordy.start()] + " " + line[wordy.end() :], due


def _name_patterns(directory: Sequence[tuple[str, str]]) -> list[tuple[re.Pattern[str], str, str]]:
    """``@name`` patterns for stakeholders: the full display name, or a unique first name."""
    first_names: dict[str, list[tuple[str, str]]] = {}
    for user_id, name in directory:
        first_names.setdefault(name.split()[0].lower() if name.split() else "", []).append(
            (user_id, name)
        )
    keys: list[tuple[str, str, str]] = [(name, user_id, name) for user_id, name in directory]
    keys += [
        (first, entries[0][0], entries[0][1])
        for first, entries in first_names.items()
        if first and len(entries) == 1
    ]
    keys.sort(key=lambda k: len(k[0]), reverse=True)
    return [
        (
            re.compile(
                rf"(?:\b(?:owner|by)\s*:?\s*)?(?<![\w@])@{re.escape(key)}(?![\w])", re.IGNORECASE
            ),
            user_id,
            name,
        )
        for key, user_id, name in keys
        if key
    ]


def _inline(line: str, start: int) -> bool:
    """True when a mention is part of the sentence ("review with @carla"), not its owner."""
    before = line[:start].split()
    return bool(before) and before[-1].lower() in _NOT_OWNER


def _take_owner(
    line: str, directory: Sequence[tuple[str, str]]
) -> tuple[str, str | None, str | None]:
    """Find the owner: a Slack mention, a stakeholder's ``@name``, or any other ``@word``.

    A mention after "with", "to", "for"... belongs to the sentence and stays in the text.
    """
    for mention in _MENTION.finditer(line):
        if _inline(line, mention.start()):
            continue
        user_id = mention.group(1)
        known = dict(directory).get(user_id)
        name = known or (mention.group(2) or "").strip() or None
        return line[: mention.start()] + " " + line[mention.end() :], user_id, name
    for pattern, user_id, name in _name_patterns(directory):
        for found in pattern.finditer(line):
            if not _inline(line, found.start()):
                return line[: found.start()] + " " + line[found.end() :], user_id, name
    for loose in _LOOSE_AT.finditer(line):
        if loose.group(1).lower() not in _BROADCASTS and not _inline(line, loose.start()):
            return line[: loose.start()] + " " + line[loose.end() :], None, loose.group(1)
    return line, None, None


def parse_action_line(
    line: str, *, directory: Sequence[tuple[str, str]] = (), today: date | None = None
) -> ParsedAction:
    """Read one action line: its text, its owner and its due date where given.

    ``directory`` is the case's stakeholders as ``(slack user id, display name)``, so that
    "@ana" typed in a plain-text box (which Slack does not turn into a mention) still
    finds Ana. Raises ``ActionLineError`` for a line that is too long, has an impossible
    date, or says nothing but an owner and a date.
    """
    raw = line.strip()
    if len(raw) > MAX_ACTION_LINE:
        raise ActionLineError(
            f"it is {len(raw)} characters long; keep each action under {MAX_ACTION_LINE}"
        )
    rest = _BULLET.sub("", raw)
    rest, due = _take_due(rest, today or utcnow().date())
    rest, owner_id, owner_name = _take_owner(rest, directory)
    text = _tidy(rest)
    if not text:
        raise ActionLineError("it names an owner or a date but not the action itself")
    return ParsedAction(text=text, owner_user_id=owner_id, owner_name=owner_name, due=due)


def parse_actions(
    text: str | None, *, directory: Sequence[tuple[str, str]] = (), today: date | None = None
) -> list[ParsedAction]:
    """One action per non-empty line; ``StrategyDraftError`` names the first bad line."""
    lines = [(n, line) for n, line in enumerate((text or "").splitlines(), 1) if line.strip()]
    if len(lines) > MAX_ACTIONS:
        raise StrategyDraftError(
            {ACTIONS: f"That's {len(lines)} actions; keep it to {MAX_ACTIONS} or fewer."}
        )
    actions, problems = [], []
    for number, line in lines:
        try:
            actions.append(parse_action_line(line, directory=directory, today=today))
        except ActionLineError as exc:
            problems.append(f"Line {number}: {exc}.")
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise StrategyDraftError({ACTIONS: problems[0] + more})
    return actions


def split_measures(text: str | None) -> list[str]:
    """One success measure per line, bullets dropped, repeats removed."""
    seen: dict[str, str] = {}
    for line in (text or "").splitlines():
        item = " ".join(_BULLET.sub("", line).split())
        if item and item.lower() not in seen:
            seen[item.lower()] = item
    return list(seen.values())


def parse_draft(
    *,
    summary: str | None,
    actions: str | None,
    grievance_ids: Sequence[str] | None,
    measures: str | None,
    directory: Sequence[tuple[str, str]] = (),
    today: date | None = None,
) -> StrategyDraft:
    """Validate the modal's answers; every problem is reported at once, per field."""
    problems: dict[str, str] = {}
    cleaned = (summary or "").strip()
    if not cleaned:
        problems[SUMMARY] = "Say in a sentence or two what the strategy is."
    elif len(cleaned) > MAX_SUMMARY:
        problems[SUMMARY] = f"Keep the summary under {MAX_SUMMARY} characters."
    parsed: list[ParsedAction] = []
    try:
        parsed = parse_actions(actions, directory=directory, today=today)
    except StrategyDraftError as exc:
        problems.update(exc.fields)
    items = split_measures(measures)
    if len(items) > MAX_MEASURES:
        problems[MEASURES] = f"Name at most {MAX_MEASURES} success measures."
    elif any(len(item) > MAX_MEASURE for item in items):
        problems[MEASURES] = f"Keep each success measure under {MAX_MEASURE} characters."
    ids = [number for v in grievance_ids or [] if (number := row_id(v)) is not None]
    if problems:
        raise StrategyDraftError(problems)
    return StrategyDraft(
        summary=cleaned, actions=parsed, grievance_ids=sorted(set(ids)), success_measures=items
    )


def action_line(action: StrategyAction | ParsedAction) -> str:
    """An action written back as a line the parser reads the same way (for prefilling)."""
    parts = [action.text]
    if action.owner_name:
        parts.append(f"@{action.owner_name}")
    elif action.owner_user_id:
        parts.append(f"<@{action.owner_user_id}>")
    if action.due:
        parts.append(action.due.isoformat())
    return " — ".join(parts)


# ---- evidence ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Coverage:
    """How much of the open grievance load a strategy addresses, weighted by severity."""

    addressed_weight: int
    total_weight: int
    addressed_count: int
    open_count: int

    @property
    def percent(self) -> int | None:
        """Rounded half up; never 0% or 100% unless it truly is. None with nothing open."""
        if self.total_weight <= 0:
            return None
        exact = 100 * self.addressed_weight / self.total_weight
        rounded = int(exact + 0.5)
        if 0 < self.addressed_weight < self.total_weight:
            rounded = min(max(rounded, 1), 99)
        return rounded

    @property
    def sentence(self) -> str:
        """``covers 62% of open grievances by severity (3 of 5)``."""
        if self.percent is None:
            return "there are no open grievances to cover"
        return (
            f"covers {self.percent}% of open grievances by severity "
            f"({self.addressed_count} of {self.open_count})"
        )


def coverage(addressed: Sequence[tuple[int, int]], open_: Sequence[tuple[int, int]]) -> Coverage:
    """Coverage from ``(number, severity)`` pairs; addressed ones not open do not count."""
    open_numbers = {number for number, _severity in open_}
    covered = [(n, s) for n, s in addressed if n in open_numbers]
    return Coverage(
        addressed_weight=sum(s for _n, s in covered),
        total_weight=sum(s for _n, s in open_),
        addressed_count=len({n for n, _s in covered}),
        open_count=len(open_numbers),
    )


def _open_public(case: Case) -> Select[tuple[Grievance]]:
    return select(Grievance).where(
        Grievance.case_id == case.id,
        Grievance.status.in_(OPEN_STATUSES),
        Grievance.confidential.is_(False),
    )


def addressable(*, session: Session, case: Case, limit: int = MAX_OPTIONS) -> list[Grievance]:
    """Open, non-confidential grievances a strategy may address, most severe first.

    Confidential ones are left out because the strategy is posted in the channel.
    """
    query = _open_public(case).order_by(Grievance.severity.desc(), Grievance.number)
    return list(session.scalars(query.limit(limit)))


def open_count(*, session: Session, case: Case) -> int:
    """How many open, non-confidential grievances the case has (to say when some are hidden)."""
    query = select(func.count()).select_from(_open_public(case).subquery())
    return int(session.scalar(query) or 0)


def coverage_of(*, session: Session, strategy: Strategy) -> Coverage:
    """The strategy's coverage of the case's grievances as they stand now."""
    rows = session.execute(
        select(Grievance.number, Grievance.severity).where(
            Grievance.case_id == strategy.case_id,
            Grievance.status.in_(OPEN_STATUSES),
            Grievance.confidential.is_(False),
        )
    ).all()
    return coverage([(g.number, g.severity) for g in strategy.addressed], [(n, s) for n, s in rows])


# ---- versions ---------------------------------------------------------------------------


def latest(*, session: Session, case: Case) -> Strategy | None:
    """The case's newest strategy version (the one that counts), if any."""
    return session.scalar(
        select(Strategy).where(Strategy.case_id == case.id).order_by(Strategy.version.desc())
    )


@dataclass(frozen=True)
class Standing:
    """Where buy-in on the case's current version stands: what App Home and health show."""

    version: int
    #: What was last announced: approved, lost (reached, then no longer), or proposed.
    status: StrategyStatus
    #: The votes that count now, and what is missing if the rule does not hold.
    state: BuyInState


def standing(*, session: Session, case: Case) -> Standing | None:
    """The current version's buy-in, or None when no strategy has been proposed."""
    current = latest(session=session, case=case)
    if current is None:
        return None
    return Standing(current.version, current.status, state_of(session=session, strategy=current))


def stakeholder_directory(*, session: Session, case: Case) -> list[tuple[str, str]]:
    """``(slack user id, display name)`` of the case's stakeholders, for ``@name`` owners."""
    return [
        (m.person.slack_user_id, m.person.display_name)
        for m in members(session=session, case=case)
        if m.person.slack_user_id
    ]


@dataclass(frozen=True)
class Prefill:
    """What the strategy modal starts with: the current version, or the case's insights."""

    version: int
    summary: str = ""
    actions: str = ""
    grievance_ids: list[int] = field(default_factory=list)
    measures: str = ""


def prefill(*, session: Session, case: Case) -> Prefill:
    """Start from the current version so an update is an edit; else from the findings.

    The success measures are the client side's, from non-confidential grievances and the
    interviews: the strategy is posted in the channel, and a confidential grievance's
    words must not leak into it.
    """
    current = latest(session=session, case=case)
    if current is None:
        measures = said(session=session, case=case, side=Side.CLIENT).success_measures
        return Prefill(version=1, measures="\n".join(i.text for i in measures))
    still_open = {g.id for g in addressable(session=session, case=case)}
    return Prefill(
        version=current.version + 1,
        summary=current.summary,
        actions="\n".join(action_line(a) for a in current.actions),
        grievance_ids=[g.id for g in current.addressed if g.id in still_open],
        measures=current.success_measures,
    )


@dataclass(frozen=True)
class Proposal:
    """A stored version and who must hear of it."""

    strategy: Strategy
    previous: Strategy | None
    #: Slack ids of people who approved the previous version (other than the author).
    previous_approvers: list[str]
    entry: TimelineEntry


def propose(*, session: Session, case: Case, author: Person, draft: StrategyDraft) -> Proposal:
    """Store a new version, supersede the previous one, and note it on the timeline."""
    require(session=session, case=case, person=author, action=Action.PROPOSE_STRATEGY)
    allowed = {g.id: g for g in addressable(session=session, case=case, limit=10_000)}
    chosen = [allowed[i] for i in draft.grievance_ids if i in allowed]
    gone = [i for i in draft.grievance_ids if i not in allowed]
    if gone:
        names = [
            f"#{g.number}"
            for g in session.scalars(
                select(Grievance).where(Grievance.id.in_(gone), Grievance.case_id == case.id)
            )
        ]
        raise StrategyDraftError(
            {
                GRIEVANCES: f"{', '.join(names) or 'Some of these'} closed meanwhile; "
                "unselect them and submit again."
            }
        )
    lock(session, case)  # two leads posting at once get v2 and v3, not two v2s
    previous = latest(session=session, case=case)
    strategy = Strategy(
        case_id=case.id,
        version=(previous.version if previous else 0) + 1,
        author_id=author.id,
        summary=draft.summary,
        success_measures="\n".join(draft.success_measures),
        previous_id=previous.id if previous else None,
        status=StrategyStatus.PROPOSED,
    )
    strategy.addressed = sorted(chosen, key=lambda g: g.number)
    strategy.actions = [
        StrategyAction(
            position=position,
            text=action.text,
            owner_user_id=action.owner_user_id,
            owner_name=(action.owner_name or "")[:120] or None,
            due=action.due,
        )
        for position, action in enumerate(draft.actions, 1)
    ]
    session.add(strategy)
    approvers: list[str] = []
    if previous is not None:
        previous.status = StrategyStatus.SUPERSEDED
        approvers = [
            user_id
            for user_id in session.scalars(
                select(Person.slack_user_id)
                .join(Vote, Vote.person_id == Person.id)
                .where(Vote.strategy_id == previous.id, Vote.kind == VoteKind.APPROVE)
                .order_by(Vote.id)
            )
            if user_id and user_id != author.slack_user_id
        ]
    session.flush()
    evidence = coverage_of(session=session, strategy=strategy)
    replaces = f" (replaces v{previous.version})" if previous else ""
    entry = record(
        session=session,
        case=case,
        kind=Kind.STRATEGY_PROPOSED,
        author=author,
        text=f"Strategy v{strategy.version} proposed{replaces}: {draft.summary[:200]} "
        f"— {evidence.sentence if chosen else 'addresses no grievance'}",
        channel=case.channel_id,
    )
    return Proposal(strategy=strategy, previous=previous, previous_approvers=approvers, entry=entry)


def mark_posted(
    *, session: Session, strategy: Strategy, channel: str, ts: str, entry_id: int | None = None
) -> None:
    """Remember the strategy's message: reactions on it are votes."""
    strategy.slack_channel, strategy.slack_ts = channel, ts
    if entry_id is not None:
        entry = session.get(TimelineEntry, entry_id)
        if entry is not None:
            entry.slack_channel, entry.slack_ts = channel, ts


# ---- snapshots for rendering --------------------------------------------------------------


@dataclass(frozen=True)
class Addressed:
    """A grievance a version addresses, as shown in its post."""

    number: int
    severity: int
    text: str
    open: bool


@dataclass(frozen=True)
class ActionItem:
    """An action as shown in the post."""

    text: str
    owner_user_id: str | None
    owner_name: str | None
    due: date | None


@dataclass(frozen=True)
class VersionRef:
    """Another version of the same strategy, to link to."""

    version: int
    channel: str | None
    ts: str | None


@dataclass(frozen=True)
class StrategySnapshot:
    """Everything the strategy's message shows, read in one transaction."""

    strategy_id: int
    client_name: str
    version: int
    status: StrategyStatus
    author_name: str | None
    summary: str
    measures: list[str]
    actions: list[ActionItem]
    addressed: list[Addressed]
    coverage: Coverage
    buyin: BuyInState
    channel: str | None
    ts: str | None
    approved_at: datetime | None
    previous: VersionRef | None
    superseded_by: VersionRef | None


def snapshot(*, session: Session, strategy: Strategy) -> StrategySnapshot:
    """Read a version, its evidence and its votes into plain values for the builders.

    The post is in the channel, client side included, so a grievance made confidential
    after the version named it drops out of the post the next time it is drawn.
    """
    strategy = session.scalars(
        select(Strategy)
        .options(selectinload(Strategy.actions), selectinload(Strategy.addressed))
        .where(Strategy.id == strategy.id)
    ).one()
    previous = session.get(Strategy, strategy.previous_id) if strategy.previous_id else None
    newer = session.scalar(select(Strategy).where(Strategy.previous_id == strategy.id))
    author = session.get(Person, strategy.author_id) if strategy.author_id else None
    return StrategySnapshot(
        strategy_id=strategy.id,
        client_name=strategy.case.client_name,
        version=strategy.version,
        status=strategy.status,
        author_name=author.display_name if author else None,
        summary=strategy.summary,
        measures=split_measures(strategy.success_measures),
        actions=[
            ActionItem(a.text, a.owner_user_id, a.owner_name, a.due) for a in strategy.actions
        ],
        addressed=[
            Addressed(g.number, g.severity, g.text, g.status in OPEN_STATUSES)
            for g in sorted(strategy.addressed, key=lambda g: g.number)
            if not g.confidential
        ],
        coverage=coverage_of(session=session, strategy=strategy),
        buyin=state_of(session=session, strategy=strategy),
        channel=strategy.slack_channel,
        ts=strategy.slack_ts,
        approved_at=strategy.approved_at,
        previous=VersionRef(previous.version, previous.slack_channel, previous.slack_ts)
        if previous
        else None,
        superseded_by=VersionRef(newer.version, newer.slack_channel, newer.slack_ts)
        if newer
        else None,
    )
