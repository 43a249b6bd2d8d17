"""Integrity of the development licence texts (tests/data/dev): data checks only.

They choose between clause-model settings (scripts/train_clause_model.py prints their figures)
and never train anything; like the held-out set, they are evaluated whole-text by kind.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from openness.license.clauses import clause_kinds

DEV = Path(__file__).resolve().parent / "data" / "dev"


def test_every_dev_text_is_labelled_with_known_kinds_and_quotes_it_contains() -> None:
    texts = yaml.safe_load((DEV / "labels.yaml").read_text(encoding="utf-8"))["texts"]
    files = {path.name for path in DEV.iterdir() if path.suffix in {".txt", ".md"}}
    assert files == set(texts) and len(files) >= 10
    for name, entry in texts.items():
        text = (DEV / name).read_text(encoding="utf-8")
        kinds = [label["kind"] for label in entry["labels"]]
        assert set(kinds) <= set(clause_kinds()) and len(kinds) == len(set(kinds)), name
        assert all(label["quote"] in text for label in entry["labels"]), name
