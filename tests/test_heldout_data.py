"""Integrity of the frozen held-out licence set (tests/data/heldout): data checks only.

This never runs the clause detector and asserts no detection figures; it only keeps the set and
its ground-truth labels consistent (see tests/data/heldout/README.md).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

HELDOUT = Path(__file__).resolve().parent / "data" / "heldout"
SPEC = Path(__file__).resolve().parents[2] / "shared" / "spec" / "clause-kinds.yaml"
RULES = Path(__file__).resolve().parents[1] / "licenses" / "clauses.yaml"
TEXT_SUFFIXES = {".txt", ".md"}
MIN_TEXTS = 20


def _labels() -> dict[str, Any]:
    data = yaml.safe_load((HELDOUT / "labels.yaml").read_text(encoding="utf-8"))
    assert isinstance(data, dict) and isinstance(data.get("texts"), dict)
    return dict(data["texts"])


def _known_kinds() -> tuple[set[str], str]:
    """The clause vocabulary: the shared spec when present, else the project's rule file."""
    if SPEC.is_file():
        return set(yaml.safe_load(SPEC.read_text(encoding="utf-8"))), str(SPEC)
    rules = yaml.safe_load(RULES.read_text(encoding="utf-8"))
    return set(rules["kinds"]), str(RULES)


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _text_files() -> list[str]:
    return sorted(
        p.name for p in HELDOUT.iterdir() if p.suffix in TEXT_SUFFIXES and p.name != "README.md"
    )


LABELS = _labels()


def test_every_text_has_labels_and_every_label_has_a_text() -> None:
    files = _text_files()
    assert len(files) >= MIN_TEXTS
    assert set(files) == set(LABELS)
    for name in files:
        assert re.fullmatch(r"\d\d-[a-z0-9-]+\.(?:txt|md)", name), name


@pytest.mark.parametrize("name", sorted(LABELS))
def test_entry_shape_and_text(name: str) -> None:
    entry = LABELS[name]
    assert set(entry) == {"labels", "traps"}, name
    for item in [*entry["labels"], *entry["traps"]]:
        assert set(item) == {"kind", "quote"}, item
        assert isinstance(item["quote"], str) and item["quote"].strip(), item
    raw = (HELDOUT / name).read_bytes()
    text = raw.decode("utf-8")  # plain UTF-8
    assert 300 <= len(text.split()) <= 1500, name


@pytest.mark.parametrize("name", sorted(LABELS))
def test_kinds_are_known(name: str) -> None:
    kinds, source = _known_kinds()
    entry = LABELS[name]
    used = {item["kind"] for item in [*entry["labels"], *entry["traps"]]}
    unknown = used - kinds
    if unknown and not SPEC.is_file():
        pytest.skip(f"{sorted(unknown)} not in {source}; the shared spec is absent to confirm")
    assert not unknown, f"{name}: {sorted(unknown)} not in {source}"


@pytest.mark.parametrize("name", sorted(LABELS))
def test_quotes_occur_in_their_text(name: str) -> None:
    text = _flat((HELDOUT / name).read_text(encoding="utf-8"))
    entry = LABELS[name]
    for item in [*entry["labels"], *entry["traps"]]:
        assert _flat(item["quote"]) in text, f"{name}: {item['quote']!r}"


@pytest.mark.parametrize("name", sorted(LABELS))
def test_labels_are_unique_and_traps_do_not_contradict_them(name: str) -> None:
    entry = LABELS[name]
    kinds = [item["kind"] for item in entry["labels"]]
    assert len(kinds) == len(set(kinds)), name
    assert not {item["kind"] for item in entry["traps"]} & set(kinds), name
