"""Renderers for `openness compare`: a rich table, JSON, or Markdown for a PR comment.

The table fits the terminal and never cuts a model id (see `render_comparison_table`). Each
takes the batch's report and puts its audits side by side (`options.only_differences`
hides the rows where all agree). Cells hold repo text (licence names): `inert` in the table,
escaped in JSON and Markdown.
"""

from __future__ import annotations

from io import StringIO

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from openness.compare import Comparison, Row, compare
from openness.render import RenderOptions
from openness.render.layout import Words, stacked
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
    """Models side by side. A model id is never cut: when the ids do not fit as column
    headers the columns are numbered under a legend, and when the numbered table does not fit
    either (or below 70 columns) each row is stacked: its label, then `1 value  2 value ...`."""
    comparison = compare(report)
    rows = _shown(comparison, options)
    ids = [inert(audit.model.id) for audit in comparison.audits]
    labels = [("≠ " if row.differs else "") + inert(row.label) for row in rows]
    values = [[inert(value) for value in row.values] for row in rows]

    def fits(headers: list[str]) -> bool:
        widths = [max([len(word) for label in labels for word in label.split()], default=0)]
        for n, header in enumerate(headers):
            words = [len(word) for v in values for word in v[n].split()]  # cells wrap at spaces
            widths.append(max([len(header), *words]))
        return sum(widths) + 3 * len(widths) + 1 <= options.width

    numbers = [str(n) for n in range(1, len(ids) + 1)]
    headers = ids if not stacked(options.width) and fits(ids) else numbers
    parts: list[RenderableType] = []
    if headers is numbers:
        parts += [
            Words(Text.assemble((f"{n} ", "bold"), model), hang=2)
            for n, model in zip(numbers, ids, strict=True)
        ]
    if not stacked(options.width) and fits(headers):
        table = Table("")
        for header in headers:
            table.add_column(Text(header))
        for row, label, cells in zip(rows, labels, values, strict=True):
            styled = Text(label, style="bold" if row.differs else "")
            if row.differs:
                styled.stylize("yellow", 0, 1)
            table.add_row(styled, *(Text(v, style=_STYLE.get(v, "")) for v in cells))
        parts.append(table)
    else:
        for row, label, cells in zip(rows, labels, values, strict=True):
            parts.append(Words(Text(label, style="bold" if row.differs else ""), hang=2))
            line = Text()
            for n, value in zip(numbers, cells, strict=True):
                line.append(f"{n} " if not line else f"  {n} ", style="dim")
                line.append(value, style=_STYLE.get(value, ""))
            parts.append(Words(line, indent=2, hang=2))
    buffer = StringIO()
    console_into(buffer, options).print(Group(*parts), crop=False)
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
