"""The survey's summary (`openness.survey.figures.summarise`) as Markdown, HTML, a terminal
table or JSON.

Every output opens with where the figures come from: the inputs, the snapshot's date, the
data's licence and attribution (ODbL-1.0 for the Hub's weekly snapshots), the rows read and the
columns the export lacks. Each figure shows its count and share of the models where it is
decidable, the same weighted by downloads, and the models where it is not (`unknown`).

Licence names, declared values, model ids and reasons come from the export, written by anyone
who can publish a model: each goes through the escaping of its format (`markdown_escape`, the
HTML report's `text`, `inert` for the terminal) and is shown as written.
"""

from __future__ import annotations

from collections.abc import Sequence
from io import StringIO
from typing import Any

from rich.text import Text

from openness.render import RenderOptions
from openness.render.html import text as html_text
from openness.render.html_style import page
from openness.render.layout import Words, grid
from openness.render.markdown import markdown_escape
from openness.render.terminal import console_into
from openness.render.untrusted import inert, json_document

# name: (title, the models it is counted among)
FIGURES: dict[str, tuple[str, str]] = {
    "no_licence": ("No licence declared", "models whose declaration is known"),
    "other_licence": ("Licence declared as other", "models whose declaration is known"),
    "unrecognised_licence": (
        "Declared licence unknown to openness",
        "models whose declaration is known",
    ),
    "osi_approved": (
        "Declared licence OSI-approved",
        "models, unrecognised declarations unknown",
    ),
    "use_restricting": (
        "Use-restricting licence",
        "models, 'other' and unrecognised declarations unknown",
    ),
    "permissive_without_licence_file": (
        "Permissive licence, no licence file",
        "permissive models with a known file list",
    ),
    "with_base_model": ("With a base model", "models whose base models are known"),
    "incompatible_with_parent": (
        "Licence incompatible with a parent's",
        "models with a base model whose lineage is decided",
    ),
}
INPUTS_SHOWN = 10
TITLE = "Openness survey"
_NONE = "not stated"


def count(value: object) -> str:
    """An integer with thousands separators; `n/a` for null."""
    if value is None:
        return "n/a"
    return f"{value:,}" if isinstance(value, int) and not isinstance(value, bool) else str(value)


