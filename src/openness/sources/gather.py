"""Pick the source for a target: local folder, else Hub, falling back to cache then snapshot."""

from __future__ import annotations

import threading
from collections.abc import Callable

from openness.errors import EvidenceUnavailable
from openness.inputs.target import Target
from openness.sources import cache, hub, local, snapshot
from openness.sources.evidence import Evidence
from openness.sources.paths import offline_requested


class Connectivity:
    """One run's view of the Hub: after the first connection-level failure (refused, DNS,
    unreachable, no answer in time), every later lookup of the run is offline at once, and
    `notice` is told so once."""

    def __init__(self, notice: Callable[[str], None] = lambda _: None) -> None:
        self.down: str | None = None
        self._notice = notice
        self._lock = threading.Lock()

    def fail(self, reason: str) -> None:
        with self._lock:
            first, self.down = self.down is None, self.down or reason
        if first:
            self._notice(
                f"{reason}; the rest of this run is audited offline from the local cache and "
                "the bundled snapshot (pass --offline to skip the Hub)"
            )


def gather(
    target: Target,
    offline: bool = False,
    timeout: float = hub.DEFAULT_TIMEOUT,
    connectivity: Connectivity | None = None,
) -> Evidence:
    """Evidence for one target, from the best source available, or EvidenceUnavailable."""
    if target.is_local:
        return local.fetch(target)
    if offline or offline_requested():
        return _offline(target, "offline mode")
    if connectivity and connectivity.down:
        return _offline(target, f"{connectivity.down} earlier in this run")
    try:
        return hub.fetch(target, timeout=timeout)
    except hub.HubNotFound as error:
        cached = cache.fetch(target)
        if cached is None:
            raise EvidenceUnavailable(str(error)) from error
        cached.warnings.insert(0, f"{error}; audited from the local cache")
        return cached
    except hub.HubUnreachable as error:
        if connectivity and error.connection:
            connectivity.fail(str(error))
        return _offline(target, str(error))


def _offline(target: Target, reason: str) -> Evidence:
    evidence = cache.fetch(target)
    if evidence is None and target.revision is None:
        evidence = snapshot.fetch(target.repo_id)
    if evidence is None:
        where = "the local cache" if target.revision else "the local cache or the bundled snapshot"
        raise EvidenceUnavailable(f"{target.repo_id}: {reason}, and it is not in {where}")
    evidence.warnings.insert(0, f"Hub not used: {reason}")
    return evidence
