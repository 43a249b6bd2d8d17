"""`openness compare`: models side by side."""

from __future__ import annotations

from typing import Annotated

import typer

from openness.cli.application import EXIT_CODES_HELP, app
from openness.cli.audit import run_batch
from openness.cli.common import (
    CYCLONEDX_VERSION,
    JOBS,
    MAX_DEPTH,
    TIMEOUT,
    CycloneDXVersion,
    Jobs,
    MaxDepth,
    Offline,
    Output,
    Timeout,
    deliver,
    format_option,
    report_renderer,
    say,
)
from openness.errors import EXIT_USAGE
from openness.render import OutputFormat


@app.command(epilog=EXIT_CODES_HELP)
def compare(
    models: Annotated[
        list[str],
        typer.Argument(
            help="Two or more Hub repo ids, Hub URLs or local folders.", show_default=False
        ),
    ],
    output_format: Annotated[OutputFormat, format_option("compare")] = OutputFormat.table,
    only_differences: Annotated[
        bool, typer.Option("--only-differences", help="Hide the rows where all models agree.")
    ] = False,
    offline: Offline = False,
    jobs: Jobs = JOBS,
    timeout: Timeout = TIMEOUT,
    output: Output = None,
    max_depth: MaxDepth = MAX_DEPTH,
    cyclonedx_version: CycloneDXVersion = CYCLONEDX_VERSION,
) -> None:
    """Compare models side by side: licence, clauses, OSD and OSAID criteria."""
    render = report_renderer("compare", output_format)
    if len(models) < 2:
        say("error: compare needs at least two models")
        raise typer.Exit(EXIT_USAGE)
    report, worst = run_batch(models, None, offline, jobs, timeout, max_depth)
    deliver(
        render,
        report,
        output,
        worst,
        only_differences=only_differences,
        cyclonedx_version=cyclonedx_version,
    )
