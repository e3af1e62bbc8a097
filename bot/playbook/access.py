"""Who may do what on a case: one table, one check, one kind refusal.

Every playbook function that changes a case on someone's behalf, and every reader of
lead-only items, asks here. A command, a button, a form (even a replayed one) and code
calling the playbook directly are therefore refused alike, and the refusal explains
itself (it is shown to the person as is). ``POLICY`` is also the README's "Who may do
what" table: a test renders it and fails when the two differ.

Where a person stands is their ``AccessRole`` on one case, derived from the database,
never from what a payload claims: a lead has a ``CaseLead`` row; everyone else counts by
side. Slack Connect users from another organisation and guests are on the client side
(``bot.playbook.people``). Someone the bot has never met counts as client-side, the
least trusted, and so does a client-side person with a ``CaseLead`` row (only a
hand-edited database has one: leads come from the delivery team), so no client-side
person ever sees confidential items.

Rules that depend on the item rather than on the person's standing stay with the item,
after this check: only the invitee answers their interview, only whoever raised a
grievance resolves it (or a lead), only a stakeholder's vote counts, a check-in asks the
sides it asks. ``Rule.scope`` names them, so the README says so too.

Before any of that, an id a button or form carries must be in scope (``require_in_scope``):
its case is the case of the channel the person acted in, or one they take part in when
they acted in a DM, on the App Home or in a form. Out of scope reads exactly like "no such
item", so a refusal never confirms that another client's item exists.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from bot.playbook.errors import PlaybookError
from storage.models import Case, CaseLead, CaseMember, Person, Side


class AccessRole(enum.StrEnum):
    """Where a person stands on one case. Not the stakeholder ``storage.models.Role``
    (client leader, team member…), which decides whose vote counts, not who may act."""

    LEAD = "lead"
    TEAM = "team"
    CLIENT = "client"


class Action(enum.StrEnum):
    """Everything a person can do on a case, as the policy names it."""

    FILE_GRIEVANCE = "file_grievance"
    EDIT_OWN_GRIEVANCE = "edit_own_grievance"
    EDIT_ANY_GRIEVANCE = "edit_any_grievance"
    MOVE_GRIEVANCE = "move_grievance"
    VIEW_HISTORY = "view_history"
    VIEW_CONFIDENTIAL = "view_confidential"
    CLAIM_LEAD = "claim_lead"
    ADD_LEAD = "add_lead"
    RENAME_CASE = "rename_case"
    MANAGE_PEOPLE = "manage_people"
    INVITE_TO_INTERVIEW = "invite_to_interview"
    EDIT_INTERVIEW_QUESTIONS = "edit_interview_questions"
    ANSWER_INTERVIEW = "answer_interview"
    SHARE_FINDINGS = "share_findings"
    PROPOSE_STRATEGY = "propose_strategy"
    SET_BUYIN_RULE = "set_buyin_rule"
    VOTE = "vote"
    MANAGE_CHECKINS = "manage_checkins"
    ANSWER_CHECKIN = "answer_checkin"
    POST_PROGRESS = "post_progress"
    CORRECT_OWN_PROGRESS = "correct_own_progress"
    CORRECT_ANY_PROGRESS = "correct_any_progress"
    POST_DIGEST = "post_digest"
    SCHEDULE_DIGEST = "schedule_digest"
    CLOSE_CASE = "close_case"
    EXPORT_CASE = "export_case"
    RATE_RECOVERY = "rate_recovery"
    MAKE_COMMITMENT = "make_commitment"
    SET_TARGETS = "set_targets"
    SET_PULSE = "set_pulse"
    ANSWER_PULSE = "answer_pulse"
    SHARE = "share"


EVERYONE = frozenset(AccessRole)
DELIVERY_TEAM = frozenset({AccessRole.LEAD, AccessRole.TEAM})
LEADS = frozenset({AccessRole.LEAD})


@dataclass(frozen=True)
class Rule:
    """Who may take one action, and how to say no."""

    allowed: frozenset[AccessRole]
    #: The action for the README table ("Propose a recovery strategy").
    what: str
    #: Completes "Only a lead of this case can …" / "Only the delivery team can …".
    doing: str
    #: A kinder sentence that replaces the default refusal, when one fits better.
    refusal: str | None = None
    #: Said after the default refusal: what the person can do instead.
    hint: str = ""
    #: A further rule the item's own module applies after this one.
    scope: str = ""


#: The whole policy. The README's table is rendered from it (``policy_table``).
POLICY: dict[Action, Rule] = {
    Action.FILE_GRIEVANCE: Rule(
        EVERYONE, "File a grievance (command, form, *File as grievance*)", "file grievances"
    ),
    Action.EDIT_OWN_GRIEVANCE: Rule(
        EVERYONE,
        "Add detail to, resolve or withdraw a grievance",
        "change this grievance",
        scope="only one they filed or raised",
    ),
    Action.EDIT_ANY_GRIEVANCE: Rule(
        LEADS,
        "Add detail to, resolve or withdraw anyone's grievance",
        "change other people's grievances",
    ),
    Action.MOVE_GRIEVANCE: Rule(
        DELIVERY_TEAM,
        "Acknowledge a grievance, mark it being worked on",
        "move grievances along",
        refusal="The delivery team acknowledges and works on grievances; "
        "you'll be told when it moves.",
    ),
    Action.VIEW_HISTORY: Rule(
        EVERYONE,
        "See the shared history: timeline, threads, insights, App Home, status, buy-in, "
        "interview coverage, check-in list",
        "see this case's history",
    ),
    Action.VIEW_CONFIDENTIAL: Rule(
        LEADS,
        "See confidential grievances and their threads, and lead-only notes",
        "see confidential items",
    ),
    Action.CLAIM_LEAD: Rule(
        DELIVERY_TEAM,
        "Claim a case nobody leads (`lead me`)",
        "claim this case",
        refusal="Leads come from the delivery team, so you can't claim this case. "
        "Your grievances are heard all the same.",
    ),
    Action.ADD_LEAD: Rule(LEADS, "Add a lead (`lead @someone`)", "add leads"),
    Action.RENAME_CASE: Rule(DELIVERY_TEAM, "Rename the case", "rename the case"),
    Action.MANAGE_PEOPLE: Rule(
        LEADS,
        "Set the stakeholders and their roles (`people`)",
        "set its stakeholders",
        hint="`/grievance lead me` claims a case nobody leads.",
    ),
    Action.INVITE_TO_INTERVIEW: Rule(
        LEADS, "Invite people to interviews", "invite people to interviews"
    ),
    Action.EDIT_INTERVIEW_QUESTIONS: Rule(
        LEADS, "Edit the interview questions", "change the interview questions"
    ),
    Action.ANSWER_INTERVIEW: Rule(
        EVERYONE, "Answer an interview", "answer interviews", scope="only their own"
    ),
    Action.SHARE_FINDINGS: Rule(LEADS, "Share the findings with the channel", "share the findings"),
    Action.PROPOSE_STRATEGY: Rule(
        LEADS,
        "Propose a recovery strategy",
        "propose a strategy",
        hint="Anyone can follow buy-in with `/grievance strategy status`.",
    ),
    Action.SET_BUYIN_RULE: Rule(
        LEADS,
        "Set the buy-in rule",
        "change the buy-in rule",
        hint="Anyone can follow buy-in with `/grievance strategy status`.",
    ),
    Action.VOTE: Rule(
        EVERYONE, "Vote on a strategy by reacting", "vote", scope="counted for stakeholders"
    ),
    Action.MANAGE_CHECKINS: Rule(
        LEADS,
        "Schedule, edit, pause, resume or delete check-ins",
        "schedule or change check-ins",
        hint="Anyone can see the schedules with `/grievance checkin list`.",
    ),
    Action.ANSWER_CHECKIN: Rule(
        EVERYONE, "Answer a check-in", "answer check-ins", scope="if it asks their side"
    ),
    Action.POST_PROGRESS: Rule(
        DELIVERY_TEAM,
        "Post a progress update",
        "post progress updates",
        refusal="Thank you for wanting to share how things are going! Progress updates "
        "come from the delivery team, since they answer for the work. If something has "
        "moved (or hasn't), say so in the channel, or raise it with "
        "`/grievance <what happened>`.",
    ),
    Action.CORRECT_OWN_PROGRESS: Rule(
        DELIVERY_TEAM,
        "Correct or withdraw a progress update (buttons on the update)",
        "correct or withdraw progress updates",
        scope="only one they posted",
    ),
    Action.CORRECT_ANY_PROGRESS: Rule(
        LEADS,
        "Correct or withdraw anyone's progress update",
        "correct or withdraw other people's progress updates",
    ),
    Action.POST_DIGEST: Rule(
        DELIVERY_TEAM,
        "Post the digest now",
        "post the digest on demand",
        refusal="The delivery team posts the digest on demand.",
    ),
    Action.SCHEDULE_DIGEST: Rule(LEADS, "Move the weekly digest", "change when the digest comes"),
    Action.CLOSE_CASE: Rule(LEADS, "Close or reopen the case", "close it or reopen it"),
    Action.EXPORT_CASE: Rule(
        LEADS,
        "Export the case history, confidential items included (`export`)",
        "export its history",
        hint="Anyone can read the shared history with `/grievance history`.",
    ),
    Action.RATE_RECOVERY: Rule(
        EVERYONE, "Give the final rating", "rate the recovery", scope="only when asked"
    ),
    Action.MAKE_COMMITMENT: Rule(
        DELIVERY_TEAM,
        "Record a commitment with an owner and a due day (`commit`); its owner or a lead "
        "marks it done",
        "record commitments",
        refusal="Commitments are recorded by the delivery team, who answer for them. "
        "Anyone can see them with `/grievance commit`.",
    ),
    Action.SET_TARGETS: Rule(
        LEADS,
        "Set response targets per severity and the business hours (`targets`)",
        "set response targets",
        hint="Anyone can see them with `/grievance targets`.",
    ),
    Action.SET_PULSE: Rule(
        LEADS,
        "Set how often the client pulse asks, or send one now (`pulse`)",
        "change the client pulse",
        hint="Anyone can see its results with `/grievance pulse`.",
    ),
    Action.ANSWER_PULSE: Rule(
        frozenset({AccessRole.CLIENT}),
        "Answer the client pulse",
        "answer the client pulse",
        refusal="The client pulse asks the client side. The delivery team reads its "
        "averages with `/grievance pulse`.",
        scope="only when asked",
    ),
    Action.SHARE: Rule(
        LEADS,
        "Make or revoke a read-only web link to the client-facing view of the case",
        "share the case on the web",
    ),
}

UNKNOWN_PERSON = "I couldn't tell who you are; please try again."


#: Built once: every request that acts on a case asks these (see ``bot.playbook.people``).
_LEAD = select(CaseLead.id).where(
    CaseLead.case_id == bindparam("case_id"), CaseLead.person_id == bindparam("person_id")
)
_LEADS = (
    select(Person)
    .join(CaseLead, CaseLead.person_id == Person.id)
    .where(CaseLead.case_id == bindparam("case_id"))
    .order_by(CaseLead.id)
)


def is_lead(*, session: Session, case: Case, person: Person) -> bool:
    """True when ``person`` has a ``CaseLead`` row on ``case`` (see ``role_of`` for
    what that is worth)."""
    return session.scalar(_LEAD, {"case_id": case.id, "person_id": person.id}) is not None


def leads_of(*, session: Session, case: Case) -> list[Person]:
    """The case's leads, in the order they became leads."""
    return list(session.scalars(_LEADS, {"case_id": case.id}))


