"""The access policy as written: the README's table is the policy, and the guarantees
the README's "Security and data" section makes still hold.
"""

from __future__ import annotations

import re
from pathlib import Path

from bot.playbook import access
from bot.playbook.access import AccessRole, Action

README = Path(__file__).resolve().parents[2] / "README.md"


# ---- the policy the README promises --------------------------------------------------------


def test_the_readme_table_is_the_policy() -> None:
    found = re.search(
        r"<!-- access-policy:start -->\n(.*?)\n<!-- access-policy:end -->",
        README.read_text(encoding="utf-8"),
        re.DOTALL,
    )
    assert found is not None, "README.md has lost its access-policy table"
    assert found.group(1) == access.policy_table()


#: What the README's "Security and data" section guarantees, pinned here so that loosening
#: the table (and the README with it) still fails a test someone must read.
LEAD_ONLY = {
    Action.VIEW_CONFIDENTIAL,
    Action.EDIT_ANY_GRIEVANCE,
    Action.ADD_LEAD,
    Action.MANAGE_PEOPLE,
    Action.INVITE_TO_INTERVIEW,
    Action.EDIT_INTERVIEW_QUESTIONS,
    Action.SHARE_FINDINGS,
    Action.PROPOSE_STRATEGY,
    Action.SET_BUYIN_RULE,
    Action.MANAGE_CHECKINS,
    Action.SCHEDULE_DIGEST,
    Action.CLOSE_CASE,
    Action.EXPORT_CASE,
    Action.SET_TARGETS,
    Action.SET_PULSE,
}
CLIENT_SIDE_MAY = {
    Action.FILE_GRIEVANCE,
    Action.EDIT_OWN_GRIEVANCE,
    Action.VIEW_HISTORY,
    Action.ANSWER_INTERVIEW,
    Action.ANSWER_CHECKIN,
    Action.VOTE,
    Action.RATE_RECOVERY,
    Action.ANSWER_PULSE,
}


def test_the_guarantees_hold() -> None:
    for action in LEAD_ONLY:
        assert access.POLICY[action].allowed == {AccessRole.LEAD}, action
    allowed_to_clients = {
        action for action, rule in access.POLICY.items() if AccessRole.CLIENT in rule.allowed
    }
    assert allowed_to_clients == CLIENT_SIDE_MAY
