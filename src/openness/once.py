"""Loaders that run once per process, however many threads ask for them at the same time.

`functools.cache` lets every thread that arrives before the first result is stored run the
loader itself: a batch of 32 workers built the knowledge base 32 times. `once` makes the others
wait for the first.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class Once(Generic[T]):
    """A zero-argument loader and its one result; `cache_clear()` forgets it (tests)."""

    def __init__(self, load: Callable[[], T]) -> None:
        self._load = load
        self._lock = threading.Lock()
        self._loaded: list[T] = []  # empty until loaded
        functools.update_wrapper(self, load)

    def __call__(self) -> T:
        if not self._loaded:
            with self._lock:
                if not self._loaded:
                    self._loaded.append(self._load())
        return self._loaded[0]

    def cache_clear(self) -> None:
        with self._lock:
            self._loaded.clear()


def once(load: Callable[[], T]) -> Once[T]:
    """Decorate a zero-argument loader: it runs once, the first caller's threads wait for it."""
    return Once(load)
