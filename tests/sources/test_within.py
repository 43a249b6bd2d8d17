"""`download.within`: work in a daemon thread under a deadline, the threads kept for later calls."""

from __future__ import annotations

import threading
import time

import pytest

from openness.sources.download import within


def _hub_threads() -> set[threading.Thread]:
    return {thread for thread in threading.enumerate() if thread.name == "openness-hub"}


def test_the_value_or_the_error_of_the_work_comes_back() -> None:
    assert within(5, lambda: 42) == 42
    with pytest.raises(KeyError, match="x"):
        within(5, lambda: {}["x"])


def test_calls_one_after_another_reuse_one_thread() -> None:
    within(5, lambda: None)
    before = _hub_threads()
    seen = set()
    for _ in range(20):
        seen.add(within(5, threading.current_thread))
        time.sleep(0.001)  # the thread goes back to the idle ones after handing its value
    assert len(seen) <= 2 and _hub_threads() <= before | seen


def test_work_past_the_deadline_is_abandoned_and_its_thread_serves_again() -> None:
    release = threading.Event()
    with pytest.raises(TimeoutError, match="no answer within 0.1 s"):
        within(0.1, release.wait)
    busy = len(_hub_threads())
    results = [within(5, lambda n=n: n * 2) for n in range(5)]  # others serve meanwhile
    assert results == [0, 2, 4, 6, 8]
    release.set()
    time.sleep(0.05)
    assert len(_hub_threads()) <= busy + 1
    assert all(thread.daemon for thread in _hub_threads())


def test_concurrent_calls_each_get_their_own_answer() -> None:
    answers: dict[int, int] = {}

    def call(n: int) -> None:
        answers[n] = within(5, lambda: (time.sleep(0.01), n)[1])

    callers = [threading.Thread(target=call, args=(n,)) for n in range(16)]
    for caller in callers:
        caller.start()
    for caller in callers:
        caller.join()
    assert answers == {n: n for n in range(16)}
