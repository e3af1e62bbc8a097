"""One case's whole history, gathered part by part in a fixed number of queries.

Every part's rows that name people are read first, so all of them join one batched person
lookup; then each part builds its records, asking :mod:`bot.export.rules` what the reader
may see.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import chain

from sqlalchemy.orm import Session

from bot.export import rules
from bot.export.gather.bookkeeping import digest_records, health_records, notice_records
from bot.export.gather.checkins import checkin_records, load_checkins
from bot.export.gather.commitments import (
    commitment_records,
    load_commitments,
)
from bot.export.gather.commitments import person_ids as commitment_people
from bot.export.gather.interviews import interview_records, load_interviews, question_sets
from bot.export.gather.people import (
    People,
    Roles,
    lead_records,
    load_leads,
    load_members,
    member_records,
)
from bot.export.gather.pulse import load_pulse, pulse_records
from bot.export.gather.ratings import load_ratings, rating_records
from bot.export.gather.strategies import load_strategies, progress_records, strategy_records
from bot.export.gather.timeline import gather_history, load_grievances
from bot.export.model import (
    CaseRecord,
    CheckinScheduleRecord,
    CommitmentRecord,
    FinalRatingRecord,
    GrievanceRecord,
    InterviewRecord,
    LeadRecord,
    MemberRecord,
    PersonRef,
    ProgressUpdateRecord,
    PulseRoundRecord,
    ResponseTimeRecord,
    StrategyRecord,
)
from bot.export.stored import as_utc, as_utc_or_none
from bot.playbook import targets
from storage.models import Case, Grievance, Person


def gather_case(
    *,
    session: Session,
    case: Case,
    workspace: tuple[str, str | None],
    people: People,
    include_confidential: bool,
    reader: Person | None,
) -> CaseRecord:
    """Load one case in a fixed number of queries, whatever its size.

    ``workspace`` is its team id and URL; ``reader`` the lead a Slack export is for.
    """
    leads = load_leads(session, case.id)
    members = load_members(session, case.id)
    grievances = load_grievances(session, case.id)
    interviews = load_interviews(session, case.id)
    strategies = load_strategies(session, case.id)
    checkins = load_checkins(session, case.id)
    ratings = load_ratings(session, case.id)
    commitments = load_commitments(session, case.id)
    pulse = load_pulse(session, case.id)
    people.load(
        chain(
            grievances.person_ids(),
            (lead.person_id for lead in leads),
            (lead.added_by_id for lead in leads),
            (member.person_id for member in members),
            (interview.person_id for interview in interviews),
            (interview.invited_by_id for interview in interviews),
            strategies.person_ids(),
            checkins.person_ids(),
            (rating.person_id for rating in ratings),
            commitment_people(commitments),
            pulse.person_ids(),
        )
    )
    confidentiality = rules.Confidentiality.of(
        grievances.grievances,
        include_confidential=include_confidential,
        reader=reader,
        kept=grievances.kept,
    )
    history = gather_history(session, case.id, grievances, people, confidentiality)
    roles = Roles(members, people)
    parts = _Parts(
        leads=lead_records(leads, people),
        stakeholders=member_records(members, people),
        interviews=interview_records(session, case.id, interviews, people, roles),
        grievances=history.grievances,
        strategies=strategy_records(session, case.id, strategies, people, confidentiality),
        progress_updates=progress_records(session, case.id, strategies, people, confidentiality),
        checkin_schedules=checkin_records(checkins, people),
        final_ratings=rating_records(ratings, people, roles),
        commitments=commitment_records(session, case.id, commitments, people, confidentiality),
        pulse=pulse_records(pulse, people),
    )
    named = history.authors | {person.id for person in parts.named()}
    listed = [people.record(person_id) for person_id in sorted(named)]
    return CaseRecord(
        id=case.id,
        workspace_id=case.workspace_id,
        team_id=workspace[0],
        workspace_url=workspace[1],
        channel_id=case.channel_id,
        client_name=case.client_name,
        stage=case.stage.value,
        named=case.named,
        buyin_rule=case.buyin_rule.value,
        interview_reminder_hours=case.interview_reminder_hours,
        digest_weekday=case.digest_weekday,
        digest_time=case.digest_time,
        digest_timezone=case.digest_timezone,
        business_hours=case.business_hours,
        response_targets=case.response_targets,
        closed_at=as_utc_or_none(case.closed_at),
        closing_outcome=case.closing_outcome.value if case.closing_outcome else None,
        created_at=as_utc(case.created_at),
        updated_at=as_utc(case.updated_at),
        withheld_confidential=len(confidentiality.withheld),
        withheld_confidential_entries=history.withheld_entries,
        people=[person for person in listed if person is not None],
        leads=parts.leads,
        stakeholders=parts.stakeholders,
        interview_questions=question_sets(session, case.id),
        interviews=parts.interviews,
        grievances=parts.grievances,
        strategies=parts.strategies,
        progress_updates=parts.progress_updates,
        checkin_schedules=parts.checkin_schedules,
        commitments=parts.commitments,
        pulse_weeks=case.pulse_weeks,
        pulse=parts.pulse,
        response_times=response_records(case, grievances.grievances),
        health=health_records(session, case.id),
        digests=digest_records(session, case.id),
        final_ratings=parts.final_ratings,
        notices=notice_records(session, case.id),
        timeline=history.timeline,
    )


def response_records(case: Case, grievances: Sequence[Grievance]) -> list[ResponseTimeRecord]:
    """Response times per severity and side, from the grievances the client side may read
    (``bot.playbook.targets``, as the digest counts them)."""
    timings = [
        targets.Timing(
            severity=g.severity,
            side=g.side.value,
            created_at=as_utc(g.created_at),
            acknowledged_at=as_utc_or_none(g.acknowledged_at),
            resolved_at=as_utc_or_none(g.resolved_at),
            missed=g.ack_missed or g.plan_missed,
        )
        for g in grievances
        if not g.confidential
    ]
    return [
        ResponseTimeRecord(
            severity=row.severity,
            side=row.side,
            grievances=row.grievances,
            acknowledge_minutes=row.acknowledge,
            resolve_minutes=row.resolve,
            missed_targets=row.missed,
        )
        for row in targets.response_times(timings, targets.case_hours(case))
    ]


@dataclass(frozen=True, slots=True)
class _Parts:
    """The case's records that name people, gathered before its list of people is made."""

    leads: list[LeadRecord]
    stakeholders: list[MemberRecord]
    interviews: list[InterviewRecord]
    grievances: list[GrievanceRecord]
    strategies: list[StrategyRecord]
    progress_updates: list[ProgressUpdateRecord]
    checkin_schedules: list[CheckinScheduleRecord]
    final_ratings: list[FinalRatingRecord]
    commitments: list[CommitmentRecord]
    pulse: list[PulseRoundRecord]

    def named(self) -> Iterator[PersonRef]:
        """Everyone these records name (the timeline's authors are counted as it is read)."""
        for lead in self.leads:
            yield lead.person
            if lead.added_by is not None:
                yield lead.added_by
        for grievance in self.grievances:
            yield from grievance.withheld_from
            yield from (p for p in (grievance.raised_by, grievance.reporter) if p is not None)
        yield from (member.person for member in self.stakeholders)
        for interview in self.interviews:
            yield from (p for p in (interview.person, interview.invited_by) if p is not None)
        for strategy in self.strategies:
            if strategy.author is not None:
                yield strategy.author
            yield from (vote.person for vote in strategy.votes)
        for schedule in self.checkin_schedules:
            if schedule.created_by is not None:
                yield schedule.created_by
            for occurrence in schedule.occurrences:
                yield from (answer.person for answer in occurrence.answers)
                yield from (nudge.person for nudge in occurrence.nudges)
        yield from (u.author for u in self.progress_updates if u.author is not None)
        yield from (r.person for r in self.final_ratings if r.person is not None)
        for commitment in self.commitments:
            people = (commitment.owner, commitment.created_by, commitment.done_by)
            yield from (p for p in people if p is not None)
        for pulse in self.pulse:
            if pulse.sent_by is not None:
                yield pulse.sent_by
            yield from (reply.person for reply in pulse.replies)
