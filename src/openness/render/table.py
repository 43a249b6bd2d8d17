"""The human report for a terminal, built with rich.

Repo text is never parsed as markup and goes through `inert`: one line, no hidden characters,
no workflow-command markers.
"""

from __future__ import annotations

from io import StringIO

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from openness.render import RenderOptions
from openness.render.access import access_rows, describe_source
from openness.render.terminal import console_into
from openness.render.untrusted import inert
from openness.report import Audit, PolicyOutcome, Report
from openness.rubrics.registry import registry
from openness.rubrics.status import STATUSES, VERDICTS

_YES_NO = {True: "yes", False: "no", None: "unknown"}
_TONE_STYLE = {"good": "green", "bad": "red", "review": "magenta", "doubt": "yellow"}


def _safe(value: object) -> Text:
    """Untrusted text as a plain, inert Text."""
    return Text(inert(value))


def _audit_view(audit: Audit) -> RenderableType:
    parts: list[RenderableType] = []
    header = Text.assemble(("● ", "bold"), (inert(audit.model.id), "bold"))
    header.append(
        _safe(
            f"  (source: {audit.model.provenance()}; revision: {audit.model.revision or 'unknown'})"
        )
    )
    parts += [header, Text.assemble(("Summary: ", "bold"), _safe(audit.summary))]

    license = audit.license
    facts = Table.grid(padding=(0, 2))
    facts.add_row(Text("declared"), _safe(license.declared or "none"))
    if license.declared_name or license.declared_link:
        facts.add_row(
            Text("name / link"),
            _safe(f"{license.declared_name or '-'} / {license.declared_link or '-'}"),
        )
    for file in license.files:
        found = file.identified or "unrecognised"
        extra = f" + {', '.join(file.also)}" if file.also else ""
        facts.add_row(
            _safe(file.path), _safe(f"{found}{extra} ({file.match}, {file.confidence:.2f})")
        )
    osi = {True: "yes", False: "no", None: "unknown"}[license.osi_approved]
    facts.add_row(Text("conclusion", style="bold"), _safe(f"{license.conclusion or 'unknown'}"))
    facts.add_row(Text("OSI-approved"), Text(osi))
    for conflict in license.conflicts:
        facts.add_row(Text("conflict", style="red"), _safe(conflict))
    parts += [Text("Licence", style="bold underline"), facts]

    if audit.clauses:
        clauses = Table("clause", "evidence", "quote", show_lines=False, expand=False)
        for clause in audit.clauses:
            clauses.add_row(
                Text(clause.kind, style="red"),
                _safe(clause.evidence.where()),
                _safe(clause.evidence.quote),
            )
        parts += [Text("Restrictive clauses", style="bold underline"), clauses]
    else:
        parts.append(Text("Restrictive clauses: none found", style="bold"))
    for clause in audit.conditional_clauses:
        note = f"{clause.kind} applies only if {clause.condition or 'a condition is met'}"
        parts.append(
            Text.assemble(("note: ", "cyan"), _safe(f"{note} ({clause.evidence.where()})"))
        )
    parts += _access_view(audit)
    parts += _lineage_view(audit)

    for rubric_id, rubric in audit.rubrics.pass_fail().items():
        table = Table("criterion", "status", "reason", expand=False)
        for criterion in rubric.criteria:
            meaning = STATUSES[criterion.status]
            table.add_row(
                _safe(
                    f"{criterion.id} {criterion.title}"
                    + (f" ({criterion.cites})" if criterion.cites else "")
                ),  # fmt: skip
                Text(meaning.label.lower(), style=_TONE_STYLE[meaning.tone]),
                _safe(criterion.reason),
            )
        title = Text.assemble((f"{registry().short(rubric_id)}: ", "bold underline"))
        tone = _TONE_STYLE[VERDICTS[rubric.verdict].tone]
        title.append((rubric.label or rubric.verdict).upper(), style=f"bold {tone}")
        parts += [title, table]
        parts += [Text.assemble(("note: ", "cyan"), _safe(note)) for note in rubric.notes]
    parts += _g7_view(audit)

    mof = audit.rubrics.mof
    progress = ", ".join(
        f"class {k}: {v:.0f}%" for k, v in sorted(mof.progress.items(), reverse=True)
    )
    parts.append(Text.assemble(("MOF: ", "bold underline"), (mof.label, "bold"), f" ({progress})"))
    for component in mof.components:
        if component.required and component.status != "included":
            detail = f"  {component.name}: {component.status}"
            parts.append(_safe(detail + (f" ({component.evidence})" if component.evidence else "")))
    for source in audit.model.sources:
        parts.append(Text.assemble(("source: ", "bold"), _safe(describe_source(source))))
    for warning in audit.warnings:
        parts.append(Text.assemble(("warning: ", "yellow"), _safe(warning)))
    return Group(*parts, Text(""))


