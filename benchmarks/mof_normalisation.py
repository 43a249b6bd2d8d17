"""What licence-spelling normalisation changes in the MOF classes of MOT's 273 models.

Run from the project root: `PYTHONPATH=src python benchmarks/mof_normalisation.py [MODELS_DIR]`,
by default `../shared/corpus/mot/models`.

Every model is evaluated twice: exactly as the Model Openness Tool does (case-sensitive SPDX
ids) and with `normalise=True` (`Apache 2.0`, `MIT License`, `BSD-3` ... read as their ids).
It prints the class distribution both ways, the models whose class changes (with the
components whose status changed, which is why), and the components that normalisation turned
from invalid to included although the class did not move. MOT's documented figure for its own
normalisation is 0 class changes.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from pathlib import Path

from openness.errors import UsageError
from openness.report import MofResult
from openness.rubrics.mof import evaluate_mof, load_mof_yaml

DEFAULT_MODELS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "mot" / "models"
NAMES = {1: "Class I", 2: "Class II", 3: "Class III", None: "Unclassified"}


def changed_components(strict: MofResult, loose: MofResult) -> list[str]:
    return [
        f"{before.name}: {before.licence!r} {before.status} -> {after.licence!r} {after.status}"
        for before, after in zip(strict.components, loose.components, strict=True)
        if before.status != after.status
    ]


def main(argv: list[str]) -> int:
    folder = Path(argv[1]) if len(argv) > 1 else DEFAULT_MODELS
    if not folder.is_dir():
        print(f"skipped: {folder} not found (the shared MOT corpus is absent)")
        return 0
    strict_classes: Counter[int | None] = Counter()
    loose_classes: Counter[int | None] = Counter()
    moved: list[tuple[str, MofResult, MofResult]] = []
    fixed_without_move: Counter[str] = Counter()
    progressed: list[str] = []
    unreadable: list[str] = []
    started = time.perf_counter()
    paths = sorted(folder.glob("*.yml"))
    for path in paths:
        try:
            document = load_mof_yaml(path)
        except UsageError as error:
            unreadable.append(str(error))
            continue
        strict = evaluate_mof(document)
        loose = evaluate_mof(document, normalise=True)
        strict_classes[strict.class_] += 1
        loose_classes[loose.class_] += 1
        if strict.progress != loose.progress:
            gains = ", ".join(
                f"C{level} {strict.progress[level]:.0f}->{loose.progress[level]:.0f}%"
                for level in (3, 2, 1)
                if strict.progress[level] != loose.progress[level]
            )
            progressed.append(f"{path.name}: {gains}")
        if strict.class_ != loose.class_:
            moved.append((path.name, strict, loose))
        else:
            for before, after in zip(strict.components, loose.components, strict=True):
                if before.status != after.status:
                    fixed_without_move[f"{before.licence} -> {after.licence}"] += 1
    elapsed = time.perf_counter() - started

    evaluated = sum(strict_classes.values())
    print(f"{evaluated} of {len(paths)} models evaluated in {elapsed:.2f}s ({folder})")
    for message in unreadable:
        print(f"  unreadable: {message}")
    print(f"\n{'class':<14}{'exact ids':>10}{'normalised':>12}")
    for level in (1, 2, 3, None):
        print(f"{NAMES[level]:<14}{strict_classes[level]:>10}{loose_classes[level]:>12}")
    print(f"\nmodels that change class with normalisation: {len(moved)} (MOT's own figure: 0)")
    for name, strict, loose in moved:
        print(f"  {name}: {NAMES[strict.class_]} -> {NAMES[loose.class_]}")
        for line in changed_components(strict, loose):
            print(f"    {line}")
    print(f"\nmodels whose progress changes (class or not): {len(progressed)}")
    for line in progressed:
        print(f"  {line}")
    total = sum(fixed_without_move.values())
    print(f"\ncomponent statuses changed without changing a class: {total}")
    for change, count in fixed_without_move.most_common():
        print(f"  {count:>3}  {change}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
