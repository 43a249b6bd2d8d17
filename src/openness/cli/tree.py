"""`openness tree`: the family tree of each model, with licences and compatibility verdicts."""

from __future__ import annotations

from typing import Annotated

import typer

from openness.cli.application import EXIT_CODES_HELP, app
from openness.cli.audit import run_batch
from openness.cli.common import (
    JOBS,
    MAX_DEPTH,
    TIMEOUT,
    Jobs,
    MaxDepth,
    Offline,
    Output,
    Timeout,
    deliver,
    format_option,
    report_renderer,
)
from openness.render import OutputFormat


@app.command(epilog=EXIT_CODES_HELP)
def tree(
    models: Annotated[
        list[str],
        typer.Argument(help="Hub repo ids, Hub URLs or local folders.", show_default=False),
    ],
    output_format: Annotated[OutputFormat, format_option("tree")] = OutputFormat.table,
    offline: Offline = False,
    jobs: Jobs = JOBS,
    timeout: Timeout = TIMEOUT,
    output: Output = None,
    max_depth: MaxDepth = MAX_DEPTH,
) -> None:
    """Family tree: base models to the root, each licence, compatibility and notices."""
    render = report_renderer("tree", output_format)
    report, worst = run_batch(models, None, offline, jobs, timeout, max_depth)
    deliver(render, report, output, worst)
