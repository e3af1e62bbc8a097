"""A case's health: one score from 0 to 100, explained, with its trend.

The formula (``score``, pure) weighs seven components, each first turned into a
"goodness" between 0 and 1:

==================  ======  ==============================================================
component           weight  goodness
==================  ======  ==============================================================
client confidence   30      (average client-side rating − 1) / 4, over the ratings given to
                            the last 3 posted check-ins (each person's latest per question)
team confidence     10      the same for the delivery team's ratings
open grievances     30      1 / (1 + load / 8), where load = Σ severity × (1 + age / 14 d),
                            the age counted up to 28 days: an old critical grievance weighs
                            three times a fresh one (kept as running totals per case,
                            ``bot.playbook.load``, so it costs the same at any size)
response rate       15      answers given / answers expected over the last 3 check-ins at
                            least a day old (expected: the audience when it was posted,
                            plus anyone who answered anyway)
buy-in              15      latest strategy approved 1.0 · proposed 0.5 · none yet 0.3 ·
                            a client leader objects 0.2 · buy-in reached, then lost 0.2
commitments         10      kept on time / due so far (kept, done late, or open past their
                            day), of those the client side may see
                            (``bot.playbook.commitment_tally``)
client pulse        15      (average of the newest answered client pulse − 1) / 4, counting
                            only people on the client side now (``bot.playbook.pulse``)
==================  ======  ==============================================================

A component without data (no ratings yet, no check-ins old enough, no commitment due yet)
is left out and the other weights are scaled up to 100, so a new case is not punished for
what nobody could have done yet. Each component contributes ``weight × goodness`` points (scaled).

**Silence is a risk signal**: a client leader who has answered neither of the last two
check-ins that asked them (posted after they joined, and at least a day old) costs 10
points, up to 20. The leads are told once per silence (``Notice`` kind "silence", key
"<person_id>:<later check-in id>"); everyone else only hears that "a client leader has
not answered the last two check-ins", and only when there are at least three client
leaders (else "someone on the client side", when that side has three; else nobody is
pointed at): with one client leader, "a client leader" would name them.

``recompute`` stores a ``HealthSnapshot`` only when the value changed, so the snapshots
are the score's history (the trend, the digest's chart). The trend compares the current
value with the last snapshot a week old or more, else with the previous snapshot.

The package: the formula and the trend, pure (``formula``); gathering its inputs from a case
(``inputs``); the snapshots, the trend read back and the report (``snapshots``); saying a
silence once (``notices``).
"""

from bot.playbook.health.formula import (
    BUYIN_GOODNESS,
    HALF_LOAD,
    LABELS,
    SILENCE_CAP,
    SILENCE_POINTS,
    STEADY,
    WEIGHTS,
    BuyIn,
    HealthInputs,
    HealthScore,
    Trend,
    score,
    silence_sentence,
)
from bot.playbook.health.inputs import (
    ANSWER_WINDOW,
    RECENT_CHECKINS,
    Assessment,
    Silence,
    assess,
    silences,
)
from bot.playbook.health.notices import NOTICE_SILENCE, claim_notice, note_silence
from bot.playbook.health.snapshots import (
    HealthReport,
    latest_snapshot,
    recompute,
    report,
    rescore,
    store,
    trend,
)

__all__ = [
    "ANSWER_WINDOW",
    "BUYIN_GOODNESS",
    "HALF_LOAD",
    "LABELS",
    "NOTICE_SILENCE",
    "RECENT_CHECKINS",
    "SILENCE_CAP",
    "SILENCE_POINTS",
    "STEADY",
    "WEIGHTS",
    "Assessment",
    "BuyIn",
    "HealthInputs",
    "HealthReport",
    "HealthScore",
    "Silence",
    "Trend",
    "assess",
    "claim_notice",
    "latest_snapshot",
    "note_silence",
    "recompute",
    "report",
    "rescore",
    "score",
    "silence_sentence",
    "silences",
    "store",
    "trend",
]
