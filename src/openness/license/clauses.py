"""Restrictive clause detection in licence texts, with the rules kept as data (`clauses.yaml`).

Each clause kind has regular expressions written against legal wording, never product or
licensor names, so that they keep working on renamed or unknown licences. Patterns run over
the normalised text (one line, no markup), so they also match across hard line breaks; each hit
is reported on its original line, with a short quote from that line. A rule may name
conditions (`conditions:` in the same file) that limit a clause, such as "multimodal models":
a hit whose sentence states one carries it, quoted, unless the kind is also found without one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
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


class Condition(BaseModel):
    """A condition a clause may be limited to: how a text states it, which models meet it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    summary: str
    patterns: Annotated[list[str], AfterValidator(_lower_case)]
    met_by: list[str] = Field(description="Pipeline tags or Hub tags that meet it.")
    unmet_by: list[str] = Field(description="Pipeline tags or Hub tags that rule it out.")
    _searches: list[re.Pattern[str]] = PrivateAttr()

    def model_post_init(self, context: Any, /) -> None:
        self._searches = [re.compile(pattern) for pattern in self.patterns]

    @property
    def searches(self) -> list[re.Pattern[str]]:
        return self._searches


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
    conditions: list[str] = Field(
        default_factory=list, description="Conditions that may limit the clause, by name."
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

    def first_match(
        self, text: str, also_unless: Sequence[re.Pattern[str]] = ()
    ) -> re.Match[str] | None:
        """The earliest match in lower-cased `text` that no `unless` pattern (nor one of
        `also_unless`) voids, preferring operative wording to definitions."""
        vetoes = [*self._vetoes, *also_unless]
        best: re.Match[str] | None = None
        in_definition: re.Match[str] | None = None
        for pattern, word_start in self._searches:
            for found in pattern.finditer(text):
                if best is not None and found.start() >= best.start():
                    break
                if word_start and found.start() and _is_word(text[found.start() - 1]):
                    continue
                start, end = _sentence(text, found.start(), found.end())
                sentence = text[start:end]
                if any(veto.search(sentence) for veto in vetoes):
                    continue
                if not _DEFINITION.search(sentence):
                    best = found
                    break
                if in_definition is None or found.start() < in_definition.start():
                    in_definition = found
        return best or in_definition


class ClauseHit(BaseModel):
    """A clause found in a text: its kind, where, the words that show it, and any condition
    (by name, and as the text states it)."""

    kind: str
    summary: str
    source: str
    line: int | None
    quote: str
    condition: str | None = None
    condition_quote: str | None = None


@cache
def _rule_data() -> tuple[dict[str, ClauseRule], dict[str, Condition]]:
    path = packaged("licenses/clauses.yaml")
    data = load(path.read_text(encoding="utf-8"), str(path), aliases=True)  # shared patterns
    rules = {kind: ClauseRule.model_validate(rule) for kind, rule in data["kinds"].items()}
    conditions = {
        name: Condition.model_validate(rule) for name, rule in data.get("conditions", {}).items()
    }
    for kind, rule in rules.items():
        if unknown := set(rule.superseded_by) - set(rules):
            raise ValueError(f"{path}: {kind} is superseded by unknown kinds {sorted(unknown)}")
        if unknown := set(rule.conditions) - set(conditions):
            raise ValueError(f"{path}: {kind} names unknown conditions {sorted(unknown)}")
    return rules, conditions


def clause_rules() -> dict[str, ClauseRule]:
    """Clause kind → rule, as shipped in `licenses/clauses.yaml`."""
    return _rule_data()[0]


def clause_conditions() -> dict[str, Condition]:
    """Condition name → condition, as shipped in `licenses/clauses.yaml`."""
    return _rule_data()[1]


def _sentence(text: str, start: int, end: int) -> tuple[int, int]:
    """Bounds of the sentence around text[start:end], at most `_CONTEXT` characters either side."""
    left = max(0, start - _CONTEXT)
    before = [found.end() for found in _SENTENCE.finditer(text, left, start)]
    after = _SENTENCE.search(text, end, end + _CONTEXT)
    return before[-1] if before else left, after.start() + 1 if after else end + _CONTEXT


def _stated_condition(
    rule: ClauseRule, lowered: str, flat: str, starts: list[int], match: re.Match[str]
) -> tuple[str, str] | None:
    """The condition the sentence of `match` limits the clause to, with the words stating it
    (the part of the sentence and line naming it, up to the next comma)."""
    start, end = _sentence(lowered, match.start(), match.end())
    for name in rule.conditions:
        for search in clause_conditions()[name].searches:
            found = search.search(lowered, start, end)
            if found:
                line_start = starts[line_of(starts, found.start()) - 1]
                left = max(lowered.rfind(",", start, found.start()) + 1, start, line_start)
                right = lowered.find(",", found.end(), end)
                words = flat[left : right if right >= 0 else end].strip(" .;:")
                return name, words[:QUOTE_LIMIT]
    return None


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
    lowered = _lower(flat)
    lines = strip_control(text).split("\n")
    found: dict[str, ClauseHit] = {}
    rules = clause_rules()
    for kind, rule in rules.items():
        match = rule.first_match(lowered)
        if match is None:
            continue
        condition = _stated_condition(rule, lowered, flat, starts, match)
        if condition:  # the kind may also be stated without the condition
            limits = [s for name in rule.conditions for s in clause_conditions()[name].searches]
            plain = rule.first_match(lowered, also_unless=limits)
            match, condition = (plain, None) if plain else (match, condition)
        line = line_of(starts, match.start())
        found[kind] = ClauseHit(
            kind=kind,
            summary=rule.summary,
            source=source,
            line=line,
            quote=_quote(lines[line - 1], match.group()),
            condition=condition[0] if condition else None,
            condition_quote=condition[1] if condition else None,
        )
    return [
        hit
        for kind, hit in found.items()
        if not any(other in found for other in rules[kind].superseded_by)
    ]
