"""The openness grid behind the HTML report: for each audit, one cell per criterion.

The criteria are the licence, OSI approval, each clause kind of the vocabulary, every pass/fail
rubric of the registry (OSD, OSAID, EU AI Act Art. 53(2), and any added one), the MOF class and
the G7 label. Each cell has one of four states (met, not met, needs review, unknown), a short
value to show, the reason, and the evidence it rests on (the citations, and for a rubric its
criteria with theirs). Nothing here is escaped: `openness.render.html` escapes every string.
The clause and licence states are the comparison's own (`openness.compare`), so the grid and
`openness compare` cannot disagree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from openness.compare import Comparison
from openness.license.clauses import clause_kinds
from openness.report import Audit, Citation, Criterion
from openness.rubrics.registry import registry

State = Literal["met", "not_met", "needs_review", "unknown"]
STATES: dict[State, tuple[str, str]] = {  # label, symbol (colour is never the only sign)
    "met": ("met", "✓"),
    "not_met": ("not met", "✗"),
    "needs_review": ("needs review", "!"),
    "unknown": ("unknown", "?"),
}
_VERDICT: dict[str, State] = {
    "pass": "met",
    "fail": "not_met",
    "needs_review": "needs_review",
    "unknown": "unknown",
}
_YES_NO: dict[bool | None, State] = {True: "met", False: "not_met", None: "unknown"}
_CLAUSE: dict[str, State] = {"absent": "met", "present": "not_met", "unknown": "unknown"}
_OPEN_G7 = ("Open Source AI with Open Data", "Open Source AI")
_ANCHOR = re.compile(r"[^a-z0-9-]+")


@dataclass(frozen=True)
class Column:
    """One criterion of the grid: its key (anchor-safe), header and a one-line meaning."""

    key: str
    title: str
    meaning: str


@dataclass
class Cell:
    state: State
    value: str
    reason: str
    evidence: list[Citation] = field(default_factory=list)
    criteria: list[Criterion] = field(default_factory=list)


def anchor(key: str) -> str:
    """A key as an HTML id fragment: lower-case letters, digits and hyphens only."""
    return _ANCHOR.sub("-", key.lower()).strip("-") or "x"


def columns() -> list[Column]:
    """Every criterion of the grid, in order."""
    cols = [
        Column("licence", "licence", "the licence concluded (unknown when none could be)"),
        Column("osi", "OSI", "the licence is OSI-approved"),
    ]
    cols += [
        Column(f"clause-{kind}", kind, f"no {kind} clause (a clause found is not met)")
        for kind in clause_kinds()
    ]
    cols += [
        Column(anchor(rubric_id), registry().short(rubric_id), f"the {rubric_id} rubric's verdict")
        for rubric_id in registry().pass_fail
    ]
    cols.append(Column("mof", "MOF class", "a Model Openness Framework class is reached"))
    cols.append(Column("g7", "G7 label", "the G7 label is Open Source AI"))
    return cols


def _licence_evidence(audit: Audit) -> list[Citation]:
    license = audit.license
    cited = []
    if license.declared:
        cited.append(Citation(source="card:license", quote=f"license: {license.declared}"))
    if license.declared_name:
        cited.append(Citation(source="card:license_name", quote=license.declared_name))
    if license.declared_link:
        cited.append(Citation(source="card:license_link", quote=license.declared_link))
    for file in license.files:
        found = file.identified or "unrecognised"
        also = f" + {', '.join(file.also)}" if file.also else ""
        cited.append(
            Citation(
                source=file.path,
                quote=f"identified as {found}{also} ({file.match}, {file.confidence:.2f})",
            )
        )
    cited += [Citation(source=u.path, quote=f"not read: {u.reason}") for u in license.unread]
    return cited


def _licence(audit: Audit) -> tuple[Cell, Cell]:
    license = audit.license
    evidence = _licence_evidence(audit)
    name = license.conclusion or "unknown"
    state: State = "met"
    reason = f"concluded {name}" + (f" (SPDX: {license.spdx_id})" if license.spdx_id else "")
    if license.conclusion is None:
        state = "unknown"
        reason = "no licence could be concluded from the card and the licence files"
    elif license.conflicts:
        state = "needs_review"
        reason = "; ".join(license.conflicts)
    osi_state = _YES_NO[license.osi_approved]
    osi_reason = {
        True: f"{name} is OSI-approved",
        False: f"{name} is not OSI-approved",
        None: "whether the licence is OSI-approved is not known",
    }[license.osi_approved]
    osi_value = {True: "yes", False: "no", None: "unknown"}[license.osi_approved]
    return (
        Cell(state, name, reason, evidence),
        Cell(osi_state, osi_value, osi_reason, evidence),
    )


def _clause(audit: Audit, kind: str, value: str) -> Cell:
    found = [c for c in audit.clauses if c.kind == kind]
    state = _CLAUSE.get(value, "unknown")
    if found:
        reason = "; ".join(
            c.summary + (f" (inherited from {c.inherited_from})" if c.inherited_from else "")
            for c in found
        )
        return Cell(state, value, reason, [c.evidence for c in found])
    conditional = [c for c in audit.conditional_clauses if c.kind == kind]
    if value == "absent":
        reason = f"no {kind} clause in {audit.license.conclusion or 'the licence'}"
    else:
        reason = "the licence's clauses are not known, so the clause is neither found nor ruled out"
    reason += "".join(
        f"; applies only if {c.condition or 'a condition is met'}, which this model does not meet"
        for c in conditional
    )
    evidence = [c.evidence for c in conditional] or _licence_evidence(audit)
    return Cell(state, value, reason, evidence)


def _rubric(audit: Audit, rubric_id: str) -> Cell:
    rubric = audit.rubrics.pass_fail().get(rubric_id)
    if rubric is None:
        return Cell("unknown", "unknown", "this rubric was not evaluated for the model")
    undecided = [c for c in rubric.criteria if c.status != "met"]
    undecided_states: tuple[State, ...] = ("not_met", "needs_review", "unknown")
    counts = {s: sum(c.status == s for c in rubric.criteria) for s in undecided_states}
    shown = [f"{n} {STATES[s][0]}" for s, n in counts.items() if n]
    reason = ", ".join(shown) or "every criterion met"
    if rubric.notes:
        reason += "; " + "; ".join(rubric.notes)
    return Cell(
        _VERDICT[rubric.verdict],
        rubric.label or rubric.verdict.replace("_", " "),
        reason,
        criteria=undecided or rubric.criteria,
    )


def _mof(audit: Audit) -> Cell:
    mof = audit.rubrics.mof
    progress = ", ".join(f"class {k}: {v:.0f}%" for k, v in sorted(mof.progress.items()))
    reason = f"{mof.label}; progress {progress}"
    evidence = [
        Citation(
            source=component.evidence or f"component: {component.name}",
            quote=f"{component.name}: {component.status}, {component.reason}",
        )
        for component in mof.components
    ]
    if mof.class_ is not None:
        return Cell("met", f"Class {mof.class_}", reason, evidence)
    undecided = any(c.status == "unknown" for c in mof.components if c.required)
    return Cell("unknown" if undecided else "not_met", mof.label, reason, evidence)


def _g7(audit: Audit) -> Cell:
    g7 = audit.g7
    if g7 is None:
        return Cell("unknown", "unknown", "the G7 label was not decided")
    value = g7.label + (f" (perhaps {g7.could_be[-1]})" if g7.could_be else "")
    state: State = (
        "met" if g7.label in _OPEN_G7 else "unknown" if g7.label == "unknown" else "not_met"
    )
    evidence = [
        Citation(
            source=(c.evidence[0].where() if c.evidence else f"condition: {c.id}"),
            quote=f"{c.title}: {({True: 'yes', False: 'no', None: 'unknown'})[c.value]}, "
            f"{c.reason}",
        )
        for c in g7.conditions
    ]
    return Cell(state, value, g7.reason, evidence)


def cells(comparison: Comparison) -> list[dict[str, Cell]]:
    """Per audit of the comparison (in order), its cell for each column key."""
    values = {row.key: row.values for row in comparison.rows}
    grid = []
    for index, audit in enumerate(comparison.audits):
        licence, osi = _licence(audit)
        row = {"licence": licence, "osi": osi}
        for kind in clause_kinds():
            value = values.get(f"clause:{kind}", ["unknown"] * (index + 1))[index]
            row[f"clause-{kind}"] = _clause(audit, kind, value)
        for rubric_id in registry().pass_fail:
            row[anchor(rubric_id)] = _rubric(audit, rubric_id)
        row["mof"] = _mof(audit)
        row["g7"] = _g7(audit)
        grid.append(row)
    return grid
