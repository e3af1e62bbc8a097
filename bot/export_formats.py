"""Serialise an :class:`~bot.playbook.export.ExportDocument` as JSON, CSV or markdown.

Each format has a pure ``render_*`` (document -> str) for tests and small exports, and a
``write_*`` that streams the same text to an open file in pieces, so a large history is
never held twice in memory as one giant string. The three formats serve different
readers: JSON is the lossless archive a program can read back, CSV is one row per
timeline entry for a spreadsheet, markdown is the report a person reads.

Stakeholders, interviews, strategies, check-ins, progress updates, health, digests and
final ratings are in the JSON and the markdown but not the CSV: they are not timeline
entries, and the timeline already carries a row for each change to them (role_changed,
interview_*, strategy_proposed, vote_cast, ...). Notices and the individual digest runs
are bookkeeping a person reading the report does not need, so only the JSON (the archive)
lists them; the markdown gives the digest schedule and how many digests went out.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime
from typing import Any, TextIO

from bot.playbook.anonymity import withheld_note
from bot.playbook.closing_check import OUTCOME_LABELS
from bot.playbook.export import (
    ActionRecord,
    AnswerRecord,
    CaseRecord,
    CheckinAnswerRecord,
    CheckinScheduleRecord,
    DigestRecord,
    EntryRecord,
    ExportDocument,
    FinalRatingRecord,
    GrievanceRecord,
    HealthRecord,
    InterviewRecord,
    LeadRecord,
    MemberRecord,
    NoticeRecord,
    NudgeRecord,
    OccurrenceRecord,
    PersonRecord,
    ProgressUpdateRecord,
    QuestionSetRecord,
    RevisionRecord,
    StrategyRecord,
    VoteRecord,
)
from bot.playbook.schedules import DAY_NAMES, describe
from storage.models import ClosingOutcome, Role, VoteKind

#: How markdown marks a reply its author deleted (its text is not exported).
DELETED_MARK = "_(deleted)_"

#: How markdown marks a reply that was edited after it was posted.
EDITED_MARK = "_(edited)_"

#: How markdown marks an anonymous interview or rating (it never names its person).
ANONYMOUS_MARK = "_(anonymous)_"

#: How markdown shows a question its interviewee left blank.
NO_ANSWER_MARK = "_(no answer)_"

#: Characters of a grievance's text shown in the markdown summary table.
SUMMARY_CHARS = 80

#: Health scores shown in the markdown series; older ones are elided, the JSON has them all.
HEALTH_SERIES_POINTS = 24

#: The CSV header, one row per timeline entry.
CSV_COLUMNS: tuple[str, ...] = (
    "case",
    "channel_id",
    "entry_id",
    "grievance",
    "kind",
    "author",
    "author_slack_id",
    "side",
    "created_at",
    "edited",
    "deleted",
    "confidential",
    "text",
)


# --- JSON -------------------------------------------------------------------------------


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _person_ref(person: PersonRecord | None) -> dict[str, Any] | None:
    """How a record names a person: enough to read it; the full record is in ``people``."""
    if person is None:
        return None
    return {
        "id": person.id,
        "display_name": person.display_name,
        "slack_user_id": person.slack_user_id,
        "side": person.side,
    }


def _person(person: PersonRecord) -> dict[str, Any]:
    return {
        "id": person.id,
        "slack_user_id": person.slack_user_id,
        "display_name": person.display_name,
        "side": person.side,
        "role": person.role,
        "timezone": person.timezone,
        "slack_names": person.slack_names,
        "created_at": _iso(person.created_at),
    }


def _revision(revision: RevisionRecord) -> dict[str, Any]:
    return {"id": revision.id, "text": revision.text, "replaced_at": _iso(revision.replaced_at)}


def _entry(entry: EntryRecord) -> dict[str, Any]:
    return {
        "id": entry.id,
        "kind": entry.kind,
        "author": _person_ref(entry.author),
        "text": entry.text,
        "slack_channel": entry.slack_channel,
        "slack_ts": entry.slack_ts,
        "grievance_id": entry.grievance_id,
        "grievance_number": entry.grievance_number,
        "confidential": entry.confidential,
        "edited": entry.edited,
        "deleted": entry.deleted,
        "created_at": _iso(entry.created_at),
        "revisions": [_revision(r) for r in entry.revisions],
    }


def _grievance(grievance: GrievanceRecord) -> dict[str, Any]:
    return {
        "id": grievance.id,
        "number": grievance.number,
        "raised_by_name": grievance.raised_by_name,
        "raised_by": _person_ref(grievance.raised_by),
        "reporter": _person_ref(grievance.reporter),
        "side": grievance.side,
        "category": grievance.category,
        "severity": grievance.severity,
        "text": grievance.text,
        "status": grievance.status,
        "confidential": grievance.confidential,
        "cares_about": grievance.cares_about,
        "success_measure": grievance.success_measure,
        "went_well": grievance.went_well,
        "source_permalink": grievance.source_permalink,
        "slack_channel": grievance.slack_channel,
        "slack_ts": grievance.slack_ts,
        "created_at": _iso(grievance.created_at),
        "updated_at": _iso(grievance.updated_at),
        "replies": [_entry(reply) for reply in grievance.replies],
        "withheld_from": [_person_ref(person) for person in grievance.withheld_from],
    }


def _member(member: MemberRecord) -> dict[str, Any]:
    """A stakeholder; ``created_at`` is when they joined, ``updated_at`` their last role change."""
    return {
        "id": member.id,
        "person": _person_ref(member.person),
        "role": member.role,
        "created_at": _iso(member.created_at),
        "updated_at": _iso(member.updated_at),
    }


def _question_set(question_set: QuestionSetRecord) -> dict[str, Any]:
    return {
        "id": question_set.id,
        "side": question_set.side,
        "questions": list(question_set.questions),
    }


def _answer(answer: AnswerRecord) -> dict[str, Any]:
    return {
        "id": answer.id,
        "position": answer.position,
        "question": answer.question,
        "answer": answer.answer,
        "updated_at": _iso(answer.updated_at),
    }


def _interview(interview: InterviewRecord) -> dict[str, Any]:
    return {
        "id": interview.id,
        "person": _person_ref(interview.person),
        "speaker": interview.speaker,
        "anonymous": interview.anonymous,
        "withheld": interview.withheld,
        "invited_by": _person_ref(interview.invited_by),
        "status": interview.status,
        "invited_at": _iso(interview.invited_at),
        "answered_at": _iso(interview.answered_at),
        "reminded_at": _iso(interview.reminded_at),
        "dm_channel": interview.dm_channel,
        "dm_ts": interview.dm_ts,
        "answers": [_answer(answer) for answer in interview.answers],
    }


def _action(action: ActionRecord) -> dict[str, Any]:
    return {
        "id": action.id,
        "position": action.position,
        "text": action.text,
        "owner_user_id": action.owner_user_id,
        "owner_name": action.owner_name,
        "due": None if action.due is None else action.due.isoformat(),
        "done_at": _iso(action.done_at),
    }


def _vote(vote: VoteRecord) -> dict[str, Any]:
    return {
        "id": vote.id,
        "person": _person_ref(vote.person),
        "kind": vote.kind,
        "reaction": vote.reaction,
        "updated_at": _iso(vote.updated_at),
    }


def _strategy(strategy: StrategyRecord) -> dict[str, Any]:
    return {
        "id": strategy.id,
        "version": strategy.version,
        "author": _person_ref(strategy.author),
        "summary": strategy.summary,
        "success_measures": list(strategy.success_measures),
        "previous_id": strategy.previous_id,
        "previous_version": strategy.previous_version,
        "status": strategy.status,
        "slack_channel": strategy.slack_channel,
        "slack_ts": strategy.slack_ts,
        "created_at": _iso(strategy.created_at),
        "approved_at": _iso(strategy.approved_at),
        "actions": [_action(action) for action in strategy.actions],
        "addressed": list(strategy.addressed),
        "withheld_addressed": strategy.withheld_addressed,
        "votes": [_vote(vote) for vote in strategy.votes],
    }


def _checkin_answer(answer: CheckinAnswerRecord) -> dict[str, Any]:
    return {
        "id": answer.id,
        "person": _person_ref(answer.person),
        "question_index": answer.question_index,
        "rating": answer.rating,
        "text": answer.text,
        "slack_ts": answer.slack_ts,
        "created_at": _iso(answer.created_at),
        "updated_at": _iso(answer.updated_at),
    }


def _nudge(nudge: NudgeRecord) -> dict[str, Any]:
    return {"id": nudge.id, "person": _person_ref(nudge.person), "sent_at": _iso(nudge.sent_at)}


def _occurrence(occurrence: OccurrenceRecord) -> dict[str, Any]:
    return {
        "id": occurrence.id,
        "due_at": _iso(occurrence.due_at),
        "status": occurrence.status,
        "late": occurrence.late,
        "claimed_at": _iso(occurrence.claimed_at),
        "posted_at": _iso(occurrence.posted_at),
        "slack_channel": occurrence.slack_channel,
        "slack_ts": occurrence.slack_ts,
        "error": occurrence.error,
        "answers": [_checkin_answer(answer) for answer in occurrence.answers],
        "nudges": [_nudge(nudge) for nudge in occurrence.nudges],
    }


def _date(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _checkin_schedule(schedule: CheckinScheduleRecord) -> dict[str, Any]:
    return {
        "id": schedule.id,
        "created_by": _person_ref(schedule.created_by),
        "channel_id": schedule.channel_id,
        "days": schedule.days,
        "interval_weeks": schedule.interval_weeks,
        "anchor": _date(schedule.anchor),
        "time_of_day": schedule.time_of_day,
        "timezone": schedule.timezone,
        "audience": schedule.audience,
        "questions": schedule.questions,
        "open_tally": schedule.open_tally,
        "paused": schedule.paused,
        "paused_reason": schedule.paused_reason,
        "pause_from": _date(schedule.pause_from),
        "pause_until": _date(schedule.pause_until),
        "holidays": list(schedule.holidays),
        "grace_minutes": schedule.grace_minutes,
        "nudge_after_minutes": schedule.nudge_after_minutes,
        "checked_until": _iso(schedule.checked_until),
        "created_at": _iso(schedule.created_at),
        "occurrences": [_occurrence(occurrence) for occurrence in schedule.occurrences],
    }


def _progress_update(update: ProgressUpdateRecord) -> dict[str, Any]:
    return {
        "id": update.id,
        "author": _person_ref(update.author),
        "strategy_id": update.strategy_id,
        "strategy_version": update.strategy_version,
        "text": update.text,
        "slack_channel": update.slack_channel,
        "slack_ts": update.slack_ts,
        "created_at": _iso(update.created_at),
        "addressed": list(update.addressed),
        "withheld_addressed": update.withheld_addressed,
    }


def _health(snapshot: HealthRecord) -> dict[str, Any]:
    return {
        "id": snapshot.id,
        "score": snapshot.score,
        "components": snapshot.components,
        "computed_at": _iso(snapshot.computed_at),
    }


def _notice(notice: NoticeRecord) -> dict[str, Any]:
    return {
        "id": notice.id,
        "kind": notice.kind,
        "key": notice.key,
        "created_at": _iso(notice.created_at),
    }


def _digest(digest: DigestRecord) -> dict[str, Any]:
    return {
        "id": digest.id,
        "due_at": _iso(digest.due_at),
        "status": digest.status,
        "posted_at": _iso(digest.posted_at),
    }


def _final_rating(rating: FinalRatingRecord) -> dict[str, Any]:
    """An anonymous rating has no person, only ``speaker`` (see ``bot.playbook.export``)."""
    return {
        "id": rating.id,
        "person": _person_ref(rating.person),
        "speaker": rating.speaker,
        "anonymous": rating.anonymous,
        "withheld": rating.withheld,
        "rating": rating.rating,
        "comment": rating.comment,
        "requested_at": _iso(rating.requested_at),
        "answered_at": _iso(rating.answered_at),
    }


def _lead(lead: LeadRecord) -> dict[str, Any]:
    return {
        "id": lead.id,
        "person": _person_ref(lead.person),
        "added_by": _person_ref(lead.added_by),
        "created_at": _iso(lead.created_at),
    }


def _case_fields(case: CaseRecord) -> dict[str, Any]:
    return {
        "id": case.id,
        "workspace_id": case.workspace_id,
        "team_id": case.team_id,
        "workspace_url": case.workspace_url,
        "channel_id": case.channel_id,
        "client_name": case.client_name,
        "stage": case.stage,
        "named": case.named,
        "buyin_rule": case.buyin_rule,
        "interview_reminder_hours": case.interview_reminder_hours,
        "digest_weekday": case.digest_weekday,
        "digest_time": case.digest_time,
        "digest_timezone": case.digest_timezone,
        "closed_at": _iso(case.closed_at),
        "closing_outcome": case.closing_outcome,
        "created_at": _iso(case.created_at),
        "updated_at": _iso(case.updated_at),
        "withheld_confidential": case.withheld_confidential,
        "withheld_confidential_entries": case.withheld_confidential_entries,
    }


def case_to_json(case: CaseRecord) -> dict[str, Any]:
    """One case as plain JSON types: enums as their values, datetimes ISO 8601 with offset."""
    return {
        **_case_fields(case),
        "people": [_person(person) for person in case.people],
        "leads": [_lead(lead) for lead in case.leads],
        "stakeholders": [_member(member) for member in case.stakeholders],
        "interview_questions": [_question_set(q) for q in case.interview_questions],
        "interviews": [_interview(interview) for interview in case.interviews],
        "grievances": [_grievance(g) for g in case.grievances],
        "strategies": [_strategy(strategy) for strategy in case.strategies],
        "progress_updates": [_progress_update(update) for update in case.progress_updates],
        "checkin_schedules": [_checkin_schedule(s) for s in case.checkin_schedules],
        "health": [_health(snapshot) for snapshot in case.health],
        "digests": [_digest(digest) for digest in case.digests],
        "final_ratings": [_final_rating(rating) for rating in case.final_ratings],
        "notices": [_notice(notice) for notice in case.notices],
        "timeline": [_entry(entry) for entry in case.timeline],
    }


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _iter_array(
    key: str, items: Iterable[dict[str, Any]], indent: str, last: bool
) -> Iterator[str]:
    """A named array with one compact object per line.

    One line per record keeps a large export fast (the C encoder does each line) and
    still diffable, where a fully indented document is several times larger and slower.
    """
    yield f"{indent}{_dumps(key)}: ["
    separator = "\n"
    for item in items:
        yield f"{separator}{indent}  {_dumps(item)}"
        separator = ",\n"
    yield ("\n" + indent if separator != "\n" else "") + ("]\n" if last else "],\n")


def iter_json(document: ExportDocument) -> Iterator[str]:
    """The JSON document in pieces, one record per line, so it streams and diffs well."""
    head = {
        "exported_at": _iso(document.exported_at),
        "format_version": document.format_version,
        "case_filter": document.case_filter,
        "include_confidential": document.include_confidential,
        "withheld_confidential": document.withheld_confidential,
        "withheld_confidential_entries": document.withheld_confidential_entries,
    }
    yield "{\n"
    for key, value in head.items():
        yield f"  {_dumps(key)}: {_dumps(value)},\n"
    if not document.cases:
        yield '  "cases": []\n}\n'
        return
    yield '  "cases": [\n'
    for index, case in enumerate(document.cases):
        yield "    {\n"
        for key, value in _case_fields(case).items():
            yield f"      {_dumps(key)}: {_dumps(value)},\n"
        pad = " " * 6
        yield from _iter_array("people", map(_person, case.people), pad, last=False)
        yield from _iter_array("leads", map(_lead, case.leads), pad, last=False)
        yield from _iter_array("stakeholders", map(_member, case.stakeholders), pad, last=False)
        yield from _iter_array(
            "interview_questions", map(_question_set, case.interview_questions), pad, last=False
        )
        yield from _iter_array("interviews", map(_interview, case.interviews), pad, last=False)
        yield from _iter_array("grievances", map(_grievance, case.grievances), pad, last=False)
        yield from _iter_array("strategies", map(_strategy, case.strategies), pad, last=False)
        yield from _iter_array(
            "progress_updates", map(_progress_update, case.progress_updates), pad, last=False
        )
        yield from _iter_array(
            "checkin_schedules", map(_checkin_schedule, case.checkin_schedules), pad, last=False
        )
        yield from _iter_array("health", map(_health, case.health), pad, last=False)
        yield from _iter_array("digests", map(_digest, case.digests), pad, last=False)
        yield from _iter_array(
            "final_ratings", map(_final_rating, case.final_ratings), pad, last=False
        )
        yield from _iter_array("notices", map(_notice, case.notices), pad, last=False)
        yield from _iter_array("timeline", map(_entry, case.timeline), pad, last=True)
        yield "    },\n" if index < len(document.cases) - 1 else "    }\n"
    yield "  ]\n}\n"


# --- CSV --------------------------------------------------------------------------------


def _flag(value: bool) -> str:
    return "true" if value else "false"


#: What a spreadsheet takes as the start of a formula (OWASP's CSV injection list).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _inert(text: str) -> str:
    """People's words as a spreadsheet shows them, never as a formula it runs: the file
    holds confidential items and a client wrote the text, so ``=HYPERLINK(…)`` stays text."""
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def iter_csv_rows(document: ExportDocument) -> Iterator[dict[str, str]]:
    """One flat row per exported timeline entry, in case then entry order."""
    for case in document.cases:
        for entry in case.timeline:
            author = entry.author
            yield {
                "case": _inert(case.client_name),
                "channel_id": case.channel_id,
                "entry_id": str(entry.id),
                "grievance": "" if entry.grievance_number is None else str(entry.grievance_number),
                "kind": entry.kind,
                "author": _inert(author.display_name) if author else "",
                "author_slack_id": (author.slack_user_id or "") if author else "",
                "side": author.side if author else "",
                "created_at": entry.created_at.isoformat(),
                "edited": _flag(entry.edited),
                "deleted": _flag(entry.deleted),
                "confidential": _flag(entry.confidential),
                "text": _inert(entry.text),
            }


def write_csv(document: ExportDocument, out: TextIO) -> None:
    """Write the CSV; ``out`` should be opened with ``newline=""`` as the csv module asks."""
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS)
    writer.writeheader()
    for row in iter_csv_rows(document):
        writer.writerow(row)


# --- markdown ---------------------------------------------------------------------------


def _when(value: datetime) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC")


def _who(person: PersonRecord | None, fallback: str = "someone") -> str:
    if person is None:
        return fallback
    if person.slack_user_id:
        return f"{person.display_name} ({person.slack_user_id})"
    return person.display_name


def _cell(text: str) -> str:
    """Text that cannot break a markdown table row: one line, pipes escaped."""
    return " ".join(text.split()).replace("|", "\\|")


def _summary(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= SUMMARY_CHARS else flat[: SUMMARY_CHARS - 1].rstrip() + "…"


def _indented(text: str, prefix: str = "  ") -> str:
    """Continuation lines of a list item, indented so they stay inside it."""
    return "\n".join(
        line if index == 0 or not line else prefix + line
        for index, line in enumerate(text.split("\n"))
    )


def _quoted(text: str) -> str:
    return "\n".join("> " + line if line else ">" for line in text.split("\n"))


def _md_header(document: ExportDocument) -> Iterator[str]:
    yield "# Grievance history export\n\n"
    scope = f" matching {document.case_filter!r}" if document.case_filter else ""
    yield (
        f"Exported {_when(document.exported_at)}: {len(document.cases)} case(s){scope}, "
        f"{document.grievance_count} grievance(s), {document.entry_count} timeline entries.\n\n"
    )
    if document.withheld_confidential or document.withheld_confidential_entries:
        why = (
            "they name you, so they are kept from you everywhere in the bot"
            if document.for_reader
            else "export with --include-confidential to include them"
        )
        yield (
            f"> **Note:** {document.withheld_confidential} confidential grievance(s) and "
            f"{document.withheld_confidential_entries} timeline entries belonging to them "
            f"were withheld; {why}.\n\n"
        )
    if not document.cases:
        yield "_No cases._\n"


def _md_leads(case: CaseRecord) -> Iterator[str]:
    yield "### Leads\n\n"
    if not case.leads:
        yield "_No leads._\n\n"
        return
    for lead in case.leads:
        added = f", added by {_who(lead.added_by)}" if lead.added_by else ""
        yield f"- {_who(lead.person)}, since {_when(lead.created_at)}{added}\n"
    yield "\n"


def _md_table(case: CaseRecord) -> Iterator[str]:
    yield "### Grievances\n\n"
    if not case.grievances:
        yield "_No grievances._\n\n"
        return
    yield "| # | Status | Severity | Category | Side | Raised by | Summary |\n"
    yield "| ---: | --- | ---: | --- | --- | --- | --- |\n"
    for g in case.grievances:
        number = f"{g.number} (confidential)" if g.confidential else str(g.number)
        yield (
            f"| {number} | {g.status} | {g.severity} | {g.category} | {g.side} | "
            f"{_cell(g.raised_by_label)} | {_cell(_summary(g.text))} |\n"
        )
    yield "\n"


def _md_reply(reply: EntryRecord) -> str:
    head = f"- **{_who(reply.author)}**, {_when(reply.created_at)}"
    if reply.deleted:
        return f"{head}: {DELETED_MARK}\n"
    edited = f" {EDITED_MARK}" if reply.edited else ""
    return f"{head}{edited}:\n  {_indented(reply.text)}\n"


def _md_grievance(g: GrievanceRecord) -> Iterator[str]:
    yield f"#### Grievance #{g.number}: {g.category}, {g.status}\n\n"
    raised = g.raised_by_label or "unknown"
    if g.raised_by is not None and g.raised_by.slack_user_id:
        raised += f" ({g.raised_by.slack_user_id})"
    yield f"- Raised by {raised}, {g.side} side, severity {g.severity}\n"
    if g.reporter is not None:
        yield f"- Reported by {_who(g.reporter)}\n"
    yield f"- Filed {_when(g.created_at)}, last updated {_when(g.updated_at)}\n"
    if g.confidential:
        kept = ", ".join(_who(person) for person in g.withheld_from)
        but = f", except {kept}, whom it names" if kept else ""
        yield f"- **Confidential**: visible to the case leads only{but}\n"
    for label, value in (
        ("Cares about", g.cares_about),
        ("Success looks like", g.success_measure),
        ("Went well", g.went_well),
        ("Source", g.source_permalink),
    ):
        if value:
            yield f"- {label}: {_indented(value)}\n"
    yield "\n" + _quoted(g.text) + "\n\n"
    yield "**Discussion**\n\n"
    if not g.replies:
        yield "_No replies._\n\n"
        return
    for reply in g.replies:
        yield _md_reply(reply)
    yield "\n"


def _md_timeline(case: CaseRecord) -> Iterator[str]:
    yield "### Timeline\n\n"
    if not case.timeline:
        yield "_No timeline entries._\n\n"
        return
    for entry in case.timeline:
        about = f" #{entry.grievance_number}" if entry.grievance_number is not None else ""
        by = f" · {_who(entry.author)}" if entry.author is not None else ""
        head = f"- {_when(entry.created_at)} · {entry.kind}{about}{by}"
        if entry.deleted:
            yield f"{head}: {DELETED_MARK}\n"
        elif entry.text:
            edited = f" {EDITED_MARK}" if entry.edited else ""
            yield f"{head}{edited}: {_indented(entry.text)}\n"
        else:
            yield head + "\n"
    yield "\n"


#: Roles in the order the stakeholder section lists them, leaders first on each side.
ROLE_ORDER: tuple[str, ...] = tuple(role.value for role in Role)

#: Vote kinds in the order a strategy's votes are listed.
VOTE_ORDER: tuple[str, ...] = tuple(kind.value for kind in VoteKind)


def _label(value: str) -> str:
    """An enum value as a reader would say it: ``client_leader`` -> ``Client leader``."""
    return value.replace("_", " ").capitalize()


def _ranked(value: str, order: tuple[str, ...]) -> int:
    """Position of ``value`` in ``order``; values the order does not know go last."""
    return order.index(value) if value in order else len(order)


def _md_stakeholders(case: CaseRecord) -> Iterator[str]:
    yield "### Stakeholders\n\n"
    if not case.stakeholders:
        yield "_No stakeholders._\n\n"
        return
    members = sorted(case.stakeholders, key=lambda m: (_ranked(m.role, ROLE_ORDER), m.id))
    for member in members:
        yield f"- {_label(member.role)}: {_who(member.person)}, since {_when(member.created_at)}\n"
    yield "\n"


def _md_answer(answer: AnswerRecord) -> str:
    """A numbered question with its answer quoted under it, indented into the list item."""
    question = " ".join(answer.question.split())
    head = f"  {answer.position}. {question}\n"
    if not answer.answer.strip():
        return f"{head}     {NO_ANSWER_MARK}\n"
    return f"{head}     {_indented(_quoted(answer.answer), '     ')}\n"


def _md_interview(interview: InterviewRecord) -> Iterator[str]:
    status = _label(interview.status).lower()
    if interview.anonymous:
        yield f"- **{_cell(interview.speaker)}** {ANONYMOUS_MARK}: {status}\n"
        if interview.withheld:
            yield f"  {withheld_note(1)}\n"
    else:
        times = [f"invited {_when(interview.invited_at)}"] if interview.invited_at else []
        if interview.reminded_at is not None:
            times.append(f"reminded {_when(interview.reminded_at)}")
        if interview.answered_at is not None:
            times.append(f"answered {_when(interview.answered_at)}")
        yield f"- **{_who(interview.person)}**: {status} ({', '.join(times)})\n"
    if any(answer.answer.strip() for answer in interview.answers):
        for answer in interview.answers:
            yield _md_answer(answer)


def _md_interviews(case: CaseRecord) -> Iterator[str]:
    yield "### Interviews\n\n"
    for question_set in case.interview_questions:
        yield f"Custom questions for the {question_set.side} side:\n\n"
        for number, question in enumerate(question_set.questions, start=1):
            yield f"{number}. {_cell(question)}\n"
        yield "\n"
    if not case.interviews:
        yield "_No interviews._\n\n"
        return
    for interview in case.interviews:
        yield from _md_interview(interview)
    yield "\n"


def _md_action(action: ActionRecord) -> str:
    details: list[str] = []
    if action.owner_name and action.owner_user_id:
        details.append(f"owner {action.owner_name} ({action.owner_user_id})")
    elif action.owner_name or action.owner_user_id:
        details.append(f"owner {action.owner_name or action.owner_user_id}")
    if action.due is not None:
        details.append(f"due {action.due.isoformat()}")
    if action.done_at is not None:
        details.append(f"done {_when(action.done_at)}")
    suffix = f" ({'; '.join(details)})" if details else ""
    return f"{action.position}. {_indented(action.text, '   ')}{suffix}\n"


def _md_votes(strategy: StrategyRecord) -> Iterator[str]:
    kinds = sorted({vote.kind for vote in strategy.votes}, key=lambda k: _ranked(k, VOTE_ORDER))
    if not kinds:
        yield "- Votes: none\n"
        return
    for kind in kinds:
        voters = [v for v in strategy.votes if v.kind == kind]
        names = ", ".join(f"{_who(v.person)} :{v.reaction}:" for v in voters)
        yield f"- Votes to {kind} ({len(voters)}): {names}\n"


def _md_strategy(strategy: StrategyRecord) -> Iterator[str]:
    yield f"#### Strategy v{strategy.version}: {strategy.status}\n\n"
    yield f"- Proposed by {_who(strategy.author)}, {_when(strategy.created_at)}\n"
    if strategy.approved_at is not None:
        yield f"- Approved {_when(strategy.approved_at)}\n"
    if strategy.previous_version is not None:
        yield f"- Revises v{strategy.previous_version}\n"
    numbers = ", ".join(f"#{number}" for number in strategy.addressed)
    if strategy.withheld_addressed:
        withheld = f"{strategy.withheld_addressed} confidential grievance(s) withheld"
        numbers = f"{numbers} and {withheld}" if numbers else withheld
    yield f"- Addresses: {numbers or 'no grievances'}\n"
    yield from _md_votes(strategy)
    if strategy.success_measures:
        yield "- Success measures:\n"
        for measure in strategy.success_measures:
            yield f"  - {measure}\n"
    yield "\n" + _quoted(strategy.summary) + "\n\n"
    yield "**Actions**\n\n"
    if not strategy.actions:
        yield "_No actions._\n\n"
        return
    for action in strategy.actions:
        yield _md_action(action)
    yield "\n"


def _md_strategies(case: CaseRecord) -> Iterator[str]:
    yield "### Strategies\n\n"
    if not case.strategies:
        yield "_No strategies._\n\n"
        return
    for strategy in case.strategies:
        yield from _md_strategy(strategy)


def _average(value: float) -> str:
    """A mean rating as the check-in tally shows it: one decimal."""
    return f"{value:.1f}"


def _schedule_questions(schedule: CheckinScheduleRecord) -> list[tuple[int, str, str]]:
    """``(number, kind, text)`` of each readable question, numbered by stored position.

    Numbered from the stored list, not from what is readable, so "Q2" in an occurrence's
    averages is the second stored question (``question_index`` 1) even if one is malformed.
    """
    items = schedule.questions if isinstance(schedule.questions, list) else []
    return [
        (index + 1, str(item.get("kind", "")), str(item.get("text", "")))
        for index, item in enumerate(items)
        if isinstance(item, dict)
    ]


def _md_occurrence(occurrence: OccurrenceRecord) -> str:
    """One line: when it was due, what became of it, how many answered and the averages."""
    status = f"{occurrence.status} late" if occurrence.late else occurrence.status
    parts = [_when(occurrence.due_at), status]
    if occurrence.error:
        parts[-1] += f": {_cell(occurrence.error)}"
    if occurrence.status == "posted" or occurrence.answers:
        parts.append(f"{occurrence.respondents} response(s)")
    averages = occurrence.average_ratings()
    if len(averages) == 1:
        parts.append(f"average {_average(next(iter(averages.values())))}")
    elif averages:
        parts.append(
            "averages "
            + ", ".join(f"{_average(mean)} (Q{index + 1})" for index, mean in averages.items())
        )
    if occurrence.nudges:
        parts.append(f"{len(occurrence.nudges)} nudged")
    return "- " + " · ".join(parts) + "\n"


def _md_schedule(number: int, schedule: CheckinScheduleRecord) -> Iterator[str]:
    cadence = describe(
        schedule.days, schedule.interval_weeks, schedule.time_of_day, schedule.timezone
    )
    yield f"#### Check-in {number}: {cadence}\n\n"
    owner = f"; set up by {_who(schedule.created_by)}" if schedule.created_by else ""
    yield (
        f"- In {schedule.channel_id}, asking {schedule.audience}{owner}, "
        f"{_when(schedule.created_at)}\n"
    )
    if schedule.open_tally:
        yield "- Tally open: everyone sees who rated what\n"
    if schedule.paused:
        reason = f": {_cell(schedule.paused_reason)}" if schedule.paused_reason else ""
        yield f"- **Paused**{reason}\n"
    if schedule.pause_from is not None or schedule.pause_until is not None:
        start = schedule.pause_from.isoformat() if schedule.pause_from else "now"
        until = schedule.pause_until.isoformat() if schedule.pause_until else "further notice"
        yield f"- No check-ins from {start} until {until}\n"
    if schedule.holidays:
        yield f"- Holidays: {', '.join(schedule.holidays)}\n"
    questions = _schedule_questions(schedule)
    if questions:
        yield "- Questions:\n"
        for position, kind, text in questions:
            yield f"  {position}. {_cell(text)} ({kind})\n"
    yield "\n"
    if not schedule.occurrences:
        yield "_No check-ins posted yet._\n\n"
        return
    for occurrence in schedule.occurrences:
        yield _md_occurrence(occurrence)
    yield "\n"


def _md_checkins(case: CaseRecord) -> Iterator[str]:
    yield "### Check-ins\n\n"
    if not case.checkin_schedules:
        yield "_No check-ins._\n\n"
        return
    for number, schedule in enumerate(case.checkin_schedules, start=1):
        yield from _md_schedule(number, schedule)


def _addressed(numbers: tuple[int, ...], withheld: int) -> str:
    """``#1, #2 and 1 confidential grievance(s) withheld``, as strategies say it."""
    listed = ", ".join(f"#{number}" for number in numbers)
    if withheld:
        hidden = f"{withheld} confidential grievance(s) withheld"
        listed = f"{listed} and {hidden}" if listed else hidden
    return listed


