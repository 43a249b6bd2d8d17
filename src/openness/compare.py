"""Put several audits side by side: one row per fact, flagging the rows where models differ."""

from __future__ import annotations

from collections.abc import Callable

from pydantic import BaseModel

from openness.license.clauses import clause_kinds
from openness.license.profiles import knowledge_base
from openness.report import Audit, DatasetEntry, Report
from openness.rubrics.registry import registry
from openness.sources.dataset_terms import CONFLICT, licence_name

_YES_NO = {True: "yes", False: "no", None: "unknown"}


class Row(BaseModel):
    key: str
    label: str
    values: list[str]
    differs: bool


class Comparison(Report):
    """The audits, plus the table rows and the keys of the rows that differ."""

    rows: list[Row]
    differences: list[str]


def _clause_state(audit: Audit, kind: str) -> str:
    """present / absent / unknown: absent only when the licence's clauses are actually known."""
    if any(clause.kind == kind for clause in audit.clauses):
        return "present"
    license = audit.license
    profile = knowledge_base().get(license.conclusion) if license.conclusion else None
    read_from_text = any(f.match in ("exact", "concatenated") for f in license.files)
    if license.osi_approved or read_from_text or (profile and profile.clauses_profiled):
        return "absent"
    return "unknown"


def _rows(audits: list[Audit]) -> list[tuple[str, str, list[str]]]:
    rows: list[tuple[str, str, list[str]]] = [
        ("licence", "licence", [a.license.conclusion or "unknown" for a in audits]),
        ("osi_approved", "OSI-approved", [_YES_NO[a.license.osi_approved] for a in audits]),
        ("gated", "gated", [str(a.model.gated).lower() for a in audits]),
        ("source", "evidence source", [a.model.source for a in audits]),
        ("conflicts", "licence conflicts", [str(len(a.license.conflicts)) for a in audits]),
    ]
    rows += [
        (f"clause:{kind}", f"clause: {kind}", [_clause_state(a, kind) for a in audits])
        for kind in clause_kinds()
    ]
    rows.append(("mof", "MOF class", [a.rubrics.mof.label for a in audits]))
    for level in (3, 2, 1):
        progress = [f"{a.rubrics.mof.progress.get(level, 0.0):.0f}%" for a in audits]
        rows.append((f"mof:progress-{level}", f"MOF class {level} progress", progress))
    for index, component in enumerate(audits[0].rubrics.mof.components):
        states: list[str] = [a.rubrics.mof.components[index].status for a in audits]
        rows.append((f"mof:{component.name}", f"component: {component.name}", states))
    rubrics = [a.rubrics.pass_fail() for a in audits]
    for rubric_id, first in rubrics[0].items():
        verdicts = [each[rubric_id].label or each[rubric_id].verdict for each in rubrics]
        rows.append((rubric_id, f"{registry().short(rubric_id)} verdict", verdicts))
        for index, criterion in enumerate(first.criteria):
            values: list[str] = [each[rubric_id].criteria[index].status for each in rubrics]
            rows.append((criterion.id, f"{criterion.id} {criterion.title}", values))
    return rows + _g7_rows(audits) + _lineage_rows(audits) + _dataset_rows(audits)


def _g7_rows(audits: list[Audit]) -> list[tuple[str, str, list[str]]]:
    """The G7 label (with the next label up the evidence leaves open), then its conditions."""
    if any(a.g7 is None for a in audits):
        return []
    labels = [a.g7.label + (f" (perhaps {a.g7.could_be[-1]})" if a.g7.could_be else "")
              for a in audits if a.g7]  # fmt: skip
    rows = [("g7", "G7 label", labels)]
    first = audits[0].g7
    for index, condition in enumerate(first.conditions if first else []):
        values = [_YES_NO[a.g7.conditions[index].value] for a in audits if a.g7]
        rows.append((f"g7:{condition.id}", f"G7: {condition.title.lower()}", values))
    return rows


_WORST = ("incompatible", "not_met", "unknown", "compatible", "met")
NOTICE_IDS = ("licence-text", "copyright-notice", "licence-copy", "notice-file", "credit",
              "name-prefix")  # fmt: skip


def _worst(values: list[str], none: str) -> str:
    return min(values, key=_WORST.index) if values else none


def _lineage_rows(audits: list[Audit]) -> list[tuple[str, str, list[str]]]:
    """The family tree's worst edge verdict and depth, then each notice check's worst status."""
    verdicts = [
        _worst([e.verdict for x in a.lineage for e in x.compatibility], "no base") for a in audits
    ]
    depth = [str(max((x.depth for x in a.lineage), default=0)) for a in audits]
    rows = [
        ("lineage", "lineage compatibility", verdicts),
        ("lineage:depth", "lineage depth", depth),
    ]
    summary = []
    for audit in audits:
        missing = sum(n.status == "not_met" for n in audit.notices)
        unknown = sum(n.status == "unknown" for n in audit.notices)
        shown = [f"{missing} not met"] * bool(missing) + [f"{unknown} unknown"] * bool(unknown)
        summary.append(", ".join(shown) or ("all met" if audit.notices else "none required"))
    rows.append(("notices", "notices", summary))
    for notice_id in NOTICE_IDS:
        states = [
            _worst([n.status for n in a.notices if n.id == notice_id], "not required")
            for a in audits
        ]
        rows.append((f"notice:{notice_id}", f"notice: {notice_id}", states))
    return rows


def _dataset_rows(audits: list[Audit]) -> list[tuple[str, str, list[str]]]:
    """The training datasets each card names: how many, how many are public or gated, their
    licences, and the licence conflicts (warnings) found with the model's licence."""

    def share(audit: Audit, shown: Callable[[DatasetEntry], bool]) -> str:
        named = audit.datasets
        return f"{sum(1 for d in named if shown(d))} of {len(named)}" if named else "none named"

    def licences(audit: Audit) -> str:
        if not audit.datasets:
            return "none named"
        names = sorted({licence_name(k) for d in audit.datasets for k in d.licenses})
        unknown = any(not d.licenses for d in audit.datasets)
        return ", ".join(names + (["unknown"] if unknown else [])) or "unknown"

    return [
        ("datasets", "training datasets named", [str(len(a.datasets)) for a in audits]),
        ("datasets:public", "training datasets public",
         [share(a, lambda d: d.public is True) for a in audits]),
        ("datasets:gated", "training datasets gated",
         [share(a, lambda d: d.gated in ("auto", "manual")) for a in audits]),
        ("datasets:licences", "training dataset licences", [licences(a) for a in audits]),
        ("datasets:conflicts", "dataset licence conflicts",
         [str(sum(w.startswith(CONFLICT) for w in a.warnings)) for a in audits]),
    ]  # fmt: skip


def compare(report: Report) -> Comparison:
    """Rows for every audited model of the report, in order."""
    rows = [
        Row(key=key, label=label, values=values, differs=len(set(values)) > 1)
        for key, label, values in (_rows(report.audits) if report.audits else [])
    ]
    return Comparison(
        tool=report.tool,
        audits=report.audits,
        errors=report.errors,
        rows=rows,
        differences=[row.key for row in rows if row.differs],
    )
