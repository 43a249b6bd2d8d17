"""Follow `base_model` up the family tree and carry the ancestors' obligations down."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from openness.errors import OpennessError
from openness.evidence import Evidence
from openness.licensing import LicenceAnalysis, analyse
from openness.report import Citation, Clause, LineageEntry

DEFAULT_DEPTH = 3
_RELATIONS = {"finetune", "adapter", "merge", "quantized"}

Fetch = Callable[[str], Evidence]


@dataclass
class Lineage:
    entries: list[LineageEntry] = field(default_factory=list)
    clauses: list[Clause] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def relations(evidence: Evidence) -> dict[str, str]:
    """Direct bases with how the model derives from each (finetune, adapter, merge, ...)."""
    found = dict.fromkeys(evidence.base_models, "base")
    for tag in evidence.tags:
        parts = tag.split(":")
        if len(parts) == 3 and parts[0] == "base_model" and parts[1] in _RELATIONS:
            found[parts[2]] = parts[1]
    return found


def trace(
    evidence: Evidence, own: LicenceAnalysis, fetch: Fetch, max_depth: int = DEFAULT_DEPTH
) -> Lineage:
    """Audit every ancestor breadth-first; cycles and unreachable ancestors become warnings."""
    lineage = Lineage()
    seen = {evidence.repo_id.lower()}
    queue = [(base, relation, 1) for base, relation in relations(evidence).items()]
    while queue:
        repo_id, relation, depth = queue.pop(0)
        if repo_id.lower() in seen:
            lineage.warnings.append(f"lineage cycle: {repo_id} is already in the family tree")
            continue
        seen.add(repo_id.lower())
        try:
            ancestor = fetch(repo_id)
        except OpennessError as error:
            lineage.warnings.append(f"base model {repo_id} could not be audited: {error}")
            lineage.entries.append(LineageEntry(id=repo_id, relation=relation, depth=depth))
            continue
        analysis = analyse(ancestor)
        lineage.entries.append(
            LineageEntry(
                id=repo_id,
                relation=relation,
                depth=depth,
                license_conclusion=analysis.report.conclusion,
                osi_approved=analysis.report.osi_approved,
            )
        )
        _inherit(lineage, repo_id, analysis, own)
        if depth < max_depth:
            queue += [(base, rel, depth + 1) for base, rel in relations(ancestor).items()]
        elif relations(ancestor):
            lineage.warnings.append(f"lineage stops at depth {max_depth} ({repo_id})")
    return lineage


def _inherit(
    lineage: Lineage, repo_id: str, analysis: LicenceAnalysis, own: LicenceAnalysis
) -> None:
    for clause in analysis.clauses:
        if clause.kind == "gated-acceptance":
            continue  # the ancestor's download gate does not bind the derivative
        source = f"{repo_id}:{clause.evidence.source}"
        lineage.clauses.append(
            clause.model_copy(
                update={
                    "inherited_from": repo_id,
                    "evidence": Citation(source=source, line=clause.evidence.line,
                                         quote=clause.evidence.quote),
                }
            )
        )  # fmt: skip
    base = analysis.conclusion
    mine = own.conclusion
    if base and base.osi_approved is False and (mine is None or mine.id != base.id):
        said = f"card says {own.report.declared}" if own.report.declared else "this model"
        lineage.conflicts.append(f"{said} but base model {repo_id} is under the {base.name}")