def _md_progress(case: CaseRecord) -> Iterator[str]:
    yield "### Progress updates\n\n"
    if not case.progress_updates:
        yield "_No progress updates._\n\n"
        return
    for update in case.progress_updates:
        details = [_when(update.created_at)]
        if update.strategy_version is not None:
            details.append(f"on strategy v{update.strategy_version}")
        addressed = _addressed(update.addressed, update.withheld_addressed)
        if addressed:
            details.append(f"addresses {addressed}")
        yield f"- **{_who(update.author)}**, {', '.join(details)}:\n  {_indented(update.text)}\n"
    yield "\n"


def _points(components: Any) -> str:
    """``checkins 20, silence -10`` from a snapshot's components, or "" if unreadable.

    The health module stores ``{"points": {name: points}, "reasons": [...]}``; a plain
    ``{name: points}`` is read too, and anything else is left to the JSON.
    """
    if not isinstance(components, dict):
        return ""
    points = components.get("points", components)
    if not isinstance(points, dict):
        return ""
    return ", ".join(
        f"{name} {value:g}"
        for name, value in points.items()
        if isinstance(value, int | float) and not isinstance(value, bool)
    )


def _md_health(case: CaseRecord) -> Iterator[str]:
    yield "### Health\n\n"
    if not case.health:
        yield "_Health was never computed._\n\n"
        return
    latest = case.health[-1]
    points = _points(latest.components)
    detail = f" ({points})" if points else ""
    yield f"- Latest score {latest.score}/100, {_when(latest.computed_at)}{detail}\n"
    if len(case.health) > 1:
        first = case.health[0].computed_at.date().isoformat()
        last = latest.computed_at.date().isoformat()
        shown = [str(snapshot.score) for snapshot in case.health[-HEALTH_SERIES_POINTS:]]
        if len(case.health) > HEALTH_SERIES_POINTS:
            shown.insert(0, "…")
        span = f"{len(case.health)} snapshots, {first} to {last}"
        yield f"- Series ({span}): {' → '.join(shown)}\n"
    yield "\n"


