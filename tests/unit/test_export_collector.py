"""An export pauses the cyclic collector and always gives it back: a bot that exported
once must not run without it for the rest of its life (cycles would never be freed)."""

from __future__ import annotations

import gc
import threading

import pytest

from bot.export.collector import collector_paused


def test_the_collector_is_paused_during_the_work_and_resumes_after_even_on_error() -> None:
    seen: list[bool] = []

    @collector_paused
    def work(fail: bool) -> None:
        seen.append(gc.isenabled())
        if fail:
            raise RuntimeError("the export broke")

    assert gc.isenabled()
    work(False)
    with pytest.raises(RuntimeError):
        work(True)
    assert seen == [False, False]
    assert gc.isenabled()


def test_two_exports_at_once_resume_the_collector_only_when_both_are_done() -> None:
    first_inside, release = threading.Event(), threading.Event()
    during: list[bool] = []

    @collector_paused
    def slow() -> None:
        first_inside.set()
        release.wait(5)

    @collector_paused
    def quick() -> None:
        pass

    thread = threading.Thread(target=slow)
    thread.start()
    first_inside.wait(5)
    quick()
    during.append(gc.isenabled())  # the slow one is still running
    release.set()
    thread.join(5)
    assert during == [False]
    assert gc.isenabled()


def test_a_collector_switched_off_by_the_operator_stays_off() -> None:
    @collector_paused
    def work() -> None:
        pass

    gc.disable()
    try:
        work()
        assert not gc.isenabled()
    finally:
        gc.enable()
