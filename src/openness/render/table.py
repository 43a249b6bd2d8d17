"""The human report for a terminal, built with rich.

One model is shown in full; several get one line each (verdicts, the clause kinds found, and for
`check --scan` where the model is referenced), in full with `--details`; `--quiet` keeps only
the models with a problem. The layout fits the width (see `openness.render.layout`).

Repo text is never parsed as markup and goes through `inert`: one line, no hidden characters,
no workflow-command markers.
"""

from __future__ import annotations

from io import StringIO

from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from openness.render import RenderOptions
from openness.render.access import access_rows, describe_source
from openness.render.layout import Words, grid, stacked
from openness.render.terminal import console_into
from openness.render.untrusted import inert
from openness.report import Audit, ModelResult, PolicyOutcome, Report
from openness.rubrics.registry import registry
from openness.rubrics.status import STATUSES, VERDICTS

_YES_NO = {True: "yes", False: "no", None: "unknown"}
_TONE_STYLE = {"good": "green", "bad": "red", "review": "magenta", "doubt": "yellow"}


def _safe(value: object) -> Text:
    """Untrusted text as a plain, inert Text."""
    return Text(inert(value))


def _audit_view(audit: Audit, width: int) -> RenderableType:
    parts: list[RenderableType] = []
    header = Text.assemble(("● ", "bold"), (inert(audit.model.id), "bold"))
    header.append(
        _safe(
            f"  (source: {audit.model.provenance()}; revision: {audit.model.revision or 'unknown'})"
        )
    )
    parts += [
        Words(header, hang=2),
        Words(Text.assemble(("Summary: ", "bold"), _safe(audit.summary))),
    ]

    license = audit.license
    facts: list[tuple[Text, Text]] = [(Text("declared"), _safe(license.declared or "none"))]
    if license.declared_name or license.declared_link:
        facts.append(
            (
                Text("name / link"),
                _safe(f"{license.declared_name or '-'} / {license.declared_link or '-'}"),
            )
        )
    for file in license.files:
        found = file.identified or "unrecognised"
        extra = f" + {', '.join(file.also)}" if file.also else ""
        facts.append(
            (_safe(file.path), _safe(f"{found}{extra} ({file.match}, {file.confidence:.2f})"))
        )
    osi = {True: "yes", False: "no", None: "unknown"}[license.osi_approved]
    facts.append((Text("conclusion", style="bold"), _safe(f"{license.conclusion or 'unknown'}")))
    facts.append((Text("OSI-approved"), Text(osi)))
    facts += [(Text("conflict", style="red"), _safe(conflict)) for conflict in license.conflicts]
    parts += [Text("Licence", style="bold underline"), _facts(facts, width)]

    if audit.clauses:
        inherited = any(clause.inherited_from for clause in audit.clauses)
        headers = ["clause", "evidence", "quote"] + (["inherited from"] if inherited else [])
        rows = [
            [
                Text(clause.kind, style="red"),
                _safe(clause.evidence.where()),
                _safe(clause.evidence.quote),
            ]
            + ([_safe(clause.inherited_from or "-")] if inherited else [])
            for clause in audit.clauses
        ]
        parts += [
            Text("Restrictive clauses", style="bold underline"),
            grid(headers, rows, width, 2),
        ]
    else:
        parts.append(Text("Restrictive clauses: none found", style="bold"))
    for clause in audit.conditional_clauses:
        note = f"{clause.kind} applies only if {clause.condition or 'a condition is met'}"
        parts.append(
            Words(Text.assemble(("note: ", "cyan"), _safe(f"{note} ({clause.evidence.where()})")))
        )
    parts += _access_view(audit, width)
    parts += _lineage_view(audit, width)

    for rubric_id, rubric in audit.rubrics.pass_fail().items():
        rows = []
        for criterion in rubric.criteria:
            meaning = STATUSES[criterion.status]
            rows.append(
                [
                    _safe(
                        f"{criterion.id} {criterion.title}"
                        + (f" ({criterion.cites})" if criterion.cites else "")
                    ),
                    Text(meaning.label.lower(), style=_TONE_STYLE[meaning.tone]),
                    _safe(criterion.reason),
                ]
            )
        title = Text.assemble((f"{registry().short(rubric_id)}: ", "bold underline"))
        tone = _TONE_STYLE[VERDICTS[rubric.verdict].tone]
        title.append((rubric.label or rubric.verdict).upper(), style=f"bold {tone}")
        parts += [title, grid(["criterion", "status", "reason"], rows, width, 0)]
        parts += [Words(Text.assemble(("note: ", "cyan"), _safe(note))) for note in rubric.notes]
    parts += _g7_view(audit, width)

    mof = audit.rubrics.mof
    progress = ", ".join(
        f"class {k}: {v:.0f}%" for k, v in sorted(mof.progress.items(), reverse=True)
    )
    parts.append(
        Words(Text.assemble(("MOF: ", "bold underline"), (mof.label, "bold"), f" ({progress})"))
    )
    for component in mof.components:
        if component.required and component.status != "included":
            detail = f"{component.name}: {component.status}"
            detail += f" ({component.evidence})" if component.evidence else ""
            parts.append(Words(_safe(detail), indent=2, hang=4))
    for source in audit.model.sources:
        parts.append(Words(Text.assemble(("source: ", "bold"), _safe(describe_source(source)))))
    for warning in audit.warnings:
        parts.append(Words(Text.assemble(("warning: ", "yellow"), _safe(warning))))
    return Group(*parts, Text(""))