def percent(value: object) -> str:
    """A share as a percentage with one decimal; `n/a` for null."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"{100 * value:.1f}%"
    return "n/a" if value is None else str(value)


def _inputs(source: dict[str, Any]) -> str:
    inputs = [str(item) for item in source.get("inputs") or []]
    shown = ", ".join(inputs[:INPUTS_SHOWN]) or _NONE
    more = len(inputs) - INPUTS_SHOWN
    return shown + (f" and {more} more" if more > 0 else "")


def source_lines(summary: dict[str, Any]) -> list[tuple[str, str]]:
    """(label, untrusted value) pairs saying where the figures come from, in every format."""
    source = summary.get("source") or {}
    missing = source.get("columns_missing") or []
    return [
        ("Source", _inputs(source)),
        ("Snapshot date", str(source.get("snapshot_date") or _NONE)),
        ("Data licence", str(source.get("licence") or _NONE)),
        ("Attribution", str(source.get("attribution") or _NONE)),
        ("Rows", count(source.get("rows"))),
        ("Columns missing", ", ".join(str(c) for c in missing) or "none"),
        (
            "Generated",
            f"openness {summary.get('openness_version', '')} at {summary.get('generated_at', '')}",
        ),
    ]


def figure_rows(summary: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """(title, counted among, METRIC) for each figure of the summary, in the usual order."""
    figures = summary.get("figures") or {}
    known = [name for name in FIGURES if name in figures]
    rest = [name for name in figures if name not in FIGURES]
    return [(*FIGURES.get(name, (name, "")), figures[name]) for name in known + rest]


def _cells(metric: dict[str, Any]) -> list[str]:
    """Models: count / of (share); downloads: likewise; unknown; all trusted numbers."""
    models = f"{count(metric.get('count'))} / {count(metric.get('of'))}"
    if metric.get("downloads") is None:
        weighted = "n/a"
    else:
        weighted = f"{count(metric.get('downloads'))} / {count(metric.get('of_downloads'))}"
    return [
        models,
        percent(metric.get("share")),
        weighted,
        percent(metric.get("download_share")),
        count(metric.get("unknown")),
    ]


FIGURE_HEADER = ["Figure", "Models", "Share", "Downloads", "Download share", "Unknown"]
LICENCE_HEADER = ["#", "Licence", "Declared as", "Models", "Share", "Downloads", "Dl. share"]
PAIR_HEADER = ["Child licence", "Parent licence", "Models", "Downloads", "Example", "Reason"]
CONFLICT_HEADER = ["Declared", "File says", "Models", "Downloads", "Example"]


def _licence_name(entry: dict[str, Any]) -> str:
    name = str(entry.get("licence") or "unknown")
    state = entry.get("state")
    return name + (f" ({state})" if state in ("other", "unrecognised") else "")


def _licence_rows(summary: dict[str, Any], escape: Any) -> list[list[str]]:
    return [
        [
            str(index),
            escape(_licence_name(entry)),
            escape(", ".join(str(d) for d in entry.get("declared_as") or [])),
            count(entry.get("count")),
            percent(entry.get("share")),
            count(entry.get("downloads")),
            percent(entry.get("download_share")),
        ]
        for index, entry in enumerate(summary.get("top_licences") or [], 1)
    ]


def _pair_rows(summary: dict[str, Any], escape: Any) -> list[list[str]]:
    return [
        [
            escape(pair.get("child_licence") or "unknown"),
            escape(pair.get("parent_licence") or "unknown"),
            count(pair.get("count")),
            count(pair.get("downloads")),
            escape(f"{pair.get('example_child')} <- {pair.get('example_parent')}"),
            escape(pair.get("reason") or ""),
        ]
        for pair in summary.get("incompatible_pairs") or []
    ]


def _text_pass(summary: dict[str, Any]) -> tuple[str, list[dict[str, Any]]] | None:
    passed = summary.get("text_pass")
    if not passed:
        return None
    line = (
        f"Rows with licence files: {count(passed.get('rows_with_files'))}; read: "
        f"{count(passed.get('read'))}; not read: {count(passed.get('not_read'))}."
    )
    return line, list(passed.get("conflicts") or [])


def _conflict_rows(conflicts: Sequence[dict[str, Any]], escape: Any) -> list[list[str]]:
    return [
        [
            escape(c.get("declared") or ""),
            escape(c.get("file_licence") or ""),
            count(c.get("count")),
            count(c.get("downloads")),
            escape(c.get("example") or ""),
        ]
        for c in conflicts
    ]


def _weights_note(summary: dict[str, Any]) -> str:
    unknown = summary.get("downloads_unknown")
    if unknown is None:
        return "The export has no download counts: download figures are n/a."
    return (
        f"Download figures sum each model's downloads; {count(unknown)} model(s) without a "
        "download count weigh nothing. Unknown: models where the figure cannot be decided "
        "from the export, counted in neither side."
    )


def _top_note(summary: dict[str, Any]) -> str:
    known = ((summary.get("figures") or {}).get("no_licence") or {}).get("of")
    return (
        f"Shares are of the {count(known)} models whose declaration is known; licences "
        "openness resolves are grouped by their id, the others by the value declared."
    )


# Markdown


def _md_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return lines + ["| " + " | ".join(row) + " |" for row in rows]


def markdown(summary: dict[str, Any], options: RenderOptions | None = None) -> str:
    """The summary as GitHub-flavoured Markdown; every value from the export escaped."""
    lines = [f"# {TITLE}", ""]
    lines += [f"- **{label}**: {markdown_escape(value)}" for label, value in source_lines(summary)]
    lines += ["", "## Headline figures", ""]
    rows = [
        [f"{markdown_escape(title)} · *of {markdown_escape(among)}*", *_cells(metric)]
        for title, among, metric in figure_rows(summary)
    ]
    lines += _md_table(FIGURE_HEADER, rows)
    lines += ["", markdown_escape(_weights_note(summary)), "", "## Top licences", ""]
    lines += [markdown_escape(_top_note(summary)), ""]
    licences = _licence_rows(summary, markdown_escape)
    lines += _md_table(LICENCE_HEADER, licences) if licences else ["None declared."]
    lines += ["", "## Child ← parent licence incompatibilities", ""]
    pairs = _pair_rows(summary, markdown_escape)
    lines += _md_table(PAIR_HEADER, pairs) if pairs else ["None found."]
    passed = _text_pass(summary)
    if passed is not None:
        line, conflicts = passed
        lines += ["", "## Licence files read (text pass)", "", line, ""]
        found = _conflict_rows(conflicts, markdown_escape)
        lines += _md_table(CONFLICT_HEADER, found) if found else ["No declaration conflicts."]
    lines += ["", f"*{markdown_escape(_attribution(summary))}*"]
    return "\n".join(lines) + "\n"


def _attribution(summary: dict[str, Any]) -> str:
    source = summary.get("source") or {}
    licence = source.get("licence") or "licence not stated"
    attribution = source.get("attribution") or "attribution not stated"
    date = source.get("snapshot_date") or "date not stated"
    return f"Data: {_inputs(source)} ({date}; {licence}). {attribution}"


# HTML


def _html_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    head = "".join(f'<th scope="col">{h}</th>' for h in header)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return (
        f'<div class="scroll"><table class="survey"><thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table></div>"
    )


def _meter(share: object) -> str:
    if not isinstance(share, (int, float)) or isinstance(share, bool):
        return percent(share)
    value = min(max(float(share), 0.0), 1.0)
    return f'<meter min="0" max="1" value="{value:.4f}"></meter> {percent(share)}'


def html(summary: dict[str, Any], options: RenderOptions | None = None) -> str:
    """The summary as one self-contained page (no script, nothing fetched, a strict CSP)."""
    items = "".join(
        f"<li><strong>{label}</strong>: {html_text(value)}</li>"
        for label, value in source_lines(summary)
    )
    body = [f'<header><h1>{TITLE}</h1><ul class="meta">{items}</ul></header><main>']
    rows = []
    for title, among, metric in figure_rows(summary):
        cells = _cells(metric)
        share, weighted = metric.get("share"), metric.get("download_share")
        rows.append(
            [
                f'{html_text(title)}<br><span class="note">of {html_text(among)}</span>',
                cells[0], _meter(share), cells[2], _meter(weighted), cells[4],
            ]
        )  # fmt: skip
    body.append('<h2 class="first">Headline figures</h2>' + _html_table(FIGURE_HEADER, rows))
    body.append(f'<p class="note">{html_text(_weights_note(summary))}</p>')
    licences = _licence_rows(summary, html_text)
    body.append(
        f'<h2>Top licences</h2><p class="note">{html_text(_top_note(summary))}</p>'
        + (_html_table(LICENCE_HEADER, licences) if licences else "<p>None declared.</p>")
    )
    pairs = _pair_rows(summary, html_text)
    body.append(
        "<h2>Child ← parent licence incompatibilities</h2>"
        + (_html_table(PAIR_HEADER, pairs) if pairs else "<p>None found.</p>")
    )
    passed = _text_pass(summary)
    if passed is not None:
        line, conflicts = passed
        found = _conflict_rows(conflicts, html_text)
        body.append(
            f"<h2>Licence files read (text pass)</h2><p>{html_text(line)}</p>"
            + (_html_table(CONFLICT_HEADER, found) if found else "<p>No declaration conflicts.</p>")
        )
    body.append(f'</main><footer><p class="note">{html_text(_attribution(summary))}</p></footer>')
    return page(TITLE, body)


# Terminal


def table(summary: dict[str, Any], options: RenderOptions | None = None) -> str:
    """The summary as plain terminal text, fitted to `options.width` (ids never cut)."""
    options = options or RenderOptions()
    buffer = StringIO()
    console = console_into(buffer, options)
    console.print(Words(Text(TITLE, style="bold underline")), crop=False)
    for label, value in source_lines(summary):
        console.print(Words(Text.assemble((f"{label}: ", "dim"), inert(value)), hang=2), crop=False)

    def section(title: str, header: list[str], rows: list[list[str]], keep: int = 1) -> None:
        console.print()
        console.print(Words(Text(title, style="bold")), crop=False)
        cells = [[Text(cell) for cell in row] for row in rows]
        console.print(grid(header, cells, options.width, keep), crop=False)

    figures = [[f"{title} (of {among})", *_cells(m)] for title, among, m in figure_rows(summary)]
    section("Headline figures", FIGURE_HEADER, figures, keep=0)
    console.print(Words(Text(inert(_weights_note(summary)), style="dim")), crop=False)
    # Stacked below 70 columns, a row is headed by its first cell: the licence, the pair.
    licences = [[f"{n}. {name}", *rest] for n, name, *rest in _licence_rows(summary, inert)]
    section("Top licences", LICENCE_HEADER[1:], licences or [["none declared", *[""] * 5]])
    console.print(Words(Text(inert(_top_note(summary)), style="dim")), crop=False)
    # Model ids are kept whole: the example goes next to the first cell, in a column that
    # never wraps (or the table is stacked).
    pairs = [
        [f"{child} <- {parent}", example, models, downloads, reason]
        for child, parent, models, downloads, example, reason in _pair_rows(summary, inert)
    ]
    header = ["Child <- parent licence", "Example", "Models", "Downloads", "Reason"]
    section("Licence incompatibilities", header, pairs or [["none found", *[""] * 4]], keep=2)
    passed = _text_pass(summary)
    if passed is not None:
        line, conflicts = passed
        found = [
            [f"{declared} / {file}", example, models, downloads]
            for declared, file, models, downloads, example in _conflict_rows(conflicts, inert)
        ]
        console.print()
        console.print(Words(Text("Licence files read (text pass)", style="bold")), crop=False)
        console.print(Words(Text(inert(line))), crop=False)
        header = ["Declared / file says", "Example", "Models", "Downloads"]
        section("Declared licence against the licence file", header,
                found or [["no declaration conflicts", *[""] * 3]], keep=2)  # fmt: skip
    console.print()
    console.print(Words(Text(inert(_attribution(summary)), style="dim")), crop=False)
    return buffer.getvalue()


def json_text(summary: dict[str, Any], options: RenderOptions | None = None) -> str:
    """The summary as indented JSON, hidden characters escaped."""
    return json_document(summary)
