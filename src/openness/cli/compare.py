"""`openness compare`: models side by side."""

from __future__ import annotations

from enum import Enum
from typing import Annotated

import typer

from openness.cli.app import EXIT_CODES_HELP, app
from openness.cli.audit import run_batch
from openness.cli.common import Jobs, Offline, Output, Timeout, color, finish, say, width
from openness.errors import EXIT_USAGE
from openness.render import OutputFormat


class CompareFormat(str, Enum):
    table = "table"
    json = "json"
    markdown = "markdown"
    sarif = "sarif"
    cyclonedx = "cyclonedx"


@app.command(epilog=EXIT_CODES_HELP)
def compare(
    models: Annotated[
        list[str],
        typer.Argument(
            help="Two or more Hub repo ids, Hub URLs or local folders.", show_default=False
        ),
    ],
    output_format: Annotated[
        CompareFormat, typer.Option("--format", "-f", help="Report format.")
    ] = CompareFormat.table,
    only_differences: Annotated[
        bool, typer.Option("--only-differences", help="Hide the rows where all models agree.")
    ] = False,
    offline: Offline = False,
    jobs: Jobs = 8,
    timeout: Timeout = 30.0,
    output: Output = None,
) -> None:
    """Compare models side by side: licence, clauses, OSD and OSAID criteria."""
    from openness.compare import compare as build
    from openness.render import RenderOptions, renderer_for
    from openness.render.comparison import (
        render_comparison_json,
        render_comparison_markdown,
        render_comparison_table,
    )

    if len(models) < 2:
        say("error: compare needs at least two models")
        raise typer.Exit(EXIT_USAGE)
    report, worst = run_batch(models, None, offline, jobs, timeout)
    renderer = {
        CompareFormat.table: render_comparison_table,
        CompareFormat.json: render_comparison_json,
        CompareFormat.markdown: render_comparison_markdown,
    }.get(output_format)
    options = RenderOptions(color=color(output), width=width())
    if renderer is None:  # per-model formats: the same renderers as `audit`
        text = renderer_for(OutputFormat(output_format.value))(report, options)
    else:
        text = renderer(build(report), options, only_differences)
    finish(text, output, worst)
