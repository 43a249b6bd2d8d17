"""`openness scan`: list the Hub models referenced in code, configs and notebooks."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from openness.cli.application import EXIT_CODES_HELP, app
from openness.cli.common import deliver, format_option, report_renderer, reported
from openness.errors import UsageError
from openness.render import OutputFormat

if TYPE_CHECKING:
    from openness.inputs.scan import ModelReference


def scan_references(paths: list[Path]) -> list[ModelReference]:
    from openness.inputs.scan import scan_paths

    missing = [str(path) for path in paths if not path.exists()]
    if missing:
        raise UsageError(f"cannot scan {', '.join(missing)}: no such file or folder")
    return scan_paths(paths) if paths else []


@app.command("scan", epilog=EXIT_CODES_HELP)
def scan_command(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders to scan.")],
    output_format: Annotated[OutputFormat, format_option("scan")] = OutputFormat.table,
) -> None:
    """List the Hugging Face models referenced in code, configs, Dockerfiles and notebooks."""
    render = report_renderer("scan", output_format)
    with reported():
        found = scan_references(paths)
    deliver(render, found, None, 0)
