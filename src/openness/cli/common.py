"""What every command shares: options, one-line diagnostics, writing, the exit-code mapping."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer

from openness.errors import OpennessError
from openness.render import OutputFormat, choices, formats

Jobs = Annotated[
    int, typer.Option("--jobs", "-j", min=1, max=64, help="Models audited concurrently.")
]
JOBS = 8  # the default of --jobs, for every command that audits models
TIMEOUT = 30.0  # the default of --timeout
MAX_TIMEOUT = 3600.0


def _finite_timeout(value: float) -> float:
    if not 1.0 <= value <= MAX_TIMEOUT:  # also refuses nan and inf
        raise typer.BadParameter(f"must be a number of seconds from 1 to {MAX_TIMEOUT:g}")
    return value


Timeout = Annotated[
    float,
    typer.Option(
        "--timeout",
        callback=_finite_timeout,
        help="Seconds allowed per model for its metadata, files and base models together.",
    ),
]
MaxDepth = Annotated[
    int,
    typer.Option("--max-depth", min=0, max=100, help="Levels of base models followed (0: none)."),
]
MAX_DEPTH = 10  # the default of --max-depth (openness.lineage.DEFAULT_DEPTH)
ModelsFile = Annotated[
    Path | None,
    typer.Option("--from-file", help="A models list: one org/name[@revision] per line."),
]


def format_option(command: str) -> Any:
    """`--format` for `command`: its help lists what `render.FORMATS` has for it; any format
    name parses, and the registry (`render.renderer`) refuses one the command does not write."""

    def parse(value: str | OutputFormat) -> OutputFormat:
        try:
            return OutputFormat(value)
        except ValueError:
            message = f"{value!r} is not a format (choose {choices(command)})"
            raise typer.BadParameter(message) from None

    names = [output_format.value for output_format in formats(command)]
    return typer.Option(
        "--format",
        "-f",
        parser=parse,
        metavar="[" + "|".join(names) + "]",
        help=f"Output format: {choices(command)}.",
    )


Details = Annotated[
    bool | None,
    typer.Option(
        "--details/--compact",
        help="Table: each model in full with its evidence (default only for one model).",
        show_default=False,
    ),
]
Quiet = Annotated[
    bool,
    typer.Option("--quiet", "-q", help="Table: only the models that fail (or have a problem)."),
]


def _cyclonedx_version(value: str) -> str:
    if value not in ("1.7", "1.6"):
        raise typer.BadParameter(f"{value!r} is not written (choose 1.7 or 1.6)")
    return value


CycloneDXVersion = Annotated[
    str,
    typer.Option(
        "--cyclonedx-version",
        callback=_cyclonedx_version,
        metavar="[1.7|1.6]",
        help="The CycloneDX version --format cyclonedx writes.",
    ),
]
CYCLONEDX_VERSION = "1.7"  # the default of --cyclonedx-version
Offline = Annotated[
    bool, typer.Option("--offline", help="Do not contact the Hub: use the cache or snapshot.")
]
Output = Annotated[
    Path | None, typer.Option("--output", "-o", help="Write the report to this file.")
]


def say(message: str) -> None:
    """One diagnostic line on stderr (see `openness.cli.output.say`)."""
    from openness.cli.output import say

    say(message)


@contextmanager
def reported() -> Iterator[None]:
    """Inside a command: the project's errors become one stderr line and their exit code."""
    try:
        yield
    except OpennessError as error:
        stop(error)


def stop(error: OpennessError) -> NoReturn:
    """One stderr line for the error, then its exit code."""
    say(f"error: {error}")
    raise typer.Exit(error.exit_code) from None


def write(text: str, output: Path | None) -> None:
    """Print to stdout, or replace `output` atomically (see `openness.cli.output.write_report`)."""
    from openness.cli.output import write_report

    write_report(text, output)


@contextmanager
def progress(total: int, streaming: bool = False) -> Iterator[Callable[[str], None]]:
    """A progress bar on stderr when it is a terminal and there is more than one model; not
    when the report is `streaming` to stdout on a terminal (its lines show the progress).
    stdout is never redirected through the bar: a report streamed there stays as written.
    Each call names the model just audited, which the bar shows beside n/N."""
    if total < 2 or not sys.stderr.isatty() or (streaming and sys.stdout.isatty()):
        yield lambda _: None
        return
    from rich.console import Console
    from rich.markup import escape
    from rich.progress import MofNCompleteColumn, Progress

    from openness.render.untrusted import inert

    columns = (*Progress.get_default_columns(), MofNCompleteColumn())  # n/N models audited
    with Progress(
        *columns, console=Console(stderr=True), transient=True, redirect_stdout=False
    ) as bar:
        task = bar.add_task("auditing", total=total)

        def advance(model: str) -> None:
            shown = escape(inert(model)[:48])  # a repo id, or a folder named by the user
            bar.update(task, advance=1, description=f"auditing (done: {shown})")

        yield advance


def finish(text: str, output: Path | None, worst: int) -> NoReturn:
    """Write the report, then exit with the worst code seen."""
    with reported():
        write(text, output)
    raise typer.Exit(worst)


def report_renderer(command: str, output_format: OutputFormat) -> Callable[[Any, Any], str]:
    """`command`'s renderer for the format; one usage line and exit 2 when it has none (asked
    first, so a wrong format costs no audit)."""
    from openness.render import renderer

    try:
        return renderer(command, output_format)
    except OpennessError as error:
        stop(error)


def deliver(
    render: Callable[[Any, Any], str], subject: Any, output: Path | None, worst: int, **options: Any
) -> NoReturn:
    """Render `subject` for this terminal (or for `output`), write it, exit with `worst`."""
    from openness.render import RenderOptions

    finish(
        render(subject, RenderOptions(color=color(output), width=width(output), **options)),
        output,
        worst,
    )


def color(output: Path | None) -> bool:
    return output is None and sys.stdout.isatty() and "NO_COLOR" not in os.environ


MIN_WIDTH, NO_WRAP = 40, 100_000  # openness.render.layout's (not imported: it loads rich)


def width(output: Path | None = None) -> int:
    """The terminal's width (at least 40 columns; the table layout stacks below 70); when
    stdout is not a terminal, no limit: a report piped or written to a file is never
    hard-wrapped, each line stays one line in a CI log."""
    import shutil

    if output is not None or not sys.stdout.isatty():
        return NO_WRAP
    return max(MIN_WIDTH, min(shutil.get_terminal_size((100, 24)).columns, 500))
