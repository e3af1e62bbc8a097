"""``grievance-bot purge --user``: every word of the person is erased, nothing else; it
asks first, logs one line without their words, and refuses an unknown person or case.

The database is seeded with the ORM so every table that holds people's words has rows
written by both people in both cases: Carla (client leader, the one who asks to be
erased) and Ana (team lead, who must keep every word). Carla's sentences carry the
marker ``CARLA-WORDS`` and Ana's ``ANA-WORDS``, so "every word is gone" and "everyone
else's words are intact" are checked by scanning every text column of every table, not by
listing the columns the purge happens to know about.
"""

from __future__ import annotations

import json

import pytest

from bot.playbook.purge import ERASED_NAME, ERASED_TEXT
from storage.engine import Database
from storage.models import Base
from tests.purge.seed import ANA, CARLA, CARLA_ID, CARLA_NAME, _seed_both
from tests.purge.snapshot import ERASABLE, _purge, _snapshot, _strings, _without

# ---- purge --user -------------------------------------------------------------------------


def test_purge_user_erases_every_word_of_the_person_and_nothing_else(
    db: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    _seed_both(db)
    before = _snapshot(db)
    assert sum(CARLA in value for _, _, value in _strings(before)) >= 30  # the seed is rich

    assert _purge("--user", CARLA_ID, "--yes") == 0
    after = _snapshot(db)
    out = capsys.readouterr().out
    assert "interview_answers: 2" in out and "revisions_deleted: 2" in out

    strings = _strings(after)
    # Every word, her name and her Slack id are gone (her name survives only where Ana
    # typed it in her own reply: Ana's words are Ana's to keep).
    assert [s for s in strings if CARLA in s[2] or CARLA_ID in s[2]] == []
    assert [s for s in strings if CARLA_NAME in s[2] and ANA not in s[2]] == []
    # Everyone else's words are intact, each one exactly where it was.
    assert sorted(s for s in _strings(before) if ANA in s[2]) == sorted(
        s for s in strings if ANA in s[2]
    )
    # Rows stay; numbers, statuses, severities, ratings, votes, flags and timestamps stay.
    for table in Base.metadata.sorted_tables:
        if table.name == "entry_revision":
            continue
        assert _without(after, table.name) == _without(before, table.name), table.name
    assert after["entry_revision"] == [
        r for r in before["entry_revision"] if CARLA not in r["text"]
    ]
    # Each changed value was hers, and now says why it is missing.
    for table, columns in ERASABLE.items():
        for old, new in zip(before[table], after[table], strict=True):
            for column in columns:
                if old[column] != new[column]:
                    assert new[column] in (ERASED_TEXT, ERASED_NAME, None) or (
                        CARLA_NAME in old[column] and ERASED_NAME in new[column]
                    ), (table, column, old[column], new[column])
    # Deleted Slack messages stay deleted: blank, not turned into the erasure mark.
    deleted = [e for e in after["timeline_entry"] if e["deleted"]]
    assert len(deleted) == 2 and all(e["text"] == "" for e in deleted)
    assert sum(a["text"] == "" for a in after["checkin_answer"]) == 2
    # Unanswered questions stay unanswered.
    assert sum(a["answer"] == "" for a in after["interview_answer"]) == 4

    person = next(p for p in after["person"] if p["display_name"] == ERASED_NAME)
    assert (person["slack_user_id"], person["timezone"], person["slack_names"]) == (None,) * 3
    assert person["side"] == "client"
    bot_lines = [e["text"] for e in after["timeline_entry"] if e["kind"] == "interview_invited"]
    assert bot_lines == [f"{ERASED_NAME} invited to an interview (client side)"] * 2


def test_purge_user_asks_first_and_refuses_without_a_yes(
    db: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    _seed_both(db)
    before = _snapshot(db)

    assert _purge("--user", CARLA_ID, stdin="") == 1  # end of input: no one said yes
    captured = capsys.readouterr()
    assert "timeline_entries:" in captured.out and 'Type "yes"' in captured.out
    assert "nothing changed" in captured.err
    assert _purge("--user", CARLA_ID, stdin="y\n") == 1
    assert _snapshot(db) == before

    assert _purge("--user", CARLA_ID, stdin="yes\n") == 0
    assert not any(CARLA in value for _, _, value in _strings(_snapshot(db)))
    # She is erased: asking again finds nobody.
    assert _purge("--user", CARLA_ID, "--yes") == 2


def test_purge_user_logs_one_structured_line_without_the_persons_words(
    db: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    _seed_both(db)
    assert _purge("--user", CARLA_ID, "--yes") == 0
    err = capsys.readouterr().err
    lines = [json.loads(line) for line in err.splitlines() if line.startswith("{")]
    purged = [line for line in lines if line["logger"] == "grievance_bot.purge"]
    assert len(purged) == 1
    line = purged[0]
    assert line["purge"] == "user" and line["people"] == 1 and line["interview_answers"] == 2
    assert line["timeline_entries"] > 0 and len(line["person_ids"]) == 1
    raw = json.dumps(line)
    assert CARLA not in raw and CARLA_NAME not in raw and CARLA_ID not in raw


def test_purge_unknown_user_or_case_exits_2_and_changes_nothing(
    db: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    _seed_both(db)
    before = _snapshot(db)
    assert _purge("--user", "U0NOBODY", "--yes") == 2
    assert "U0NOBODY" in capsys.readouterr().err
    assert _purge("--case", "Initech", "--yes") == 2
    err = capsys.readouterr().err
    assert "Initech" in err and "Acme Corp (C0ACME)" in err and "Globex Corp (C0GLOBEX)" in err
    assert _snapshot(db) == before
