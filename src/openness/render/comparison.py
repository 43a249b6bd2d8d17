"""Renderers for `openness compare`: a rich table, JSON, or Markdown for a PR comment.

Each takes the batch's report and puts its audits side by side (`options.only_differences`
hides the rows where all agree). Cells hold repo text (licence names): `inert` in the table,
escaped in JSON and Markdown.
"""

from __future__ import annotations

from io import StringIO

from rich.table import Table
from rich.text import Text

from openness.compare import Comparison, Row, compare
from openness.render import RenderOptions
from openness.render.markdown import markdown_escape
from openness.render.terminal import console_into
from openness.render.untrusted import inert, json_document
from openness.report import Report

_STYLE = {"present": "red", "not_met": "red", "fail": "red", "no": "red",
          "not eligible": "red", "needs_review": "magenta", "needs review": "magenta",
          "met": "green", "pass": "green", "yes": "green", "absent": "green",
          "likely eligible": "green", "incompatible": "red", "compatible": "green"}  # fmt: skip


def _shown(comparison: Comparison, options: RenderOptions) -> list[Row]:
    return [row for row in comparison.rows if row.differs or not options.only_differences]


def render_comparison_table(report: Report, options: RenderOptions) -> str:
    comparison = compare(report)
    table = Table("")
    for audit in comparison.audits:
        table.add_column(Text(inert(audit.model.id)))
    for row in _shown(comparison, options):
        label = Text(inert(row.label), style="bold" if row.differs else "")
        cells = [Text(inert(value), style=_STYLE.get(value, "")) for value in row.values]
        table.add_row(Text("≠ ", style="yellow") + label if row.differs else label, *cells)
    buffer = StringIO()
    console_into(buffer, options).print(table)
    return buffer.getvalue()


def render_comparison_json(report: Report, options: RenderOptions) -> str:
    comparison = compare(report)
    comparison = comparison.model_copy(update={"rows": _shown(comparison, options)})
    return json_document(comparison.model_dump(mode="json"))


def render_comparison_markdown(report: Report, options: RenderOptions) -> str:
    comparison = compare(report)
    models = [markdown_escape(a.model.id) for a in comparison.audits]
    lines = ["| | " + " | ".join(models) + " |", "|---" * (len(models) + 1) + "|"]
    for row in _shown(comparison, options):
        cells = [markdown_escape(value) for value in row.values]
        lines.append(f"| {markdown_escape(row.label)} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"
