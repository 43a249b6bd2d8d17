"""Licence analysis: what the card declares, what the files say, which terms cover the weights."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

from openness.license.clauses import clause_conditions
from openness.license.conditions import split
from openness.license.identify import Identification
from openness.license.memo import analyse_text
from openness.license.names import Resolved, from_profile, from_spdx_id, resolve
from openness.license.profiles import LicenseProfile, ProfileClause, knowledge_base
from openness.license.spdx import derived_clauses, spdx_licence
from openness.report import Citation, Clause, LicenseFile, LicenseReport
from openness.sources.card import key_line
from openness.sources.evidence import Evidence, UnreadFile

_MAIN_LICENSE_STEMS = ("license", "licence", "copying")
_UNDECLARED = {"", "other", "unknown"}


@dataclass
class Candidate:
    """One credible statement of the terms: from the card or from a file."""

    resolved: Resolved | None
    citation: Citation
    label: str


@dataclass
class LicenseAnalysis:
    report: LicenseReport
    clauses: list[Clause]
    conclusion: Resolved | None
    citation: Citation | None
    warnings: list[str] = field(default_factory=list)
    unknown_because: str | None = None
    lineage_gaps: list[str] = field(default_factory=list)
    conditional: list[Clause] = field(default_factory=list)  # conditions the model does not meet


def _as_text(value: Any) -> str | None:
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, list) and value and all(isinstance(item, str) for item in value):
        return " AND ".join(item.strip() for item in value)
    return None


def _quote(text: str) -> str:
    from openness.license.text import strip_control

    return strip_control(text).strip()[:200]


def _declared(evidence: Evidence) -> tuple[Candidate | None, list[str]]:
    """The card's licence, resolved when possible."""
    card = evidence.card_data
    value, name, link = (_as_text(card.get(k)) for k in ("license", "license_name", "license_link"))
    if value is None:
        return None, []
    line = key_line(evidence.card_text, "license")
    source = "card:license"
    resolved = None if value.lower() in _UNDECLARED else resolve(value)
    if value.lower() in _UNDECLARED or resolved is None:
        for term, key in ((name, "license_name"), (link, "license_link")):
            found = resolve(term) if term else None
            if found:
                resolved, source, line = found, f"card:{key}", key_line(evidence.card_text, key)
                value = term or value
                break
    citation = Citation(source=source, line=line, quote=_quote(f"{source[5:]}: {value}"))
    warnings = []
    if resolved is None and value.lower() not in _UNDECLARED:
        warnings.append(f"declared licence {value!r} is not one openness knows")
    return Candidate(resolved, citation, value), warnings


def _is_main_license(path: str) -> bool:
    return PurePosixPath(path).name.lower().startswith(_MAIN_LICENSE_STEMS)


