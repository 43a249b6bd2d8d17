"""openness and ScanCode on the same licence corpus: time per file and accuracy, side by side.

Run from the project root: `python benchmarks/scancode_side_by_side.py [--each]`.

Reads ../shared/corpus/licenses (texts and MANIFEST.yaml; skipped when absent). openness is
always measured; ScanCode only when scancode-toolkit is importable in this environment, e.g.
`pip install scancode-toolkit 'pluggy<1.6'` (its plugin loader fails with pluggy 1.6+).

Accuracy is judged where the corpus gives a key both tools can be held to: the file's SPDX id,
or the ScanCode LicenseRef the corpus names for it. For the other texts (custom AI licences with
no such key) the script reports whether each tool named a licence at all, and for every text,
how often a licence that is *not* OSI-approved was reported as an OSI-approved one (the error
that matters most to users). ScanCode answers made only of generic keys (unknown-license-reference,
warranty-disclaimer, proprietary-license, ...) do not count as naming a licence. `--each` prints
both answers for every text, to judge the rest by eye.
"""

from __future__ import annotations

import argparse
import importlib.util
import re
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from openness.license.identify import identify_text
from openness.license.profiles import knowledge_base

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "licenses"
KEY = re.compile(r"[A-Za-z0-9.+-]+")  # an SPDX id or LicenseRef, not a note in prose
# ScanCode keys that say "some licence text is here" without naming which licence.
GENERIC = {"unknown-license-reference", "unknown", "warranty-disclaimer", "proprietary-license"}
GENERIC |= {"commercial-license"}


@dataclass
class Answer:
    """What one tool said about one file."""

    key: str | None  # SPDX id / LicenseRef, when the tool's answer has one
    named: str | None  # the tool's own name for what it found, None when nothing
    seconds: float


@dataclass
class Score:
    tool: str
    answers: dict[str, Answer] = field(default_factory=dict)
    load_seconds: float = 0.0


def ours(paths: list[Path]) -> Score:
    begin = time.perf_counter()
    kb = knowledge_base()
    identify_text("warm-up")  # loads the fingerprints once, as the CLI does
    score = Score("openness", load_seconds=time.perf_counter() - begin)
    for path in paths:
        text = path.read_text("utf-8", "replace")
        begin = time.perf_counter()
        found = identify_text(text)
        seconds = time.perf_counter() - begin
        profile = kb.get(found.profile_id or "")
        key = (profile.spdx_id or profile.licenseref) if profile else None
        score.answers[path.stem] = Answer(key, found.profile_id, seconds)
    return score


def scancode(paths: list[Path]) -> Score | None:
    if importlib.util.find_spec("scancode") is None:
        return None
    from scancode import api  # type: ignore[import-not-found]

    begin = time.perf_counter()
    api.get_licenses(str(paths[0]))  # the first call loads ScanCode's licence index
    score = Score("scancode", load_seconds=time.perf_counter() - begin)
    for path in paths:
        begin = time.perf_counter()
        result: dict[str, Any] = api.get_licenses(str(path))
        seconds = time.perf_counter() - begin
        spdx = result.get("detected_license_expression_spdx")
        named = result.get("detected_license_expression")
        specific = set(re.findall(r"[\w.+-]+", named or "")) - GENERIC - {"AND", "OR", "WITH"}
        score.answers[path.stem] = Answer(spdx, named if specific else None, seconds)
    return score


def osi_approved_keys() -> set[str]:
    """SPDX ids the knowledge base records as OSI-approved."""
    return {
        profile.spdx_id
        for profile in knowledge_base().profiles.values()
        if profile.spdx_id and profile.osi_approved
    }


def claims_osi(answer: Answer, approved: set[str]) -> bool:
    """Whether the answer is one OSI-approved licence, with nothing else beside it."""
    return answer.key is not None and answer.key in approved


def report(scores: list[Score], entries: list[dict[str, Any]], each: bool) -> None:
    approved = osi_approved_keys()
    keyed = {}
    for entry in entries:
        key = entry.get("spdx_id") or entry.get("spdx_or_licenseref_candidate")
        keyed[entry["slug"]] = key if key and KEY.fullmatch(key) else None
    with_key = [slug for slug, key in keyed.items() if key]
    restricted = [entry["slug"] for entry in entries if not entry["osi_approved"]]
    print(f"corpus: {len(entries)} texts, {len(with_key)} with an SPDX id or LicenseRef to check")
    print(f"{'':38}" + "".join(f"{score.tool:>16}" for score in scores))

    def row(label: str, cells: list[str]) -> None:
        print(f"{label:38}" + "".join(f"{cell:>16}" for cell in cells))

    row("first call (loads data), s", [f"{score.load_seconds:.2f}" for score in scores])
    for name, pick in (("median", statistics.median), ("mean", statistics.mean), ("max", max)):
        row(
            f"time per file, {name}, ms",
            [f"{pick(a.seconds for a in s.answers.values()) * 1000:.1f}" for s in scores],
        )
    others = [slug for slug in keyed if slug not in with_key]
    counts: list[tuple[str, list[str], Callable[[Answer, str], bool]]] = [
        (f"right key on the {len(with_key)} keyed texts", with_key,
         lambda answer, slug: answer.key == keyed[slug]),
        (f"named a specific licence, other {len(others)}", others,
         lambda answer, _: answer.named is not None),
        (f"restricted ({len(restricted)}) shown as OSI-approved", restricted,
         lambda answer, _: claims_osi(answer, approved)),
    ]  # fmt: skip
    for label, slugs, holds in counts:
        row(label, [str(sum(holds(s.answers[slug], slug) for slug in slugs)) for s in scores])
    if each:
        print()
        for slug in keyed:
            cells = [str(score.answers[slug].named or "-") for score in scores]
            print(f"  {slug:40} expected {keyed[slug] or '-':36} " + " | ".join(cells))
    else:
        wrong = [
            f"  {score.tool}: {slug} gave {score.answers[slug].key}, expected {keyed[slug]}"
            for score in scores
            for slug in with_key
            if score.answers[slug].key != keyed[slug]
        ]
        print("\n".join(wrong))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--each", action="store_true", help="print every file's two answers")
    args = parser.parse_args()
    if not CORPUS.is_dir():
        print(f"skipped: the shared licence corpus is not at {CORPUS}")
        return 0
    with (CORPUS / "MANIFEST.yaml").open(encoding="utf-8") as handle:
        entries: list[dict[str, Any]] = yaml.safe_load(handle)["licenses"]
    paths = [CORPUS / Path(entry["file"]).name for entry in entries]
    scores = [ours(paths)]
    theirs = scancode(paths)
    if theirs is None:
        print("scancode-toolkit is not installed here: openness alone (see the docstring)")
    else:
        scores.append(theirs)
    report(scores, entries, args.each)
    return 0


if __name__ == "__main__":
    sys.exit(main())
