"""The rich console every terminal renderer writes to: markup, emoji and highlighting off."""

from __future__ import annotations

from io import StringIO

from rich.console import Console

from openness.render import RenderOptions


def console_into(buffer: StringIO, options: RenderOptions) -> Console:
    """A console writing to `buffer`, coloured only when the options ask for it."""
    return Console(
        file=buffer,
        width=options.width,
        force_terminal=options.color,
        color_system="standard" if options.color else None,
        highlight=False,
        markup=False,
        emoji=False,
    )