def role_of(*, session: Session, case: Case, person: Person | None) -> AccessRole:
    """Where ``person`` stands on ``case``; unknown and client-side people are clients."""
    if person is None or person.side is Side.CLIENT:
        return AccessRole.CLIENT
    if is_lead(session=session, case=case, person=person):
        return AccessRole.LEAD
    return AccessRole.TEAM


def allows(*, session: Session, case: Case, person: Person | None, action: Action) -> bool:
    """True when ``person`` may take ``action`` on ``case``."""
    return role_of(session=session, case=case, person=person) in POLICY[action].allowed


def require(
    *, session: Session, case: Case, person: Person | None, action: Action, hint: str = ""
) -> Person:
    """Return ``person`` if they may take ``action``; refuse them kindly otherwise.

    ``hint`` adds what only the caller knows (when the weekly digest comes, say).
    """
    if not allows(session=session, case=case, person=person, action=action):
        raise PlaybookError(refusal(session=session, case=case, action=action, hint=hint))
    if person is None:
        raise PlaybookError(UNKNOWN_PERSON)
    return person


def belongs_to(*, session: Session, case: Case, person: Person | None) -> bool:
    """True when ``person`` takes part in ``case``: a lead, the delivery team of its
    workspace, or a stakeholder (clients become one by taking part)."""
    if person is None or person.workspace_id != case.workspace_id:
        return False
    if role_of(session=session, case=case, person=person) in DELIVERY_TEAM:
        return True
    member = select(CaseMember.id).where(
        CaseMember.case_id == case.id, CaseMember.person_id == person.id
    )
    return session.scalar(member) is not None


