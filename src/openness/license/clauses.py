"""Restrictive clause detection in licence texts, by what each statement says.

The text is read as statements (`sentences.units`: sentences, headings and list items with
their lead-ins); the classifier (`classifier.py`) decides which clause kinds each statement
expresses. A kind is reported once, at its strongest statement outside a definition, with the
line and a short quote of that statement and the features that decided it. The kinds, the word
classes and the conditions a clause may be limited to ("multimodal models") are data, in
`clauses.yaml`: a statement that states a condition carries it, quoted, unless the kind is also
found without one.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, PrivateAttr

from openness.data import packaged
from openness.license.classifier import ClauseModel, clause_model, features
from openness.license.knowledge import parsed_yaml
from openness.license.sentences import Unit, units
from openness.license.text import strip_control
from openness.once import once

QUOTE_LIMIT = 200
_STANCES = {"<prohibit>", "<deny>", "<permit>", "<oblige>", "<condition>", "<licensor>"}
_DEFINED_TERM = re.compile(r'^\W*"[^"]{1,80}"')  # '"Research" does not include ...' defines
_WORD = re.compile(r"[A-Za-z0-9]+")
_PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"


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


class ClauseKind(BaseModel):
    """One clause kind of the vocabulary: what it means, and how it relates to the others."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    summary: str
    superseded_by: list[str] = Field(
        default_factory=list, description="Kinds that make this one redundant when found."
    )
    conditions: list[str] = Field(
        default_factory=list, description="Conditions that may limit the clause, by name."
    )
    stated_by_permission: bool = Field(
        default=False, description="A statement that only permits can state it."
    )


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
    reasons: list[str] = Field(default_factory=list, description="Features that decided it.")


@once
def _kind_data() -> tuple[dict[str, ClauseKind], dict[str, Condition]]:
    path = packaged("licenses/clauses.yaml")
    data = parsed_yaml(path, aliases=True)
    kinds = {kind: ClauseKind.model_validate(rule) for kind, rule in data["kinds"].items()}
    conditions = {
        name: Condition.model_validate(rule) for name, rule in data.get("conditions", {}).items()
    }
    for kind, rule in kinds.items():
        if unknown := set(rule.superseded_by) - set(kinds):
            raise ValueError(f"{path}: {kind} is superseded by unknown kinds {sorted(unknown)}")
        if unknown := set(rule.conditions) - set(conditions):
            raise ValueError(f"{path}: {kind} names unknown conditions {sorted(unknown)}")
    return kinds, conditions


def clause_kinds() -> dict[str, ClauseKind]:
    """Clause kind → its description, as shipped in `licenses/clauses.yaml`."""
    return _kind_data()[0]


def clause_conditions() -> dict[str, Condition]:
    """Condition name → condition, as shipped in `licenses/clauses.yaml`."""
    return _kind_data()[1]


def _stated_condition(kind: ClauseKind, unit: Unit) -> tuple[str, str] | None:
    """The condition a statement limits its clause to, with the words stating it (the part of
    the statement naming it, between commas)."""
    lowered = _lower(unit.text)
    for name in kind.conditions:
        for search in clause_conditions()[name].searches:
            if found := search.search(lowered):
                left = lowered.rfind(",", 0, found.start()) + 1
                right = lowered.find(",", found.end())
                words = unit.text[left : right if right >= 0 else None].strip(" .;:")
                return name, _clean(words)[:QUOTE_LIMIT]
    return None


