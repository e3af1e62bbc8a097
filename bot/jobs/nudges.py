"""Nudge people who have not answered a check-in, tell leads about silence, keep health fresh.

Three time-driven things, each claimed in the database before any Slack call:

- **nudges**: one DM per person per check-in (``CheckinNudge`` row INSERTed first);
- **silence**: a client leader quiet on the last two check-ins is reported to each lead
  once (``Notice`` row kind "silence" INSERTed first);
- **health**: the score depends on time too (grievances age, check-ins settle), so each
  open case is recomputed; a snapshot is stored only when the value moved.

As with interview reminders this is at most once: a DM that fails after its claim is
logged and not retried. One failing person or case never stops the others.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy import select

from bot.blocks.health import nudge_text, silence_alert
from bot.playbook import cases, health, nudges
from bot.settings import SettingsError, load_settings
from bot.slack.faults import Remedy, fault_of
from bot.slack.messages import link_to, open_dm
from storage.engine import Database
from storage.models import Case, CheckinOccurrence

logger = logging.getLogger("grievance_bot.jobs.nudges")


def run(
    db: Database, client: WebClient, now: datetime, *, default_timezone: str | None = None
) -> int:
    """Do everything due at ``now``; returns how many DMs went out."""
    zone = default_timezone or default_timezone_setting()
    sent = _send_nudges(db, client, now, zone)
    return sent + _watch_cases(db, client, now)


def next_due(db: Database, after: datetime) -> datetime | None:
    """When the next nudge falls due after ``after`` (the silence and health watch has no
    instant of its own: it runs on every tick)."""
    with db.transaction() as session:
        return nudges.next_nudge_at(
            session=session, after=after, default_timezone=default_timezone_setting()
        )


def default_timezone_setting() -> str:
    """``DEFAULT_TIMEZONE`` for people whose Slack zone is unknown (UTC if unreadable)."""
    try:
        return load_settings().default_timezone
    except SettingsError:
        return "UTC"


# ---- nudges -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Link:
    """Where the check-in is, to link to it from the DM."""

    channel: str
    ts: str | None
    base_url: str | None


def _send_nudges(db: Database, client: WebClient, now: datetime, zone: str) -> int:
    with db.transaction() as session:
        due = nudges.due_nudges(session=session, now=now, default_timezone=zone)
    sent: Counter[int] = Counter()
    for nudge in due:
        try:
            sent[nudge.occurrence_id] += _nudge(db, client, nudge, now)
        except SlackApiError as exc:
            logger.warning(
                "check-in nudge not delivered",
                extra={"occurrence_id": nudge.occurrence_id, "error": exc.response.get("error")},
            )
        except Exception:  # one broken nudge must not stop the others; logged with traceback
            logger.exception("check-in nudge failed", extra={"occurrence_id": nudge.occurrence_id})
    if sent:
        with db.transaction() as session:
            for occurrence_id, count in sent.items():
                nudges.note_nudged(session=session, occurrence_id=occurrence_id, count=count)
    return sum(sent.values())


def _nudge(db: Database, client: WebClient, nudge: nudges.DueNudge, now: datetime) -> int:
    """Claim, then DM; 0 when another run claimed it first or the person can't be nudged."""
    with db.transaction() as session:
        if not nudges.claim(session=session, nudge=nudge, now=now):
            return 0
        occurrence = session.get_one(CheckinOccurrence, nudge.occurrence_id)
        link = _Link(
            channel=occurrence.slack_channel or occurrence.schedule.channel_id,
            ts=occurrence.slack_ts,
            base_url=occurrence.schedule.case.workspace.url,
        )
    if not _reachable(client, nudge.user_id):
        return 0
    channel = open_dm(client, nudge.user_id)
    client.chat_postMessage(
        channel=channel,
        text=nudge_text(link.channel, link_to(client, link.base_url, link.channel, link.ts)),
        unfurl_links=False,
    )
    return 1


def _reachable(client: WebClient, user_id: str) -> bool:
    """Bots and deactivated accounts are never nudged (the claim stays: asked once)."""
    try:
        user = client.users_info(user=user_id)["user"]
    except SlackApiError as exc:  # unless Slack knows no such person, try the DM anyway
        return fault_of(exc).remedy is not Remedy.PERSON
    return not (user.get("is_bot") or user.get("deleted"))


# ---- silence and health -------------------------------------------------------------------


@dataclass(frozen=True)
class _Alert:
    """A silence to tell the leads about."""

    client_name: str
    silence: health.Silence
    leads: list[str]
    link: _Link


def _watch_cases(db: Database, client: WebClient, now: datetime) -> int:
    with db.transaction() as session:
        case_ids = list(session.scalars(select(Case.id).where(Case.closed_at.is_(None))))
    told = 0
    for case_id in case_ids:
        try:
            for alert in _assess(db, case_id, now):
                told += _alert(client, alert)
        except Exception:  # one broken case must not stop the others; logged with traceback
            logger.exception("case health check failed", extra={"case_id": case_id})
    return told


def _assess(db: Database, case_id: int, now: datetime) -> list[_Alert]:
    """Recompute the case's health and claim each new silence's notice, in one transaction."""
    alerts: list[_Alert] = []
    with db.transaction() as session:
        case = session.get_one(Case, case_id)
        found = health.assess(session=session, case=case, now=now)
        health.store(session=session, case=case, result=found.score, now=now)
        leads = [p.slack_user_id for p in cases.leads_of(session=session, case=case)]
        for silence in found.silent:
            if not health.claim_notice(
                session=session, case=case, kind=health.NOTICE_SILENCE, key=silence.notice_key
            ):
                continue
            health.note_silence(session=session, case=case, silence=silence)
            later = session.get_one(CheckinOccurrence, silence.occurrence_ids[1])
            alerts.append(
                _Alert(
                    client_name=case.client_name,
                    silence=silence,
                    leads=[lead for lead in leads if lead],
                    link=_Link(
                        channel=later.slack_channel or case.channel_id,
                        ts=later.slack_ts,
                        base_url=case.workspace.url,
                    ),
                )
            )
    return alerts


def _alert(client: WebClient, alert: _Alert) -> int:
    """DM each lead; one lead we can't reach does not keep the others uninformed."""
    text = silence_alert(
        alert.client_name,
        alert.link.channel,
        alert.silence,
        link_to(client, alert.link.base_url, alert.link.channel, alert.link.ts),
    )
    told = 0
    for lead in alert.leads:
        try:
            channel = open_dm(client, lead)
            client.chat_postMessage(channel=channel, text=text, unfurl_links=False)
            told += 1
        except SlackApiError as exc:
            logger.warning(
                "silence alert not delivered", extra={"error": exc.response.get("error")}
            )
    return told
