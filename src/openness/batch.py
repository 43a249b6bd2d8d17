"""The batch: audit many models concurrently, as a stream in completion order or as a report
in the order given.

At most `jobs * 2` audits are submitted ahead of the ones finished: the targets are read from
their iterator as places free up, so a batch of 100,000 models never holds 100,000 futures, and
the stream holds no audit after it has been yielded.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from itertools import islice
from pathlib import Path

from openness import __version__
from openness.audit import Auditor
from openness.errors import EXIT_INTERNAL, OpennessError
from openness.lineage import DEFAULT_DEPTH
from openness.report import Audit, Failure, Report, ToolInfo
from openness.sources.evidence import Evidence

Target = str | Evidence  # a MODEL argument, or metadata from an organisation's listing
Outcome = Audit | Failure
AHEAD = 2  # audits submitted per worker: one running, one waiting for it


def split_revision(model: str) -> tuple[str, str | None]:
    """`org/name@rev` -> (`org/name`, `rev`); folders and URLs are left alone."""
    if "@" in model and "://" not in model and not Path(model).exists():
        name, revision = model.rsplit("@", 1)
        return name, revision or None
    return model, None


def stream_batch(
    models: Iterable[Target],
    revision: str | None = None,
    offline: bool = False,
    jobs: int = 8,
    timeout: float = 30.0,
    advance: Callable[[str], None] = lambda _: None,
    notice: Callable[[str], None] = lambda _: None,
    max_depth: int = DEFAULT_DEPTH,
) -> Iterator[Outcome]:
    """Each model's audit or failure as it completes (see `audit_batch` for the arguments).

    The HF_ENDPOINT check runs here, before the stream starts: for a sequence, when it names a
    Hub model; for any other iterable (not read ahead), whenever the run is not offline.
    """
    _check_endpoint(models, offline)
    auditor = Auditor(offline=offline, timeout=timeout, notice=notice, max_depth=max_depth)
    return (outcome for _, outcome in _completed(auditor, models, revision, jobs, advance))


def audit_batch(
    models: Sequence[Target],
    revision: str | None = None,
    offline: bool = False,
    jobs: int = 8,
    timeout: float = 30.0,
    advance: Callable[[str], None] = lambda _: None,
    notice: Callable[[str], None] = lambda _: None,
    max_depth: int = DEFAULT_DEPTH,
) -> tuple[Report, int]:
    """(a report of every audit and failure in the order given, the worst exit code).

    A malformed HF_ENDPOINT raises UsageError once, before any audit; on Ctrl-C the audits in
    flight are not waited for. `notice` hears once that the Hub is unreachable and the rest of
    the run offline. Base models are followed up to `max_depth` levels.
    """
    _check_endpoint(models, offline)
    auditor = Auditor(offline=offline, timeout=timeout, notice=notice, max_depth=max_depth)
    outcomes: list[Outcome | None] = [None] * len(models)
    for index, outcome in _completed(auditor, models, revision, jobs, advance):
        outcomes[index] = outcome
    report = Report(tool=ToolInfo(version=__version__), audits=[])
    worst = 0
    for placed in outcomes:
        if isinstance(placed, Failure):
            report.errors.append(placed)
            worst = max(worst, placed.exit_code)
        elif placed is not None:
            report.audits.append(placed)
    return report, worst


def _check_endpoint(models: Iterable[Target], offline: bool) -> None:
    """UsageError for a malformed HF_ENDPOINT when the batch may need the Hub."""
    if offline:
        return
    if isinstance(models, Sequence) and not any(
        isinstance(m, str) and not Path(m).exists() for m in models
    ):
        return
    from openness.sources.paths import hub_endpoint

    hub_endpoint()


def _completed(
    auditor: Auditor,
    models: Iterable[Target],
    revision: str | None,
    jobs: int,
    advance: Callable[[str], None],
) -> Iterator[tuple[int, Outcome]]:
    """(the target's place, its outcome) as each completes, with at most `jobs * AHEAD`
    submitted and not yet yielded. Closing the iterator, or Ctrl-C, cancels the audits not
    started and does not wait for those running."""
    workers = max(1, jobs)
    targets = enumerate(models)
    pool = ThreadPoolExecutor(max_workers=workers)
    pending: dict[Future[Outcome], int] = {}
    try:
        while True:
            for index, model in islice(targets, workers * AHEAD - len(pending)):
                pending[pool.submit(_audit_one, auditor, model, revision, advance)] = index
            if not pending:
                return
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                yield pending.pop(future), future.result()
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


def _audit_one(
    auditor: Auditor, model: Target, revision: str | None, advance: Callable[[str], None]
) -> Outcome:
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
        advance(name)
