"""Standard licences (the SPDX list) identified from their text.

licenseclassifier (a pure-Python port of Google's licensecheck, with patterns for the SPDX
list) names the licences a text holds and where they lie; where it names none and ScanCode
Toolkit is installed (the `scancode` extra), ScanCode is asked too (its index takes seconds and
over 1 GB to load, once per process). What the rest of the text is decides
how faithful the copy is: a short header before the licence (a title, "released under the MIT
License:", a copyright line) changes nothing; words after it or between two licences, or a
header that grants, forbids or conditions anything, are added terms. Terms taken out of a
licence make its pattern fail, so such a text is not named after it.

Loaded on first use: the library and its compiled patterns cost about 0.2 s.
"""

from __future__ import annotations

import importlib.util
import re
from dataclasses import dataclass
from typing import Literal

from openness.license.header import is_header
from openness.license.spdx import current_spdx_id, is_listed, is_publisher_note

MIN_COVERAGE = 0.5  # share of the text's words that standard licence text must make up
MAX_EXTRA_WORDS = 3  # words after or between licence texts that still leave the copy exact
NOTICE_SHARE = 4  # a match under 1/4 of the longest is a notice or a URL, not a licence text
LICENCE_CHARS = 2000  # unless it is this long
# A licence whose standard text carries another one after its own terms.
_CARRIES = {"LGPL-3.0": "GPL-3.0"}
_OR_LATER = re.compile(r"(?i)\bor\s+(?:\(at your option\)\s+)?(?:any\s+)?later(?:\s+version)?\b")
_ONE_LINE = re.compile(r"(?<=\S)[ \t]*\r?\n(?=[ \t]*\S)")  # a line break inside a paragraph
_APPENDIX = re.compile(
    r"(?is)^\W*(?:end of terms and conditions\W*)?(?:appendix\W*)?how to apply\b"
)

StandardMatch = Literal["exact", "modified", "concatenated"]


@dataclass(frozen=True)
class Standard:
    """A standard licence found in a text."""

    spdx_id: str
    match: StandardMatch
    also: tuple[str, ...]  # further licences of the text, when concatenated
    coverage: float  # share of the text's words that are licence text


@dataclass(frozen=True)
class _Region:
    id: str
    start: int
    end: int

    @property
    def size(self) -> int:
        return self.end - self.start


def _regions(text: str) -> list[_Region]:
    """Where each licence lies. The library stretches a match back over a copyright line, and
    over whatever stands between it and the licence: where the text with the copyright lines on
    top or before its first licence blanked gives the same licences, their places come from it."""
    from licenseclassifier import identify_license

    from openness.license.identify import is_notice, is_title

    found = [_Region(m.id, m.start, m.end) for m in identify_license(text, coverage_threshold=0)]
    if not found:
        return found
    lines, offset, opening = [], 0, True  # opening: the title, copyright and blank lines on top
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        notice = is_notice(body.strip())
        opening = opening and (notice or not body.strip() or is_title(body.strip()))
        blank = notice and (opening or offset <= found[0].start)
        lines.append(" " * len(body) + line[len(body) :] if blank else line)
        offset += len(line)
    masked = "".join(lines)
    if masked == text:
        return found
    blanked = [
        _Region(m.id, m.start, m.end) for m in identify_license(masked, coverage_threshold=0)
    ]
    return blanked if [r.id for r in blanked] == [r.id for r in found] else found


def _scancode_regions(text: str) -> list[_Region]:
    """ScanCode's detections of licences on the SPDX list, whole rules only; none when it is
    not installed."""
    if importlib.util.find_spec("licensedcode") is None:
        return []
    from licensedcode.cache import get_index  # type: ignore[import-not-found,unused-ignore]
    from licensedcode.detection import detect_licenses  # type: ignore[import-not-found,unused-ignore]

    starts = [0]
    for line in text.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))
    regions = []
    for detection in detect_licenses(index=get_index(), query_string=text):
        spdx_id = str(detection.license_expression_spdx or "")
        if not is_listed(spdx_id) or any(m.coverage() < 100 for m in detection.matches):
            continue  # an expression, a LicenseRef, or part of a licence
        first = min(m.start_line for m in detection.matches)
        last = max(m.end_line for m in detection.matches)
        regions.append(_Region(spdx_id, starts[first - 1], starts[min(last, len(starts) - 1)]))
    return sorted(regions, key=lambda region: region.start)


def _words(text: str) -> list[str]:
    from openness.license.identify import identification_words

    return identification_words(text)


def _base(spdx_id: str) -> str:
    return spdx_id.removesuffix("-only").removesuffix("-or-later")


def identify_standard(text: str) -> Standard | None:
    """The standard licence the text is, or None when licence text makes up too little of it.
    The library's matches depend on where lines break: a text it finds modified or not at all
    is tried again with each paragraph on one line (a re-wrapped copy of a licence is that
    licence)."""
    found = _identified(text)
    if found is None or found.match == "modified":
        joined = _ONE_LINE.sub(" ", text)
        if joined != text and (again := _identified(joined)) and again.match != "modified":
            return again
    return found


def _identified(text: str) -> Standard | None:
    found = _regions(text) or _scancode_regions(text)
    longest = max((region.size for region in found), default=0)
    licences = [
        r
        for r in found
        if (NOTICE_SHARE * r.size >= longest or r.size >= LICENCE_CHARS) and is_listed(r.id)
    ]
    if not licences:
        return None
    main = licences[0]
    leading = _words(text[: main.start])
    between = [_words(text[a.end : b.start]) for a, b in zip(licences, licences[1:], strict=False)]
    after = text[licences[-1].end :]
    trailing = [] if _APPENDIX.match(after) else _words(after)
    leftover = len(leading) + sum(map(len, between)) + len(trailing)
    extra = sum(map(len, between))
    extra += 0 if is_header(leading) or is_publisher_note(leading, "before") else len(leading)
    extra += 0 if is_publisher_note(trailing, "after") else len(trailing)
    total = len(_words(text))
    coverage = 1 - leftover / total if total else 0.0
    if coverage < MIN_COVERAGE:
        return None
    or_later = bool(_OR_LATER.search(text[: main.start])) or any(
        region.id.endswith("-or-later") and region.end <= main.start for region in found
    )
    own = {_base(main.id), _CARRIES.get(_base(main.id))}  # its appendix, the text it carries
    also = tuple(
        dict.fromkeys(
            current_spdx_id(region.id, or_later)
            for region in licences[1:]
            if _base(region.id) not in own
        )
    )
    match: StandardMatch = (
        "modified" if extra > MAX_EXTRA_WORDS else "concatenated" if also else "exact"
    )
    return Standard(current_spdx_id(main.id, or_later), match, also, round(coverage, 3))
