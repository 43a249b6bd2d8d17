"""The licence knowledge base: every profile loads and is consistent with itself and the corpus."""

from __future__ import annotations

import csv
import re
from collections import Counter
from pathlib import Path

import pytest
import yaml

from openness.data import packaged
from openness.license.profiles import LicenseProfile, knowledge_base, load_profiles, squash

SHARED = Path(__file__).resolve().parents[3] / "shared"
CLAUSE_KINDS = SHARED / "spec" / "clause-kinds.yaml"
KEYWORDS_CSV = SHARED / "corpus" / "hf_license_keywords.csv"
CORPUS = SHARED / "corpus" / "licenses"


@pytest.fixture(scope="module")
def folder() -> Path:
    return packaged("licenses")


@pytest.fixture(scope="module")
def profiles(folder: Path) -> list[LicenseProfile]:
    return load_profiles(folder)


def _shared(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"{path} is not available")
    return path


def _owners(profiles: list[LicenseProfile], field: str) -> dict[str, list[str]]:
    owners: dict[str, list[str]] = {}
    for profile in profiles:
        for value in getattr(profile, field):
            owners.setdefault(value, []).append(profile.id)
    return owners


def test_every_profile_loads(folder: Path, profiles: list[LicenseProfile]) -> None:
    files = [path for path in folder.glob("*.yaml") if path.name != "clauses.yaml"]
    assert len(profiles) == len(files) > 0


def test_ids_match_file_names(folder: Path) -> None:
    for path in folder.glob("*.yaml"):
        if path.name == "clauses.yaml":
            continue
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert path.name == f"{data['id']}.yaml"


def test_ids_are_unique(profiles: list[LicenseProfile]) -> None:
    duplicated = [key for key, count in Counter(p.id for p in profiles).items() if count > 1]
    assert not duplicated


def test_hub_keywords_are_unique(profiles: list[LicenseProfile]) -> None:
    owners = _owners(profiles, "hub_keywords")
    assert {key: ids for key, ids in owners.items() if len(ids) > 1} == {}


def test_names_and_aliases_are_unique(profiles: list[LicenseProfile]) -> None:
    """No id, name or alias of one profile may read the same as another profile's."""
    owners: dict[str, set[str]] = {}
    for profile in profiles:
        for label in (profile.id, profile.name, *profile.aliases):
            owners.setdefault(squash(label), set()).add(profile.id)
    assert {label: ids for label, ids in owners.items() if len(ids) > 1} == {}


def test_incorporated_policies_exist(profiles: list[LicenseProfile]) -> None:
    by_id = {profile.id: profile for profile in profiles}
    for profile in profiles:
        for target in profile.incorporates:
            assert target in by_id, f"{profile.id} incorporates unknown {target}"
            assert by_id[target].kind == "policy", f"{profile.id} incorporates non-policy {target}"


def test_policies_have_no_hub_keyword(profiles: list[LicenseProfile]) -> None:
    for profile in profiles:
        if profile.kind == "policy":
            assert not profile.hub_keywords, profile.id


def test_unprofiled_and_family_entries(profiles: list[LicenseProfile]) -> None:
    by_id = {profile.id: profile for profile in profiles}
    for special in ("other", "unknown"):
        assert by_id[special].osi_approved is None
        assert not by_id[special].clauses_profiled
        assert not by_id[special].clauses
    for family in ("openrail", "bsd", "cc", "gpl", "lgpl", "gfdl", "odc-by", "odbl"):
        assert by_id[family].family


def test_clause_kinds_are_in_the_vocabulary(profiles: list[LicenseProfile]) -> None:
    kinds = set(yaml.safe_load(_shared(CLAUSE_KINDS).read_text(encoding="utf-8")))
    for profile in profiles:
        for clause in profile.clauses:
            assert clause.kind in kinds, f"{profile.id}: {clause.kind}"


def test_clause_kinds_are_listed_once(profiles: list[LicenseProfile]) -> None:
    for profile in profiles:
        kinds = [clause.kind for clause in profile.clauses]
        assert len(kinds) == len(set(kinds)), profile.id


