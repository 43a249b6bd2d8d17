"""The report as one self-contained HTML page (`--format html` of audit, check and compare).

The page fetches nothing: no script, font, image or style sheet from elsewhere, and its
Content-Security-Policy (a meta tag) allows only its own style element, by hash, and `data:`
images, so even a value that escaped by mistake could run or load nothing. Every string from a
repo goes through `text`: put on one line with hidden characters shown as escapes (`one_line`),
HTML-escaped, and with GitHub workflow-command markers broken by character references (a page
printed to a CI log cannot steer it), so it shows as written. The only links are `#anchors`.

Several models get the openness grid (models x criteria, coloured met / not met / needs review
/ unknown, each cell a link to its evidence further down); every model gets its summary, its
verdicts and the evidence behind each (file, line, quote). The style sheet has a narrow-screen
layout and a print layout.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence

from openness.compare import Comparison, compare
from openness.render import RenderOptions
from openness.render.access import access_rows, describe_source
from openness.render.html_grid import STATES, Cell, Column, State, cells, columns
from openness.render.html_style import page
from openness.render.untrusted import one_line
from openness.report import Audit, Citation, Criterion, PolicyOutcome, Report

# A colon before another, or at either end of a value (so that no two values and no value and
# the markup around it can join into `::`).
_COLONS = re.compile(r":(?=:)|^:|:$")
_OSI = {True: "yes", False: "no", None: "unknown"}


def text(value: object) -> str:
    """Untrusted text as HTML: one line, hidden characters visible, escaped (quotes too), and
    `::` / `##[` broken by character references (a colon at either end too, and every `[`), so
    no line is a workflow command whatever stands next to the value."""
    escaped = html.escape(one_line(value), quote=True)
    return _COLONS.sub("&#58;", escaped).replace("[", "&#91;")


def _badge(state: State, value: str | None = None) -> str:
    label, symbol = STATES[state]
    shown = text(value) if value is not None else label
    return f'<span class="badge {state}"><span class="sym">{symbol}</span> {shown}</span>'


def _table(header: Sequence[str], rows: Iterable[Sequence[str]], css: str = "ev") -> str:
    """A table of already-escaped cells."""
    head = "".join(f"<th>{h}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f'<div class="scroll"><table class="{css}"><thead><tr>{head}</tr></thead>' + (
        f"<tbody>{body}</tbody></table></div>"
    )


def _citations(evidence: Sequence[Citation]) -> str:
    if not evidence:
        return '<p class="note">No evidence recorded.</p>'
    rows = [
        [f"<code>{text(c.source)}</code>", str(c.line) if c.line else "", f"<q>{text(c.quote)}</q>"]
        for c in evidence
    ]
    return _table(["file or field", "line", "quote"], rows)


def _criteria(criteria: Sequence[Criterion]) -> str:
    rows = []
    for criterion in criteria:
        cites = f' <span class="note">({text(criterion.cites)})</span>' if criterion.cites else ""
        where = "<br>".join(
            f"<code>{text(c.where())}</code>: <q>{text(c.quote)}</q>" for c in criterion.evidence
        )
        rows.append(
            [
                f"{text(criterion.id)} {text(criterion.title)}{cites}",
                _badge(criterion.status),
                text(criterion.reason),
                where,
            ]
        )
    return _table(["criterion", "status", "reason", "evidence"], rows)


def _grid(
    comparison: Comparison, cols: list[Column], grid: list[dict[str, Cell]], where: list[str]
) -> str:
    head = "".join(
        f'<th class="c" scope="col" title="{text(c.meaning)}"><span>{text(c.title)}</span></th>'
        for c in cols
    )
    rows = []
    for index, (audit, row) in enumerate(zip(comparison.audits, grid, strict=True)):
        tds = []
        for column in cols:
            cell = row[column.key]
            label, symbol = STATES[cell.state]
            value = text(cell.value)
            shown = f" {value}" if column.key in ("licence", "mof", "g7") else ""
            tip = text(f"{column.title}: {label} ({cell.value})")
            tds.append(
                f'<td class="{cell.state}" data-criterion="{column.key}">'
                f'<a href="#m{index}-{column.key}" title="{tip}">'
                f'<span class="sym">{symbol}</span>{shown}</a></td>'
            )
        found = f'<br><code class="note">{text(where[index])}</code>' if where[index] else ""
        rows.append(
            f'<tr><th class="m" scope="row"><a href="#m{index}">{text(audit.model.id)}</a>'
            f"{found}</th>" + "".join(tds) + "</tr>"
        )
    legend = " ".join(f"<span>{_badge(state)}</span>" for state in STATES)
    return (
        '<h2 class="first" id="grid">Openness grid</h2>'
        '<div class="scroll"><table class="grid"><thead><tr><th class="m">model</th>'
        f"{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
        f'<p class="legend">{legend}</p>'
        '<p class="note">Each cell links to its evidence. Clause columns are met when the clause '
        "is absent from the licence; rubric columns show the rubric's verdict.</p>"
    )


def _verdicts(index: int, cols: list[Column], row: dict[str, Cell]) -> str:
    items = [
        [
            f'<a href="#m{index}-{c.key}">{text(c.title)}</a>',
            _badge(row[c.key].state, row[c.key].value),
            text(row[c.key].reason),
        ]
        for c in cols
    ]
    return "<h3>Verdicts</h3>" + _table(["criterion", "verdict", "why"], items)


def _evidence(index: int, cols: list[Column], row: dict[str, Cell]) -> str:
    parts = ["<h3>Evidence</h3>"]
    for column in cols:
        cell = row[column.key]
        body = _criteria(cell.criteria) if cell.criteria else _citations(cell.evidence)
        parts.append(
            f'<section class="ev" id="m{index}-{column.key}"><h4>{text(column.title)}: '
            f"{_badge(cell.state, cell.value)}</h4><p>{text(cell.reason)}</p>{body}</section>"
        )
    return "".join(parts)


def _licence(audit: Audit) -> str:
    license = audit.license
    rows = [["declared", text(license.declared or "none")]]
    if license.declared_name or license.declared_link:
        rows.append(
            ["declared name / link", text(f"{license.declared_name or '-'} / ")
             + text(license.declared_link or "-")]
        )  # fmt: skip
    for file in license.files:
        found = file.identified or "unrecognised"
        also = f" + {', '.join(file.also)}" if file.also else ""
        sha = f" sha256 {file.sha256}" if file.sha256 else ""
        rows.append(
            [
                f"<code>{text(file.path)}</code>",
                text(f"{found}{also} ({file.match}, {file.confidence:.2f}){sha}"),
            ]
        )
    rows += [
        [f"<code>{text(u.path)}</code>", text(f"not read: {u.reason}")] for u in license.unread
    ]
    conclusion = license.conclusion or "unknown"
    if license.spdx_id and license.spdx_id != license.conclusion:
        conclusion += f" (SPDX: {license.spdx_id})"
    rows.append(["<strong>conclusion</strong>", f"<strong>{text(conclusion)}</strong>"])
    rows.append(["OSI-approved", _OSI[license.osi_approved]])
    rows += [["conflict", text(conflict)] for conflict in license.conflicts]
    return "<h3>Licence</h3>" + _table(["", ""], rows)


def _extras(audit: Audit) -> str:
    """Conditional clauses, lineage, notices, datasets, access, sources and warnings."""
    parts = []
    if audit.conditional_clauses:
        items = "".join(
            f"<li>{text(c.kind)} applies only if {text(c.condition or 'a condition is met')} "
            f"(<code>{text(c.evidence.where())}</code>)</li>"
            for c in audit.conditional_clauses
        )
        parts.append(f"<h3>Conditional clauses</h3><ul>{items}</ul>")
    if audit.lineage:
        rows = []
        for entry in audit.lineage:
            edges = "<br>".join(
                f"{text(e.child)} → this: {_badge(_EDGE[e.verdict], e.verdict)} {text(e.reason)}"
                + "".join(f" <code>{text(c.where())}</code>" for c in e.evidence[:2])
                for e in entry.compatibility
            )
            rows.append(
                [
                    text(entry.id),
                    text(entry.relation),
                    str(entry.depth),
                    text(entry.license_conclusion or "unknown"),
                    _OSI[entry.osi_approved],
                    edges,
                ]
            )
        header = ["ancestor", "relation", "depth", "licence", "OSI", "compatibility"]
        parts.append("<h3>Lineage</h3>" + _table(header, rows))
    inherited = [c for c in audit.clauses if c.inherited_from]
    if inherited:
        items = "".join(
            f"<li>{text(c.kind)} from {text(c.inherited_from)} "
            f"(<code>{text(c.evidence.where())}</code>)</li>"
            for c in inherited
        )
        parts.append(f"<h3>Inherited clauses</h3><ul>{items}</ul>")
    if audit.notices:
        rows = [
            [
                text(n.id),
                text(n.demand),
                text(n.required_by),
                _badge(n.status),
                text(n.reason)
                + "".join(f" <code>{text(c.where())}</code>" for c in n.evidence[:2]),
            ]
            for n in audit.notices
        ]
        parts.append(
            "<h3>Notices</h3>" + _table(["notice", "demand", "required by", "status", "why"], rows)
        )
    if audit.datasets:
        rows = [
            [
                text(d.id),
                f"<code>{text(d.named_in)}</code>",
                text(d.license or "unknown"),
                _OSI[d.public],
                text("unknown" if d.gated is None else d.gated or "no"),
                text(d.reason or ""),
            ]
            for d in audit.datasets
        ]
        header = ["dataset", "named in", "licence", "public", "gated", "note"]
        parts.append("<h3>Training datasets</h3>" + _table(header, rows))
    if audit.access is not None:
        rows = [[text(k), text(v)] for k, v in access_rows(audit.access)]
        parts.append("<h3>Access</h3>" + _table(["", ""], rows))
    if audit.model.sources:
        items = "".join(f"<li>{text(describe_source(s))}</li>" for s in audit.model.sources)
        parts.append(f"<h3>Sources</h3><ul>{items}</ul>")
    if audit.warnings:
        items = "".join(f"<li>{text(w)}</li>" for w in audit.warnings)
        parts.append(f"<h3>Warnings</h3><ul>{items}</ul>")
    return "".join(parts)


_EDGE: dict[str, State] = {"compatible": "met", "incompatible": "not_met", "unknown": "unknown"}
_OUTCOME: dict[str, State] = {"passed": "met", "failed": "not_met", "incomplete": "unknown"}


def _model(
    index: int, audit: Audit, cols: list[Column], row: dict[str, Cell], first: bool, where: str
) -> str:
    model = audit.model
    gated = "unknown" if model.gated is None else (model.gated or "no")
    css = ' class="first"' if first else ""
    found = f" · referenced at <code>{text(where)}</code>" if where else ""
    return (
        f'<article><h2{css} id="m{index}">{text(model.id)}</h2>'
        f'<p class="meta">source: {text(model.provenance())} · revision: '
        f"{text(model.revision or 'unknown')} · gated: {text(gated)}{found}</p>"
        f"<p><strong>Summary:</strong> {text(audit.summary)}</p>"
        + _verdicts(index, cols, row)
        + _licence(audit)
        + _extras(audit)
        + _evidence(index, cols, row)
        + "</article>"
    )


def _policy(outcome: PolicyOutcome, ids: dict[str, int]) -> str:
    state = _OUTCOME[outcome.status]
    items = []
    for result in outcome.results:
        link = f' (<a href="#m{ids[result.model]}">details</a>)' if result.model in ids else ""
        waived = f" waived: {text(result.waived_by)}" if result.waived_by else ""
        violations = "".join(
            f"<li>{_badge('not_met' if v.severity == 'fail' else 'needs_review', v.severity)} "
            f"<code>{text(v.rule)}</code> {text(v.message)}"
            + "".join(
                f" <code>{text(where)}</code>"
                for where in dict.fromkeys(c.where() for c in v.evidence[:5])
            )
            + "</li>"
            for v in result.violations
        )
        passed = _badge("met", "passed") if result.passed else _badge("not_met", "failed")
        items.append(
            f"<li>{passed} <strong>{text(result.model)}</strong>{waived}{link}"
            f"<ul>{violations}</ul></li>"
        )
    items += [
        f"<li>{_badge('unknown', 'not audited')} <strong>{text(f.model)}</strong>: "
        f"{text(f.message)}</li>"
        for f in outcome.not_audited
    ]
    return (
        f'<section id="policy"><h2 class="first">Policy {text(outcome.source)}: '
        f"{_badge(state, outcome.status)}</h2><ul>{''.join(items)}</ul></section>"
    )


def _all_rows(comparison: Comparison, options: RenderOptions) -> str:
    shown = [r for r in comparison.rows if r.differs or not options.only_differences]
    header = ["", *(f'<a href="#m{i}">{text(a.model.id)}</a>'
                    for i, a in enumerate(comparison.audits))]  # fmt: skip
    rows = [
        [("≠ " if r.differs else "") + text(r.label), *(text(v) for v in r.values)] for r in shown
    ]
    return "<h2>Every compared fact</h2>" + _table(header, rows, "ev all")


def render_page(report: Report, options: RenderOptions, title: str, every_row: bool) -> str:
    comparison = compare(report)
    cols = columns()
    grid = cells(comparison)
    ids = {audit.model.id: index for index, audit in enumerate(report.audits)}
    body = [f"<header><h1>{text(title)}</h1>"]
    body.append(
        f'<p class="meta">{text(report.tool.name)} {text(report.tool.version)} · '
        f"{len(report.audits)} model(s) audited · every verdict links to its evidence; "
        "repository text is shown as written, escaped; not legal advice</p></header><main>"
    )
    if report.policy:
        body.append(_policy(report.policy, ids))
    where = []
    for audit in report.audits:
        path, line = options.locations.get(audit.model.id, ("", 0))
        where.append(f"{path}:{line}" if path else "")
    if len(report.audits) > 1:
        body.append(_grid(comparison, cols, grid, where))
    if not report.audits:
        body.append("<p>No model was audited.</p>")
    first = report.policy is None and len(report.audits) < 2
    for index, (audit, row) in enumerate(zip(report.audits, grid, strict=True)):
        body.append(_model(index, audit, cols, row, first and index == 0, where[index]))
    if every_row and len(report.audits) > 1:
        body.append(_all_rows(comparison, options))
    if report.errors:
        items = "".join(
            f"<li>{text(f.model)} (exit {f.exit_code}): {text(f.message)}</li>"
            for f in report.errors
        )
        body.append(f'<h2 id="errors">Not audited</h2><ul>{items}</ul>')
    body.append("</main>")
    return page(text(title), body)


def render_html(report: Report, options: RenderOptions) -> str:
    """An audit or check report: the policy outcome first, the grid for several models, then
    each model's summary, verdicts and evidence."""
    title = "Openness check" if report.policy else "Openness audit"
    if len(report.audits) == 1:
        title += f": {report.audits[0].model.id}"
    return render_page(report, options, title, every_row=False)


def render_comparison_html(report: Report, options: RenderOptions) -> str:
    """`openness compare`: the grid, each model's verdicts and evidence, then every compared
    fact side by side (`options.only_differences` keeps only the rows that differ)."""
    return render_page(report, options, "Openness comparison", every_row=True)
