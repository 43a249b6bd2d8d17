"""SPDX-list licences told apart by their words: shingle fingerprints of the list's texts that
licenseclassifier has no pattern for, confuses with a near-twin (HPND-Netrek and HPND, dtoa,
X11-swapped, OpenSSL-standalone and OpenSSL) or names as modified because its pattern leaves out
an optional note or an exhibit of the published text (AFL-2.1, CECILL-2.0, RPL-1.1...).

`licenses/spdx-fingerprints.json` (built by `scripts/build_spdx_fingerprints.py` from the SPDX
list data, whose version it records) holds only hashes, as `licenses/fingerprints.json` does. A
reference is the shingles of the text as published and with each paragraph on one line (a
title or copyright line joined to its paragraph is words of it then); a text is one of these
licences exactly when it holds all but a few of the shingles the two layouts share, and at most
one word outside either, a header before it aside (`identify.py`'s rule); of several
references that pass, the one with the fewest words and shingles apart wins, so near-twins are
told apart by the words that differ. A text that holds most of a reference and more words is
that licence `modified`.

Loaded on first use (about 10 ms), and linear in the text: each shingle is looked up once.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Literal

from openness.data import packaged
from openness.once import once

MIN_SHINGLES = 8  # shorter texts are no licence (the shortest such licence has 11)
MAX_MISSING = 10  # reference shingles absent from the text, still exact...
MISSING_SHARE = 0.1  # ...and no more than this share of the reference
MAX_NOVEL_WORDS = 1  # words of the text in no shingle of the reference, still exact
DOMINANT = 0.5  # share of the reference the text must hold to be named at all


@dataclass(frozen=True)
class Listed:
    """A licence of the SPDX list found by fingerprint."""

    spdx_id: str
    match: Literal["exact", "modified"]
    coverage: float  # share of the text's shingles that are the licence's
    same: frozenset[str]  # ids of the list with the same text (the id itself included)


@dataclass(frozen=True)
class _Prints:
    ids: tuple[str, ...]
    references: tuple[frozenset[int], ...]  # every shingle of the text as laid out either way
    core: tuple[frozenset[int], ...]  # those it has however its lines are laid out
    index: dict[int, tuple[int, ...]]  # shingle hash → the references holding it
    same: dict[str, frozenset[str]]
    version: str


@once
def _prints() -> _Prints:
    from openness.license.identify import decode_hashes

    path = packaged("licenses/spdx-fingerprints.json")
    with path.open(encoding="utf-8") as handle:
        data = json.load(handle)
    ids = tuple(sorted(data["references"]))
    references = tuple(decode_hashes(data["references"][spdx_id]) for spdx_id in ids)
    optional = data["layout_dependent"]
    core = tuple(
        reference - decode_hashes(optional[spdx_id]) if spdx_id in optional else reference
        for spdx_id, reference in zip(ids, references, strict=True)
    )
    postings: dict[int, list[int]] = {}
    for number, hashes in enumerate(references):
        for value in hashes:
            postings.setdefault(value, []).append(number)
    same = {spdx_id: frozenset({spdx_id, *data["same"].get(spdx_id, [])}) for spdx_id in ids}
    index = {value: tuple(numbers) for value, numbers in postings.items()}
    return _Prints(ids, references, core, index, same, str(data["spdx_list_version"]))


def spdx_list_version() -> str:
    """The SPDX licence list version the fingerprints were built from."""
    return _prints().version


def identify_listed(words: list[str], hashes: list[int]) -> Listed | None:
    """The fingerprinted SPDX licence a text is (its identification words and their shingle
    hashes, as `identify.py` computes them), exact or modified; None when it holds none."""
    from openness.license.identify import novel_words

    found = set(hashes)
    if len(found) < MIN_SHINGLES:
        return None
    prints = _prints()
    shared: dict[int, int] = {}
    for value in found:
        for number in prints.index.get(value, ()):
            shared[number] = shared.get(number, 0) + 1
    candidates = []
    for number, count in shared.items():
        core = prints.core[number]
        size = len(core)
        if count < DOMINANT * len(prints.references[number]):
            continue
        missing = size - len(found & core)
        novel = len(novel_words(hashes, prints.references[number], words))
        exact = missing <= min(MAX_MISSING, MISSING_SHARE * size) and novel <= MAX_NOVEL_WORDS
        # exact first, then the fewest words and shingles apart, then the longest reference
        candidates.append(((not exact, novel + missing, -size, prints.ids[number]), count, exact))
    if not candidates:
        return None
    (_, _, _, spdx_id), count, exact = min(candidates)
    return Listed(
        spdx_id,
        "exact" if exact else "modified",
        round(count / len(found), 3),
        prints.same[spdx_id],
    )
