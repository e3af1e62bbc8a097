"""Post each case's weekly digest once, when it is due, with its chart.

Every due ``(case, due_at)`` is claimed as a ``DigestRun`` row (unique) and committed
before anything is posted, so two ticks, two processes or a restart never post the same
digest twice. The price is at most once: a digest whose post fails after its claim is
marked failed and not retried (next week's comes as usual). One failing channel never
stops the others.

``publish`` is also what ``/grievance digest`` calls to post one on demand.
"""

from __future__ import annotations

import logging
from datetime import datetime

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.blocks.digest import chart_comment, chart_title, digest_fallback, digest_message
from bot.blocks.links import web_page
from bot.playbook import digest, health, people
from bot.slack.messages import link_to
from storage.engine import Database
from storage.models import Case

logger = logging.getLogger("grievance_bot.jobs.digests")


def run(db: Database, client: WebClient, now: datetime, *, public_url: str | None = None) -> int:
    """Post every digest due at ``now``; returns how many were posted. Each links to its
    case's page on the web view when ``public_url`` is set."""
    with db.transaction() as session:
        due = digest.due_digests(session=session, now=now)
    posted = 0
    for case_id, due_at in due:
        try:
            posted += _claim_and_post(db, client, case_id, due_at, now, public_url)
        except Exception:  # one broken case must not stop the others; logged with traceback
            logger.exception("digest failed", extra={"case_id": case_id})
    return posted


def next_due(db: Database, after: datetime) -> datetime | None:
    """When the next weekly digest falls due after ``after``."""
    with db.transaction() as session:
        return digest.next_due_at(session=session, after=after)


def _claim_and_post(
    db: Database,
    client: WebClient,
    case_id: int,
    due_at: datetime,
    now: datetime,
    public_url: str | None,
) -> int:
    """Claim, then post; 0 when another run claimed this digest first."""
    with db.transaction() as session:
        if not digest.claim_run(session=session, case_id=case_id, due_at=due_at):
            return 0
    ok = False
    try:
        publish(db, client, case_id, now, public_url=public_url)
        ok = True
    except SlackApiError as exc:
        logger.warning(
            "digest not posted", extra={"case_id": case_id, "error": exc.response.get("error")}
        )
    finally:
        with db.transaction() as session:
            digest.finish_run(session=session, case_id=case_id, due_at=due_at, posted=ok, now=now)
    return int(ok)


def publish(
    db: Database,
    client: WebClient,
    case_id: int,
    now: datetime,
    *,
    requested_by: str | None = None,
    slack_url: str | None = None,
    public_url: str | None = None,
) -> str:
    """Post a case's digest and its chart to the case channel; returns the message ts.

    The health score is recomputed first so the digest shows it as of ``now``. A chart
    that cannot be uploaded (``files:write`` missing, a Slack hiccup) is logged; the
    digest itself stands.
    """
    with db.transaction() as session:
        case = session.get_one(Case, case_id)
        health.recompute(session=session, case=case, now=now)
        data = digest.gather(session=session, case=case, now=now)
        channel = case.channel_id
    strategy = data.strategy
    link = link_to(client, slack_url, strategy.channel, strategy.ts) if strategy else None
    posted = client.chat_postMessage(
        channel=channel,
        blocks=digest_message(
            data, strategy_link=link, web=web_page(public_url, f"/cases/{case_id}")
        ),
        text=digest_fallback(data),
    )
    with db.transaction() as session:
        case = session.get_one(Case, case_id)
        author = (
            people.find_person(session=session, workspace=case.workspace, user_id=requested_by)
            if requested_by is not None
            else None
        )
        digest.note_posted(
            session=session,
            case=case,
            channel=str(posted["channel"]),
            ts=str(posted["ts"]),
            scheduled=requested_by is None,
            author=author,
        )
    from bot import chart  # matplotlib is ~40 MB resident: load it when a digest first needs it

    png = chart.render(
        title=chart_title(data),
        health=data.health_series,
        confidence=data.confidence_series,
        pulse=data.pulse_series,
    )
    try:
        client.files_upload_v2(
            channel=channel,
            file=png,
            filename="digest.png",
            title=chart_title(data),
            initial_comment=chart_comment(data),
        )
    except SlackApiError as exc:
        logger.warning(
            "digest chart not uploaded",
            extra={"case_id": case_id, "error": exc.response.get("error")},
        )
    return str(posted["ts"])
