"""Licence compatibility along the family tree: does a child's licence honour what its parent's
licence demands of derivatives (the `derivatives:` section of the parent's profile)?

Each edge child -> parent is `compatible`, `incompatible` (the parent's demand and the child's
licence as evidence) or `unknown` (a licence not determined, an ancestor not read, a licence
whose demands the knowledge base does not state). Unknown is never compatible. These are
judgements of what the licences say, not legal advice.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from openness.license.analysis import LicenseAnalysis
from openness.license.names import Resolved
from openness.license.profiles import Derivatives
from openness.report import Citation, Clause, Compatibility, EdgeCompatibility

USE_RESTRICTIONS = frozenset({"acceptable-use-policy", "downstream-restrictions"})


@dataclass(frozen=True)
class Party:
    """One model of an edge: its licence, where that was read, and its own clause kinds."""

    repo_id: str
    licence: Resolved | None
    citation: Citation | None
    clauses: tuple[Clause, ...] = ()
    unknown: str | None = None  # why its terms are unknown
    kinds: frozenset[str] = field(default_factory=frozenset)

    @property
    def org(self) -> str | None:
        return self.repo_id.split("/")[0].lower() if "/" in self.repo_id else None


def party(repo_id: str, analysis: LicenseAnalysis | None, prefix: bool, why: str = "") -> Party:
    """A model's side of an edge; `prefix` cites its files as `<repo>:<file>` (an ancestor)."""
    if analysis is None:
        return Party(repo_id, None, None, unknown=why or f"{repo_id} could not be read")
    citation = analysis.citation
    if citation is not None and prefix:
        citation = _prefixed(repo_id, citation)
    own = tuple(c for c in analysis.clauses if not c.inherited_from)
    return Party(
        repo_id,
        analysis.conclusion,
        citation,
        own,
        unknown=analysis.unknown_because,
        kinds=frozenset(c.kind for c in own),
    )


def _prefixed(repo_id: str, citation: Citation) -> Citation:
    return citation.model_copy(update={"source": f"{repo_id}:{citation.source}"})


def derivatives_of(licence: Resolved | None) -> Derivatives | None:
    return licence.profile.derivatives if licence and licence.profile else None


def _same(first: Resolved, second: Resolved) -> bool:
    return first.id == second.id or bool(first.spdx_id and first.spdx_id == second.spdx_id)


def judge(child: Party, parent: Party) -> EdgeCompatibility:
    """The verdict on one edge, with the parent's demand and the child's licence as evidence."""
    shown = [child.citation] if child.citation else []

    def verdict(value: Compatibility, reason: str, evidence: list[Citation]) -> EdgeCompatibility:
        return EdgeCompatibility(
            child=child.repo_id, verdict=value, reason=reason, evidence=[*evidence, *shown]
        )

    if parent.licence is None or parent.unknown:
        why = parent.unknown or f"the licence of {parent.repo_id} is not determined"
        return verdict("unknown", f"parent's terms unknown: {why}", [])
    if child.licence is None or child.unknown:
        why = child.unknown or f"the licence of {child.repo_id} is not determined"
        return verdict("unknown", f"child's terms unknown: {why}", [])
    terms = derivatives_of(parent.licence)
    demand = _demand(parent, terms)
    if child.org and child.org == parent.org:
        return verdict(
            "compatible",
            f"both are published by {parent.repo_id.split('/')[0]}, whose licence binds others",
            [],
        )
    if _same(child.licence, parent.licence):
        if terms and terms.no_derivatives:
            reason = f"the {parent.licence.name} forbids sharing modified versions"
            return verdict("incompatible", reason, [_cite(parent, ("no-derivatives",), terms)])
        return verdict("compatible", f"both are under the {parent.licence.name}", [demand])
    if terms is None:
        reason = (
            f"what the {parent.licence.name} demands of derivatives is not stated in the "
            f"knowledge base; {child.repo_id} is under the {child.licence.name}"
        )
        return verdict("unknown", reason, [demand])
    broken, kinds = _broken(child, parent, terms)
    also = _also(terms)
    if broken:
        reason = (
            f"the {parent.licence.name} requires {'; '.join(broken)}, but {child.repo_id} is "
            f"under the {child.licence.name}" + (f" (also required: {also})" if also else "")
        )
        return verdict("incompatible", reason, [_cite(parent, kinds, terms)])
    if terms.use_restrictions:  # the child carries use restrictions of its own
        reason = (
            f"the {parent.licence.name} requires its use restrictions to be passed on; the "
            f"{child.licence.name} has use restrictions, but whether they include the parent's "
            "is not checked"
        )
        return verdict("unknown", reason, [_cite(parent, tuple(USE_RESTRICTIONS), terms)])
    conditions = {"allowed": "with its notices kept", "with-conditions": "under conditions"}
    reason = (
        f"the {parent.licence.name} lets derivatives be under other terms "
        f"{conditions.get(terms.relicense, '')}".rstrip()
        + (f" ({also})" if also else "")
    )
    return verdict("compatible", reason, [demand])


def _broken(child: Party, parent: Party, terms: Derivatives) -> tuple[list[str], tuple[str, ...]]:
    """The parent's demands the child's licence does not meet, and the clause kinds behind them."""
    assert parent.licence is not None
    broken: list[str] = []
    kinds: list[str] = []
    if terms.no_derivatives:
        broken.append("that modified versions are not shared")
        kinds.append("no-derivatives")
    if terms.same_licence or terms.relicense == "same-terms":
        what = "the same licence" if terms.same_licence else "its own terms"
        passed = ", with a copy of it and its use policy binding" if terms.use_restrictions else ""
        broken.append(f"derivatives to stay under {what}{passed}")
        kinds += ["copyleft", "downstream-restrictions", "attribution-requirement"]
    if terms.non_commercial and "non-commercial" not in child.kinds:
        broken.append("the non-commercial limit to be carried (the child's licence allows "
                      "commercial use)")  # fmt: skip
        kinds.append("non-commercial")
    if terms.use_restrictions and not child.kinds >= USE_RESTRICTIONS and not broken:
        broken.append("its use restrictions to be passed on and made binding (the child's "
                      "licence carries none)")  # fmt: skip
        kinds += ["downstream-restrictions", "acceptable-use-policy"]
    return broken, tuple(kinds)


def _also(terms: Derivatives) -> str:
    """The notice duties that come with the terms, for the reason."""
    parts = []
    if terms.credit:
        parts.append(" or ".join(f'"{credit}"' for credit in terms.credit) + " displayed")
    if terms.name_prefix:
        parts.append(f'the model name beginning with "{terms.name_prefix}"')
    if terms.notice_file and terms.notice:
        parts.append("a Notice file with the licensor's notice")
    elif terms.notice_file:
        parts.append("the NOTICE file passed on")
    return ", ".join(parts)


def _demand(parent: Party, terms: Derivatives | None) -> Citation:
    """The parent's licence as evidence: its profile's statement of the demands."""
    assert parent.licence is not None
    if terms is None:
        return parent.citation or Citation(source=f"profile:{parent.licence.id}")
    return Citation(source=f"profile:{parent.licence.id}", quote=terms.summary)


def _cite(parent: Party, kinds: tuple[str, ...], terms: Derivatives | None) -> Citation:
    """The parent's clause behind a demand, read in its files when they state it."""
    for kind in kinds:
        for clause in parent.clauses:
            if clause.kind == kind and not clause.evidence.source.startswith(("profile:", "spdx:")):
                return _prefixed(parent.repo_id, clause.evidence)
    return _demand(parent, terms)
