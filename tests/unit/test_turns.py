"""SQLite's writer slot is handed out first come, first served (storage.turns)."""

from __future__ import annotations

import threading
import time

import pytest

from storage.turns import Turns, backgrounded, in_background, is_background


def _wait_until_queued(turns: Turns, count: int) -> None:
    deadline = time.monotonic() + 2
    while len(turns._queue) < count:
        assert time.monotonic() < deadline, "never queued"
        time.sleep(0.005)


def test_turns_go_in_order_of_arrival() -> None:
    turns, order = Turns(), []
    assert turns.acquire(timeout=1)

    def take(name: str) -> None:
        assert turns.acquire(timeout=5)
        order.append(name)
        turns.release()

    waiting = []
    for n, name in enumerate(["first", "second", "third"]):
        waiting.append(threading.Thread(target=take, args=(name,)))
        waiting[-1].start()
        _wait_until_queued(turns, n + 1)
    turns.release()
    for thread in waiting:
        thread.join(5)

    assert order == ["first", "second", "third"]


def test_a_worker_asking_again_at_once_does_not_starve_an_acknowledgement() -> None:
    turns, stop = Turns(), threading.Event()

    def busy_worker() -> None:  # posts one thing after another, never pausing
        while not stop.is_set():
            assert turns.acquire(timeout=5)
            time.sleep(0.01)
            turns.release()

    worker = threading.Thread(target=busy_worker)
    worker.start()
    time.sleep(0.05)
    started = time.monotonic()
    assert turns.acquire(timeout=2)
    waited = time.monotonic() - started
    turns.release()
    stop.set()
    worker.join(5)

    assert waited < 0.5


def test_whoever_gives_up_waiting_lets_the_next_in_line_go() -> None:
    turns = Turns()
    assert turns.acquire(timeout=1)
    results: dict[str, bool] = {}

    def take(name: str, timeout: float) -> None:
        results[name] = turns.acquire(timeout=timeout)
        if results[name]:
            turns.release()

    impatient = threading.Thread(target=take, args=("impatient", 0.1))
    impatient.start()
    _wait_until_queued(turns, 1)
    patient = threading.Thread(target=take, args=("patient", 5))
    patient.start()
    impatient.join(5)
    turns.release()
    patient.join(5)

    assert results == {"impatient": False, "patient": True}


def test_a_thread_holding_its_turn_may_open_a_transaction_within_it() -> None:
    turns = Turns()
    assert turns.acquire(timeout=1)
    assert turns.acquire(timeout=0)  # reentrant
    turns.release()
    got: list[bool] = []
    other = threading.Thread(target=lambda: got.append(turns.acquire(timeout=0.05)))
    other.start()
    other.join(5)
    assert got == [False]  # still held: one release does not undo two acquires
    turns.release()
    assert turns.acquire(timeout=0)


def test_a_turn_is_released_only_by_its_holder() -> None:
    turns = Turns()
    with pytest.raises(RuntimeError):
        turns.release()


def test_background_marks_only_what_runs_within_it() -> None:
    seen: list[bool] = []
    backgrounded(lambda: seen.append(is_background()))()
    with in_background():
        seen.append(is_background())
    seen.append(is_background())
    assert seen == [True, True, False]
