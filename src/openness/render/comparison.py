"""Renderers for `openness compare`: a rich table, JSON, or Markdown for a PR comment.

Cells hold repo text (licence names): `inert` in the table, escaped in JSON and Markdown.
"""

from __future__ import annotations

from io import StringIO

from rich.table import Table
from rich.text import Text

from openness.compare import Comparison
from openness.render import RenderOptions
from openness.render.markdown import markdown_escape
from openness.render.terminal import console_into
from openness.render.untrusted import inert, json_document

_STYLE = {"present": "red", "not_met": "red", "fail": "red", "no": "red",
          "met": "green", "pass": "green", "yes": "green", "absent": "green"}  # fmt: skip


def _visible(comparison: Comparison, only_differences: bool) -> list[tuple[str, list[str]]]:
    return [
        (row.label, row.values) for row in comparison.rows if row.differs or not only_differences
    ]


def render_comparison_table(
    comparison: Comparison, options: RenderOptions, only_differences: bool = False
) -> str:
    table = Table("")
    for audit in comparison.audits:
        table.add_column(Text(inert(audit.model.id)))
    for row in comparison.rows:
        if only_differences and not row.differs:
            continue
        label = Text(inert(row.label), style="bold" if row.differs else "")
        cells = [Text(inert(value), style=_STYLE.get(value, "")) for value in row.values]
        table.add_row(Text("≠ ", style="yellow") + label if row.differs else label, *cells)
    buffer = StringIO()
    console_into(buffer, options).print(table)
    return buffer.getvalue()


def render_comparison_json(
    comparison: Comparison, options: RenderOptions, only_differences: bool = False
) -> str:
    if only_differences:
        rows = [row for row in comparison.rows if row.differs]
        comparison = comparison.model_copy(update={"rows": rows})
    return json_document(comparison.model_dump(mode="json"))


def render_comparison_markdown(
    comparison: Comparison, options: RenderOptions, only_differences: bool = False
) -> str:
    models = [markdown_escape(a.model.id) for a in comparison.audits]
    lines = ["| | " + " | ".join(models) + " |", "|---" * (len(models) + 1) + "|"]
    for label, values in _visible(comparison, only_differences):
        cells = [markdown_escape(value) for value in values]
        lines.append(f"| {markdown_escape(label)} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"
