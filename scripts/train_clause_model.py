"""Train the clause classifier and write `licenses/clause_model.json`.

Run from the project root (needs the `train` extra: `pip install -e '.[train]'`):

    python scripts/train_clause_model.py           # train on everything, write the model
    python scripts/train_clause_model.py --cv      # leave-one-licensor-out figures, no writing

Training data: the sentences in `licenses/training/`, the shared corpus when present, and the
collected real texts (see scripts/clause_data.py). The frozen held-out set is never read here.
One logistic regression per kind (L2 penalty, fitted to convergence by L-BFGS: the same data
always gives the same model, whatever its order); weights below `PRUNE` are dropped, the rest
rounded, so the model stays small and readable. Choices were made on the cross-validated figures
and, from 2026-12-01, on the development texts (`tests/data/dev/`). Until then the learner was
stochastic gradient descent with an elastic-net penalty: its figures moved by several texts
with any change of data or features (a seed's luck, not a setting's merit), so that adding
sentences seemed to hurt; the converged learner scores as well (F1 0.92-0.93) and lets a change
be judged. Settings: positives weighed three times (five did worse), five for output-use and
downstream restrictions and four for territory; C 1 (3 did worse). Tried and dropped: per-kind
thresholds chosen on the other licensors' scores, word prefixes as features, subject-and-modal
features ("you:may-not*@output"), averaged stochastic gradient descent, bagged seeds, a linear
SVM (F1 0.92, more false finds), deciding non-commercial against commercial-restriction by score,
features scaled to unit length (F1 0.88 at C 20: recall fell in every kind), and 660 more written
sentences for downstream, copyleft, output-use, territory, commercial, gated and revocable
wordings (F1 unchanged, territory precision 0.83 -> 0.50).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import sys
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from clause_data import (  # noqa: E402
    ROOT,
    Example,
    LabelledText,
    collected_texts,
    corpus_texts,
    dev_texts,
    text_examples,
    training_sentences,
)

from openness.license.classifier import features, model_from_json  # noqa: E402
from openness.license.clauses import clause_kinds, detect_clauses  # noqa: E402
from openness.license.sentences import units  # noqa: E402

MODEL = ROOT / "licenses" / "clause_model.json"
POSITIVE_WEIGHT = 3.0  # positives are few; weigh them up (recall matters most in a gate)
KIND_POSITIVE_WEIGHT = {  # kinds whose positives are rarer or more varied, weighed up further
    "output-use-restriction": 5.0,
    "downstream-restrictions": 5.0,
    "territory-restriction": 4.0,
}
C = 1.0  # inverse strength of the L2 penalty
PRUNE = 0.02  # smaller weights are dropped


def _learner() -> Any:
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=C, max_iter=1000)


def fit(examples: list[Example], featured: list[list[str]]) -> dict[str, object]:
    """A model (as JSON data) fitted to `examples`, whose features are `featured`."""
    from scipy.sparse import csr_matrix

    vocabulary: dict[str, int] = {}
    rows, cols = [], []
    for row, found in enumerate(featured):
        for feature in found:
            rows.append(row)
            cols.append(vocabulary.setdefault(feature, len(vocabulary)))
    matrix = csr_matrix(([1.0] * len(rows), (rows, cols)), shape=(len(featured), len(vocabulary)))
    names = list(vocabulary)
    kinds = list(clause_kinds())
    weights: dict[str, list[str]] = {}
    bias = []
    for index, kind in enumerate(kinds):
        keep = [row for row, example in enumerate(examples) if kind not in example.unknown]
        target = [int(kind in examples[row].kinds) for row in keep]
        positive = KIND_POSITIVE_WEIGHT.get(kind, POSITIVE_WEIGHT)
        sample = [positive if label else 1.0 for label in target]
        if sum(target) == 0:
            bias.append(-20.0)
            continue
        learner = _learner()
        learner.fit(matrix[keep], target, sample_weight=sample)
        bias.append(round(float(learner.intercept_[0]), 4))
        for column, weight in enumerate(learner.coef_[0]):
            if abs(weight) >= PRUNE:
                weights.setdefault(names[column], []).append(f"{index}:{round(float(weight), 3):g}")
    return {
        "format": 2,
        "kinds": kinds,
        "bias": bias,
        "threshold": [0.5] * len(kinds),
        "weights": {feature: " ".join(pairs) for feature, pairs in sorted(weights.items())},
    }


def dataset(texts: Iterable[LabelledText]) -> list[Example]:
    return training_sentences() + [example for text in texts for example in text_examples(text)]


ERRORS: list[str] = []  # what the last scores got wrong, for --errors


def score(model: dict[str, object], texts: list[LabelledText]) -> dict[str, Counter[str]]:
    """Per kind, true positives, false positives and false negatives over whole texts."""
    loaded = model_from_json(model)
    counts: dict[str, Counter[str]] = {kind: Counter() for kind in clause_kinds()}
    for text in texts:
        found = {hit.kind: hit for hit in detect_clauses(text.text, text.slug, loaded)}
        for kind in clause_kinds():
            truth = kind in text.labels
            if kind in found:
                counts[kind]["tp" if truth else "fp"] += 1
                if not truth:
                    ERRORS.append(f"FP {kind} {text.slug}:{found[kind].line}: {found[kind].quote}")
            elif truth:
                counts[kind]["fn"] += 1
                ERRORS.append(f"FN {kind} {text.slug}: {text.labels[kind]}")
    return counts


_FOLDS: tuple[list[LabelledText], list[Example], list[list[str]]] = ([], [], [])


PEAKS: list[tuple[str, float, bool]] = []  # (kind, a text's top score for it, whether it has it)


def peaks(model: dict[str, object], texts: list[LabelledText]) -> list[tuple[str, float, bool]]:
    """Each text's highest statement score for each kind, with the truth: for --sweep."""
    loaded = model_from_json(model)
    found = []
    for text in texts:
        top = [0.0] * len(loaded.kinds)
        for unit in units(text.text):
            top = [max(pair) for pair in zip(top, loaded.scores(features(unit.text)), strict=True)]
        found += [
            (kind, score, kind in text.labels)
            for kind, score in zip(loaded.kinds, top, strict=True)
        ]
    return found