def _lower(text: str) -> str:
    """Lower case, keeping every character's offset (a few letters lengthen when lowered)."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(char.lower() if len(char.lower()) == 1 else char for char in text)


def _clean(text: str) -> str:
    return " ".join(strip_control(text).split())


def _start_of(words: list[str], text: str) -> int:
    """Where in `text` the run of `words` (up to eight of them) begins, or 0."""
    run = [word.lower() for word in words[:8]]
    found = [(match.start(), match.group().lower()) for match in _WORD.finditer(text)]
    tokens = [token for _start, token in found]
    for index in range(len(tokens) - len(run) + 1):
        if tokens[index] == run[0] and tokens[index : index + len(run)] == run:
            return found[index][0]
    return 0


def _quote(lines: list[str], unit: Unit, reasons: list[str]) -> str:
    """At most `QUOTE_LIMIT` characters of the statement as the text writes it (its lines,
    spaces collapsed), from its first words, or around the words that decided it."""
    text = _clean(" ".join(lines[unit.line - 1 : unit.last_line]))
    words = _WORD.findall(unit.own)
    if not words:
        return _clean(unit.own)[:QUOTE_LIMIT]
    start = _start_of(words, text)
    tail = re.search(r"\W+".join(words[-2:]) + r"\b", text[start:], re.I)
    end = start + tail.end() if tail else len(text)
    last_word = re.search(r"\w", unit.own[::-1])  # then the statement's closing punctuation
    closing = text[end : end + (last_word.start() if last_word else 0)]
    end += len(closing) - len(closing.lstrip(_PUNCTUATION + " "))
    opening = start
    if len(unit.own) > QUOTE_LIMIT:  # a long statement: where its deciding words are
        deciding = [word for reason in reasons for word in reason.split() if word.isalpha()]
        found = (re.search(rf"\b{word}\b", text[start:end], re.I) for word in deciding)
        if first := next((match for match in found if match), None):
            start += max(0, first.start() - 40)
            start = text.find(" ", start) + 1 if start > opening else start
    quote = text[start:end].strip()
    if not quote:
        return _clean(unit.own)[:QUOTE_LIMIT]
    prefix = "…" if start > opening else ""
    if len(prefix) + len(quote) > QUOTE_LIMIT:
        cut = quote.rfind(" ", QUOTE_LIMIT // 2, QUOTE_LIMIT - 2 - len(prefix))
        quote = quote[: cut if cut > 0 else QUOTE_LIMIT - 2 - len(prefix)].rstrip() + "…"
    return prefix + quote


class _Best:
    """The strongest statement of one kind so far, preferring those outside definitions and
    those stating no condition."""

    def __init__(self) -> None:
        self.rank: tuple[bool, bool, float] | None = None
        self.unit: Unit | None = None
        self.found: list[str] = []
        self.condition: tuple[str, str] | None = None

    def offer(
        self, unit: Unit, found: list[str], score: float, condition: tuple[str, str] | None
    ) -> None:
        rank = ("<definition>" not in found, condition is None, score)
        if self.rank is None or rank > self.rank:
            self.rank, self.unit, self.found, self.condition = rank, unit, found, condition


def _kinds_it_can_state(unit: Unit, found: list[str]) -> set[str] | None:
    """None when a statement can state any kind; only the kinds a permission can state when it
    only permits ("you may use it for research"); none when it only denies ("no sign-up is
    needed"), unless it is a defined term's ("'Research' does not include commercial use")."""
    stances = _STANCES.intersection(found)
    if stances == {"<permit>"}:
        return {kind for kind, rule in clause_kinds().items() if rule.stated_by_permission}
    if "<deny>" in stances and stances <= {"<deny>", "<permit>"}:
        return None if _DEFINED_TERM.match(unit.text) else set()
    return None


def detect_clauses(text: str, source: str, model: ClauseModel | None = None) -> list[ClauseHit]:
    """Every clause kind the text shows, once each, at its strongest statement."""
    model = model or clause_model()
    kinds = clause_kinds()
    best: dict[str, _Best] = {}
    lines = strip_control(text).split("\n")
    for unit in units(text):
        found = features(unit.text)
        stated = _kinds_it_can_state(unit, found)
        for index, score in enumerate(model.scores(found)):
            kind = model.kinds[index]
            if score >= model.threshold[index] and (stated is None or kind in stated):
                condition = _stated_condition(kinds[kind], unit)
                best.setdefault(kind, _Best()).offer(unit, found, score, condition)
    hits = []
    for kind, chosen in best.items():
        if chosen.unit is None or any(other in best for other in kinds[kind].superseded_by):
            continue
        reasons = model.reasons(chosen.found, model.kinds.index(kind))
        hits.append(
            ClauseHit(
                kind=kind,
                summary=kinds[kind].summary,
                source=source,
                line=chosen.unit.line,
                quote=_quote(lines, chosen.unit, reasons),
                condition=chosen.condition[0] if chosen.condition else None,
                condition_quote=chosen.condition[1] if chosen.condition else None,
                reasons=reasons,
            )
        )
    return sorted(hits, key=lambda hit: list(kinds).index(hit.kind))
