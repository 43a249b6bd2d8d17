"""Full-text licence identification against shingle fingerprints of known licence texts.

A text is cut into overlapping 5-word shingles, each hashed to 32 bits. Every reference text
(`licenses/fingerprints.json`, built by `scripts/build_fingerprints.py`) is a set of such hashes.
How much of a reference the text contains, and how much of the text the references explain,
tell an exact copy from a modified one, a concatenation of several documents, or an unknown text.
Titles, copyright lines, links, list numbering and how-to-apply appendices are left out first:
they vary between copies of one licence, and so does a header before the text (`header.py`).

A text the knowledge base does not know exactly may still be a standard licence: the SPDX list's
licences are identified by a library (`standard.py`), their facts and clause kinds taken from the
SPDX list and `licenses/spdx/` (`spdx.py`). The knowledge base stays the authority: an exact
match of a profile (every AI licence) wins, and so does its "modified" verdict on its own licence.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import re
import sys
from array import array
from collections.abc import Iterable, Set
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, Field

from openness.data import packaged
from openness.license.header import is_header
from openness.license.profiles import knowledge_base
from openness.license.text import clean_lines
from openness.once import once

if TYPE_CHECKING:
    from openness.license.standard import Standard

SHINGLE = 5
MIN_SHINGLES = 20  # shorter texts (a notice, a licence name) are not identified
MAX_NOVEL_WORDS = 1  # words of the text that no reference shingle covers, still `exact`
MAX_MISSING = 10  # reference shingles absent from the text, still `exact`
DOMINANT = 0.5  # containment (or share of the text) needed to name a reference at all
PRESENT = 0.8  # containment for a further document to count as concatenated
SAME_TEXT = 0.5  # overlap above which two references are versions of one text

Match = Literal["exact", "modified", "concatenated", "unknown"]

_NOTICE_LINE = re.compile(  # copyright and SPDX lines: they vary between copies of one licence
    # ("copyright notice that is included..." in a re-wrapped licence is no such line)
    # nor is "(c) You must retain...", a list item
    r"(?i)^(?:copyright(?:\s*(?:\(c\)|©|\d|<|\[|:)|\s+(?-i:[A-Z])|\s*$)|(?:\(c\)|©)\s*(?:\d|<|copyright)"
    r"|all rights reserved\b|spdx-license-identifier:)"
)
_APPENDIX = re.compile(r"(?i)^(?:appendix\W*)?how to apply\b")  # instructions, not terms
_COPYRIGHT_INLINE = re.compile(r"(?i)copyright\s*(?:\(c\)|©)[^\"]{0,80}?all rights reserved\.?")
_TITLE_WORD = re.compile(r"(?i)licen[cs]e|agreement|terms|polic(?:y|ies)|conditions")
_MINOR = {"a", "an", "and", "for", "in", "of", "on", "the", "to", "with"}
_LINK = re.compile(  # a token holding a URL, an e-mail or a bare domain (leading `-` is no `\W`:
    # both `\W*` and `[\w-]+` taking a run of hyphens would make a long one quadratic)
    r"(?i)://|^\W*www\.|@|^[^\w-]*[\w-]+(?:\.[\w-]+)*\.(?:com|org|net|dev|ai|ae|io|gov|edu|cn|co|uk)(?:\W|$)"
)
_MARKER = re.compile(r"(?i)\(?(?:\d{1,3}|[a-z]|[ivx]{1,5})[.)]")  # list enumeration: 1. a) (iv)
_WORD = re.compile(r"[a-z0-9]+")


class Identification(BaseModel):
    """Which known licence a text is, and how faithfully."""

    profile_id: str | None  # a profile's id, else the SPDX id of a standard licence
    confidence: float = Field(ge=0, le=1)
    match: Match
    also: list[str] = Field(default_factory=list)
    spdx_id: str | None = None  # the standard licence it is, when the text says which


def is_title(line: str) -> bool:
    """A heading naming a document, such as `Apache License` or `Acceptable Use Policy`."""
    if not _TITLE_WORD.search(line) or len(line.split()) > 10:
        return False
    tokens = re.findall(r"[^\W\d_][\w'.-]*", line)
    return all(token[0].isupper() or token.lower() in _MINOR for token in tokens)


def is_notice(line: str) -> bool:
    """A copyright or SPDX line."""
    return bool(_NOTICE_LINE.match(line)) and len(line.split()) <= 15


def identification_words(text: str) -> list[str]:
    """The words that identify a licence: no titles, copyright or SPDX lines, URLs, markup
    or how-to-apply appendix."""
    lines = []
    in_appendix = False
    previous = ""  # the line before, unless it was a title or a notice
    for line in clean_lines(text):
        if is_title(line):
            in_appendix, line = False, ""  # a heading: another document may follow the appendix
        elif _APPENDIX.match(line):
            in_appendix = True
        elif is_notice(line) and not (line[0].islower() and _continues(previous)):
            line = ""
        elif line and not in_appendix:
            lines.append(line)
        previous = line
    tokens = _COPYRIGHT_INLINE.sub(" ", " ".join(lines)).split()
    return _WORD.findall(" ".join(token for token in tokens if not _is_noise(token)).lower())


def _continues(previous: str) -> bool:
    """Whether a line goes on with the sentence before it: a lower-case "copyright 1999 Ann"
    that a re-wrap put at the start of a line is licence text, not a notice."""
    return bool(previous) and previous[-1].isalnum() and not previous.isupper()


def _is_noise(token: str) -> bool:
    """A link or a list marker: words that differ between copies of the same text."""
    if token[-1] in ".)" and len(token) <= 7 and _MARKER.fullmatch(token):
        return True
    return "." in token and bool(_LINK.search(token))


def shingle_hashes(words: list[str]) -> list[int]:
    """The 32-bit hash of every run of `SHINGLE` consecutive words, in text order."""
    blake2b = hashlib.blake2b
    digests = b"".join(
        blake2b(" ".join(words[i : i + SHINGLE]).encode()).digest()[:4]
        for i in range(len(words) - SHINGLE + 1)
    )
    return _unpack(digests).tolist()


def _unpack(data: bytes) -> array[int]:
    """Little-endian uint32 values."""
    values = array("I")
    values.frombytes(data)
    if sys.byteorder == "big":
        values.byteswap()
    return values


def encode_hashes(hashes: Iterable[int]) -> str:
    """A hash set as base64 of its sorted little-endian uint32 array."""
    packed = array("I", sorted(hashes))
    if sys.byteorder == "big":
        packed.byteswap()
    return base64.b64encode(packed.tobytes()).decode("ascii")


def decode_hashes(encoded: str) -> frozenset[int]:
    """The inverse of `encode_hashes`."""
    return frozenset(_unpack(base64.b64decode(encoded)))


@dataclass(frozen=True)
class Fingerprints:
    """Shingle hash sets of the reference texts, by corpus slug."""

    references: dict[str, frozenset[int]]
    own: dict[str, frozenset[int]]  # for a text holding other references: what is its own


def contained_documents(references: dict[str, frozenset[int]]) -> dict[str, list[str]]:
    """Slug → the other reference documents it holds almost whole (a licence and its policy)."""
    found: dict[str, list[str]] = {}
    for slug, reference in references.items():
        for other, inner in references.items():
            if (
                len(inner) < len(reference)
                and len(inner & reference) >= PRESENT * len(inner)
                and not _same_text(inner, reference)
            ):
                found.setdefault(slug, []).append(other)
    return found


@once
def fingerprints() -> Fingerprints:
    """The shipped fingerprints (`licenses/fingerprints.json`), loaded once."""
    path = packaged("licenses/fingerprints.json")
    with path.open(encoding="utf-8") as handle:
        data = json.load(handle)
    references = {slug: decode_hashes(encoded) for slug, encoded in data["references"].items()}
    own = {
        slug: references[slug].difference(*(references[other] for other in others))
        for slug, others in data["contains"].items()
    }
    return Fingerprints(references, own)


@once
def _profile_of_slug() -> dict[str, str]:
    return {
        slug: profile.id
        for profile in knowledge_base().profiles.values()
        for slug in profile.reference_texts
    }


@dataclass(frozen=True)
class _Score:
    slug: str
    profile_id: str
    shared: int  # shingles the text and the reference have in common
    containment: float  # share of the reference found in the text
    share: float  # share of the text found in the reference
    rank: float  # cosine similarity, on the reference's own part if it holds other documents


def _scores(found: set[int]) -> list[_Score]:
    """Every profiled reference the text shares shingles with, most similar first."""
    prints = fingerprints()
    scores = []
    for slug, profile_id in _profile_of_slug().items():
        reference = prints.references.get(slug)
        shared = len(found & reference) if reference else 0
        if reference and shared:
            own = prints.own.get(slug, reference)
            own_shared = shared if own is reference else len(found & own)
            rank = own_shared / math.sqrt(len(own) * len(found)) if own else 0.0
            containment, share = shared / len(reference), shared / len(found)
            scores.append(_Score(slug, profile_id, shared, containment, share, rank))
    return sorted(scores, key=lambda score: score.rank, reverse=True)


def _parts(scores: list[_Score]) -> list[_Score]:
    """The best reference, then other documents the text holds almost whole."""
    references = fingerprints().references
    parts = scores[:1]
    for score in scores[1:]:
        if (
            score.containment >= PRESENT
            and all(score.profile_id != part.profile_id for part in parts)
            and not any(_same_text(references[score.slug], references[p.slug]) for p in parts)
        ):
            parts.append(score)
    return parts


def identify_text(text: str) -> Identification:
    """Identify the licence (and any appended documents) a text consists of: the knowledge
    base first, then the SPDX list's standard licences."""
    words = identification_words(text)
    hashes = shingle_hashes(words)
    known, novel = _identify_known(words, hashes)
    if known.match in ("exact", "concatenated"):
        return known
    from openness.license.spdx import profile_of

    standard = _standard(text, words, hashes)
    if standard is None:
        return known
    profile = profile_of(standard.spdx_id)
    if known.match == "modified" and (
        standard.match == "modified"
        or (profile is not None and profile.id == known.profile_id and not is_header(novel))
    ):
        # words the knowledge base's copy lacks are added terms when they say anything (may,
        # not, only...); parts of that copy missing from the text, or a few words spelt or
        # laid out otherwise, are not when the library finds every term of the licence
        return known
    return Identification(
        profile_id=profile.id if profile else standard.spdx_id,
        confidence=standard.coverage,
        match=standard.match,
        also=list(standard.also),
        spdx_id=standard.spdx_id if standard.match != "modified" else None,
    )


