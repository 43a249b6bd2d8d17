"""Write `licenses/fingerprints.json`: hashed word shingles of every corpus licence text.

Usage: `PYTHONPATH=src python scripts/build_fingerprints.py [CORPUS_DIR]`, by default the
`shared/corpus/licenses` folder beside the project. Only hashes are written, never text.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from openness.license.identify import (
    contained_documents,
    encode_hashes,
    identification_words,
    shingle_hashes,
)

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "licenses"
OUTPUT = ROOT / "licenses" / "fingerprints.json"


def build(corpus: Path) -> dict[str, object]:
    """Fingerprints of every `*.txt` in `corpus`, keyed by file stem (the corpus slug)."""
    references = {}
    for path in sorted(corpus.glob("*.txt")):
        words = identification_words(path.read_text(encoding="utf-8"))
        references[path.stem] = frozenset(shingle_hashes(words))
    return {
        "format": "openness-fingerprints/1",
        "shingles": "5 words; blake2b, first 4 bytes; sorted little-endian uint32; base64",
        "contains": contained_documents(references),
        "references": {slug: encode_hashes(hashes) for slug, hashes in references.items()},
    }


def main() -> None:
    corpus = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_CORPUS
    if not corpus.is_dir():
        sys.exit(f"corpus folder not found: {corpus}")
    data = build(corpus)
    OUTPUT.write_text(json.dumps(data, indent=0, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {OUTPUT}: {len(list(corpus.glob('*.txt')))} reference texts")


if __name__ == "__main__":
    main()
