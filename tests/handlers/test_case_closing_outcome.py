"""Closing a case deliberately, end to end: the form shows where the case stands, a
recovery is claimed only when confirmed against the data, the outcome is in the summary
and the export, and a grievance on a closed case is brought to the leads.

Seeded data sits around a chosen ``NOW`` (a Friday at 16:00 UTC, the default digest
time) so every number in the digest can be checked; jobs are driven with that clock.
"""

from __future__ import annotations

import json

from sqlalchemy import select

from bot.ids import Action, ClosingField
from bot.sandbox.stack import SandboxStack
from storage.models import Case, ClosingOutcome, Stage, Strategy, Vote, VoteKind
from tests.conftest import shown
from tests.handlers.digest_closing_helpers import (
    CHANNEL,
    _bot_posts,
    _case,
    _closable,
    _close,
    _command,
    _dms,
    _kinds,
    _person,
    _shown,
)

# ---- closing deliberately ---------------------------------------------------------------


def _carla_objects(stack: SandboxStack) -> None:
    with stack.db.transaction() as session:
        case = session.scalars(select(Case)).one()
        strategy = session.scalars(select(Strategy)).one()
        carla = _person(session, case, "UCARLA")
        session.add(
            Vote(strategy_id=strategy.id, person_id=carla.id, kind=VoteKind.OBJECT, reaction="-1")
        )


def _form_text(stack: SandboxStack) -> str:
    (form,) = stack.workspace.modal_stack("UANA")
    return json.dumps(form.payload, ensure_ascii=False)


def test_closing_shows_where_the_case_stands_and_recovered_against_the_data_needs_confirming(
    stack: SandboxStack,
) -> None:
    _closable(stack, approved=False)
    _carla_objects(stack)

    assert _command(stack, "UANA", "case close").strip() == ""
    shown = _form_text(stack)
    assert "2 of 4 still open, and 1 confidential still open" in shown
    assert "strategy v1: not reached" in shown and "objections: carla (client leader)" in shown
    assert "The data does not show a recovery" in shown
    assert "carla (client leader) objects to strategy v1" in shown
    assert "Closed without recovery" in shown and "The client left" in shown

    (form,) = stack.workspace.modal_stack("UANA")
    refused = stack.slack.submit_view("UANA", form.id, {ClosingField.OUTCOME: "recovered"})
    stack.settle()

    assert refused.json and refused.json["response_action"] == "errors"
    assert "Tick the confirmation" in refused.json["errors"][ClosingField.CONFIRM]
    assert _case(stack).closed_at is None and not _bot_posts(stack, "Case closed")


def test_closing_without_recovery_never_claims_one(stack: SandboxStack) -> None:
    _closable(stack, approved=False)

    _close(stack, "not_recovered", confirm=False)

    (summary,) = _bot_posts(stack, "Case closed")
    assert "closed without a recovery" in _shown(summary)
    assert "recovered" not in summary.text.replace("without a recovery", "")
    case = _case(stack)
    assert case.closing_outcome is ClosingOutcome.NOT_RECOVERED
    assert case.stage is Stage.STABILIZE and case.closed_at is not None
    (dm,) = _dms(stack, "UCARLA")
    assert "closed without a recovery" in _shown(dm) and "has recovered" not in _shown(dm)
    assert _kinds(stack, "stage_changed")[-1].text == (
        "Closed without recovery: case closed by ana, while Stabilizing"
    )


def test_a_recovery_confirmed_against_the_data_tells_the_channel_the_facts(
    stack: SandboxStack,
) -> None:
    _closable(stack, approved=False)
    _carla_objects(stack)

    _close(stack, "recovered", confirm=True)

    (summary,) = _bot_posts(stack, "Case closed")
    shown = _shown(summary)
    assert "closed the case with *" in shown and "as recovered, although" in shown
    assert "2 of 4 grievances are still open" in shown
    assert "carla (client leader) objects to strategy v1" in shown
    assert "has recovered" not in shown
    assert _case(stack).closing_outcome is ClosingOutcome.RECOVERED


def test_the_outcome_is_in_the_summary_and_the_export(stack: SandboxStack) -> None:
    _closable(stack, approved=True)

    _close(stack, "client_left", confirm=False)
    _command(stack, "UANA", "export json")
    _command(stack, "UANA", "export md")

    (summary,) = _bot_posts(stack, "Case closed")
    assert "the client has left" in _shown(summary) and "recovered" not in summary.text
    files = {f.name.rsplit(".", 1)[-1]: f.content.decode() for f in stack.workspace.files.values()}
    (case,) = json.loads(files["json"])["cases"]
    assert case["closing_outcome"] == "client_left"
    assert ": the client left" in files["md"]


def test_a_grievance_on_a_closed_case_is_brought_to_the_leads_with_a_reopen_button(
    stack: SandboxStack,
) -> None:
    _closable(stack, approved=True)
    _close(stack, "not_recovered", confirm=False)

    said = shown(stack, "UCARLA", CHANNEL, "The export broke again this morning")
    stack.settle()

    assert "This case is closed. I've told its lead, who can reopen it." in said
    assert Action.REOPEN_CASE not in said  # Carla is no lead
    (offer,) = [m for m in _dms(stack, "UANA") if "which is closed" in _shown(m)]
    assert "carla filed *grievance #6*" in _shown(offer)
    click = stack.slack.click("UANA", Action.REOPEN_CASE, message=(offer.channel, offer.ts))
    assert click.status == 200
    stack.settle()

    case = _case(stack)
    assert case.closed_at is None and case.closing_outcome is None and case.stage is Stage.REWORK
    (notice,) = _bot_posts(stack, ":arrows_counterclockwise:")
    assert "back to *Reworking*" in notice.text