def _standard(text: str, words: list[str], hashes: list[int]) -> Standard | None:
    """The SPDX licence a text is: the list's own text, by fingerprint, wins over the library's
    pattern of another licence (a near-twin) and over its "modified" where the pattern leaves out
    part of the published text; else the library's answer; else a fingerprinted licence with
    words added or taken out, as modified."""
    from openness.license.listed import identify_listed
    from openness.license.standard import Standard, identify_standard

    listed = identify_listed(words, hashes)
    standard = identify_standard(text)
    if listed is None:
        return standard
    if listed.match == "exact":
        if standard and standard.match != "modified" and standard.spdx_id in listed.same:
            return standard  # the library's id says more (-or-later) for the same text
        return Standard(listed.spdx_id, "exact", (), listed.coverage)
    if standard is None:
        return Standard(listed.spdx_id, "modified", (), listed.coverage)
    return standard


def _identify_known(words: list[str], hashes: list[int]) -> tuple[Identification, list[str]]:
    """The knowledge base's identification of a text, by fingerprint, and the words of the
    text (a header aside) that the chosen references do not have."""
    found = set(hashes)
    scores = _scores(found) if len(found) >= MIN_SHINGLES else []
    if not scores or max(scores[0].containment, scores[0].share) < DOMINANT:
        similarity = math.sqrt(scores[0].containment * scores[0].share) if scores else 0.0
        unknown = Identification(profile_id=None, confidence=round(similarity, 3), match="unknown")
        return unknown, words

    best, *others = _parts(scores)
    chosen = {best.profile_id, *(part.profile_id for part in others)}
    references = fingerprints().references
    covered: set[int] = set()
    for slug, profile_id in _profile_of_slug().items():
        if profile_id in chosen and slug in references:
            covered |= references[slug]
    novel = novel_words(hashes, covered, words)
    faithful = len(references[best.slug]) - best.shared <= MAX_MISSING
    faithful = faithful and len(novel) <= MAX_NOVEL_WORDS
    explained = len(found & covered) / len(found)
    profile = knowledge_base().get(best.profile_id)
    found_id = Identification(
        profile_id=best.profile_id,
        confidence=round((best.containment + explained) / 2, 3),
        match="modified" if not faithful else "concatenated" if others else "exact",
        also=[part.profile_id for part in others],
        spdx_id=profile.spdx_id if profile and faithful else None,
    )
    return found_id, novel


def _same_text(first: frozenset[int], second: frozenset[int]) -> bool:
    """Whether two references are versions of one document rather than different documents."""
    return len(first & second) / max(len(first), len(second)) >= SAME_TEXT


def novel_words(hashes: list[int], covered: Set[int], words: list[str]) -> list[str]:
    """The words of the text that lie in no shingle the references know, leaving out a header
    before the first known words (a title, "released under the MIT License:")."""
    novel: list[int] = []
    last_known = -SHINGLE  # start of the last shingle found in the references
    leading = None  # how many novel words come before the first known shingle
    for position in range(len(hashes) + SHINGLE - 1):
        if position < len(hashes) and hashes[position] in covered:
            if leading is None:
                leading = len(novel)
            last_known = position
        if position - last_known >= SHINGLE:
            novel.append(position)
    if leading and is_header(words[:leading]):
        novel = novel[leading:]
    return [words[position] for position in novel]
