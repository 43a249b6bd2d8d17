"""The clause classifier's features and model: what a statement is turned into, and why."""

from __future__ import annotations

import pytest

from openness.license.classifier import clause_model, features, model_from_json
from openness.license.clauses import clause_kinds, detect_clauses


def test_words_after_a_negation_are_marked_and_words_before_are_not() -> None:
    found = features("Licensee may use outputs but not to train other models.")
    assert "~@training" in found and "~@model" in found
    assert "~@output" not in found and "@output" in found


def test_synonyms_share_their_class_features() -> None:
    shared = {feature for feature in features("completions to train") if "@" in feature}
    assert shared == {feature for feature in features("outputs to train") if "@" in feature}
    assert "@output @training" not in shared  # "to" sits between them
    assert "@output _ @training" in shared


def test_a_definition_is_marked_as_one() -> None:
    assert "<definition>" in features('"Commercial Use" means any use for profit.')
    assert "<definition>" not in features("Commercial use means trouble for you.")


def test_a_model_needs_one_bias_and_threshold_per_kind() -> None:
    data = {"format": 2, "kinds": ["a", "b"], "bias": [0.0], "threshold": [0.5, 0.5]}
    with pytest.raises(ValueError, match="one bias and one threshold per kind"):
        model_from_json({**data, "weights": {}})


def test_every_finding_says_which_of_its_own_words_decided_it() -> None:
    text = "Preamble.\n\nYou may not use anything the model generates to improve a rival model.\n"
    (hit,) = detect_clauses(text, "LICENSE")
    assert hit.kind == "output-use-restriction" and hit.line == 3
    assert hit.reasons and set(hit.reasons) <= set(features(hit.quote))
    model = clause_model()
    index = model.kinds.index(hit.kind)
    assert all(dict(model.weights(reason))[index] > 0 for reason in hit.reasons)


def test_the_shipped_model_weighs_exactly_the_clause_vocabulary() -> None:
    model = clause_model()
    assert set(model.kinds) == set(clause_kinds())
    assert all(
        isinstance(feature, str) and 0 <= kind < len(model.kinds) and isinstance(weight, float)
        for feature in model.packed
        for kind, weight in model.weights(feature)
    )


def test_a_model_file_of_another_format_is_refused() -> None:
    data = {"format": 1, "kinds": ["a"], "bias": [0.0], "threshold": [0.5], "weights": {}}
    with pytest.raises(ValueError, match="format"):
        model_from_json(data)
