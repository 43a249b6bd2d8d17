"""Renderers for `openness scan`: the model references found, one line each, or JSON.

Paths and ids come from the scanned files: `inert` in lines, escaped in JSON.
"""

from __future__ import annotations

from openness.inputs.scan import ModelReference
from openness.render import RenderOptions
from openness.render.untrusted import inert, json_document


def render_references_table(references: list[ModelReference], options: RenderOptions) -> str:
    """`path[cell N]:line: org/name@revision (kind)` per reference."""
    lines = []
    for ref in references:
        revision = f"@{ref.revision}" if ref.revision else ""
        cell = f"[cell {ref.cell}]" if ref.cell is not None else ""
        lines.append(f"{ref.path}{cell}:{ref.line}: {ref.repo_id}{revision} ({ref.kind})")
    return "".join(inert(line) + "\n" for line in lines)


def render_references_json(references: list[ModelReference], options: RenderOptions) -> str:
    return json_document([reference.model_dump(mode="json") for reference in references])
