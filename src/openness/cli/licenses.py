"""`openness licenses`: browse the license knowledge base."""

from __future__ import annotations

from typing import Annotated

import typer

from openness.cli.application import app
from openness.cli.common import deliver, format_option, report_renderer, say
from openness.errors import EXIT_USAGE
from openness.render import OutputFormat

licenses_app = typer.Typer(
    help="Browse the licence knowledge base.", no_args_is_help=True, rich_markup_mode=None
)
app.add_typer(licenses_app, name="licenses")


@licenses_app.command("list")
def licenses_list(
    output_format: Annotated[OutputFormat, format_option("licenses list")] = OutputFormat.table,
) -> None:
    """List every licence and use policy openness knows."""
    from openness.license.profiles import knowledge_base

    render = report_renderer("licenses list", output_format)
    profiles = sorted(knowledge_base().profiles.values(), key=lambda profile: profile.id)
    deliver(render, profiles, None, 0)


@licenses_app.command("show")
def licenses_show(
    license: Annotated[str, typer.Argument(help="Profile id, Hub keyword, SPDX id or name.")],
    output_format: Annotated[OutputFormat, format_option("licenses show")] = OutputFormat.table,
) -> None:
    """Show one licence profile: facts, incorporated policies and restrictive clauses."""
    from openness.license.profiles import knowledge_base

    render = report_renderer("licenses show", output_format)
    profile = knowledge_base().find(license)
    if profile is None:
        say(f"error: no licence profile matches {license!r} (see `openness licenses list`)")
        raise typer.Exit(EXIT_USAGE)
    deliver(render, profile, None, 0)
