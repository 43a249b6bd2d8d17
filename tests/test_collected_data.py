"""Integrity of the collected real licence texts (tests/data/collected): data checks only."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from openness.license.clauses import clause_kinds

COLLECTED = Path(__file__).resolve().parent / "data" / "collected"
ENTRIES = sorted(COLLECTED.glob("*.yaml"))


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"\*\*|__", "", text)).strip().lower()


def test_there_are_at_least_thirty_texts_each_with_its_metadata() -> None:
    texts = sorted(COLLECTED.glob("*.txt"))
    assert len(texts) >= 30
    assert [path.stem for path in texts] == [path.stem for path in ENTRIES]


@pytest.mark.parametrize("path", ENTRIES, ids=lambda path: path.stem)
def test_source_is_recorded_and_every_label_is_quoted_from_the_text(path: Path) -> None:
    entry = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert entry["licensor"] and entry["document"] in {"license", "use-policy"}
    assert re.fullmatch(r"[\w.-]+/[\w.-]+", entry["source"]["repo"])
    assert entry["source"]["path"] and entry["source"]["url"].startswith("https://github.com/")
    text = flat(path.with_suffix(".txt").read_text(encoding="utf-8"))
    kinds = [label["kind"] for label in entry.get("labels") or []]
    assert set(kinds) <= set(clause_kinds()) and len(kinds) == len(set(kinds))
    for label in entry.get("labels") or []:
        assert flat(label["quote"]) in text, label
