"""The `openness` command: the Typer application and its global options."""

from __future__ import annotations

from typing import Annotated

import typer

from openness import __version__

EXIT_CODES_HELP = (
    "Exit codes: 0 the audit ran (whatever it found); 1 a policy failed; "
    "2 bad input or usage; 3 a model or its evidence could not be obtained; "
    "4 internal error (never lowered by any option); 130 interrupted."
)

app = typer.Typer(
    name="openness",
    help=f"How open is an AI model, really? Evidence-backed licence and openness audits.\n\n"
    f"{EXIT_CODES_HELP}",
    no_args_is_help=True,
    add_completion=True,  # --install-completion / --show-completion (typer's own)
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain help: rich's help formatter would import rich.markdown
)


def _version(value: bool) -> None:
    if value:
        print(f"openness {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """How open is an AI model, really?"""
