"""Pick the source for a target: local folder, else Hub, falling back to cache then snapshot."""

from __future__ import annotations

from openness.errors import EvidenceUnavailable
from openness.inputs.target import Target
from openness.sources import cache, hub, local, snapshot
from openness.sources.evidence import Evidence
from openness.sources.paths import offline_requested


def gather(target: Target, offline: bool = False, timeout: float = hub.DEFAULT_TIMEOUT) -> Evidence:
    """Evidence for one target, from the best source available, or EvidenceUnavailable."""
    if target.is_local:
        return local.fetch(target)
    if offline or offline_requested():
        return _offline(target, "offline mode")
    try:
        return hub.fetch(target, timeout=timeout)
    except hub.HubNotFound as error:
        cached = cache.fetch(target)
        if cached is None:
            raise EvidenceUnavailable(str(error)) from error
        cached.warnings.insert(0, f"{error}; audited from the local cache")
        return cached
    except hub.HubUnreachable as error:
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