def _facts(rows: list[tuple[Text, Text]], width: int) -> RenderableType:
    """Label and value side by side, or `label: value` lines when narrow."""
    if stacked(width):
        return Group(*(Words(Text.assemble(label, ": ", value), hang=2) for label, value in rows))
    table = Table.grid(padding=(0, 2))
    table.add_column(no_wrap=True)
    table.add_column()
    for label, value in rows:
        table.add_row(label, value)
    return table


def _g7_view(audit: Audit, width: int) -> list[RenderableType]:
    """The G7 openness label, then each of its conditions with its evidence."""
    if audit.g7 is None:
        return []
    g7 = audit.g7
    title = Text.assemble(("G7 label: ", "bold underline"), (g7.label, "bold"))
    if g7.could_be:
        title.append(f" (perhaps {g7.could_be[-1]})")
    rows = []
    for condition in g7.conditions:
        holds = _YES_NO[condition.value]
        where = ", ".join(c.where() for c in condition.evidence[:2])
        rows.append(
            [
                Text(condition.title),
                Text(holds, style={"yes": "green", "no": "red"}.get(holds, "yellow")),
                _safe(condition.reason + (f" [{where}]" if where else "")),
            ]
        )
    return [Words(title), grid(["condition", "holds", "reason"], rows, width, 0)]


_EDGE_STYLE = {"compatible": "green", "incompatible": "red", "unknown": "yellow"}
_NOTICE_STYLE = {"met": "green", "not_met": "red", "unknown": "yellow"}


