"""``/grievance history``, ``/grievance insights``, their paging buttons, and the App Home."""

from __future__ import annotations

import re
from typing import Any

from slack_bolt import Ack, App
from slack_bolt.context.respond import Respond
from slack_sdk import WebClient
from sqlalchemy import select

from bot.blocks.history import grievance_detail, history_page, insights_blocks
from bot.blocks.home import CaseSummary, home_view
from bot.deps import Deps
from bot.flows.scope import NO_CASE
from bot.ids import row_id
from bot.playbook import access, cases, health, people
from bot.playbook import history as playbook_history
from bot.playbook import insights as playbook_insights
from bot.playbook import strategy as playbook_strategy
from bot.playbook.commands import parse_number
from bot.playbook.errors import PlaybookError
from bot.playbook.grievances import find_by_number
from bot.slack.identity import Acting
from handlers.acknowledged_first import acknowledged_first
from handlers.context import CommandCall
from handlers.item_scope import require_in_scope
from handlers.payloads import ButtonPress
from handlers.refusals import answer_refusals
from storage.models import Case, Grievance, Person

_HISTORY_FALLBACK = "Case history"


def _viewer(session: Any, team_id: str, user_id: str) -> tuple[Any, Person | None]:
    workspace = people.ensure_workspace(session=session, team_id=team_id)
    return workspace, people.find_person(session=session, workspace=workspace, user_id=user_id)


def _grievances_by_id(session: Any, page: playbook_history.Page) -> dict[int, Grievance]:
    ids = {e.grievance_id for e in page.entries if e.grievance_id}
    if not ids:
        return {}
    return {g.id: g for g in session.scalars(select(Grievance).where(Grievance.id.in_(ids)))}


def history(call: CommandCall) -> None:
    """The case timeline, newest first; with a number, that grievance and its thread."""
    number = parse_number(call.parsed.args) if call.parsed.args else None
    if call.parsed.args and number is None:
        call.ack(
            text="Use `/grievance history` for the timeline, or `/grievance history 3` "
            "for grievance #3 and its thread."
        )
        return
    with call.deps.db.transaction() as session:
        workspace, viewer = _viewer(session, call.team_id, call.user_id)
        case = cases.find_case(
            session=session, workspace=workspace, channel_id=call.where.channel_id
        )
        if case is None:
            raise PlaybookError(NO_CASE)
        confidential = playbook_history.include_confidential_for(
            session=session, case=case, viewer=viewer
        )
        if number is None:
            page = playbook_history.timeline_page(
                session=session, case=case, include_confidential=confidential, reader=viewer
            )
            blocks = history_page(
                case,
                page,
                base_url=call.deps.slack_url,
                grievances=_grievances_by_id(session, page),
            )
        else:
            grievance = find_by_number(session=session, case=case, number=number)
            if grievance is None or not playbook_history.may_see(
                session=session, grievance=grievance, viewer=viewer
            ):
                raise PlaybookError(
                    f"There is no grievance #{number} on this case that you can see."
                )
            thread = playbook_history.thread_of(session=session, grievance=grievance)
            blocks = grievance_detail(grievance, thread, base_url=call.deps.slack_url)
    call.ack(text=_HISTORY_FALLBACK, blocks=blocks)


def insights(call: CommandCall) -> None:
    """What the client cares about, de-duplicated with counts."""
    with call.deps.db.transaction() as session:
        workspace, viewer = _viewer(session, call.team_id, call.user_id)
        case = cases.find_case(
            session=session, workspace=workspace, channel_id=call.where.channel_id
        )
        if case is None:
            raise PlaybookError(NO_CASE)
        confidential = playbook_history.include_confidential_for(
            session=session, case=case, viewer=viewer
        )
        found = playbook_insights.collect(
            session=session, case=case, include_confidential=confidential, reader=viewer
        )
        blocks = insights_blocks(case, found)
    call.ack(text="What the client cares about", blocks=blocks)


def _home(deps: Deps, team_id: str, user_id: str) -> Any:
    with deps.db.transaction() as session:
        _workspace, viewer = _viewer(session, team_id, user_id)
        summaries = []
        mine = playbook_history.cases_for(session=session, person=viewer) if viewer else []
        for case in mine:
            if not access.allows(
                session=session, case=case, person=viewer, action=access.Action.VIEW_HISTORY
            ):
                continue
            confidential = playbook_history.include_confidential_for(
                session=session, case=case, viewer=viewer
            )
            role = access.role_of(session=session, case=case, person=viewer)
            summaries.append(
                CaseSummary(
                    case=case,
                    is_lead=role is access.AccessRole.LEAD,
                    severity_counts=playbook_history.severity_counts(
                        session=session, case=case, include_confidential=confidential, reader=viewer
                    ),
                    open_grievances=playbook_history.open_grievances(
                        session=session,
                        case=case,
                        include_confidential=confidential,
                        reader=viewer,
                        limit=8,
                    ),
                    newest=playbook_history.timeline_page(
                        session=session,
                        case=case,
                        include_confidential=confidential,
                        reader=viewer,
                        size=5,
                    ).entries,
                    insights=playbook_insights.collect(
                        session=session, case=case, include_confidential=confidential, reader=viewer
                    ),
                    health=health.report(session=session, case=case, now=deps.now()),
                    strategy=playbook_strategy.standing(session=session, case=case),
                )
            )
        return home_view(summaries, deps.slack_url)


#: Said alike for a history page that does not exist and one the person may not reach.
HISTORY_GONE = "That history is no longer available."


def on_page(
    ack: Ack, body: dict[str, Any], press: ButtonPress, acting: Acting, deps: Deps, respond: Respond
) -> None:
    """Acknowledge a paging button at once; the page is read and shown after the ack."""
    acknowledged_first(deps)(_show_page)(
        ack=ack, body=body, press=press, acting=acting, deps=deps, respond=respond
    )


def _show_page(
    ack: Ack, body: dict[str, Any], press: ButtonPress, acting: Acting, deps: Deps, respond: Respond
) -> None:
    """Replace the history message with the page before or after its cursor."""
    ack()
    case_id, direction, cursor = ([*str(press.value or "").split(":"), "", "", ""])[:3]
    with deps.db.transaction() as session:
        case_row, cursor_row = row_id(case_id), row_id(cursor)
        case = session.get(Case, case_row) if case_row is not None else None
        if case is None or cursor_row is None:
            raise PlaybookError(HISTORY_GONE)
        require_in_scope(session, deps, body, case, gone=HISTORY_GONE)
        _workspace, viewer = _viewer(session, acting.home.key, acting.user_id)
        kwargs = {"after" if direction == "after" else "before": cursor_row}
        page = playbook_history.timeline_page(
            session=session,
            case=case,
            include_confidential=playbook_history.include_confidential_for(
                session=session, case=case, viewer=viewer
            ),
            reader=viewer,
            **kwargs,
        )
        blocks = history_page(
            case, page, base_url=deps.slack_url, grievances=_grievances_by_id(session, page)
        )
    respond(text=_HISTORY_FALLBACK, blocks=blocks, replace_original=True)


@answer_refusals
def on_home(event: dict[str, Any], acting: Acting, deps: Deps, client: WebClient) -> None:
    """Publish the person's App Home: each case they may see, summarised."""
    if event.get("tab", "home") != "home":
        return
    client.views_publish(user_id=acting.user_id, view=_home(deps, acting.home.key, acting.user_id))


def register(app: App) -> None:
    """Listen for history paging and the App Home."""
    app.action(re.compile(r"^history_page:"))(on_page)
    app.event("app_home_opened")(on_home)