def _md_final_ratings(case: CaseRecord) -> Iterator[str]:
    yield "### Final ratings\n\n"
    if not case.final_ratings:
        yield "_No final ratings._\n\n"
        return
    scores = [r.rating for r in case.final_ratings if r.rating is not None]
    if scores:
        yield f"Average {_average(sum(scores) / len(scores))} from {len(scores)} rating(s).\n\n"
    for rating in case.final_ratings:
        if rating.withheld:
            yield f"- {_cell(rating.speaker)} {ANONYMOUS_MARK}: {withheld_note(1)}\n"
            continue
        score = f"{rating.rating}/5" if rating.rating is not None else "no rating"
        if rating.anonymous:
            yield f"- {_cell(rating.speaker)} {ANONYMOUS_MARK}: {score}\n"
        elif rating.answered_at is None:
            yield (f"- {_who(rating.person)}: not answered (asked {_when(rating.requested_at)})\n")
            continue
        else:
            yield f"- {_who(rating.person)}: {score}, {_when(rating.answered_at)}\n"
        if rating.comment and rating.comment.strip():
            yield f"  {_indented(_quoted(rating.comment))}\n"
    yield "\n"


def _md_outcome(outcome: str | None) -> str:
    """``: recovered`` and the like; nothing for a case that is open."""
    return f": {OUTCOME_LABELS[ClosingOutcome(outcome)].lower()}" if outcome else ""


