"""The clause classifier: which clause kinds one statement of a licence expresses.

A statement (a `sentences.Unit`) becomes a bag of word features: words (a question mark counts
as the word `<ask>`, so that "Must I register? No." differs from "You must register"), pairs of
neighbouring words and of words one apart, each also with its lexicon class (`lexicon:` in
`clauses.yaml`: "generated content", "completions" and "outputs" all count as @output); the
words in the scope of a negation marked as such; and the statement's stances (`stances:`: it
prohibits, denies, permits, obliges, sets a condition, or speaks of the licensor's powers), each
paired with the word classes present, so that "may not be used commercially"
(prohibit*@commercial) and "is not a non-commercial licence" (deny*@noncommercial) differ. A
linear model per kind (`clause_model.json`, trained by `scripts/train_clause_model.py` on the
sentences in `licenses/training/` and on labelled licence texts) scores them; a kind is found
where its score passes the kind's threshold. Deterministic, pure Python, and explainable: the
features that carried a decision are reported with it.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel

from openness.data import packaged
from openness.once import once
from openness.readers import load

_TOKEN = re.compile(r"[a-z]+(?:['-][a-z]+)*|\d[\d,.]*\d|\d|[$\u20ac\u00a3\u00a5\"?]")
_SYMBOLS = {
    "$": "<cur>", "\u20ac": "<cur>", "\u00a3": "<cur>", "\u00a5": "<cur>", '"': "<q>", "?": "<ask>",
}  # fmt: skip
_NEGATORS = frozenset(
    {"not", "no", "never", "nor", "neither", "cannot", "without", "nothing", "none", "nobody"}
)
_SCOPE = 5  # words after a negator that it governs
_DEFINITION = re.compile(
    r'^\W*"[^"]{1,80}"(?:\s*\([^)]{0,80}\))?,? (?:means|shall mean|refers to)\b'
)


@once
def _knowledge() -> tuple[dict[str, str], list[tuple[str, re.Pattern[str]]]]:
    path = packaged("licenses/clauses.yaml")
    data = load(path.read_text(encoding="utf-8"), str(path), aliases=True)
    words = {word: f"@{name}" for name, group in data["lexicon"].items() for word in group}
    stances = [
        (name, re.compile("|".join(f"(?:{pattern})" for pattern in patterns)))
        for name, patterns in data["stances"].items()
    ]
    return words, stances


def lexicon() -> dict[str, str]:
    """Word → its class (`@name`), as shipped in `clauses.yaml`."""
    return _knowledge()[0]


def _tokens(text: str) -> list[str]:
    tokens = []
    for token in _TOKEN.findall(text.lower()):
        if token[0].isdigit():
            tokens.append("<num>")
        elif token in _SYMBOLS:
            tokens.append(_SYMBOLS[token])
        else:
            tokens.append(token)
    return tokens


def features(text: str) -> list[str]:
    """The distinct features of one statement, in order of first appearance."""
    return _features(_tokens(text), bool(_DEFINITION.match(text)))


def _features(tokens: list[str], definition: bool) -> list[str]:
    words, stances = _knowledge()
    classes = [words.get(token, token) for token in tokens]
    found: dict[str, None] = {}
    if definition:
        found["<definition>"] = None
    joined = " ".join(tokens)
    concepts = sorted({cls for cls in classes if cls.startswith("@")})
    for stance, pattern in stances:
        if pattern.search(joined):
            found[f"<{stance}>"] = None
            found.update((f"{stance}*{concept}", None) for concept in concepts)
    negated = 0
    for index, (token, cls) in enumerate(zip(tokens, classes, strict=True)):
        found[token] = None
        if cls != token:
            found[cls] = None
        if negated:
            found[f"~{cls}"] = None
            negated -= 1
        if token in _NEGATORS or token.endswith("n't"):
            negated = _SCOPE
        if index:
            found[f"{classes[index - 1]} {cls}"] = None
        if index > 1:
            found[f"{classes[index - 2]} _ {cls}"] = None
    return list(found)


@dataclass(frozen=True)
class ClauseModel:
    """Per kind: a bias and a threshold; per feature, its weight for each kind it bears on.

    `packed` holds each feature's weights as written in the model file ("kind:weight ..."); a
    feature's are unpacked the first time a statement has it, so loading stays cheap.
    """

    kinds: tuple[str, ...]
    bias: tuple[float, ...]
    threshold: tuple[float, ...]
    packed: dict[str, str]
    _unpacked: dict[str, tuple[tuple[int, float], ...]] = field(
        default_factory=dict, compare=False, repr=False
    )

    def weights(self, feature: str) -> tuple[tuple[int, float], ...]:
        """The (kind index, weight) pairs of one feature; none for an unknown feature."""
        pairs = self._unpacked.get(feature)
        if pairs is None:
            pairs = tuple(
                (int(kind), float(weight))
                for kind, weight in (
                    pair.split(":") for pair in self.packed.get(feature, "").split()
                )
            )
            self._unpacked[feature] = pairs
        return pairs

    def scores(self, found: list[str]) -> list[float]:
        """Each kind's probability for a statement with these features."""
        totals = list(self.bias)
        for feature in found:
            for kind, weight in self.weights(feature):
                totals[kind] += weight
        return [1 / (1 + math.exp(-max(-50.0, min(50.0, total)))) for total in totals]

    def reasons(self, found: list[str], kind: int, limit: int = 4) -> list[str]:
        """The features that weighed most for `kind`, strongest first."""
        weighed = [
            (weight, feature)
            for feature in found
            for index, weight in self.weights(feature)
            if index == kind and weight > 0
        ]
        return [feature for _weight, feature in sorted(weighed, reverse=True)[:limit]]


class _ModelHead(BaseModel):
    """The JSON form of a `ClauseModel`, apart from its weights."""

    format: Literal[2]
    kinds: list[str]
    bias: list[float]
    threshold: list[float]


def model_from_json(data: dict[str, Any]) -> ClauseModel:
    """A model from its JSON data (as `scripts/train_clause_model.py` writes it)."""
    head = _ModelHead.model_validate({key: data.get(key) for key in _ModelHead.model_fields})
    size = len(head.kinds)
    if len(head.bias) != size or len(head.threshold) != size:
        raise ValueError("clause model: one bias and one threshold per kind")
    packed = data["weights"]  # the project's own file: its shape is checked by the tests
    return ClauseModel(tuple(head.kinds), tuple(head.bias), tuple(head.threshold), packed)


@once
def clause_model() -> ClauseModel:
    """The shipped model (`licenses/clause_model.json`), loaded once."""
    return model_from_json(json.loads(packaged("licenses/clause_model.json").read_bytes()))
