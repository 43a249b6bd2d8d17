"""Follow `base_model` (and bases the card's prose names) up the family tree and carry the
ancestors' obligations down."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field

from openness.errors import OpennessError
from openness.license.analysis import LicenseAnalysis, analyse
from openness.lineage_card import read_card
from openness.report import Citation, Clause, LineageEntry
from openness.sources.evidence import Evidence, hub_repo_id

DEFAULT_DEPTH = 3
MAX_ANCESTORS = 50
_RELATIONS = {"finetune", "adapter", "merge", "quantized"}

Fetch = Callable[[str], Evidence]


@dataclass
class Lineage:
    entries: list[LineageEntry] = field(default_factory=list)
    clauses: list[Clause] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    gaps: list[str] = field(default_factory=list)

    def gap(self, message: str) -> None:
        """An ancestor whose terms are unknown: the lineage is incomplete."""
        self.gaps.append(message)
        self.warnings.append(message)


def relations(evidence: Evidence) -> dict[str, str]:
    """Direct bases (Hub ids only) with how the model derives from each (finetune, adapter...;
    `card` when only the card's prose names it)."""
    found = dict.fromkeys(evidence.base_models, "base")
    for tag in evidence.tags:
        parts = tag.split(":")
        base = hub_repo_id(parts[2]) if len(parts) == 3 else None
        if base and parts[0] == "base_model" and parts[1] in _RELATIONS:
            found[base] = parts[1]
    known = {base.lower() for base in found}
    for base in read_card(evidence).bases:
        if base.lower() not in known:
            found[base] = "card"
    return found


def _ignored_bases(evidence: Evidence) -> list[str]:
    """Declared bases that are not Hub repo ids (local paths, junk): never followed."""
    valid = set(evidence.base_models)
    return [base for base in evidence.declared_bases if hub_repo_id(base) not in valid]


def trace(
    evidence: Evidence,
    own: LicenseAnalysis,
    fetch: Fetch,
    max_depth: int = DEFAULT_DEPTH,
    max_ancestors: int = MAX_ANCESTORS,
) -> Lineage:
    """Audit every ancestor breadth-first, at most `max_ancestors`; cycles are warnings, and
    ancestors that cannot be audited, or are not followed, leave the lineage incomplete."""
    lineage = Lineage()
    seen = {evidence.repo_id.lower()}
    queue = [(base, relation, 1) for base, relation in relations(evidence).items()]
    _note_ignored(lineage, evidence)
    _card_prose(lineage, evidence, own)
    while queue:
        repo_id, relation, depth = queue.pop(0)
        if repo_id.lower() in seen:
            lineage.warnings.append(f"lineage cycle: {repo_id} is already in the family tree")
            continue
        if len(seen) > max_ancestors:
            lineage.gap(f"lineage truncated after {max_ancestors} ancestors")
            break
        seen.add(repo_id.lower())
        try:
            ancestor = fetch(repo_id)
            analysis = analyse(ancestor)
        except OpennessError as error:
            lineage.gap(f"base model {repo_id} could not be audited: {error}")
            lineage.entries.append(LineageEntry(id=repo_id, relation=relation, depth=depth))
            continue
        except Exception as error:  # contained per ancestor
            if os.environ.get("OPENNESS_DEBUG"):
                raise
            lineage.gap(f"base model {repo_id} could not be audited ({type(error).__name__})")
            lineage.entries.append(LineageEntry(id=repo_id, relation=relation, depth=depth))
            continue
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
        _note_ignored(lineage, ancestor)
        if analysis.unknown_because:
            lineage.gap(f"base model {repo_id}: {analysis.unknown_because}")
        if depth < max_depth:
            queue += [(base, rel, depth + 1) for base, rel in relations(ancestor).items()]
        elif relations(ancestor):
            lineage.warnings.append(f"lineage stops at depth {max_depth} ({repo_id})")
    return lineage


def _card_prose(lineage: Lineage, evidence: Evidence, own: LicenseAnalysis) -> None:
    """Cite the bases only the prose names, and compare the licences it names with our own."""
    prose = read_card(evidence)
    declared = {base.lower() for base in evidence.base_models}
    for base, citation in prose.bases.items():
        if base.lower() not in declared:
            lineage.warnings.append(
                f"base model {base} named in the card's prose ({citation.where()}: "
                f"{_short(citation.quote)})"
            )
    mine = own.conclusion
    for licence in prose.licences:
        named = licence.resolved
        said = f"card says {own.report.declared}" if own.report.declared else "this model"
        if named is None:
            lineage.gap(
                f"the card's prose names a licence openness does not recognise "
                f"({licence.term!r}, {licence.citation.where()})"
            )
        elif mine is None or mine.id != named.id:
            where = f"{licence.citation.where()}: {_short(licence.citation.quote)}"
            if named.osi_approved is False:
                lineage.conflicts.append(f"{said} but its card names the {named.name} ({where})")
            else:
                lineage.warnings.append(f"its card also names the {named.name} ({where})")


def _short(text: str, limit: int = 120) -> str:
    return repr(text if len(text) <= limit else text[: limit - 3] + "...")


def _note_ignored(lineage: Lineage, evidence: Evidence) -> None:
    for base in _ignored_bases(evidence):
        shown = base if len(base) <= 80 else base[:77] + "..."
        lineage.gap(
            f"base model {shown!r} of {evidence.repo_id} is not a Hub repo id; not followed"
        )


def _inherit(
    lineage: Lineage, repo_id: str, analysis: LicenseAnalysis, own: LicenseAnalysis
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