def is_private_surface(channel_id: str | None) -> bool:
    """True for a DM, the App Home or a form: somewhere that is no case's channel."""
    return not channel_id or channel_id.startswith("D")


def require_in_scope(
    *,
    session: Session,
    case: Case,
    person: Person | None,
    team_id: str,
    channel_id: str | None,
    gone: str,
) -> None:
    """Refuse, with ``gone``, an item whose ``case`` is not where the person acted.

    An id in a button's value or a form's state is a claim, not a fact: it is used only
    when its case is in the bot's own workspace (``team_id``, never the payload's) and is
    the case of the channel the person acted in, or, in a DM, on the App Home or in a
    form, a case the person takes part in (``belongs_to``). ``gone`` is the very sentence
    said when the item does not exist, so a refusal tells nobody that it does.
    """
    if case.workspace.team_id != team_id:
        raise PlaybookError(gone)
    if is_private_surface(channel_id):
        if not belongs_to(session=session, case=case, person=person):
            raise PlaybookError(gone)
    elif case.channel_id != channel_id:
        raise PlaybookError(gone)


def refusal(*, session: Session, case: Case, action: Action, hint: str = "") -> str:
    """Why someone may not take ``action``, and whom to ask."""
    rule = POLICY[action]
    if rule.refusal is not None:
        said = rule.refusal
    elif rule.allowed == LEADS:
        names = ", ".join(_escaped(p.display_name) for p in leads_of(session=session, case=case))
        ask = (
            f"Ask {names}."
            if names
            else "This case has no lead yet; someone on the delivery team can take it "
            "with `/grievance lead me`."
        )
        said = f"Only a lead of this case can {rule.doing}. {ask}"
    else:
        said = f"Only the delivery team can {rule.doing}."
    return " ".join(part for part in (said, rule.hint, hint) if part)


def _escaped(name: str) -> str:
    """A display name safe inside mrkdwn: ``&``, ``<`` and ``>`` are Slack's control
    characters, so a name like ``<!here>`` must not become a broadcast."""
    return name.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def policy_table() -> str:
    """``POLICY`` as the README's Markdown table (one row per action)."""
    columns = (AccessRole.LEAD, AccessRole.TEAM, AccessRole.CLIENT)
    lines = [
        "| Action | Case lead | Team member | Client side |",
        "|---|:-:|:-:|:-:|",
    ]
    for rule in POLICY.values():
        what = f"{rule.what} ({rule.scope})" if rule.scope else rule.what
        marks = " | ".join("yes" if role in rule.allowed else "no" for role in columns)
        lines.append(f"| {what} | {marks} |")
    return "\n".join(lines)