def _md_digest(case: CaseRecord) -> str:
    """The case's digest schedule and how many digests went out, for the case header."""
    weekday = case.digest_weekday
    day = f"{DAY_NAMES[weekday]}s" if 0 <= weekday < len(DAY_NAMES) else f"weekday {weekday}"
    posted = sum(1 for digest in case.digests if digest.status == "posted")
    return (
        f"- Weekly digest {day} at {case.digest_time} ({case.digest_timezone}); {posted} posted\n"
    )


def iter_markdown(document: ExportDocument) -> Iterator[str]:
    """The markdown report in pieces: a section per case, the timeline last.

    People come first (leads, stakeholders, interviews), then the grievances, then the
    strategies that answer them, then how the recovery went (check-ins, progress updates,
    health, final ratings), so the report reads in the order the playbook works.
    """
    yield from _md_header(document)
    for case in document.cases:
        yield f"\n## {case.client_name}\n\n"
        yield (
            f"- Channel {case.channel_id} in workspace {case.team_id}, stage {case.stage}\n"
            f"- Opened {_when(case.created_at)}, last updated {_when(case.updated_at)}\n"
            f"- Buy-in rule {case.buyin_rule}; interview reminders after "
            f"{case.interview_reminder_hours} hours\n"
        )
        yield _md_digest(case)
        if case.closed_at is not None:
            yield f"- Closed {_when(case.closed_at)}{_md_outcome(case.closing_outcome)}\n"
        if case.withheld_confidential:
            yield f"- {case.withheld_confidential} confidential grievance(s) withheld\n"
        yield "\n"
        yield from _md_leads(case)
        yield from _md_stakeholders(case)
        yield from _md_interviews(case)
        yield from _md_table(case)
        for grievance in case.grievances:
            yield from _md_grievance(grievance)
        yield from _md_strategies(case)
        yield from _md_checkins(case)
        yield from _md_progress(case)
        yield from _md_health(case)
        yield from _md_final_ratings(case)
        yield from _md_timeline(case)


