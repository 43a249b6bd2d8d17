"""Follow `base_model` (and bases the card's prose names) up the family tree to the root, carry
the ancestors' obligations down, and judge each edge child -> parent: does the child's licence
honour what the parent's licence demands of derivatives (`license/compatibility.py`)?"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field

from openness.errors import OpennessError
from openness.license.analysis import LicenseAnalysis, analyse
from openness.license.compatibility import judge, party
from openness.license.notices import Ancestor
from openness.lineage_card import read_card
from openness.report import Citation, Clause, EdgeCompatibility, LineageEntry
from openness.sources.evidence import Evidence, hub_repo_id

DEFAULT_DEPTH = 10
MAX_ANCESTORS = 50
_RELATIONS = {"finetune", "adapter", "merge", "quantized"}
_ADAPTER_FILES = ("adapter_config.json", "adapter_model.safetensors", "adapter_model.bin")
_QUANTISED = (".gguf", ".ggml", ".awq", ".exl2")
_MERGE_FILES = ("mergekit_config.yml", "mergekit_config.yaml")

Fetch = Callable[[str], Evidence]


@dataclass
class Lineage:
    entries: list[LineageEntry] = field(default_factory=list)
    clauses: list[Clause] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    gaps: list[str] = field(default_factory=list)
    ancestors: list[Ancestor] = field(default_factory=list)

    def gap(self, message: str) -> None:
        """An ancestor whose terms are unknown: the lineage is incomplete."""
        self.gaps.append(message)
        self.warnings.append(message)


def relations(evidence: Evidence) -> dict[str, str]:
    """Direct bases (Hub ids only) with how the model derives from each: the card's
    `base_model_relation`, else the Hub's `base_model:<relation>:` tags, else inferred from the
    files (an adapter, a quantisation, a merge); `base` when nothing says; `card` when only the
    card's prose names the base."""
    found = dict.fromkeys(evidence.base_models, "base")
    for tag in evidence.tags:
        parts = tag.split(":")
        base = hub_repo_id(parts[2]) if len(parts) == 3 else None
        if base and parts[0] == "base_model" and parts[1] in _RELATIONS:
            found[base] = parts[1]
    declared = evidence.card_data.get("base_model_relation")
    inferred = _inferred(evidence, len(found))
    for base, relation in found.items():
        if isinstance(declared, str) and declared.lower() in _RELATIONS:
            found[base] = declared.lower()
        elif relation == "base" and inferred:
            found[base] = inferred
    known = {base.lower() for base in found}
    for base in read_card(evidence).bases:
        if base.lower() not in known:
            found[base] = "card"
    return found


def _inferred(evidence: Evidence, bases: int) -> str | None:
    """The relation the repo's files show: adapter weights, quantised files, a merge config."""
    names = [f.path.rsplit("/", 1)[-1].lower() for f in evidence.files or []]
    if any(name in _ADAPTER_FILES for name in names):
        return "adapter"
    if any(name.endswith(_QUANTISED) for name in names):
        return "quantized"
    if any(name in _MERGE_FILES for name in names) or bases > 1:
        return "merge"
    return None


def _ignored_bases(evidence: Evidence) -> list[str]:
    """Declared bases that are not Hub repo ids (local paths, junk): never followed."""
    valid = set(evidence.base_models)
    return [base for base in evidence.declared_bases if hub_repo_id(base) not in valid]


@dataclass
class _Node:
    repo_id: str
    evidence: Evidence | None
    analysis: LicenseAnalysis | None
    error: str | None = None
    bases: dict[str, str] = field(default_factory=dict)