def _fold(group: str) -> tuple[dict[str, Counter[str]], list[str], list[tuple[str, float, bool]]]:
    texts, examples, featured = _FOLDS
    keep = [i for i, example in enumerate(examples) if example.group != group]
    model = fit([examples[i] for i in keep], [featured[i] for i in keep])
    ERRORS.clear()
    held = [text for text in texts if text.group == group]
    return score(model, held), list(ERRORS), peaks(model, held)


def cross_validate(texts: list[LabelledText]) -> dict[str, Counter[str]]:
    """Leave-one-licensor-out: each licensor's texts scored by a model trained without them."""
    global _FOLDS
    examples = dataset(texts)
    _FOLDS = (texts, examples, [features(example.text) for example in examples])
    totals: dict[str, Counter[str]] = {kind: Counter() for kind in clause_kinds()}
    groups = sorted({text.group for text in texts})
    with multiprocessing.get_context("fork").Pool() as pool:
        for counts, errors, found in pool.imap(_fold, groups):
            ERRORS.extend(errors)
            PEAKS.extend(found)
            for kind, count in counts.items():
                totals[kind].update(count)
    return totals


def report(title: str, counts: dict[str, Counter[str]]) -> None:
    print(f"\n{title}\n{'kind':26} {'recall':>7} {'precision':>9}   tp  fp  fn")
    total: Counter[str] = Counter()
    for kind, count in counts.items():
        total.update(count)
        print(_row(kind, count))
    print(_row("overall", total))


def _row(name: str, count: Counter[str]) -> str:
    tp, fp, fn = count["tp"], count["fp"], count["fn"]
    recall = f"{tp / (tp + fn):.2f}" if tp + fn else "-"
    precision = f"{tp / (tp + fp):.2f}" if tp + fp else "-"
    return f"{name:26} {recall:>7} {precision:>9} {tp:4} {fp:3} {fn:3}"


def _counts(found: list[tuple[str, float, bool]], threshold: float) -> Counter[str]:
    return Counter(
        tp=sum(score >= threshold and truth for _kind, score, truth in found),
        fp=sum(score >= threshold and not truth for _kind, score, truth in found),
        fn=sum(score < threshold and truth for _kind, score, truth in found),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cv", action="store_true", help="print cross-validated figures only")
    parser.add_argument("--errors", action="store_true", help="list what was got wrong")
    args = parser.parse_args()
    texts = corpus_texts() + collected_texts()
    if args.cv:
        report(f"leave-one-licensor-out, {len(texts)} texts", cross_validate(texts))
        print("\n".join(sorted(ERRORS)) if args.errors else "", end="")
        print("\nstatement scores alone (before superseding), by threshold:")
        for threshold in (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9):
            print(f"threshold {threshold}: {_row('', _counts(PEAKS, threshold))}")
        if args.errors:
            for kind in clause_kinds():
                found = [peak for peak in PEAKS if peak[0] == kind]
                for threshold in (0.3, 0.5, 0.7, 0.9):
                    print(f"{threshold}: {_row(kind, _counts(found, threshold))}")
        return
    examples = dataset(texts)
    model = fit(examples, [features(example.text) for example in examples])
    MODEL.write_text(json.dumps(model, indent=None, separators=(",", ":")) + "\n")
    print(f"{MODEL.relative_to(ROOT)}: {len(examples)} examples, {len(model['weights'])} features")
    report(f"in-sample, {len(texts)} texts", score(model, texts))
    ERRORS.clear()
    dev = dev_texts()
    report(f"development texts (not trained on), {len(dev)}", score(model, dev))
    print("\n".join(sorted(ERRORS)) if args.errors else "", end="")


if __name__ == "__main__":
    main()