def _lineage_view(audit: Audit, width: int) -> list[RenderableType]:
    """The family tree (each ancestor with its relation and licence), the clauses inherited
    from it, each edge child -> parent with its verdict, then the notice checks (`openness
    tree` draws the same as a tree)."""
    parts: list[RenderableType] = []
    if audit.lineage:
        parts.append(Text("Lineage", style="bold underline"))
        for entry in audit.lineage:
            licence = entry.license_conclusion or "unknown"
            line = Text.assemble(
                ("↑ ", "dim"), (inert(entry.id), "bold"), _safe(f" ({entry.relation}, {licence})")
            )
            inherited = sorted({c.kind for c in audit.clauses if c.inherited_from == entry.id})
            if inherited:
                line.append(" inherited: ")
                line.append(", ".join(inherited), style="red")
            indent = 2 * max(entry.depth - 1, 0)
            parts.append(Words(line, indent=indent, hang=indent + 2))
    rows = []
    for entry in audit.lineage:
        for edge in entry.compatibility:
            where = ", ".join(c.where() for c in edge.evidence[:2])
            licence = entry.license_conclusion or "unknown"
            rows.append(
                [
                    _safe(f"{edge.child} → {entry.id}: {entry.relation}, {licence}"),
                    Text(edge.verdict, style=_EDGE_STYLE[edge.verdict]),
                    _safe(edge.reason + (f" [{where}]" if where else "")),
                ]
            )
    if rows:
        headers = ["edge (child → parent: relation, parent's licence)", "verdict", "reason"]
        parts += [Text("Compatibility", style="bold underline"), grid(headers, rows, width, 0)]
    if audit.notices:
        rows = []
        for notice in audit.notices:
            where = ", ".join(c.where() for c in notice.evidence[:2])
            rows.append(
                [
                    _safe(f"{notice.id}: {notice.demand}"),
                    _safe(notice.required_by),
                    Text(notice.status, style=_NOTICE_STYLE[notice.status]),
                    _safe(notice.reason + (f" [{where}]" if where else "")),
                ]
            )
        headers = ["notice", "required by", "status", "reason"]
        parts += [Text("Notices", style="bold underline"), grid(headers, rows, width, 0)]
    return parts


def _access_view(audit: Audit, width: int) -> list[RenderableType]:
    if audit.access is None:
        return []
    rows = [(Text(label), _safe(value)) for label, value in access_rows(audit.access)]
    return [Text("Access", style="bold underline"), _facts(rows, width)]


_SHORT = {"eu-ai-act-53-2": "EU"}
_VERDICT_WORD = {"pass": "pass", "fail": "fail", "needs_review": "review", "unknown": "unknown"}


def _compact_line(audit: Audit, options: RenderOptions, result: ModelResult | None) -> Text:
    """One model on one line: mark, id, licence, each rubric's verdict, the G7 label, the
    clause kinds found (inherited ones marked ↑), where `check --scan` found it, and for a
    failed check the rules it broke."""
    line = Text()
    if result is None:
        line.append("● ", style="bold")
    else:
        line.append(*(("✔ ", "green") if result.passed else ("✘ ", "red")))
    line.append(inert(audit.model.id), style="bold")
    line.append("  ")
    line.append(_safe(audit.license.conclusion or "unknown licence"))
    for rubric_id, rubric in audit.rubrics.pass_fail().items():
        name = _SHORT.get(rubric_id, registry().short(rubric_id))
        tone = _TONE_STYLE[VERDICTS[rubric.verdict].tone]
        word = (rubric.label or _VERDICT_WORD.get(rubric.verdict, rubric.verdict)).replace(" ", "-")
        line.append(f"  {name} ")
        line.append(inert(word), style=tone)
    if audit.g7 is not None:
        line.append("  G7 ")
        line.append(inert(audit.g7.label.replace(" ", "-")), style="bold")
    failing = set()
    if result is not None and not result.passed:
        failing = {v.rule for v in result.violations if v.severity == "fail"}
    kinds = dict.fromkeys(c.kind + ("↑" if c.inherited_from else "") for c in audit.clauses)
    narrow = stacked(options.width)  # counts instead of lists; --details names them
    for number, kind in enumerate([] if narrow else kinds):
        line.append("  " if number == 0 else ", ")
        failed = f"clause-{kind.rstrip('↑')}" in failing
        line.append(kind, style="bold red" if failed else "red")
    if narrow and kinds:
        failed_kinds = sum(f"clause-{kind.rstrip('↑')}" in failing for kind in kinds)
        plural = "s" if len(kinds) > 1 else ""
        line.append(f"  {len(kinds)} clause kind{plural}", style="red")
        if failed_kinds:
            line.append(f" ({failed_kinds} failing)", style="bold red")
    location = options.locations.get(audit.model.id)
    if location:
        line.append("  at ")
        line.append(inert(f"{location[0]}:{location[1]}"), style="cyan")
    if result is not None and result.waived_by:
        line.append("  waived: ")
        line.append(_safe(result.waived_by))
    rules = [rule for rule in sorted(failing) if rule.removeprefix("clause-") not in kinds]
    if rules and narrow:
        line.append(f"  {len(rules)} more rule{'s' if len(rules) > 1 else ''} failing", style="red")
    elif rules:  # the clause kinds that fail are in bold above
        line.append("  fails: ")
        line.append(inert(", ".join(rules)), style="red")
    return line


