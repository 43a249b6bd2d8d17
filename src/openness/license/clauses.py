"""Restrictive clause detection in licence texts, with the rules kept as data (`clauses.yaml`).

Each clause kind has regular expressions written against legal wording, never product or
licensor names, so that they keep working on renamed or unknown licences. Patterns run over
the normalised text (one line, no markup), so they also match across hard line breaks; each hit
is reported on its original line, with a short quote from that line.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, PrivateAttr

from openness.data import packaged
from openness.license.text import line_of, normalise_lines, strip_control
from openness.readers import load

QUOTE_LIMIT = 200
_CONTEXT = 300  # characters either side of a match that its sentence may span
_SENTENCE = re.compile(r"[.;:!?](?:\s|$)")
_DEFINITION = re.compile(r'"[^"]{1,80}"(?: or "[^"]{1,80}")*\)? (?:means|shall mean|refers to)\b')


def _lower_case(patterns: list[str]) -> list[str]:
    """Validate regular expressions that will run on lower-cased text."""
    for pattern in patterns:
        if re.sub(r"\\.", "", pattern) != re.sub(r"\\.", "", pattern).lower():
            raise ValueError(f"patterns run on lower-cased text; write {pattern!r} in lower case")
        re.compile(pattern)
    return patterns


class ClauseRule(BaseModel):
    """How one clause kind is recognised (patterns in lower case: they run on lower-cased text)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    summary: str
    patterns: Annotated[list[str], AfterValidator(_lower_case)]
    unless: Annotated[list[str], AfterValidator(_lower_case)] = Field(
        default_factory=list, description="Patterns that void a match in the same sentence."
    )
    superseded_by: list[str] = Field(
        default_factory=list, description="Kinds that make this one redundant when found."
    )
    _searches: list[tuple[re.Pattern[str], bool]] = PrivateAttr()
    _vetoes: list[re.Pattern[str]] = PrivateAttr()

    def model_post_init(self, context: Any, /) -> None:
        # A leading \b is checked by hand: without it the regex engine can skip ahead to the
        # pattern's first letters, which makes the search several times faster.
        self._searches = [
            (re.compile(pattern.removeprefix("\\b")), pattern.startswith("\\b"))
            for pattern in self.patterns
        ]
        self._vetoes = [re.compile(pattern) for pattern in self.unless]

    def first_match(self, text: str) -> re.Match[str] | None:
        """The earliest match in lower-cased `text` that no `unless` pattern voids, preferring
        operative wording to definitions."""
        best: re.Match[str] | None = None
        in_definition: re.Match[str] | None = None
        for pattern, word_start in self._searches:
            for found in pattern.finditer(text):
                if best is not None and found.start() >= best.start():
                    break
                if word_start and found.start() and _is_word(text[found.start() - 1]):
                    continue
                sentence = _sentence(text, found.start(), found.end())
                if any(veto.search(sentence) for veto in self._vetoes):
                    continue
                if not _DEFINITION.search(sentence):
                    best = found
                    break
                if in_definition is None or found.start() < in_definition.start():
                    in_definition = found
        return best or in_definition


class ClauseHit(BaseModel):
    """A clause found in a text: its kind, where, and the words that show it."""

    kind: str
    summary: str
    source: str
    line: int | None
    quote: str


@cache
def clause_rules() -> dict[str, ClauseRule]:
    """Clause kind → rule, as shipped in `licenses/clauses.yaml`."""
    path = packaged("licenses/clauses.yaml")
    data = load(path.read_text(encoding="utf-8"), str(path), aliases=True)  # shared patterns
    rules = {kind: ClauseRule.model_validate(rule) for kind, rule in data["kinds"].items()}
    for kind, rule in rules.items():
        if unknown := set(rule.superseded_by) - set(rules):
            raise ValueError(f"{path}: {kind} is superseded by unknown kinds {sorted(unknown)}")
    return rules


def _sentence(text: str, start: int, end: int) -> str:
    """The sentence around text[start:end], bounded to `_CONTEXT` characters either side."""
    left = max(0, start - _CONTEXT)
    before = [found.end() for found in _SENTENCE.finditer(text, left, start)]
    after = _SENTENCE.search(text, end, end + _CONTEXT)
    return text[before[-1] if before else left : after.start() + 1 if after else end + _CONTEXT]


def _lower(text: str) -> str:
    """Lower case, keeping every character's offset (a few letters lengthen when lowered)."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(char.lower() if len(char.lower()) == 1 else char for char in text)


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "_"


def _quote(line: str, phrase: str) -> str:
    """At most `QUOTE_LIMIT` characters of an original line, centred on the matched phrase."""
    line = " ".join(line.split())
    if len(line) <= QUOTE_LIMIT:
        return line
    lead = re.findall(r"[A-Za-z0-9]+", phrase)[:3]
    anchor = re.search(r"\W+".join(map(re.escape, lead)), line, re.IGNORECASE) if lead else None
    start = max(0, anchor.start() - 40) if anchor else 0
    start = min(start, len(line) - QUOTE_LIMIT + 1)
    if start > 0:
        start = line.find(" ", start) + 1 or start
        return "…" + line[start : start + QUOTE_LIMIT - 2].rstrip() + "…"
    return line[: QUOTE_LIMIT - 1].rstrip() + "…"


def detect_clauses(text: str, source: str) -> list[ClauseHit]:
    """Every clause kind the text shows, once each, at its first occurrence."""
    flat, starts = normalise_lines(text)
    flat = _lower(flat)
    lines = strip_control(text).split("\n")
    found: dict[str, ClauseHit] = {}
    rules = clause_rules()
    for kind, rule in rules.items():
        match = rule.first_match(flat)
        if match is None:
            continue
        line = line_of(starts, match.start())
        found[kind] = ClauseHit(
            kind=kind,
            summary=rule.summary,
            source=source,
            line=line,
            quote=_quote(lines[line - 1], match.group()),
        )
    return [
        hit
        for kind, hit in found.items()
        if not any(other in found for other in rules[kind].superseded_by)
    ]
