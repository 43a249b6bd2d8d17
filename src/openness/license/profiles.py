"""The licence knowledge base: one YAML profile per licence in `licenses/`, and lookups into it."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from openness.data import packaged
from openness.once import once
from openness.readers import load

ProfileKind = Literal["licence", "policy"]


class ProfileClause(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: str
    summary: str
    condition: str | None = Field(
        default=None, description="A condition of `clauses.yaml` the clause is limited to."
    )


Relicensing = Literal["allowed", "with-conditions", "same-terms"]


class Derivatives(BaseModel):
    """What the licence demands of copies and derivatives (fine-tunes, adapters, quantisations,
    merges), in our own words: the compatibility of a child with its parent and the notice
    checks are read from here."""

    model_config = ConfigDict(extra="forbid")

    summary: str
    relicense: Relicensing = Field(
        description="Whether a derivative may be under other terms: allowed (keep the notice), "
        "with-conditions (the demands below carried), same-terms (it stays under this licence)."
    )
    same_licence: bool = Field(default=False, description="Share-alike: same licence only.")
    licence_copy: bool = Field(
        default=False, description="A copy of this licence goes with every copy or derivative."
    )
    use_restrictions: bool = Field(
        default=False, description="The use restrictions are passed on and made binding."
    )
    non_commercial: bool = Field(default=False, description="The non-commercial limit is kept.")
    no_derivatives: bool = Field(default=False, description="Modified versions may not be shared.")
    licence_text: bool = Field(
        default=False, description="The licence text must accompany copies of the work."
    )
    copyright_notice: bool = Field(default=False, description="Copyright notices are kept.")
    notice_file: bool = Field(
        default=False,
        description="A NOTICE file is carried: the parent's own (Apache), or one holding `notice`.",
    )
    notice: str | None = Field(default=None, description="The text the Notice file must hold.")
    credit: list[str] = Field(
        default_factory=list, description="Credit lines to display, any one of them."
    )
    name_prefix: str | None = Field(
        default=None, description="What a derived model's name must begin with."
    )


class LicenseProfile(BaseModel):
    """A licence (or use policy) as the project understands it, written in our own words."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9.+-]*$")
    name: str
    kind: ProfileKind = "licence"
    licensor: str | None = None
    version: str | None = None
    summary: str
    hub_keywords: list[str] = Field(default_factory=list)
    aliases: list[str] = Field(default_factory=list)
    urls: list[str] = Field(default_factory=list)
    spdx_id: str | None = None
    licenseref: str | None = None
    osi_approved: bool | None
    family: str | None = Field(default=None, description="For family keywords: no single text.")
    incorporates: list[str] = Field(default_factory=list)
    reference_texts: list[str] = Field(
        default_factory=list, description="Corpus slugs whose fingerprints identify this licence."
    )
    clauses_profiled: bool = True
    clauses: list[ProfileClause] = Field(default_factory=list)
    derivatives: Derivatives | None = Field(
        default=None, description="What the licence demands of copies and derivatives."
    )


def squash(text: str) -> str:
    return re.sub(r"[^a-z0-9.+]+", " ", text.lower()).strip()


class KnowledgeBase:
    """All licence profiles, indexed by id, Hub keyword, SPDX id, alias and URL."""

    def __init__(self, profiles: list[LicenseProfile]) -> None:
        self.profiles = {profile.id: profile for profile in profiles}
        self._by_keyword: dict[str, LicenseProfile] = {}
        self._by_spdx: dict[str, LicenseProfile] = {}
        self._by_name: dict[str, LicenseProfile] = {}
        self._by_url: dict[str, LicenseProfile] = {}
        for profile in profiles:
            for keyword in profile.hub_keywords:
                self._by_keyword[keyword.lower()] = profile
            if profile.spdx_id:
                self._by_spdx.setdefault(profile.spdx_id.lower(), profile)
            for name in (profile.id, profile.name, *profile.aliases):
                self._by_name.setdefault(squash(name), profile)
            for url in profile.urls:
                self._by_url.setdefault(_normalise_url(url), profile)

    def get(self, profile_id: str) -> LicenseProfile | None:
        return self.profiles.get(profile_id)

    def by_keyword(self, keyword: str) -> LicenseProfile | None:
        return self._by_keyword.get(keyword.strip().lower())

    def by_spdx(self, spdx_id: str) -> LicenseProfile | None:
        return self._by_spdx.get(spdx_id.strip().lower())

    def by_name(self, name: str) -> LicenseProfile | None:
        """Exact match on id, name or alias, ignoring case and punctuation."""
        return self._by_name.get(squash(name))

    def by_url(self, url: str) -> LicenseProfile | None:
        return self._by_url.get(_normalise_url(url))

    def find(self, term: str) -> LicenseProfile | None:
        """Any of: id, Hub keyword, SPDX id, name or alias."""
        return self.get(term) or self.by_keyword(term) or self.by_spdx(term) or self.by_name(term)

    def names(self) -> dict[str, LicenseProfile]:
        """Squashed names and aliases, for fuzzy matching of free text."""
        return dict(self._by_name)


def _normalise_url(url: str) -> str:
    url = re.sub(r"^https?://(www\.)?", "", url.strip().lower())
    return url.rstrip("/")


def load_profiles(folder: Path) -> list[LicenseProfile]:
    """Every `*.yaml` profile in `folder` except the clause rules."""
    profiles = []
    for path in sorted(folder.glob("*.yaml")):
        if path.name == "clauses.yaml":
            continue
        data = load(path.read_text(encoding="utf-8"), str(path))
        profiles.append(LicenseProfile.model_validate(data))
    return profiles


@once
def knowledge_base() -> KnowledgeBase:
    """The shipped knowledge base, loaded once: from its parsed form in the cache when an
    earlier run stored it for this version of the knowledge, else from the YAML files."""
    from pydantic import TypeAdapter

    from openness.license.knowledge import derived_path, knowledge_version
    from openness.sources.records import read_quietly

    adapter = TypeAdapter(list[LicenseProfile])
    stored = derived_path("knowledge", knowledge_version())
    text = read_quietly(stored)
    try:
        return KnowledgeBase(adapter.validate_json(text)) if text else _parsed(adapter, stored)
    except ValueError:
        return _parsed(adapter, stored)


def _parsed(adapter: Any, stored: Path) -> KnowledgeBase:
    from openness.sources.records import write_atomically

    profiles = load_profiles(packaged("licenses"))
    write_atomically(stored, adapter.dump_json(profiles).decode())
    return KnowledgeBase(profiles)
