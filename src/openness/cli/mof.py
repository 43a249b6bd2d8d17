"""`openness mof`: grade Model Openness Framework YAML files."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from openness.cli.application import EXIT_CODES_HELP, app
from openness.cli.common import deliver, format_option, report_renderer, reported
from openness.render import OutputFormat


@app.command("mof", epilog=EXIT_CODES_HELP)
def mof_command(
    files: Annotated[
        list[Path],
        typer.Argument(
            help="MOF YAML files (the Model Openness Tool's format); a file may hold several "
            "documents separated by `---`, as `openness audit --format mof` writes them."
        ),
    ],
    normalise: Annotated[
        bool,
        typer.Option(
            "--normalise", help="Map licence spellings (Apache 2.0, MIT License) to SPDX."
        ),
    ] = False,
    output_format: Annotated[OutputFormat, format_option("mof")] = OutputFormat.table,
) -> None:
    """Grade MOF YAML files against the Model Openness Framework: class and progress."""
    from openness.render.mof_grades import Grade
    from openness.rubrics.mof import evaluate_mof, load_mof_documents

    render = report_renderer("mof", output_format)
    with reported():
        grades = []
        for path in files:
            documents = load_mof_documents(path)
            grades += [
                Grade(str(path), number, len(documents), evaluate_mof(document, normalise))
                for number, document in enumerate(documents, start=1)
            ]
    deliver(render, grades, None, 0)
