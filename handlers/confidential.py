"""Confidential grievances from the form: whom they are sent to, and asking first when one
names the case's only lead.

The rules are ``bot.playbook.confidential``'s; this module reads the leads' names from
Slack, rebuilds the form with the question, and sends the DMs. Everything is committed
before the person filing is thanked, and what they are told is what happened.
"""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk import WebClient

from bot.blocks.confidential import (
    confidential_alert,
    confidential_alert_text,
    escalated_note,
    escalation_alert,
    escalation_alert_text,
)
from bot.blocks.modal import ModalDefaults, RouteQuestion
from bot.blocks.text import plain_escape
from bot.identity import Installation
from bot.ids import Field
from bot.playbook import confidential
from bot.playbook.confidential import Lead, Routing
from bot.playbook.grievances import GrievanceDraft
from bot.playbook.intake import Intake, Where
from bot.playbook.people import Profile
from handlers.deps import Deps
from handlers.lookup import names_of, profile_of
from handlers.messaging import direct_message, tell


def routing_for(
    client: WebClient, deps: Deps, where: Where, text: str, reporter_id: str
) -> Routing:
    """Whom ``text`` would be sent to on the channel's case, knowing each lead's names."""
    with deps.db.transaction() as session:
        leads = [
            (lead.slack_user_id or "", lead.display_name)
            for lead in confidential.leads_in(
                session=session, team_id=where.team_id, channel_id=where.channel_id
            )
        ]
    return confidential.route(
        text,
        [Lead(user_id, name, names_of(client, user_id)) for user_id, name in leads],
        reporter_id=reporter_id,
    )


def route_question(
    client: WebClient, deps: Deps, home: Installation, routing: Routing
) -> RouteQuestion:
    """The question the form asks when the grievance names the only lead."""
    contact = deps.settings.grievance_escalation_contact
    return RouteQuestion(
        named=[lead.name for lead in routing.withheld],
        contact=profile_of(client, contact, home).display_name if contact else None,
    )


def defaults_again(
    values: dict[str, object], draft: GrievanceDraft, route: RouteQuestion
) -> ModalDefaults:
    """The form as it was submitted, with the question added (nothing typed is lost)."""
    raised_by = values.get(Field.RAISED_BY_USER)
    return ModalDefaults(
        text=draft.text,
        raised_by_user=raised_by if isinstance(raised_by, str) else None,
        raised_by_name=draft.raised_by_name,
        side=draft.side,
        category=draft.category,
        severity=draft.severity,
        cares_about=draft.cares_about,
        success_measure=draft.success_measure,
        went_well=draft.went_well,
        confidential=draft.confidential,
        client_name=draft.client_name,
        ask_client_name=Field.CLIENT_NAME in values,
        route=route,
    )


def send_to_leads(client: WebClient, intake: Intake, leads: Sequence[Lead]) -> list[str]:
    """DM a filed confidential grievance to ``leads``; the names of those not reached."""
    grievance = intake.grievance
    blocks = confidential_alert(
        client_name=intake.case.client_name,
        number=grievance.number,
        severity=grievance.severity,
        text=grievance.text,
        by=intake.reporter.display_name,
    )
    text = confidential_alert_text(intake.case.client_name, grievance.number, grievance.severity)
    return [lead.name for lead in leads if direct_message(client, lead.user_id, text, blocks)]


def escalate(
    client: WebClient,
    deps: Deps,
    home: Installation,
    where: Where,
    reporter: Profile,
    draft: GrievanceDraft,
    routing: Routing,
) -> str:
    """Keep the grievance for the escalation contact and DM it to them; what to tell the
    person filing. The caller has checked a contact is set."""
    contact = deps.settings.grievance_escalation_contact or ""
    with deps.db.transaction() as session:
        _kept, case = confidential.escalate(
            session=session, where=where, reporter=reporter, draft=draft, contact=contact
        )
        client_name = case.client_name
    named = [lead.name for lead in routing.withheld]
    fault = direct_message(
        client,
        contact,
        escalation_alert_text(client_name, draft.severity),
        escalation_alert(
            client_name=client_name,
            severity=draft.severity,
            text=draft.text,
            by=reporter.display_name,
            named=named,
        ),
    )
    name = profile_of(client, contact, home).display_name
    return escalated_note(name, client_name, reached=fault is None)


def tell_unreached(client: WebClient, channel: str, user: str, names: Sequence[str]) -> None:
    """The grievance is filed, but some leads could not be DMed: say so, and who."""
    if names:
        tell(
            client,
            channel,
            user,
            "Your confidential grievance is filed, but I couldn't DM "
            + ", ".join(plain_escape(n) for n in names)
            + "; they can still read it in the case's history.",
        )
