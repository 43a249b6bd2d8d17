"""Clause detection figures, each on its own kind of evidence.

Run from the project root: `python benchmarks/clause_accuracy.py` (license_accuracy.py prints
the same). Four tables, never mixed:

* in-sample: the shipped model on the texts it was trained on (the shared corpus and the
  collected real texts in tests/data/collected) — the least informative figure;
* cross-validated: leave-one-licensor-out — each licensor's texts scored by a model trained
  without them (needs the `train` extra: scikit-learn);
* development: the shipped model on texts written to choose settings by (tests/data/dev), never
  trained on but looked at;
* held-out: the shipped model on the frozen held-out set (tests/data/heldout), which no rule,
  sentence or model was ever tuned on.

Whole-text scoring: a kind found in a text that has it is a true positive, found in one that
has not a false positive, missed a false negative. Targets: recall and precision >= 0.95
overall and >= 0.90 for every kind, cross-validated and held out.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))

from clause_data import collected_texts, corpus_texts, dev_texts, heldout_texts  # noqa: E402
from train_clause_model import MODEL, cross_validate, report, score  # noqa: E402


def main() -> None:
    model = json.loads(MODEL.read_text(encoding="utf-8"))
    corpus, collected = corpus_texts(), collected_texts()
    if corpus:
        report(f"In-sample: shared corpus, {len(corpus)} texts", score(model, corpus))
    else:
        print("\nIn-sample: the shared corpus is absent (../shared/corpus/licenses)")
    report(f"In-sample: collected real texts, {len(collected)}", score(model, collected))
    try:
        import sklearn  # noqa: F401
    except ImportError:
        print("\nCross-validated: skipped (pip install -e '.[train]')")
    else:
        texts = corpus + collected
        groups = len({text.group for text in texts})
        title = f"Cross-validated, leave one licensor out: {len(texts)} texts, {groups} licensors"
        report(title, cross_validate(texts))
    dev = dev_texts()
    report(f"Development (not trained on, looked at): {len(dev)} texts", score(model, dev))
    heldout = heldout_texts()
    report(f"Held out (frozen, never tuned on): {len(heldout)} texts", score(model, heldout))


if __name__ == "__main__":
    main()
