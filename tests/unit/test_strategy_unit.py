"""Pure strategy rules: action lines, coverage, the buy-in tally, and the builders' limits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest

from bot.blocks.strategy import (
    StrategyModalContext,
    grievance_option_text,
    strategy_message,
    strategy_modal,
)
from bot.playbook.buyin import BuyInState, kind_of, parse_rule, tally
from bot.playbook.grievances import view as view_of
from bot.playbook.strategy import (
    MAX_ACTIONS,
    ActionItem,
    ActionLineError,
    Addressed,
    Coverage,
    ParsedAction,
    Prefill,
    StrategyDraftError,
    StrategySnapshot,
    VersionRef,
    action_line,
    coverage,
    parse_action_line,
    parse_actions,
    parse_draft,
    split_measures,
)
from bot.sandbox.blockkit_limits import message_block_errors, view_errors
from storage.models import BuyInRule, Grievance, Person, Role, Side, StrategyStatus, VoteKind

DIRECTORY = [("UANA", "ana"), ("UBEN", "Ben Okafor"), ("UCARLA", "Carla Reyes")]
TODAY = date(2026, 6, 1)


def _parse(line: str) -> ParsedAction:
    return parse_action_line(line, directory=DIRECTORY, today=TODAY)


# ---- action lines -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            "Weekly release notes — <@UANA> — 2026-12-01",
            ParsedAction("Weekly release notes", "UANA", "ana", date(2026, 12, 1)),
        ),
        (
            "Fix the export @ana by 2026-12-01",
            ParsedAction("Fix the export", "UANA", "ana", date(2026, 12, 1)),
        ),
        ("Daily stand-up with the client", ParsedAction("Daily stand-up with the client")),
        (
            "- Call the CFO @Carla Reyes due 3 Jan",
            ParsedAction("Call the CFO", "UCARLA", "Carla Reyes", date(2027, 1, 3)),
        ),
        (
            "2. Triage the backlog — @ben — by 15 June",
            ParsedAction("Triage the backlog", "UBEN", "Ben Okafor", date(2026, 6, 15)),
        ),
        (
            "Plan the demo -- <@UZED|zed> -- by Dec 5, 2026",
            ParsedAction("Plan the demo", "UZED", "zed", date(2026, 12, 5)),
        ),
        (
            "Ship it | @someone | 2026-02-03",
            ParsedAction("Ship it", None, "someone", date(2026, 2, 3)),
        ),
        ("Stand by the client", ParsedAction("Stand by the client")),
        (
            "Review the plan with @ana by 2026-07-01",
            ParsedAction("Review the plan with @ana", None, None, date(2026, 7, 1)),
        ),
        ("Mail support@acme.com daily", ParsedAction("Mail support@acme.com daily")),
        ("Tell @channel nothing", ParsedAction("Tell @channel nothing")),
    ],
)
def test_action_lines_give_text_owner_and_due(line: str, expected: ParsedAction) -> None:
    assert _parse(line) == expected


@pytest.mark.parametrize(
    ("line", "advice"),
    [
        ("Ship it 2026-13-45", "“2026-13-45” is not a date"),
        ("Ship it by 2026-02-30", "“2026-02-30” is not a date"),
        ("Ship it by 31 February 2027", "“31 February 2027” is not a date"),
        ("<@UANA> 2026-01-01", "not the action itself"),
        ("x" * 301, "301 characters"),
    ],
)
def test_bad_action_lines_say_why(line: str, advice: str) -> None:
    with pytest.raises(ActionLineError, match=advice):
        _parse(line)


def test_parse_actions_names_the_first_bad_line_and_caps_the_count() -> None:
    with pytest.raises(StrategyDraftError) as bad:
        parse_actions("One\n\nTwo 2026-13-45\nThree 2026-99-01", today=TODAY)
    assert bad.value.fields["actions"].startswith("Line 3: “2026-13-45”")
    assert "(and 1 more)" in bad.value.fields["actions"]
    with pytest.raises(StrategyDraftError, match="21 actions"):
        parse_actions("\n".join(f"a{n}" for n in range(MAX_ACTIONS + 1)))
    assert len(parse_actions("\n".join(f"a{n}" for n in range(MAX_ACTIONS)))) == MAX_ACTIONS


def test_an_action_written_back_parses_the_same() -> None:
    for line in ("Fix the export @ana by 2026-12-01", "Call @Carla Reyes", "Just do it"):
        parsed = _parse(line)
        assert _parse(action_line(parsed)) == parsed


def test_drafts_report_every_bad_field_at_once() -> None:
    with pytest.raises(StrategyDraftError) as bad:
        parse_draft(
            summary="  ",
            actions="Fine\nBad 2026-13-45",
            grievance_ids=["3"],
            measures="",
            today=TODAY,
        )
    assert set(bad.value.fields) == {"summary", "actions"}
    draft = parse_draft(
        summary=" Rebuild trust ",
        actions="",
        grievance_ids=["4", "2", "4", "junk"],
        measures="- On time\non time\n\nFewer bugs",
    )
    assert draft.summary == "Rebuild trust"
    assert draft.grievance_ids == [2, 4]
    assert draft.success_measures == ["On time", "Fewer bugs"]
    assert split_measures(None) == []


# ---- coverage ---------------------------------------------------------------------------


def test_coverage_is_weighted_by_severity_and_counts_only_open_grievances() -> None:
    open_ = [(1, 4), (2, 3), (3, 1), (4, 2), (5, 3)]
    found = coverage([(1, 4), (3, 1), (5, 3), (9, 4)], open_)
    assert (found.addressed_weight, found.total_weight) == (8, 13)
    assert found.percent == 62
    assert found.sentence == "covers 62% of open grievances by severity (3 of 5)"


@pytest.mark.parametrize(
    ("addressed", "total", "percent"),
    [(0, 10, 0), (10, 10, 100), (1, 400, 1), (399, 400, 99), (1, 8, 13), (5, 8, 63)],
)
def test_coverage_rounds_half_up_and_never_hides_a_partial(
    addressed: int, total: int, percent: int
) -> None:
    assert Coverage(addressed, total, 1, 1).percent == percent


def test_coverage_with_nothing_open_says_so() -> None:
    assert coverage([], []).percent is None
    assert "no open grievances" in coverage([], []).sentence


# ---- the buy-in tally -------------------------------------------------------------------


@dataclass(frozen=True)
class _Vote:
    person_id: int
    kind: VoteKind


def _people(**roles: list[str]) -> tuple[dict[Role, list[Person]], dict[str, int]]:
    grouped: dict[Role, list[Person]] = {role: [] for role in Role}
    ids: dict[str, int] = {}
    for role_name, names in roles.items():
        for name in names:
            ids[name] = len(ids) + 1
            grouped[Role(role_name)].append(Person(id=ids[name], display_name=name))
    return grouped, ids


def _tally(rule: BuyInRule, votes: dict[str, VoteKind], **roles: list[str]) -> BuyInState:
    grouped, ids = _people(**roles)
    ballots = [_Vote(ids[name], kind) for name, kind in votes.items() if name in ids]
    ballots += [_Vote(999, VoteKind.APPROVE) for name in votes if name not in ids]
    return tally(ballots, grouped, rule)


YES, NO = VoteKind.APPROVE, VoteKind.OBJECT
ROLES = {
    "client_leader": ["Carla", "Dana", "Eve"],
    "client_member": ["Dev"],
    "team_lead": ["Ana"],
    "team_member": ["Ben"],
}


def test_default_needs_a_client_leader_and_a_team_lead() -> None:
    state = _tally(BuyInRule.DEFAULT, {"Carla": YES}, **ROLES)
    assert not state.reached
    assert state.missing == ["an approval from a team lead"]
    state = _tally(BuyInRule.DEFAULT, {"Carla": YES, "Ana": YES}, **ROLES)
    assert state.reached and state.missing == []
    assert [b.label for b in state.approvers()] == ["Carla (client leader)", "Ana (team lead)"]


def test_default_is_blocked_by_any_client_leader_objection_only() -> None:
    state = _tally(BuyInRule.DEFAULT, {"Carla": YES, "Ana": YES, "Dana": NO}, **ROLES)
    assert not state.reached
    assert state.missing == ["1 client leader to withdraw their objection"]
    two = _tally(BuyInRule.DEFAULT, {"Carla": NO, "Ana": YES, "Dana": NO}, **ROLES)
    assert "2 client leaders to withdraw their objections" in two.missing
    assert not any("Dana" in item or "Carla" in item for item in two.missing)
    state = _tally(BuyInRule.DEFAULT, {"Carla": YES, "Ana": YES, "Dev": NO, "Ben": NO}, **ROLES)
    assert state.reached
    assert [b.name for b in state.objections[Side.CLIENT]] == ["Dev"]
    assert [b.name for b in state.objections[Side.TEAM]] == ["Ben"]


def test_members_and_strangers_do_not_stand_in_for_leaders() -> None:
    state = _tally(BuyInRule.DEFAULT, {"Dev": YES, "Ben": YES, "Stranger": YES}, **ROLES)
    assert state.missing == ["an approval from a client leader", "an approval from a team lead"]
    assert sum(len(v) for v in state.approvals.values()) == 2


def test_majority_needs_more_than_half_of_client_leaders_and_a_team_lead() -> None:
    state = _tally(BuyInRule.CLIENT_MAJORITY, {"Carla": YES, "Ana": YES, "Dana": NO}, **ROLES)
    assert not state.reached
    assert state.missing == [
        "1 more approval from client leadership (1 of 3 so far; more than half is needed)"
    ]
    state = _tally(BuyInRule.CLIENT_MAJORITY, {"Carla": YES, "Eve": YES, "Dana": NO}, **ROLES)
    assert state.missing == ["an approval from a team lead"]
    state = _tally(
        BuyInRule.CLIENT_MAJORITY, {"Carla": YES, "Eve": YES, "Dana": NO, "Ana": YES}, **ROLES
    )
    assert state.reached
    two = {"client_leader": ["Carla", "Dana"], "team_lead": ["Ana"]}
    assert not _tally(BuyInRule.CLIENT_MAJORITY, {"Carla": YES, "Ana": YES}, **two).reached
    assert "2 more approvals" in _tally(BuyInRule.CLIENT_MAJORITY, {}, **two).missing[0]


def test_without_client_leaders_no_rule_can_hold() -> None:
    for rule in BuyInRule:
        state = _tally(rule, {"Dev": YES, "Ana": YES}, client_member=["Dev"], team_lead=["Ana"])
        assert not state.reached
        assert state.missing[0].startswith("a client leader: nobody has that role yet")


@pytest.mark.parametrize(
    ("reaction", "kind"),
    [
        ("white_check_mark", YES),
        ("+1", YES),
        ("+1::skin-tone-4", YES),
        ("heavy_check_mark", YES),
        ("x", NO),
        ("-1::skin-tone-2", NO),
        ("tada", None),
        ("heavy_multiplication_x", None),
    ],
)
def test_only_approve_and_object_reactions_are_votes(reaction: str, kind: VoteKind | None) -> None:
    assert kind_of(reaction) is kind


def test_rule_words() -> None:
    assert parse_rule("Majority") is BuyInRule.CLIENT_MAJORITY
    assert parse_rule(" default ") is BuyInRule.DEFAULT
    assert parse_rule("sometimes") is None


# ---- builders stay within Slack's limits ------------------------------------------------


def _snapshot(**overrides: object) -> StrategySnapshot:
    grouped, ids = _people(**ROLES)
    votes = [_Vote(ids["Carla"], YES), _Vote(ids["Dana"], NO), _Vote(ids["Ana"], YES)]
    fields: dict[str, object] = {
        "strategy_id": 1,
        "client_name": "Acme <&> Co",
        "version": 2,
        "status": StrategyStatus.PROPOSED,
        "author_name": "ana",
        "summary": "Fix & <ship> @channel " * 400,
        "measures": ["On time " * 80] * 25,
        "actions": [
            ActionItem("Do <it> " * 60, "UANA", "ana", date(2026, 12, 1)) for _ in range(20)
        ],
        "addressed": [Addressed(n, 4, "Broken & slow " * 40, n % 2 == 0) for n in range(1, 40)],
        "coverage": Coverage(8, 13, 3, 5),
        "buyin": tally(votes, grouped, BuyInRule.DEFAULT),
        "channel": "CACME",
        "ts": "1.2",
        "approved_at": None,
        "previous": VersionRef(1, "CACME", "1.1"),
        "superseded_by": None,
    }
    fields.update(overrides)
    return StrategySnapshot(**fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "status", [StrategyStatus.PROPOSED, StrategyStatus.APPROVED, StrategyStatus.SUPERSEDED]
)
def test_the_strategy_message_fits_slack_and_never_pings(status: StrategyStatus) -> None:
    snap = _snapshot(
        status=status,
        approved_at=datetime(2026, 6, 2, tzinfo=UTC),
        superseded_by=VersionRef(3, "CACME", "1.3"),
    )
    blocks = [b.to_dict() for b in strategy_message(snap, previous_link="https://x/p1")]
    assert message_block_errors(blocks) == []
    shown = str(blocks)
    assert "<!channel>" not in shown and "<ship>" not in shown
    assert "Dana (client leader)" in shown


def test_grievance_options_fit_75_characters() -> None:
    text = grievance_option_text(123, 4, "word " * 100)
    assert len(text) <= 75 and text.startswith("#123 · severity 4 · word")


def test_the_modal_fits_slack_with_a_hundred_grievances() -> None:
    grievances = [
        view_of(Grievance(id=n, number=n, severity=1 + n % 4, text="Very long grievance " * 20))
        for n in range(1, 101)
    ]
    view = strategy_modal(
        StrategyModalContext(team_id="T", channel_id="C", case_id=1, version=2),
        Prefill(version=2, summary="s" * 5000, actions="a", grievance_ids=[1, 2], measures="m"),
        client_name="Acme",
        grievances=grievances,
        open_total=130,
    ).to_dict()
    assert view_errors(view) == []
    [select] = [b for b in view["blocks"] if b.get("block_id") == "strategy_grievances"]
    assert len(select["element"]["options"]) == 100
    assert len(select["element"]["initial_options"]) == 2
    assert "100 most severe of 130" in select["hint"]["text"]
