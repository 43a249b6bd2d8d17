"""`openness survey`: the openness of many models at once, from a bulk export of Hub metadata
(Parquet files, globs, hf:// paths) or a live listing, with DuckDB."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from openness.cli.application import EXIT_CODES_HELP, app
from openness.cli.common import JOBS, Output, reported, say, width, write

FORMATS = ("table", "markdown", "json", "html")
Jobs = Annotated[
    int, typer.Option("--jobs", "-j", min=1, max=64, help="Licence files read concurrently.")
]


def _format(value: str) -> str:
    if value not in FORMATS:
        choices = f"{', '.join(FORMATS[:-1])} or {FORMATS[-1]}"
        raise typer.BadParameter(f"{value!r} is not a format (choose {choices})")
    return value


def _date(value: str | None) -> str | None:
    from openness.errors import UsageError
    from openness.survey.run import check_date

    try:
        return check_date(value) if value is not None else None
    except UsageError as error:
        raise typer.BadParameter(str(error)) from None


def _short(value: str | None) -> str | None:
    if value is not None and (len(value) > 300 or any(ord(char) < 32 for char in value)):
        raise typer.BadParameter("at most 300 characters, on one line")
    return value


@app.command(epilog=EXIT_CODES_HELP)
def survey(
    sources: Annotated[
        list[str] | None,
        typer.Argument(
            help="Exports of Hub model metadata: Parquet files, globs or hf://datasets/... paths.",
            show_default=False,
        ),
    ] = None,
    author: Annotated[
        str | None, typer.Option("--author", help="Survey every model of this Hub organisation.")
    ] = None,
    search: Annotated[
        str | None, typer.Option("--search", help="Survey the Hub models whose id contains this.")
    ] = None,
    limit: Annotated[
        int | None, typer.Option("--limit", min=1, help="At most this many models listed live.")
    ] = None,
    output_format: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            callback=_format,
            metavar="[table|markdown|json|html]",
            help="Summary format: table, markdown, json or html.",
        ),
    ] = "table",
    output: Output = None,
    results: Annotated[
        Path | None,
        typer.Option("--results", help="Write the per-model table here (.parquet or .csv)."),
    ] = None,
    fetch_texts: Annotated[
        bool, typer.Option("--fetch-texts", help="Read the licence files of rows that list them.")
    ] = False,
    state: Annotated[
        Path | None, typer.Option("--state", help="Resume file of --fetch-texts.")
    ] = None,
    jobs: Jobs = JOBS,
    source_name: Annotated[
        str | None,
        typer.Option("--source-name", callback=_short, help="Who to credit for the export."),
    ] = None,
    source_date: Annotated[
        str | None,
        typer.Option("--source-date", callback=_date, help="The export's date (YYYY-MM-DD)."),
    ] = None,
    source_licence: Annotated[
        str | None,
        typer.Option("--source-licence", callback=_short, help="The export's licence (SPDX id)."),
    ] = None,
) -> None:
    """Survey many models from a metadata export: licences, clauses, lineage conflicts."""
    from openness.survey.run import SurveyOptions, results_format, run, write_results

    with reported():
        if results is not None:
            results_format(results)  # a wrong suffix costs no survey
        options = SurveyOptions(
            sources=list(sources or []), author=author, search=search, limit=limit,
            fetch_texts=fetch_texts, state=state, jobs=jobs, source_name=source_name,
            source_date=source_date, source_licence=source_licence,
        )  # fmt: skip
        done = run(options, lambda text: say(f"note: {text}"))
        rows = done.export.rows
        say(f"note: {rows} models surveyed in {sum(done.seconds.values()):.1f} s")
        if results is not None:
            write_results(done.con, results)
            say(f"results written to {results}")
        write(render(done.summary, output_format, output), output)
    raise typer.Exit(0)


def render(summary: dict[str, Any], output_format: str, output: Path | None) -> str:
    """The summary in a format (the survey renderers; JSON as the contract's document)."""
    from openness.cli.common import color
    from openness.render import RenderOptions
    from openness.render import survey as views

    options = RenderOptions(color=color(output), width=width(output))
    if output_format == "json":
        return str(views.json_text(summary, options))
    text: str = getattr(views, output_format)(summary, options)
    return text