def analyse(evidence: Evidence) -> LicenseAnalysis:
    """Identify every licence text, detect clauses, compare with the card, conclude."""
    kb = knowledge_base()
    card = evidence.card_data
    declared, warnings = _declared(evidence)
    files: list[LicenseFile] = []
    candidates: list[Candidate] = []
    clauses: dict[str, Clause] = {}
    limits: dict[str, str] = {}  # clause kind -> the condition it is limited to
    profiled: list[str] = []
    unread = list(evidence.unread)
    for text_file in evidence.texts:
        try:
            found, hits = analyse_text(text_file.text, text_file.path)
        except Exception as error:  # contained per file: its terms become unknown
            reason = f"could not be analysed ({type(error).__name__})"
            unread.append(UnreadFile(path=text_file.path, reason=reason))
            warnings.append(f"{text_file.path} {reason}; its terms are unknown")
            continue
        files.append(
            LicenseFile(
                path=text_file.path,
                identified=found.profile_id,
                confidence=found.confidence,
                match=found.match,
                also=found.also,
                sha256=hashlib.sha256(text_file.text.encode("utf-8")).hexdigest(),
            )
        )
        for hit in hits:
            if hit.kind in clauses and (hit.condition or hit.kind not in limits):
                continue  # the first statement counts, an unconditional one over any other
            clauses[hit.kind] = Clause(
                kind=hit.kind,
                summary=hit.summary,
                evidence=Citation(source=hit.source, line=hit.line, quote=hit.quote),
                condition=hit.condition_quote,
                reasons=hit.reasons,
            )
            limits.pop(hit.kind, None)
            if hit.condition:
                limits[hit.kind] = hit.condition
        profile = kb.get(found.profile_id) if found.profile_id else None
        named = _named(found, profile)
        if named:
            profiled += [named.id, *found.also]
        citation = Citation(
            source=text_file.path, line=1, quote=_quote(_first_line(text_file.text))
        )
        if profile and profile.kind == "policy" and found.match != "modified":
            continue
        if named:
            candidates.append(Candidate(named, citation, named.name))
        elif _is_main_license(text_file.path):
            standard = spdx_licence(found.profile_id) if found.profile_id else None
            like = profile.name if profile else standard.name if standard else None
            label = f"a modified {like}" if like else "an unrecognised licence text"
            candidates.append(Candidate(None, citation, label))
            if like:
                warnings.append(
                    f"{text_file.path} resembles {like} but differs from it "
                    f"(similarity {found.confidence:.2f}); treated as an unknown licence"
                )

    for path, name in evidence.named_files.items():
        named = resolve(name)
        if named is not None:  # a file the source names without its text: inferred terms
            quote = _quote(f"{path} named as {name} (not read)")
            candidates.append(Candidate(named, Citation(source=path, quote=quote), named.name))
            profiled += [named.id] if named.profile else []
    conflicts = _conflicts(declared, candidates, clauses, evidence)
    if _says_nothing(declared, card) and any(c.resolved for c in candidates):
        # `license: other` (no name, no link) states no terms: the files' licence stands
        warnings.append(f"card says {declared.label if declared else 'nothing'}; "
                        f"the licence files are read for the terms")  # fmt: skip
        declared = None
    everything = ([declared] if declared else []) + candidates
    chosen = _most_restrictive(everything)
    conclusion = chosen.resolved if chosen else None
    known = conclusion and (conclusion.profile or derived_clauses(conclusion.id))
    if conclusion and known and conclusion.id not in profiled:
        profiled.append(conclusion.id)
    _add_profile_clauses(clauses, limits, profiled)  # known terms bind even when more is unknown
    unknown_because = _unread_reason(unread)
    if unknown_because:  # terms we could not read may say anything: no conclusion
        chosen = conclusion = None
    ordered = sorted(clauses.values(), key=lambda clause: clause.kind)
    applying, conditional, notes = split(ordered, limits, evidence)
    report = LicenseReport(
        declared=_as_text(card.get("license")),
        declared_name=_as_text(card.get("license_name")),
        declared_link=_as_text(card.get("license_link")),
        files=files,
        conclusion=conclusion.id if conclusion else None,
        spdx_id=conclusion.spdx_id if conclusion else None,
        osi_approved=conclusion.osi_approved if conclusion else None,
        conflicts=conflicts,
        unread=unread,
    )
    return LicenseAnalysis(
        report=report,
        clauses=applying,
        conclusion=conclusion,
        citation=chosen.citation if chosen else None,
        warnings=[*warnings, *notes],
        unknown_because=unknown_because,
        conditional=conditional,
    )


def _named(found: Identification, profile: LicenseProfile | None) -> Resolved | None:
    """The licence a text is, when it is one exactly: a profile or a standard licence."""
    if found.match not in ("exact", "concatenated"):
        return None
    if found.spdx_id:
        return from_spdx_id(found.spdx_id, profile)
    return from_profile(profile) if profile else None


def _says_nothing(declared: Candidate | None, card: dict[str, Any]) -> bool:
    """The card gives no terms: no licence, or `other`/`unknown` with no licence name or link."""
    if declared is None:
        return True
    named = _as_text(card.get("license_name")) or _as_text(card.get("license_link"))
    return declared.resolved is None and declared.label.lower() in _UNDECLARED and not named


