"""Report renderers: one mapping from format name to a function producing the text."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from openness.report import Report


class OutputFormat(str, Enum):
    table = "table"
    json = "json"
    mof = "mof"


@dataclass(frozen=True)
class RenderOptions:
    color: bool = False
    width: int = 100


Renderer = Callable[["Report", RenderOptions], str]


def renderer_for(output_format: OutputFormat) -> Renderer:
    """The renderer of a format (imported lazily: rich is only loaded when needed)."""
    if output_format is OutputFormat.json:
        from openness.render.json import render_json

        return render_json
    if output_format is OutputFormat.mof:
        from openness.render.mof import render_mof

        return render_mof
    from openness.render.table import render_table

    return render_table
