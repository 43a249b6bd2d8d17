"""Labelled data for the clause classifier: training sentences and labelled licence texts.

* `licenses/training/*.yaml`: sentences written for training, each with every kind it states.
* Labelled texts: the shared corpus (`../shared/corpus/licenses`, MANIFEST.yaml) and the real
  texts collected in `tests/data/collected/` (one YAML per text, with its source). A text's
  labels give one locating quote per kind; the statement holding it is a positive example of
  that kind, the text's other statements are left out for that kind (they may state it too),
  and every statement is a negative example of the kinds the text does not contain.
* The frozen held-out set (`tests/data/heldout/`) is read only by `heldout_texts()`, for
  evaluation: it never trains anything. The development texts (`tests/data/dev/`) train
  nothing either; unlike the held-out set they are read to choose between settings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from openness.license.sentences import units

ROOT = Path(__file__).resolve().parents[1]
TRAINING = ROOT / "licenses" / "training"
COLLECTED = ROOT / "tests" / "data" / "collected"
HELDOUT = ROOT / "tests" / "data" / "heldout"
DEV = ROOT / "tests" / "data" / "dev"
CORPUS = ROOT.parent / "shared" / "corpus" / "licenses"


@dataclass
class Example:
    """One statement, the kinds it states, and the kinds it says nothing reliable about."""

    text: str
    kinds: frozenset[str]
    unknown: frozenset[str] = frozenset()
    group: str = "written"


@dataclass
class LabelledText:
    slug: str
    group: str  # the licensor, for leave-one-licensor-out cross-validation
    text: str
    labels: dict[str, str] = field(default_factory=dict)  # kind → locating quote


def _flat(text: str) -> str:
    text = re.sub(r"\*\*|__|\\", "", text)
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


def _licensor_group(licensor: str) -> str:
    words = re.findall(r"[a-z0-9]+", licensor.lower().replace("(standard licence text)", "std"))
    words = [word for word in words if word not in {"the", "linux"}]
    return words[0] if words else "unknown"


def training_sentences() -> list[Example]:
    return [
        Example(item["text"], frozenset(item["kinds"]), group=path.stem)
        for path in sorted(TRAINING.glob("*.yaml"))
        for item in yaml.safe_load(path.read_text(encoding="utf-8"))["sentences"]
    ]


def corpus_texts() -> list[LabelledText]:
    if not CORPUS.is_dir():
        return []
    manifest = yaml.safe_load((CORPUS / "MANIFEST.yaml").read_text(encoding="utf-8"))
    texts = []
    for entry in manifest["licenses"]:
        labels = {clause["kind"]: clause["locator"] for clause in entry.get("clauses") or []}
        text = (CORPUS / f"{entry['slug']}.txt").read_text(encoding="utf-8")
        texts.append(LabelledText(entry["slug"], _licensor_group(entry["licensor"]), text, labels))
    return texts


def collected_texts() -> list[LabelledText]:
    texts = []
    for path in sorted(COLLECTED.glob("*.yaml")):
        meta = yaml.safe_load(path.read_text(encoding="utf-8"))
        text = path.with_suffix(".txt").read_text(encoding="utf-8")
        labels = {label["kind"]: label["quote"] for label in meta.get("labels") or []}
        texts.append(LabelledText(path.stem, _licensor_group(meta["licensor"]), text, labels))
    return texts


def heldout_texts() -> list[LabelledText]:
    """The frozen held-out texts, for evaluation only."""
    return _evaluation_texts(HELDOUT)


def dev_texts() -> list[LabelledText]:
    """The development texts: never trained on, read to choose between settings."""
    return _evaluation_texts(DEV)


def _evaluation_texts(folder: Path) -> list[LabelledText]:
    data = yaml.safe_load((folder / "labels.yaml").read_text(encoding="utf-8"))
    texts = []
    for name, entry in data["texts"].items():
        labels = {label["kind"]: label["quote"] for label in entry.get("labels") or []}
        text = (folder / name).read_text(encoding="utf-8")
        texts.append(LabelledText(name, name, text, labels))
    return texts


def text_examples(labelled: LabelledText) -> list[Example]:
    """The text's statements as examples (see the module docstring)."""
    statements = units(labelled.text)
    flats = [_flat(unit.text) for unit in statements]
    located: dict[int, set[str]] = {}
    for kind, quote in labelled.labels.items():
        wanted = _flat(re.sub(r"^\s*\(?[a-z0-9ivx]{1,4}[.)]\s+", "", quote))
        hits = [index for index, flat in enumerate(flats) if wanted and wanted in flat]
        if not hits:  # a quote spanning statements: the first holding most of its words
            words = set(wanted.split())
            overlap = [(len(words & set(flat.split())), -index) for index, flat in enumerate(flats)]
            best = max(overlap, default=(0, 0))
            hits = [-best[1]] if 2 * best[0] >= len(words) > 0 else []
        for index in hits[:1]:
            located.setdefault(index, set()).add(kind)
    labelled_kinds = frozenset(labelled.labels)
    return [
        Example(
            unit.text,
            frozenset(located.get(index, ())),
            labelled_kinds - located.get(index, set()),
            labelled.group,
        )
        for index, unit in enumerate(statements)
    ]
