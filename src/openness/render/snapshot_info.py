"""Renderers for `openness snapshot info`: what the bundled snapshot covers, per model.

The snapshot holds public facts read from stored copies of public pages; its date is the
newest date found in those sources, so a model's facts may be older. Table or JSON.
"""

from __future__ import annotations

from io import StringIO
from typing import Any

from rich.text import Text

from openness.render import RenderOptions
from openness.render.layout import Words, grid
from openness.render.terminal import console_into
from openness.render.untrusted import inert, json_document


def render_snapshot_json(info: dict[str, Any], options: RenderOptions) -> str:
    return json_document(info)


def render_snapshot_table(info: dict[str, Any], options: RenderOptions) -> str:
    """The snapshot's date and scope, then each model with its licence, date, whether its
    file list is complete, the fields inferred and its sources; an id is never cut."""
    buffer = StringIO()
    console = console_into(buffer, options)
    head = Text.assemble(
        ("Bundled snapshot ", "bold underline"),
        inert(f"as of {info['as_of']}: {len(info['models'])} models"),
    )
    console.print(Words(head), crop=False)
    console.print(Words(Text(inert(info["description"]), style="dim")), crop=False)
    rows = [
        [
            Text(inert(model["id"]), style="bold"),
            Text(inert(model["license"] or "none")),
            Text(inert(model["as_of"])),
            Text("complete" if model["files_complete"] else "partial"),
            Text(inert(", ".join(model["inferred"]) or "-")),
            Text(inert(" ".join(model["sources"]) or "-")),
        ]
        for model in info["models"]
    ]
    headers = ["model", "licence", "as of", "files", "inferred", "sources"]
    console.print(grid(headers, rows, options.width, 1), crop=False)
    return buffer.getvalue()
