"""Confidential grievances from the form: whom they are sent to, and asking first when one
names the case's only lead.

The rules are ``bot.playbook.confidential``'s; this module reads the leads' names from
Slack, rebuilds the form with the question, and sends the DMs. Everything is committed
before the person filing is thanked, and what they are told is what happened.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

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
from bot.deps import Deps
from bot.flows import confidential as flow
from bot.ids import Field
from bot.playbook.confidential import Lead, Routing, route
from bot.playbook.grievances import GrievanceDraft
from bot.playbook.intake import Intake, Where
from bot.playbook.people import Profile
from bot.slack.identity import Installation
from bot.slack.lookup import profile_of
from bot.slack.messages import direct_message, tell


def routing_for(
    client: WebClient, deps: Deps, home: Installation, where: Where, text: str, reporter_id: str
) -> Routing:
    """Whom ``text`` would be sent to on the channel's case, knowing each lead's names as
    Slack last gave them (kept with the person, so the form is answered without asking).
    A lead whose names were never kept (stored before names were) is asked about once:
    a grievance naming them by their handle must not reach them."""
    leads = [
        lead if lead.names else _met(client, deps, home, lead)
        for lead in flow.leads(deps.db, where)
    ]
    return route(text, leads, reporter_id=reporter_id)


def _met(client: WebClient, deps: Deps, home: Installation, lead: Lead) -> Lead:
    """``lead`` with every name Slack gives them, kept for next time."""
    profile = profile_of(client, lead.user_id, home)
    if not profile.confirmed:
        return lead  # Slack would not say: their stored name is all there is
    flow.remember(deps.db, home.key, profile)
    return Lead(lead.user_id, lead.name, profile.names)


def route_question(deps: Deps, team_id: str, routing: Routing) -> RouteQuestion:
    """The question the form asks when the grievance names the only lead."""
    contact = deps.settings.grievance_escalation_contact
    return RouteQuestion(
        named=[lead.name for lead in routing.withheld],
        contact=contact_name(deps, team_id) if contact else None,
    )


def meet_contact(client: WebClient, deps: Deps, home: Installation) -> None:
    """Learn the escalation contact's name from Slack while a form is open, so that the
    form's answer can name them without asking Slack first."""
    contact = deps.settings.grievance_escalation_contact
    if not contact or contact_name(deps, home.key) != UNMET_CONTACT:
        return
    profile = profile_of(client, contact, home)
    if not profile.confirmed:
        return  # Slack would not say: the form says "the escalation contact"
    flow.remember(deps.db, home.key, profile)


def contact_name(deps: Deps, team_id: str) -> str:
    """The escalation contact's name as the bot last had it from Slack, without asking
    again before the form is answered; "the escalation contact" if never met."""
    contact = deps.settings.grievance_escalation_contact or ""
    return flow.stored_name(deps.db, team_id, contact) or UNMET_CONTACT


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


#: How the form names an escalation contact the bot has not met yet.
UNMET_CONTACT = "the escalation contact"


@dataclass(frozen=True)
class Escalated:
    """A grievance kept for the escalation contact, to DM them after the acknowledgement."""

    contact: str
    contact_name: str
    client_name: str
    draft: GrievanceDraft
    reporter_name: str
    named: tuple[str, ...]


def keep_for_contact(
    deps: Deps, where: Where, reporter: Profile, draft: GrievanceDraft, routing: Routing
) -> Escalated:
    """Keep the grievance for the escalation contact (committed before the form closes).
    The caller has checked a contact is set."""
    contact = deps.settings.grievance_escalation_contact or ""
    client_name = flow.keep_for_contact(deps.db, where, reporter, draft, contact)
    return Escalated(
        contact=contact,
        contact_name=contact_name(deps, where.team_id),
        client_name=client_name,
        draft=draft,
        reporter_name=reporter.display_name,
        named=tuple(lead.name for lead in routing.withheld),
    )


def send_to_contact(client: WebClient, escalated: Escalated) -> str:
    """DM the kept grievance to the contact (after the acknowledgement); what to tell the
    person filing: that it went, or that it is kept but the DM failed."""
    fault = direct_message(
        client,
        escalated.contact,
        escalation_alert_text(escalated.client_name, escalated.draft.severity),
        escalation_alert(
            client_name=escalated.client_name,
            severity=escalated.draft.severity,
            text=escalated.draft.text,
            by=escalated.reporter_name,
            named=list(escalated.named),
        ),
    )
    return escalated_note(escalated.contact_name, escalated.client_name, reached=fault is None)


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
