"""`openness mof`: grade Model Openness Framework YAML files."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from openness.cli.app import EXIT_CODES_HELP, app
from openness.cli.common import reported, write
from openness.render import OutputFormat


@app.command("mof", epilog=EXIT_CODES_HELP)
def mof_command(
    files: Annotated[
        list[Path], typer.Argument(help="MOF YAML files (the Model Openness Tool's format).")
    ],
    normalise: Annotated[
        bool,
        typer.Option(
            "--normalise", help="Map licence spellings (Apache 2.0, MIT License) to SPDX."
        ),
    ] = False,
    output_format: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="table or json.")
    ] = OutputFormat.table,
) -> None:
    """Grade MOF YAML files against the Model Openness Framework: class and progress."""
    from openness.render.untrusted import json_document
    from openness.rubrics.mof import evaluate_mof, load_mof_yaml

    with reported():
        results = [evaluate_mof(load_mof_yaml(path), normalise=normalise) for path in files]
    if output_format is OutputFormat.json:
        payload = [result.model_dump(mode="json") for result in results]
        write(json_document(payload), None)
        return
    from openness.render.untrusted import inert

    lines = []
    for path, result in zip(files, results, strict=True):
        progress = ", ".join(f"class {k}: {v:.0f}%" for k, v in sorted(result.progress.items()))
        lines.append(f"{path}: {result.label} ({progress})")
        lines += [
            f"  {component.name}: {component.status} ({component.reason})"
            for component in result.components
            if component.required and component.status != "included"
        ]
    write("".join(inert(line) + "\n" for line in lines), None)
