"""Licence identification: shipped fingerprints always, the shared corpus when it is present."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from openness.data import packaged
from openness.license.identify import (
    decode_hashes,
    encode_hashes,
    fingerprints,
    identification_words,
    identify_text,
    shingle_hashes,
)
from openness.license.profiles import knowledge_base
from openness.license.text import normalise_lines, strip_control

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "licenses"
needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason="shared licence corpus absent")


def test_normalise_flattens_markup_quotes_and_spaces() -> None:
    text = "# Title\n> **Bold** _em_ \u201cquoted\u201d \u2014 "
    text += "[link](https://x.org) &amp; <b>tag</b>\\.\n"
    assert normalise_lines(text)[0] == 'Title Bold em "quoted" - link & tag .'
    assert normalise_lines("Non-\ncommercial\n\n  USE")[0] == "Non-commercial USE"
    assert identification_words("Non-\ncommercial  USE") == ["non", "commercial", "use"]
    assert identification_words("snake_case_name") == ["snake", "case", "name"]


def test_strip_control_keeps_newlines_and_tabs() -> None:
    text = "a\x1b[1;31mred\x1b[0m\tb\x1b]8;;https://x\x07link\x1b]8;;\x07\r\nc\x00\u202e"
    assert strip_control(text) == "ared\tblink\nc"


def test_identification_ignores_title_copyright_and_urls() -> None:
    body = "Permission is granted to use this work, see https://example.org/terms for more."
    first = identification_words(f"The Example License\n\nCopyright (c) 2024 Someone\n\n{body}")
    assert first == identification_words(
        f"Copyright Someone Else\nSPDX-License-Identifier: X\n{body}"
    )
    assert "example" not in first and "https" not in first


def test_hash_sets_round_trip() -> None:
    hashes = set(shingle_hashes(identification_words("one two three four five six seven")))
    assert len(hashes) == 3
    assert decode_hashes(encode_hashes(hashes)) == hashes


def test_shipped_fingerprints_hold_hashes_only() -> None:
    data = json.loads((packaged("licenses/fingerprints.json")).read_text())
    assert set(data) == {"format", "shingles", "contains", "references"}
    for encoded in data["references"].values():
        assert len(base64.b64decode(encoded, validate=True)) % 4 == 0
    prints = fingerprints()
    assert len(prints.references) == len(data["references"]) > 0
    for slug, others in data["contains"].items():
        assert prints.own[slug] == prints.references[slug].difference(
            *(prints.references[other] for other in others)
        )


def test_short_or_unknown_text_is_unknown() -> None:
    assert identify_text("MIT License").match == "unknown"
    own_words = " ".join(f"clause{n} obliges the party of part {n} to sing" for n in range(30))
    found = identify_text(own_words)
    assert (found.profile_id, found.match) == (None, "unknown")


def corpus_text(slug: str) -> str:
    return (CORPUS / f"{slug}.txt").read_text(encoding="utf-8")


def profile_for(slug: str) -> str:
    for profile in knowledge_base().profiles.values():
        if slug in profile.reference_texts:
            return profile.id
    pytest.skip(f"no licence profile references {slug} yet")


@needs_corpus
def test_every_corpus_text_has_a_fingerprint() -> None:
    slugs = {path.stem for path in CORPUS.glob("*.txt")}
    assert set(fingerprints().references) == slugs


@needs_corpus
@pytest.mark.parametrize("slug", sorted(path.stem for path in CORPUS.glob("*.txt")))
def test_every_corpus_text_is_identified_as_its_profile(slug: str) -> None:
    found = identify_text(corpus_text(slug))
    assert found.profile_id == profile_for(slug)
    assert found.match == ("concatenated" if slug == "llama-3-community" else "exact")


@needs_corpus
@pytest.mark.parametrize("slug", ["mit", "deepseek-r1-mit", "apache-2.0", "llama-3.1-community"])
def test_known_licenses_are_identified_exactly(slug: str) -> None:
    found = identify_text(corpus_text(slug))
    assert (found.profile_id, found.match, found.also) == (profile_for(slug), "exact", [])
    assert found.confidence == 1.0


@needs_corpus
def test_mit_with_an_added_restriction_is_modified() -> None:
    text = (
        corpus_text("deepseek-r1-mit") + "\n\nThe Software may not be used for military purposes.\n"
    )
    found = identify_text(text)
    assert (found.profile_id, found.match) == (profile_for("mit"), "modified")
    assert found.confidence < 1.0


@needs_corpus
def test_mit_with_another_title_and_copyright_is_still_exact() -> None:
    text = corpus_text("mit")
    found = identify_text(f"The MIT License (MIT)\n\nCopyright (c) 2021 Someone Else\n\n{text}")
    assert (found.profile_id, found.match) == (profile_for("mit"), "exact")


@needs_corpus
def test_apache_without_its_how_to_apply_appendix_is_exact() -> None:
    text = corpus_text("apache-2.0").split("APPENDIX")[0]
    found = identify_text(text)
    assert (found.profile_id, found.match) == (profile_for("apache-2.0"), "exact")


@needs_corpus
def test_license_followed_by_its_use_policy_is_concatenated() -> None:
    text = corpus_text("llama-3.1-community") + "\n\n" + corpus_text("llama-3.1-aup")
    found = identify_text(text)
    policy = profile_for("llama-3.1-aup")
    assert (found.profile_id, found.match, found.also) == (
        profile_for("llama-3.1-community"),
        "concatenated",
        [policy],
    )


@needs_corpus
def test_llama_3_license_file_carries_its_use_policy() -> None:
    found = identify_text(corpus_text("llama-3-community") + "\n" + corpus_text("llama-3-aup"))
    assert found.profile_id == profile_for("llama-3-community")
    assert found.match == "concatenated"
    assert profile_for("llama-3-aup") in found.also


@needs_corpus
def test_renamed_license_is_its_original_modified() -> None:
    text = corpus_text("llama-3.1-community")
    for old, new in (("Meta", "Acme Corp"), ("Llama 3.1", "Zephyr 9"), ("Llama", "Zephyr")):
        text = text.replace(old, new).replace(old.upper(), new.upper())
    found = identify_text(text)
    assert (found.profile_id, found.match) == (profile_for("llama-3.1-community"), "modified")
    assert 0.3 < found.confidence < 0.95