def _unread_reason(unread: list[UnreadFile]) -> str | None:
    """Why the terms are unknown, when a licence-like file was not read."""
    if not unread:
        return None
    first = unread[0]
    more = f" (and {len(unread) - 1} more)" if len(unread) > 1 else ""
    return f"{first.path} listed but not read: {first.reason}{more}"


def _first_line(text: str) -> str:
    return next((line for line in text.splitlines() if line.strip()), "")


def _restrictiveness(candidate: Candidate) -> int:
    """Higher is more restrictive: restricted > unknown > OSI-approved."""
    if candidate.resolved is None:
        return 1
    return {False: 2, None: 1, True: 0}[candidate.resolved.osi_approved]


def _most_restrictive(candidates: list[Candidate]) -> Candidate | None:
    """The conclusion follows the most restrictive credible evidence; files beat the card."""
    best: Candidate | None = None
    for candidate in candidates:
        if best is None or _restrictiveness(candidate) >= _restrictiveness(best):
            best = candidate
    return best


def _same(first: Resolved, second: Resolved) -> bool:
    if first.id == second.id:
        return True
    return bool(first.spdx_id and first.spdx_id == second.spdx_id)


def _conflicts(
    declared: Candidate | None,
    files: list[Candidate],
    clauses: dict[str, Clause],
    evidence: Evidence,
) -> list[str]:
    conflicts: list[str] = []
    if declared is None:
        return conflicts
    said = f"card says {declared.label}"
    for candidate in files:
        where = candidate.citation.source
        if declared.resolved is None or candidate.resolved is None:
            if declared.resolved and candidate.resolved is None:
                conflicts.append(f"{said} but {where} is {candidate.label}")
            continue
        if not _same(declared.resolved, candidate.resolved):
            conflicts.append(f"{said} but {where} is the {candidate.resolved.name}")
    if declared.resolved and declared.resolved.osi_approved:
        allowed = {c.kind for c in _known_clauses(declared.resolved.id)[1]}
        text_kinds = sorted(set(clauses) - allowed)
        if text_kinds:
            conflicts.append(
                f"{said}, an OSI-approved licence, but the licence files restrict use "
                f"({', '.join(text_kinds)})"
            )
    nothing = not evidence.texts and not evidence.unread
    if declared.resolved is None and declared.label.lower() == "other" and nothing:
        conflicts.append("card says other but no licence text was found anywhere")
    return conflicts


def _add_profile_clauses(
    clauses: dict[str, Clause], limits: dict[str, str], profile_ids: list[str]
) -> None:
    """Clauses the knowledge base knows for the identified licences, not found in any text,
    with the conditions their profiles limit them to."""
    kb = knowledge_base()
    seen: set[str] = set()
    queue = list(profile_ids)
    while queue:
        licence_id = queue.pop(0)
        if licence_id in seen:
            continue
        seen.add(licence_id)
        profile = kb.get(licence_id)
        queue.extend(profile.incorporates if profile else [])
        source, known_clauses = _known_clauses(licence_id)
        for known in known_clauses:
            if known.kind in clauses:
                continue
            condition = clause_conditions()[known.condition] if known.condition else None
            clauses[known.kind] = Clause(
                kind=known.kind,
                summary=known.summary,
                evidence=Citation(source=source, quote=_quote(known.summary)),
                condition=condition.summary if condition else None,
            )
            if known.condition:
                limits[known.kind] = known.condition


def _known_clauses(licence_id: str) -> tuple[str, list[ProfileClause]]:
    """Where a licence's known clauses come from, and the clauses: its profile's, else those
    of a standard licence's family (`licenses/spdx/clause-kinds.yaml`)."""
    profile = knowledge_base().get(licence_id)
    if profile is not None:
        return f"profile:{profile.id}", profile.clauses
    return f"spdx:{licence_id}", derived_clauses(licence_id)
