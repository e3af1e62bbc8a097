"""The grievance form: its submission (a new grievance or an edit) and the message
shortcut that opens it prefilled.

A new grievance is committed before the form closes and posted after
(``handlers.grievances``); an edit is saved through ``bot.flows.grievances``.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App
from slack_bolt.context.respond import Respond
from slack_sdk import WebClient

from bot.blocks.grievance import (
    acknowledgement_text,
    confidential_placeholder,
    grievance_fallback,
    grievance_message,
)
from bot.blocks.modal import MODAL_TEXT_LIMIT, ModalContext, grievance_modal
from bot.deps import Deps
from bot.flows import grievances as flow
from bot.flows.people import known_or_provisional
from bot.ids import Callback, Field
from bot.playbook import people
from bot.playbook.confidential import Route, Routing
from bot.playbook.errors import PlaybookError
from bot.playbook.grievances import DraftError, GrievanceDraft
from bot.playbook.intake import Where
from bot.slack.identity import Acting
from bot.slack.lookup import profile_of
from bot.slack.messages import tell
from bot.vocabulary import Side
from handlers.confidential import (
    defaults_again,
    keep_for_contact,
    meet_contact,
    route_question,
    routing_for,
    send_to_contact,
)
from handlers.grievances import Filed, acknowledged, after_filing, defaults_for_new, post_grievance
from handlers.modal_input import draft_fields
from handlers.payloads import FormSubmission, PickedMessage
from handlers.refusals import answer_refusals
from handlers.slack_text import from_slack
from handlers.view_state import StaleForm, answers_stale_forms, read_metadata


@answer_refusals
@answers_stale_forms
def on_submit(
    ack: Ack,
    body: dict[str, Any],
    view: dict[str, Any],
    submission: FormSubmission,
    acting: Acting,
    deps: Deps,
    client: WebClient,
) -> None:
    """File the form's grievance (asking first where a confidential one goes, when the
    leads it names are all it would reach), or save an edit to one."""
    context = read_metadata(ModalContext, view)
    user_id, home = acting.user_id, acting.home
    values = dict(submission.values)
    if context.keep_text:
        values[Field.TEXT] = (
            flow.stored_text(deps.db, context.grievance_id)
            if context.grievance_id is not None
            else flow.held_text(deps.db, key=context.held_text or "", user_id=user_id)
        )
    try:
        draft = GrievanceDraft.parse(**draft_fields(values, context.source_permalink))
    except DraftError as exc:
        ack(response_action="errors", errors=_field_errors(exc))
        return
    chosen_raiser = values.get(Field.RAISED_BY_USER)
    raiser_id = (
        chosen_raiser if isinstance(chosen_raiser, str) and chosen_raiser != user_id else None
    )
    if context.grievance_id is not None:  # an edit: only its author or a lead may
        editor = known_or_provisional(deps.db, home.key, user_id, acting.user_name)
        raiser = known_or_provisional(deps.db, home.key, raiser_id, None) if raiser_id else None
        if raiser is not None and not raiser.confirmed:  # someone new decides the side:
            raiser = profile_of(client, raiser.user_id, home)  # Slack's word, rarely asked
        _save_detail(
            ack, client, deps, context.grievance_id, context.team_id, editor, draft, raiser
        )
        return
    reporter = known_or_provisional(deps.db, home.key, user_id, acting.user_name)
    raised_by = known_or_provisional(deps.db, home.key, raiser_id, None) if raiser_id else None
    channel_id = _chosen_channel(deps, context, values.get(Field.CASE), user_id)
    where = Where(context.team_id, channel_id, context.channel_name)
    routing = (
        routing_for(client, deps, home, where, draft.text, user_id) if draft.confidential else None
    )
    if routing is not None and routing.must_ask:
        choice = values.get(Field.ROUTE)
        contact = deps.settings.grievance_escalation_contact
        if choice == Route.ESCALATE and contact:
            escalated = keep_for_contact(deps, where, reporter, draft, routing)
            ack()  # committed: close the modal
            deps.after_ack(
                lambda: tell(client, where.channel_id, user_id, send_to_contact(client, escalated))
            )
            return
        if choice != Route.LEADS:
            question = route_question(deps, where.team_id, routing)
            asked = context.model_copy(update={"channel_id": where.channel_id})
            ack(
                response_action="update",
                view=grievance_modal(asked, defaults_again(values, draft, question)),
            )
            return
        routing = Routing(recipients=routing.withheld, withheld=())  # their choice
    filing = flow.file_grievance(
        deps.db, where=where, reporter=reporter, draft=draft, raised_by=raised_by, routing=routing
    )
    ack()  # committed: close the modal
    blocks, text = acknowledged(filing, routing), acknowledgement_text(filing.view)
    filed = Filed(
        filing,
        where,
        home,
        (reporter, *([raised_by] if raised_by else [])),
        draft=draft,
        routing=routing,
    )

    def after() -> None:
        tell(client, where.channel_id, user_id, text, blocks)
        after_filing(client, deps, filed)

    deps.after_ack(after)


@answer_refusals
def on_shortcut(
    ack: Ack,
    body: dict[str, Any],
    picked: PickedMessage,
    acting: Acting,
    deps: Deps,
    client: WebClient,
    respond: Respond,
) -> None:
    """ "File as grievance" on a message: open the form prefilled with it, raised by its
    author, linking back to it."""
    ack()
    home = acting.home
    channel_id = picked.channel_id or ""
    access = deps.channels.check(client, channel_id)
    if not access.ok:
        raise PlaybookError(access.problem)
    author = picked.author_id
    text = from_slack(picked.text)
    link = client.chat_getPermalink(channel=picked.channel_id, message_ts=picked.message_ts).get(
        "permalink"
    )
    where = Where(home.key, channel_id, access.name)
    author_profile = profile_of(client, author, home) if author else None
    reporter = profile_of(client, acting.user_id, home)
    defaults = defaults_for_new(
        deps,
        where,
        reporter,
        text=text[:MODAL_TEXT_LIMIT],
        raised_by_user=author,
        side=author_profile.default_side if author_profile else None,
    )
    too_long = len(text) > MODAL_TEXT_LIMIT
    context = ModalContext(
        team_id=home.key,
        channel_id=where.channel_id,
        channel_name=where.channel_name,
        source_permalink=link,
        keep_text=too_long,
        held_text=(
            flow.hold(deps.db, user_id=acting.user_id, text=text, now=deps.now())
            if too_long
            else None
        ),
    )
    client.views_open(trigger_id=picked.trigger_id, view=grievance_modal(context, defaults))
    deps.after_ack(lambda: meet_contact(client, deps, home))


def _save_detail(
    ack: Ack,
    client: WebClient,
    deps: Deps,
    grievance_id: int,
    team_id: str,
    editor: people.Profile,
    draft: GrievanceDraft,
    raised_by: people.Profile | None,
) -> None:
    """The "add detail" submission: update the grievance, and its message to match."""
    saved = flow.save_detail(
        deps.db,
        grievance_id=grievance_id,
        team_id=team_id,
        editor=editor,
        draft=draft,
        raised_by=raised_by,
    )
    if saved.shown is None:
        ack(response_action="errors", errors={Field.TEXT: saved.refusal or ""})
        return
    ack()
    shown = saved.shown
    if saved.became_public and not shown.ts:
        post_grievance(client, deps, shown.view.id, editor.user_id)
    elif shown.posted:
        client.chat_update(
            channel=shown.channel,
            ts=shown.ts,
            blocks=(
                confidential_placeholder(shown.view)
                if shown.view.confidential
                else grievance_message(shown.view)
            ),
            text=grievance_fallback(shown.view),
        )


def _chosen_channel(deps: Deps, context: ModalContext, chosen: object, user_id: str) -> str:
    """The channel to file on: the form's, or the case picked in a DM's form.

    The pick is a claim like any form value, so it must be one of the cases offered: one
    the person takes part in. Anything else is a tampered form (``StaleForm``).
    """
    if not isinstance(chosen, str):
        return context.channel_id
    mine, _side = flow.my_cases(
        deps.db, team_id=context.team_id, user_id=user_id, default_side=Side.CLIENT
    )
    if chosen not in {channel_id for _name, channel_id in mine}:
        raise StaleForm
    return chosen


def _field_errors(error: DraftError) -> dict[str, str]:
    """Map draft fields to the modal's block ids (they share names)."""
    known = {f.value for f in Field}
    return {
        name if name in known else Field.TEXT.value: message
        for name, message in error.fields.items()
    }


def register(app: App) -> None:
    """Listen for the grievance form and the "file as grievance" shortcut."""
    app.view(Callback.GRIEVANCE_MODAL)(on_submit)
    app.shortcut({"type": "message_action", "callback_id": Callback.FILE_AS_GRIEVANCE})(on_shortcut)
