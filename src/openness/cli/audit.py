"""`openness audit`: audit models and print the report."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from openness.cli.app import EXIT_CODES_HELP, app
from openness.cli.common import (
    JOBS,
    TIMEOUT,
    Jobs,
    ModelsFile,
    Offline,
    Output,
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
    from collections.abc import Sequence

    from openness.report import Report
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
    report, worst = run_batch(targets, revision, offline, jobs, timeout)
    deliver(render, report, output, worst)


def run_batch(
    models: Sequence[str | Evidence],
    revision: str | None,
    offline: bool,
    jobs: int,
    timeout: float,
) -> tuple[Report, int]:
    """The batch with a progress bar on a terminal; on stderr, one line when the Hub turns out
    to be unreachable, one per model audited from a fallback source, one per failure."""
    from openness.batch import audit_batch

    with reported(), progress(len(models)) as advance:
        report, worst = audit_batch(
            models, revision, offline, jobs, timeout, advance, lambda text: say(f"note: {text}")
        )
    for audit in report.audits:  # the first source is the one the audit used
        source = audit.model.sources[0] if audit.model.sources else None
        if source and source.note and not offline:
            say(f"note: {audit.model.id} audited from the {_NAMES[source.kind]}: {source.note}")
    for failure in report.errors:
        say(f"error: {failure.message}")
    return report, worst


_NAMES = {"hub": "Hub", "cache": "local cache", "local": "folder", "snapshot": "bundled snapshot"}


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
