"""Renderers for `openness mof`: each MOF document's class, progress and the required
components it lacks, or JSON.

A file may hold several documents (what `openness audit --format mof` writes for several
models): each is graded and reported on its own, as `file#n` when there are several.
Names and reasons hold the file's text: `inert` in lines, escaped in JSON.
"""

from __future__ import annotations

from dataclasses import dataclass

from openness.render import RenderOptions
from openness.render.untrusted import inert, json_document
from openness.report import MofResult


@dataclass(frozen=True)
class Grade:
    """One graded document: its file, its place there (from 1) and the file's count."""

    file: str
    document: int
    documents: int
    result: MofResult

    @property
    def where(self) -> str:
        return self.file if self.documents == 1 else f"{self.file}#{self.document}"


def render_grades_table(grades: list[Grade], options: RenderOptions) -> str:
    lines = []
    for grade in grades:
        result = grade.result
        progress = ", ".join(f"class {k}: {v:.0f}%" for k, v in sorted(result.progress.items()))
        name = f" {result.name}" if result.name and grade.documents > 1 else ""
        lines.append(f"{grade.where}{name}: {result.label} ({progress})")
        lines += [
            f"  {component.name}: {component.status} ({component.reason})"
            for component in result.components
            if component.required and component.status != "included"
        ]
    return "".join(inert(line) + "\n" for line in lines)


def render_grades_json(grades: list[Grade], options: RenderOptions) -> str:
    """A list: each document's result, with `file` and `document` (its place in the file)."""
    return json_document(
        [
            {"file": grade.file, "document": grade.document, **grade.result.model_dump(mode="json")}
            for grade in grades
        ]
    )
