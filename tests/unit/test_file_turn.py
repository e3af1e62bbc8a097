"""Processes sharing one SQLite file take turns promptly (storage.file_turn).

``flock`` belongs to an open file, so two ``FileTurn`` (or two ``Database``) on one path
in this process exclude each other exactly as two processes would.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

from sqlalchemy import text

from storage.engine import Database
from storage.file_turn import FileTurn


def test_a_second_holder_waits_and_gives_up_at_its_deadline(tmp_path: Path) -> None:
    path = str(tmp_path / "db-turn")
    first, second = FileTurn(path), FileTurn(path)
    assert first.acquire(timeout=1)
    started = time.monotonic()
    assert not second.acquire(timeout=0.2)
    assert 0.15 < time.monotonic() - started < 1.0
    first.release()
    assert second.acquire(timeout=1)  # the abandoned wait did not keep the lock
    assert not first.acquire(timeout=0.05)
    second.release()
    assert first.acquire(timeout=1)
    first.release()


def test_a_waiter_is_woken_the_moment_the_lock_is_let_go(tmp_path: Path) -> None:
    path = str(tmp_path / "db-turn")
    first, second = FileTurn(path), FileTurn(path)
    assert first.acquire(timeout=1)
    got: list[float] = []
    waiter = threading.Thread(
        target=lambda: got.append(time.monotonic()) if second.acquire(timeout=5) else None
    )
    waiter.start()
    time.sleep(0.3)  # long enough for SQLite's own busy handler to be sleeping 100 ms at a go
    released = time.monotonic()
    first.release()
    waiter.join(5)
    assert got and got[0] - released < 0.05
    second.release()


_BUSY_PROCESS = """
import sys, threading, time
from sqlalchemy import text
from storage.engine import Database
busy = Database.from_url(sys.argv[1])
until = time.monotonic() + float(sys.argv[2])
def keep_writing():  # threads handing the turn to each other non-stop
    while time.monotonic() < until:
        with busy.transaction() as session:
            session.execute(text("INSERT INTO t VALUES (1)"))
            time.sleep(0.002)
workers = [threading.Thread(target=keep_writing) for _ in range(4)]
for worker in workers:
    worker.start()
print("busy", flush=True)
for worker in workers:
    worker.join()
"""


def test_a_busy_process_does_not_starve_another_one_writing_to_the_same_file(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    other = Database.from_url(url)
    with other.transaction() as session:
        session.execute(text("CREATE TABLE t (n INTEGER)"))
    busy = subprocess.Popen(
        [sys.executable, "-c", _BUSY_PROCESS, url, "3"],
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).parents[2],
    )
    try:
        assert busy.stdout is not None and busy.stdout.readline() == "busy\n"
        waits = []
        for _ in range(10):
            started = time.monotonic()
            with other.transaction() as session:
                session.execute(text("INSERT INTO t VALUES (2)"))
            waits.append(time.monotonic() - started)
            time.sleep(0.01)
    finally:
        busy.kill()
        busy.wait(5)
        other.dispose()
    assert max(waits) < 0.3, waits
