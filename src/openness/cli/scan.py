"""`openness scan`: list the Hub models referenced in code, configs and notebooks."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from openness.cli.app import EXIT_CODES_HELP, app
from openness.cli.common import reported, write
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
    output_format: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="table or json.")
    ] = OutputFormat.table,
) -> None:
    """List the Hugging Face models referenced in code, configs, Dockerfiles and notebooks."""
    from openness.render.untrusted import json_document

    with reported():
        found = scan_references(paths)
    if output_format is OutputFormat.json:
        payload = [reference.model_dump(mode="json") for reference in found]
        write(json_document(payload), None)
        return
    from openness.render.untrusted import inert

    lines = []
    for ref in found:
        revision = f"@{ref.revision}" if ref.revision else ""
        cell = f"[cell {ref.cell}]" if ref.cell is not None else ""
        lines.append(f"{ref.path}{cell}:{ref.line}: {ref.repo_id}{revision} ({ref.kind})")
    write("".join(inert(line) + "\n" for line in lines), None)
