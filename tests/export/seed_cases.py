"""The export tests' seed: a realistic history of two cases (people, grievances, the
timeline with edits and deletions), with the Acme case's playbook and recovery rows.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from storage.models import (
    BuyInRule,
    Case,
    CaseLead,
    Category,
    EntryRevision,
    Grievance,
    GrievanceWithheld,
    Person,
    Side,
    Stage,
    Status,
    TimelineEntry,
    Workspace,
)
from tests.export.facts import CONFIDENTIAL_TEXT, DELETED_SECRET, MULTILINE, _at
from tests.export.seed_playbook import _seed_playbook, _seed_recovery


def _seed(session: Session) -> tuple[int, int, int]:
    """A realistic history; returns (acme entries, of which confidential, globex entries)."""
    ws = Workspace(team_id="T0ACME", url="https://acme-agency.slack.com/", created_at=_at(0))
    session.add(ws)
    session.flush()

    def person(slack: str | None, name: str, side: Side, role: str | None = None) -> Person:
        p = Person(
            workspace_id=ws.id,
            slack_user_id=slack,
            display_name=name,
            side=side,
            role=role,
            timezone="Europe/Berlin" if side is Side.TEAM else None,
            created_at=_at(1),
        )
        session.add(p)
        return p

    alice = person("U0ALICE", "Alice Lead", Side.TEAM, "delivery lead")
    bob = person("U0BOB", "Bob Dev", Side.TEAM, "engineer")
    carol = person("U0CAROL", "Carol Client", Side.CLIENT, "CTO")
    dan = person("U0DAN", "Dan Client", Side.CLIENT)
    session.flush()

    acme = Case(
        workspace_id=ws.id,
        channel_id="C0ACME",
        client_name="Acme Corp",
        stage=Stage.REWORK,
        named=True,
        buyin_rule=BuyInRule.CLIENT_MAJORITY,
        interview_reminder_hours=24,
        digest_weekday=0,
        digest_time="09:00",
        digest_timezone="Europe/Berlin",
        closed_at=_at(500),
        created_at=_at(2),
        updated_at=_at(90),
    )
    globex = Case(
        workspace_id=ws.id,
        channel_id="C0GLOBEX",
        client_name="Globex",
        stage=Stage.STABILIZE,
        created_at=_at(3),
        updated_at=_at(4),
    )
    session.add_all([acme, globex])
    session.flush()
    session.add_all(
        [
            CaseLead(case_id=acme.id, person_id=alice.id, created_at=_at(5)),
            CaseLead(case_id=globex.id, person_id=bob.id, added_by_id=alice.id, created_at=_at(6)),
        ]
    )

    g1 = Grievance(
        case_id=acme.id,
        number=1,
        reporter_id=alice.id,
        raised_by_id=carol.id,
        raised_by_name="Carol Client",
        side=Side.CLIENT,
        category=Category.QUALITY,
        severity=3,
        text="The weekly reports arrive late and are full of errors.\n" + "x" * 120,
        status=Status.ADDRESSING,
        cares_about="Board meeting numbers",
        success_measure="Two clean reports in a row",
        source_permalink="https://acme-agency.slack.com/archives/C0ACME/p1709283600000100",
        slack_channel="C0ACME",
        slack_ts="1709283600.000100",
        created_at=_at(10),
        updated_at=_at(40),
    )
    g2 = Grievance(
        case_id=acme.id,
        number=2,
        raised_by_name="Erin (by email)",
        side=Side.CLIENT,
        category=Category.TIMELINE,
        severity=1,
        text="Launch slipped a week.",
        status=Status.RESOLVED,
        went_well="Daily updates during the slip",
        created_at=_at(20),
        updated_at=_at(60),
    )
    g3 = Grievance(
        case_id=acme.id,
        number=3,
        reporter_id=bob.id,
        raised_by_id=bob.id,
        side=Side.TEAM,
        category=Category.PEOPLE,
        severity=2,
        text=CONFIDENTIAL_TEXT,
        confidential=True,
        created_at=_at(30),
        updated_at=_at(30),
    )
    gx = Grievance(
        case_id=globex.id,
        number=1,
        raised_by_id=dan.id,
        side=Side.CLIENT,
        category=Category.COST,
        text="Invoice doubled.",
        created_at=_at(50),
        updated_at=_at(50),
    )
    session.add_all([g1, g2, g3, gx])
    session.flush()
    session.add(GrievanceWithheld(grievance_id=g3.id, person_id=alice.id))  # #3 names Alice

    def entry(case: Case, minute: int, kind: str, author: Person | None, text: str, **kw: Any):
        e = TimelineEntry(
            case_id=case.id,
            kind=kind,
            author_id=author.id if author else None,
            text=text,
            slack_channel=case.channel_id,
            slack_ts=f"17092836{minute:02d}.000200",
            created_at=_at(minute),
            **kw,
        )
        session.add(e)
        return e

    entry(acme, 2, "case_opened", alice, "Case opened for Acme")
    entry(acme, 5, "lead_added", alice, "Alice Lead leads this case")
    entry(acme, 10, "grievance_filed", carol, g1.text, grievance_id=g1.id)
    edited = entry(
        acme,
        12,
        "reply",
        bob,
        "We moved the report job to Monday.",
        grievance_id=g1.id,
        edited=True,
    )
    deleted = entry(acme, 13, "reply", carol, "", grievance_id=g1.id, deleted=True, edited=True)
    entry(acme, 14, "reply", carol, MULTILINE, grievance_id=g1.id)
    entry(acme, 20, "grievance_filed", None, g2.text, grievance_id=g2.id)
    entry(
        acme, 30, "grievance_filed", bob, CONFIDENTIAL_TEXT, grievance_id=g3.id, confidential=True
    )
    entry(acme, 31, "reply", alice, "Let us talk 1:1.", grievance_id=g3.id, confidential=True)
    entry(acme, 32, "status_changed", alice, "open → ack", grievance_id=g3.id, confidential=True)
    entry(acme, 40, "status_changed", alice, "acknowledged → addressing", grievance_id=g1.id)
    entry(acme, 60, "status_changed", alice, "addressing → resolved", grievance_id=g2.id)
    entry(acme, 90, "case_renamed", alice, "Renamed to Acme Corp")
    entry(globex, 3, "case_opened", bob, "Case opened for Globex")
    entry(globex, 50, "grievance_filed", dan, gx.text, grievance_id=gx.id)
    entry(globex, 51, "reply", bob, "Checking with finance.", grievance_id=gx.id)
    session.flush()
    session.add_all(
        [
            EntryRevision(entry_id=edited.id, text="We will look into it.", replaced_at=_at(12)),
            EntryRevision(entry_id=deleted.id, text=DELETED_SECRET, replaced_at=_at(13)),
        ]
    )
    frank = person("U0FRANK", "Frank Client", Side.CLIENT)  # named only by the playbook rows
    session.flush()
    _seed_playbook(session, acme, (alice, bob, carol, dan, frank), (g1, g2, g3))
    _seed_recovery(session, acme, (alice, bob, carol, dan, frank), (g1, g3))
    return 13, 3, 3