def _problem(audit: Audit, result: ModelResult | None) -> bool:
    """What `--quiet` keeps: a failed check; without a policy, a verdict short of pass or a
    restrictive clause."""
    if result is not None:
        return not result.passed
    verdicts = {rubric.verdict for rubric in audit.rubrics.pass_fail().values()}
    return bool(audit.clauses) or bool(verdicts - {"pass"})


def _print(console: Console, renderable: RenderableType) -> None:
    console.print(renderable, crop=False)


def render_table(report: Report, options: RenderOptions) -> str:
    buffer = StringIO()
    console = console_into(buffer, options)
    width = options.width
    results = {r.model: r for r in report.policy.results} if report.policy else {}
    detailed = options.details
    if detailed is None:
        detailed = len(report.audits) + len(report.errors) <= 1
    shown = [
        audit
        for audit in report.audits
        if not options.quiet or _problem(audit, results.get(audit.model.id))
    ]
    for audit in shown:
        if detailed:
            _print(console, _audit_view(audit, width))
        else:
            _print(
                console, Words(_compact_line(audit, options, results.get(audit.model.id)), hang=4)
            )
    if report.errors:
        _print(console, Text("Not audited", style="bold underline"))
        for failure in report.errors:
            _print(
                console,
                Words(
                    Text.assemble(
                        ("✘ ", "red"), (inert(failure.model), "bold"), " ", _safe(failure.message)
                    ),  # fmt: skip
                    hang=2,
                ),
            )
        if detailed:
            _print(console, Text(""))
    if report.policy:
        _print(console, _policy_view(report.policy, detailed, options.quiet))
    elif not detailed and report.audits and not options.quiet:
        _print(console, Text("(one line per model; --details for the evidence)", style="dim"))
    return buffer.getvalue()


_VERDICTS = {
    "passed": ("PASSED", "bold green"),
    "failed": ("FAILED", "bold red"),
    "incomplete": ("INCOMPLETE: not every requested model was audited", "bold yellow"),
}


def _policy_view(outcome: PolicyOutcome, detailed: bool, quiet: bool) -> RenderableType:
    """The verdict; in detail, each model's result and each violation with its evidence."""
    verdict = _VERDICTS[outcome.status]
    head = Text.assemble(("Policy ", "bold underline"), _safe(outcome.source), ": ", verdict)
    failed = sum(not result.passed for result in outcome.results)
    if not detailed:
        head.append(_safe(f" ({failed} of {len(outcome.results)} failed; --details for why)"))
        return Words(head)
    parts: list[RenderableType] = [Words(head)]
    for result in outcome.results:
        if quiet and result.passed:
            continue
        mark = ("✔ ", "green") if result.passed else ("✘ ", "red")
        line = Text.assemble(mark, (inert(result.model), "bold"))
        if result.waived_by:
            line.append(" (waived: ")
            line.append(_safe(result.waived_by))
            line.append(")")
        parts.append(Words(line, hang=2))
        for violation in result.violations:
            where = ", ".join(dict.fromkeys(c.where() for c in violation.evidence[:5]))
            style = "red" if violation.severity == "fail" else "yellow"
            parts.append(
                Words(
                    Text.assemble(
                        (f"{violation.severity}: ", style),
                        (violation.rule, "bold"),
                        " ",
                        _safe(violation.message),
                        _safe(f" [{where}]") if where else "",
                    ),
                    indent=2,
                    hang=4,
                )
            )
    return Group(*parts)
