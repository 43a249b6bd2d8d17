"""`openness audit`: audit models and print the report."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from openness.cli.application import EXIT_CODES_HELP, app
from openness.cli.common import (
    CYCLONEDX_VERSION,
    JOBS,
    MAX_DEPTH,
    TIMEOUT,
    CycloneDXVersion,
    Details,
    Jobs,
    MaxDepth,
    ModelsFile,
    Offline,
    Output,
    Quiet,
    Timeout,
    deliver,
    format_option,
    progress,
    report_renderer,
    reported,
    say,
)
from openness.errors import EXIT_USAGE, EvidenceUnavailable, UsageError
from openness.render import OutputFormat

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Sequence
    from typing import Any, NoReturn

    from openness.report import Audit, Failure, Report
    from openness.sources.evidence import Evidence


@app.command(epilog=EXIT_CODES_HELP)
def audit(
    models: Annotated[
        list[str] | None,
        typer.Argument(
            help="Hub repo ids (org/name), Hub URLs or local folders.", show_default=False
        ),
    ] = None,
    author: Annotated[
        str | None, typer.Option("--author", help="Audit every model of this Hub organisation.")
    ] = None,
    models_file: ModelsFile = None,
    revision: Annotated[
        str | None, typer.Option("--revision", help="Branch, tag or commit to audit.")
    ] = None,
    output_format: Annotated[OutputFormat, format_option("audit")] = OutputFormat.table,
    offline: Offline = False,
    jobs: Jobs = JOBS,
    timeout: Timeout = TIMEOUT,
    output: Output = None,
    max_depth: MaxDepth = MAX_DEPTH,
    cyclonedx_version: CycloneDXVersion = CYCLONEDX_VERSION,
    details: Details = None,
    quiet: Quiet = False,
) -> None:
    """Audit models: licence, restrictive clauses, OSD and OSAID verdicts, with evidence."""
    render = report_renderer("audit", output_format)
    with reported():
        targets: list[str | Evidence] = [*(models or [])]
        targets += models_list(models_file) if models_file else []
        targets += _list_author(author, offline, timeout) if author else []
    if not targets:
        say("error: nothing to audit (give MODEL arguments, --from-file or --author)")
        raise typer.Exit(EXIT_USAGE)
    if output_format is OutputFormat.jsonl:
        stream_report(Streamed(), targets, revision, offline, jobs, timeout, output, max_depth)
    report, worst = run_batch(targets, revision, offline, jobs, timeout, max_depth)
    deliver(
        render,
        report,
        output,
        worst,
        details=details,
        quiet=quiet,
        cyclonedx_version=cyclonedx_version,
    )


def run_batch(
    models: Sequence[str | Evidence],
    revision: str | None,
    offline: bool,
    jobs: int,
    timeout: float,
    max_depth: int = MAX_DEPTH,
) -> tuple[Report, int]:
    """The batch with a progress bar on a terminal; on stderr, one line when the Hub turns out
    to be unreachable, one per model audited from a fallback source, one per failure."""
    from openness.batch import audit_batch

    with reported(), progress(len(models)) as advance:
        report, worst = audit_batch(
            models,
            revision,
            offline,
            jobs,
            timeout,
            advance,
            lambda text: say(f"note: {text}"),
            max_depth,
        )
    for audit in report.audits:
        _tell(audit, offline)
    for failure in report.errors:
        _tell(failure, offline)
    return report, worst


def _tell(outcome: Audit | Failure, offline: bool) -> None:
    """The stderr line an outcome gets: a failure's message, or that a model was audited from
    a fallback source (the first source is the one the audit used)."""
    from openness.report import Failure

    if isinstance(outcome, Failure):
        say(f"error: {outcome.message}")
        return
    source = outcome.model.sources[0] if outcome.model.sources else None
    if source and source.note and not offline:
        say(f"note: {outcome.model.id} audited from the {_NAMES[source.kind]}: {source.note}")


_NAMES = {"hub": "Hub", "cache": "local cache", "local": "folder", "snapshot": "bundled snapshot"}


class Streamed:
    """A batch written as JSON lines while it runs (`--format jsonl`): a line for each audit
    or failure as it completes, then the summary line. `check` adds its policy (`Gated`)."""

    def __init__(self) -> None:
        self.audits = 0
        self.errors = 0
        self.worst = 0  # the worst exit code of a failure so far

    def lines(self, outcomes: Iterable[Audit | Failure]) -> Iterator[str]:
        from openness.render.jsonl import audit_line, error_line, summary_line
        from openness.report import Failure

        for outcome in outcomes:
            if isinstance(outcome, Failure):
                self.errors += 1
                self.worst = max(self.worst, outcome.exit_code)
                self.failed(outcome)
                yield error_line(outcome)
            else:
                self.audits += 1
                yield audit_line(outcome)
                yield from self.judged(outcome)
        policy = self.finish()
        yield summary_line(self.audits, self.errors, self.exit_code(), policy)

    def judged(self, audit: Audit) -> Iterable[str]:
        """The lines that follow an audit's own."""
        return ()

    def failed(self, failure: Failure) -> None:
        """Hears of each failure."""

    def finish(self) -> dict[str, Any] | None:
        """After the last audit: the summary line's `policy`, if any."""
        return None

    def exit_code(self) -> int:
        return self.worst


def stream_report(
    stream: Streamed,
    models: Sequence[str | Evidence],
    revision: str | None,
    offline: bool,
    jobs: int,
    timeout: float,
    output: Path | None,
    max_depth: int = MAX_DEPTH,
) -> NoReturn:
    """Audit the models, writing `stream`'s lines as they complete; exit with its code.

    Only the audits in flight are held: each line is written (and flushed, on stdout) as its
    audit completes; `output` is replaced only once the summary line is written."""
    from openness.batch import stream_batch
    from openness.cli.output import write_lines

    def outcomes() -> Iterator[Audit | Failure]:
        with progress(len(models), streaming=output is None) as advance:
            notice = lambda text: say(f"note: {text}")  # noqa: E731
            batch = stream_batch(
                models, revision, offline, jobs, timeout, advance, notice, max_depth
            )
            for outcome in batch:
                _tell(outcome, offline)
                yield outcome

    with reported():
        write_lines(stream.lines(outcomes()), output)
    raise typer.Exit(stream.exit_code())


def models_list(path: Path) -> list[str]:
    """The models a models list names, as `org/name[@revision]` (UsageError if unreadable or
    a line is not a model, naming `file:line`)."""
    from openness.inputs.models_list import read_models_list

    return [entry.model for entry in read_models_list(path)]


def _list_author(author: str, offline: bool, timeout: float) -> list[Evidence]:
    from openness.sources import hub

    if offline:
        raise UsageError("--author needs the Hub; it cannot be used with --offline")
    try:
        listed, incomplete = hub.list_author(author, timeout)
    except (hub.HubNotFound, hub.HubUnreachable) as error:
        raise EvidenceUnavailable(f"models of {author}: {error}") from error
    if incomplete:
        raise EvidenceUnavailable(f"models of {author}: listing incomplete ({incomplete})")
    return listed
