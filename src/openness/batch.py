"""The batch: audit many models concurrently, in order, collecting audits and failures."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from openness import __version__
from openness.audit import Auditor
from openness.errors import EXIT_INTERNAL, OpennessError
from openness.report import Audit, Failure, Report, ToolInfo
from openness.sources.evidence import Evidence

Target = str | Evidence  # a MODEL argument, or metadata from an organisation's listing


def split_revision(model: str) -> tuple[str, str | None]:
    """`org/name@rev` -> (`org/name`, `rev`); folders and URLs are left alone."""
    if "@" in model and "://" not in model and not Path(model).exists():
        name, revision = model.rsplit("@", 1)
        return name, revision or None
    return model, None


def audit_batch(
    models: Sequence[Target],
    revision: str | None = None,
    offline: bool = False,
    jobs: int = 8,
    timeout: float = 30.0,
    advance: Callable[[], None] = lambda: None,
    notice: Callable[[str], None] = lambda _: None,
) -> tuple[Report, int]:
    """(a report of every audit and failure in the order given, the worst exit code).

    A malformed HF_ENDPOINT raises UsageError once, before any audit; on Ctrl-C the audits in
    flight are not waited for. `notice` hears once that the Hub is unreachable and the rest of
    the run offline.
    """
    if not offline and any(isinstance(m, str) and not Path(m).exists() for m in models):
        from openness.sources.paths import hub_endpoint

        hub_endpoint()
    auditor = Auditor(offline=offline, timeout=timeout, notice=notice)
    report = Report(tool=ToolInfo(version=__version__), audits=[])
    pool = ThreadPoolExecutor(max_workers=max(1, jobs))
    try:
        futures = [pool.submit(_audit_one, auditor, model, revision, advance) for model in models]
        outcomes = [future.result() for future in futures]
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
    worst = 0
    for outcome in outcomes:
        if isinstance(outcome, Failure):
            report.errors.append(outcome)
            worst = max(worst, outcome.exit_code)
        else:
            report.audits.append(outcome)
    return report, worst


def _audit_one(
    auditor: Auditor, model: Target, revision: str | None, advance: Callable[[], None]
) -> Audit | Failure:
    """One audit, or the failure that stopped it (a bug is exit 4, never a traceback)."""
    name = model if isinstance(model, str) else model.repo_id
    try:
        if not isinstance(model, str):
            return auditor.audit_listed(model)
        repo, pinned = split_revision(model)
        return auditor.audit(repo, pinned or revision)
    except OpennessError as error:
        return Failure(model=name, exit_code=error.exit_code, message=str(error))
    except Exception as error:
        if os.environ.get("OPENNESS_DEBUG"):
            raise
        message = (
            f"{name}: internal error ({type(error).__name__}); set OPENNESS_DEBUG=1 for details"
        )
        return Failure(model=name, exit_code=EXIT_INTERNAL, message=message)
    finally:
        advance()