def _g7_view(audit: Audit) -> list[RenderableType]:
    """The G7 openness label, then each of its conditions with its evidence."""
    if audit.g7 is None:
        return []
    g7 = audit.g7
    title = Text.assemble(("G7 label: ", "bold underline"), (g7.label, "bold"))
    if g7.could_be:
        title.append(f" (perhaps {g7.could_be[-1]})")
    grid = Table("condition", "holds", "reason", expand=False)
    for condition in g7.conditions:
        holds = _YES_NO[condition.value]
        where = ", ".join(c.where() for c in condition.evidence[:2])
        grid.add_row(
            Text(condition.title),
            Text(holds, style={"yes": "green", "no": "red"}.get(holds, "yellow")),
            _safe(condition.reason + (f" [{where}]" if where else "")),
        )
    return [title, grid]


_EDGE_STYLE = {"compatible": "green", "incompatible": "red", "unknown": "yellow"}
_NOTICE_STYLE = {"met": "green", "not_met": "red", "unknown": "yellow"}


def _lineage_view(audit: Audit) -> list[RenderableType]:
    """Each edge child -> parent with its verdict, then the notice checks (`openness tree`
    draws the same as a tree)."""
    parts: list[RenderableType] = []
    edges = Table("edge (child → parent: relation, parent's licence)", "verdict", "reason")
    for entry in audit.lineage:
        for edge in entry.compatibility:
            where = ", ".join(c.where() for c in edge.evidence[:2])
            licence = entry.license_conclusion or "unknown"
            edges.add_row(
                _safe(f"{edge.child} → {entry.id}: {entry.relation}, {licence}"),
                Text(edge.verdict, style=_EDGE_STYLE[edge.verdict]),
                _safe(edge.reason + (f" [{where}]" if where else "")),
            )
    if edges.row_count:
        parts += [Text("Lineage", style="bold underline"), edges]
    if audit.notices:
        notices = Table("notice", "required by", "status", "reason", expand=False)
        for notice in audit.notices:
            where = ", ".join(c.where() for c in notice.evidence[:2])
            notices.add_row(
                _safe(f"{notice.id}: {notice.demand}"),
                _safe(notice.required_by),
                Text(notice.status, style=_NOTICE_STYLE[notice.status]),
                _safe(notice.reason + (f" [{where}]" if where else "")),
            )
        parts += [Text("Notices", style="bold underline"), notices]
    return parts


def _access_view(audit: Audit) -> list[RenderableType]:
    if audit.access is None:
        return []
    grid = Table.grid(padding=(0, 2))
    for label, value in access_rows(audit.access):
        grid.add_row(Text(label), _safe(value))
    return [Text("Access", style="bold underline"), grid]


def render_table(report: Report, options: RenderOptions) -> str:
    buffer = StringIO()
    console = console_into(buffer, options)
    for audit in report.audits:
        console.print(_audit_view(audit))
    if report.errors:
        console.print(Text("Not audited", style="bold underline"))
        for failure in report.errors:
            console.print(
                Text.assemble(
                    ("✘ ", "red"), (inert(failure.model), "bold"), " ", _safe(failure.message)
                )  # fmt: skip
            )
        console.print(Text(""))
    if report.policy:
        console.print(_policy_view(report.policy))
    return buffer.getvalue()


_VERDICTS = {
    "passed": ("PASSED", "bold green"),
    "failed": ("FAILED", "bold red"),
    "incomplete": ("INCOMPLETE: not every requested model was audited", "bold yellow"),
}


def _policy_view(outcome: PolicyOutcome) -> RenderableType:
    verdict = _VERDICTS[outcome.status]
    parts: list[RenderableType] = [
        Text.assemble(("Policy ", "bold underline"), _safe(outcome.source), ": ", verdict)
    ]
    for result in outcome.results:
        mark = ("✔ ", "green") if result.passed else ("✘ ", "red")
        line = Text.assemble(mark, (inert(result.model), "bold"))
        if result.waived_by:
            line.append(" (waived: ")
            line.append(_safe(result.waived_by))
            line.append(")")
        parts.append(line)
        for violation in result.violations:
            where = ", ".join(dict.fromkeys(c.where() for c in violation.evidence[:5]))
            style = "red" if violation.severity == "fail" else "yellow"
            parts.append(
                Text.assemble(
                    (f"  {violation.severity}: ", style),
                    (violation.rule, "bold"),
                    " ",
                    _safe(violation.message),
                    _safe(f" [{where}]") if where else "",
                )
            )
    return Group(*parts)