# --- dispatch ---------------------------------------------------------------------------


def write_json(document: ExportDocument, out: TextIO) -> None:
    """Stream the JSON document to ``out``."""
    out.writelines(iter_json(document))


def write_markdown(document: ExportDocument, out: TextIO) -> None:
    """Stream the markdown report to ``out``."""
    out.writelines(iter_markdown(document))


#: Writers by the name ``--format`` takes.
WRITERS: dict[str, Callable[[ExportDocument, TextIO], None]] = {
    "json": write_json,
    "csv": write_csv,
    "markdown": write_markdown,
}

#: The choices of ``--format``, JSON (the lossless one) first as the default.
FORMATS: tuple[str, ...] = tuple(WRITERS)

#: The file name extension of each format, so a file opens in the right program.
EXTENSIONS: dict[str, str] = {"json": "json", "csv": "csv", "markdown": "md"}


def file_name(client_name: str, fmt: str, exported_at: datetime) -> str:
    """A name that says whose history a file holds and when it was taken.

    Kept to lowercase ASCII, digits and dashes, since the file leaves Slack for whatever
    file system its reader keeps it on.
    """
    slug = re.sub(r"[^a-z0-9]+", "-", client_name.casefold())[:60].strip("-") or "case"
    return f"grievance-history-{slug}-{exported_at:%Y-%m-%d}.{EXTENSIONS[fmt]}"


def render(document: ExportDocument, fmt: str) -> str:
    """The whole export in format ``fmt`` as one string."""
    buffer = io.StringIO(newline="")
    WRITERS[fmt](document, buffer)
    return buffer.getvalue()


def render_json(document: ExportDocument) -> str:
    """The lossless JSON document as a string."""
    return render(document, "json")


def render_csv(document: ExportDocument) -> str:
    """The CSV view as a string (rows end in CRLF, as RFC 4180 and the csv module do)."""
    return render(document, "csv")


def render_markdown(document: ExportDocument) -> str:
    """The markdown report as a string."""
    return render(document, "markdown")