def trace(
    evidence: Evidence,
    own: LicenseAnalysis,
    fetch: Fetch,
    max_depth: int = DEFAULT_DEPTH,
    max_ancestors: int = MAX_ANCESTORS,
) -> Lineage:
    """Audit every ancestor breadth-first up to `max_depth` levels, at most `max_ancestors`;
    cycles and the depth limit are warnings, and ancestors that cannot be audited, or are not
    followed, leave the lineage incomplete. Every edge child -> parent is then judged."""
    lineage = Lineage()
    root = evidence.repo_id.lower()
    nodes = {root: _Node(evidence.repo_id, evidence, own, bases=relations(evidence))}
    entries: dict[str, LineageEntry] = {}
    edges: list[tuple[str, str]] = []  # (child, parent), lowered ids
    queue = [(base, rel, 1, root) for base, rel in nodes[root].bases.items()]
    if queue and max_depth < 1:
        lineage.gap(f"base models not followed (depth limit {max_depth}); their terms are unknown")
        queue = []
    _note_ignored(lineage, evidence)
    _card_prose(lineage, evidence, own)
    while queue:
        repo_id, relation, depth, child = queue.pop(0)
        key = repo_id.lower()
        if key in nodes:
            edges.append((child, key))
            if _reaches(nodes, key, child):
                lineage.warnings.append(f"lineage cycle: {repo_id} is already in the family tree")
            continue
        if len(nodes) > max_ancestors:
            lineage.gap(f"lineage truncated after {max_ancestors} ancestors")
            break
        node = nodes[key] = _visit(lineage, repo_id, fetch, own)
        edges.append((child, key))
        conclusion = node.analysis.report if node.analysis else None
        entries[key] = LineageEntry(
            id=repo_id,
            relation=relation,
            depth=depth,
            license_conclusion=conclusion.conclusion if conclusion else None,
            osi_approved=conclusion.osi_approved if conclusion else None,
            parents=list(node.bases),
        )
        lineage.ancestors.append(Ancestor(repo_id, node.evidence, node.analysis))
        if depth < max_depth:
            queue += [(base, rel, depth + 1, key) for base, rel in node.bases.items()]
        elif node.bases:
            lineage.gap(f"lineage stops at depth {max_depth} ({repo_id}); its bases are unknown")
    for child, parent in edges:
        if parent in entries:
            entries[parent].compatibility.append(_judged(nodes[child], nodes[parent], root))
    lineage.entries = list(entries.values())
    return lineage


def _visit(lineage: Lineage, repo_id: str, fetch: Fetch, own: LicenseAnalysis) -> _Node:
    """Audit one ancestor; one that cannot be audited is a gap in the lineage."""
    try:
        ancestor = fetch(repo_id)
        analysis = analyse(ancestor)
    except OpennessError as error:
        lineage.gap(f"base model {repo_id} could not be audited: {error}")
        return _Node(repo_id, None, None, error=f"{repo_id} could not be audited: {error}")
    except Exception as error:  # contained per ancestor
        if os.environ.get("OPENNESS_DEBUG"):
            raise
        why = f"base model {repo_id} could not be audited ({type(error).__name__})"
        lineage.gap(why)
        return _Node(repo_id, None, None, error=why)
    _inherit(lineage, repo_id, analysis, own)
    _note_ignored(lineage, ancestor)
    if analysis.unknown_because:
        lineage.gap(f"base model {repo_id}: {analysis.unknown_because}")
    return _Node(repo_id, ancestor, analysis, bases=relations(ancestor))


def _reaches(nodes: dict[str, _Node], start: str, goal: str) -> bool:
    """Whether `goal` is `start` or one of its known ancestors (the edge closes a cycle)."""
    stack, seen = [start], set()
    while stack:
        key = stack.pop()
        if key == goal:
            return True
        if key in seen or key not in nodes:
            continue
        seen.add(key)
        stack += [base.lower() for base in nodes[key].bases]
    return False


def _judged(child: _Node, parent: _Node, root: str) -> EdgeCompatibility:
    """The edge's verdict; files of an ancestor are cited as `<repo>:<file>`."""
    prefix = child.repo_id.lower() != root
    return judge(
        party(child.repo_id, child.analysis, prefix, child.error or ""),
        party(parent.repo_id, parent.analysis, True, parent.error or ""),
    )


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
