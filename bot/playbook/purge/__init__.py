"""Data-subject requests: erase one person's words, or delete a whole case.

Two operator commands sit on top of this package (``grievance-bot purge --user`` and
``--case``); the CLI only parses, confirms and prints, so the rules live here.

**Erasing a person** keeps the *shape* of the history and removes its *words*. A case's
history is evidence of how a recovery went (how many grievances, how severe, how fast
they were acknowledged, who approved the strategy, how confidence moved), and other
people's contributions refer to it, so rows are never deleted: numbers, statuses,
severities, ratings, votes and timestamps stay, every text the person wrote becomes
:data:`ERASED_TEXT`, the earlier versions of their edited messages are deleted, and the
person row is renamed :data:`ERASED_NAME` with its Slack user id (and time zone) cleared,
so nothing links the remaining rows back to a Slack account. What counts as their words:

* grievances they raised (or filed without naming anyone else as the raiser): text, what
  they care about, how they measure success, what went well; and the timeline entries
  that carry that text (filed, updated);
* every timeline entry they authored (thread replies, proposals, updates...) and the
  revisions of those entries;
* their interview answers, check-in replies, final-rating and client pulse comments (and
  the timeline line that quoted an anonymous comment, which has no author to find it by),
  progress updates they posted, strategies they authored and those strategies' actions,
  commitments they recorded and the notes they marked one done with.

Other people's words are left exactly as they were, even a reply in the thread of one of
the person's grievances: erasing one person must not erase another. Their name is a
different matter: the bot's own timeline lines ("carla invited to an interview", "Final
rating 4/5 from carla") are nobody's words, so the name is replaced there too; a name
typed by someone else inside their own message is that person's words and stays.

A deleted Slack message is already blank (empty text, ``deleted``): it is skipped, never
overwritten with the erasure mark, so a purge cannot "undelete" that something was said.
Empty answers stay empty for the same reason: the mark says "words were here".

**Deleting a case** removes every row that belongs to it. The rows are found by walking
the schema's ``ON DELETE CASCADE`` foreign keys from ``client_case`` (so a table added
later is counted without touching this package), counted for the confirmation, and then
deleted by deleting the case row and letting the database cascade, exactly as the schema
declares. People and the workspace are not the case's: they may belong to other cases.

The package: erasing a person (``erasure``), deleting a case (``case_deletion``).
"""

from bot.playbook.purge.case_deletion import (
    AmbiguousCaseError,
    CasePurgeSummary,
    case_rows,
    find_case,
    plan_case_purge,
    purge_case,
)
from bot.playbook.purge.erasure import (
    ERASED_NAME,
    ERASED_TEXT,
    FINAL_RATING_QUOTE,
    GRIEVANCE_TEXT_KINDS,
    WORD_KINDS,
    UnknownUserError,
    UserPurgeSummary,
    plan_user_purge,
    purge_user,
)

__all__ = [
    "ERASED_NAME",
    "ERASED_TEXT",
    "FINAL_RATING_QUOTE",
    "GRIEVANCE_TEXT_KINDS",
    "WORD_KINDS",
    "AmbiguousCaseError",
    "CasePurgeSummary",
    "UnknownUserError",
    "UserPurgeSummary",
    "case_rows",
    "find_case",
    "plan_case_purge",
    "plan_user_purge",
    "purge_case",
    "purge_user",
]