def test_every_hub_keyword_maps_to_one_profile(profiles: list[LicenseProfile]) -> None:
    with _shared(KEYWORDS_CSV).open(encoding="utf-8", newline="") as handle:
        keywords = [row["keyword"] for row in csv.DictReader(handle)]
    owners = _owners(profiles, "hub_keywords")
    missing = [keyword for keyword in keywords if keyword not in owners]
    assert not missing
    assert all(len(owners[keyword]) == 1 for keyword in keywords)


def test_every_corpus_text_belongs_to_one_profile(profiles: list[LicenseProfile]) -> None:
    slugs = {path.stem for path in _shared(CORPUS).glob("*.txt")}
    owners = _owners(profiles, "reference_texts")
    assert sorted(slugs - set(owners)) == []
    assert sorted(set(owners) - slugs) == []
    assert {slug: ids for slug, ids in owners.items() if len(ids) > 1} == {}


# Kinds a profile lists beyond the corpus labels, each plainly in the licence text.
BEYOND_LABELS = {
    # the use restrictions must be written into downstream terms (section 5(a))
    ("tencent-hunyuan-community", "downstream-restrictions"),
}
INTERNAL_WORDS = re.compile(r"evaluation set|corpus|withheld|held[- ]out", re.IGNORECASE)


def test_profiles_hold_every_labelled_clause(profiles: list[LicenseProfile]) -> None:
    """A corpus text's profile lists exactly the clause kinds its text is labelled with."""
    manifest = yaml.safe_load((_shared(CORPUS) / "MANIFEST.yaml").read_text(encoding="utf-8"))
    owner = {slug: p for p in profiles for slug in p.reference_texts}
    for entry in manifest["licenses"]:
        profile = owner[entry["slug"]]
        labelled = {clause["kind"] for clause in entry["clauses"] or []}
        profiled = {clause.kind for clause in profile.clauses}
        assert profile.clauses_profiled, profile.id
        assert labelled <= profiled, (profile.id, sorted(labelled - profiled))
        beyond = {(profile.id, kind) for kind in profiled - labelled}
        assert beyond <= BEYOND_LABELS, sorted(beyond)


def test_profiled_licences_name_the_policies_they_bind_to(profiles: list[LicenseProfile]) -> None:
    by_id = {profile.id: profile for profile in profiles}
    for licence, policy in [
        ("stability-ai-community", "stability-ai-aup"),
        ("grok2-community", "xai-aup"),
        ("databricks-open-model-license", "databricks-open-model-aup"),
        ("tii-falcon-license-2024-12", "tii-falcon-aup-2024-12"),
        ("falcon-180b-tii-license-1.0", "falcon-180b-aup"),
    ]:
        assert by_id[licence].incorporates == [policy]


def test_user_facing_text_has_no_internal_words(profiles: list[LicenseProfile]) -> None:
    for profile in profiles:
        texts = [profile.name, profile.summary, *profile.aliases]
        texts += [clause.summary for clause in profile.clauses]
        assert not [text for text in texts if INTERNAL_WORDS.search(text)], profile.id


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("llama3.1", "llama3.1"),
        ("MIT", "mit"),
        ("Apache-2.0", "apache-2.0"),
        ("gemma", "gemma"),
        ("mnpl", "mistral-mnpl-0.1"),
        ("deepseek", "deepseek-license-v1"),
        ("GPL-3.0-only", "gpl-3.0"),
        ("Llama 3.1 Community License", "llama3.1"),
        ("stabilityai-ai-community", "stability-ai-community"),
        ("qwen", "qwen"),
        ("falcon-180b-tii-license-1.0", "falcon-180b-tii-license-1.0"),
        ("c-uda", "c-uda"),
    ],
)
def test_find_resolves_common_terms(term: str, expected: str) -> None:
    profile = knowledge_base().find(term)
    assert profile is not None
    assert profile.id == expected
