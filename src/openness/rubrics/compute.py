"""Training compute, estimated as 6 x parameters x training tokens, against the AI Act's
thresholds: 10^25 FLOP presumes a general-purpose model has systemic risk (Art. 51(2)); the
Commission's guidelines take 10^23 FLOP as the indication of a general-purpose model at all.

Parameters come from the card's activated-parameter count (a mixture of experts computes with
those per token), else the Hub's safetensors (or GGUF) total, else a parameter count the card
states; training tokens from a card line that speaks of training. Each number is quoted where
it was read. Patterns run on one line at a time, with bounded repetition only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from openness.report import Citation
from openness.rubrics.fact import Fact
from openness.rubrics.release import card_lines
from openness.sources.evidence import Evidence

SYSTEMIC_RISK_FLOP = 1e25
GPAI_INDICATION_FLOP = 1e23
_UNITS = {"k": 1e3, "thousand": 1e3, "m": 1e6, "million": 1e6, "b": 1e9, "bn": 1e9,
          "billion": 1e9, "t": 1e12, "trillion": 1e12}  # fmt: skip
# Bounded runs only, and a number starts where no digit precedes it: no search rescans a line.
_NUMBER = r"(?<![\d.,])(?P<number>\d{1,3}(?:,\d{3}){1,4}|\d{1,6}(?:\.\d{1,3})?)[ \t]{0,3}"
_BIG = r"(?P<unit>trillion|billion|bn|[TB])\b"
_SIZE = r"(?P<unit>billion|million|bn|[BM])\b"
_WORDS = r"[ \t(]{0,3}(?:[A-Za-z-]{1,20}[ \t]{1,3}){0,%d}?"
_TOKENS = re.compile(_NUMBER + _BIG + _WORDS % 3 + r"tokens\b", re.IGNORECASE)
_TRAINING = re.compile(r"\b(?:pre-?train|train)\w{0,12}\b", re.IGNORECASE)
_NOT_TRAINING = re.compile(r"\b(?:context|length|window|vocab|generat)", re.IGNORECASE)
_ACTIVE_BEFORE = re.compile(_NUMBER + _SIZE + _WORDS % 2 + r"(?:activated|active)\b", re.I)
_ACTIVE_AFTER = re.compile(
    r"\b(?:activated|active)[ \t]{1,3}param\w{0,6}[ \t:=*|]{0,6}" + _NUMBER + _SIZE, re.I
)
_PARAMETERS = re.compile(_NUMBER + _SIZE + r"[ \t-]{0,3}param(?:eter)?s?\b", re.IGNORECASE)
_CELL_SIZE = re.compile(r"^\W*" + _NUMBER + _SIZE, re.IGNORECASE)


@dataclass(frozen=True)
class Count:
    value: float
    what: str
    cited: Citation


def _number(match: re.Match[str]) -> float:
    return float(match["number"].replace(",", "")) * _UNITS[match["unit"].lower()]


def spoken(value: float) -> str:
    """684531386000 -> '684.5 billion'."""
    for word, size in (("trillion", 1e12), ("billion", 1e9), ("million", 1e6)):
        if value >= size:
            return f"{value / size:.4g} {word}"
    return f"{value:,.0f}"


def power(value: float) -> str:
    """3.2856e24 -> '3.3 × 10^24'."""
    mantissa, exponent = f"{value:.1e}".split("e")
    return f"{mantissa} × 10^{int(exponent)}"


def _cite(number: int, line: str) -> Citation:
    return Citation(source="README.md", line=number, quote=" ".join(line.split())[:200])


def _squashed(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def _table_active(lines: list[tuple[int, str]], name: str) -> Count | None:
    """A Markdown table with an 'activated params' column: the row of this model (by its name),
    or the only row. Each line is looked at once: a table's rows are skipped after it."""
    index = 0
    while index < len(lines):
        header = lines[index][1]
        index += 1
        if header.count("|") < 2 or "activ" not in header.lower():
            continue
        cells = [cell.strip().lower() for cell in header.split("|")]
        column = next((i for i, c in enumerate(cells) if "activ" in c and "param" in c), None)
        if column is None:
            continue
        rows = []
        for number, row in lines[index + 1 : index + 40]:  # after the |---| line
            if row.count("|") < 2:
                break
            rows.append((number, row, [cell.strip() for cell in row.split("|")]))
        index += 1 + len(rows)
        matching = [r for r in rows if _squashed(r[2][1] if len(r[2]) > 1 else "") == name]
        for number, row, values in matching or (rows if len(rows) == 1 else []):
            match = _CELL_SIZE.match(values[column]) if column < len(values) else None
            if match:
                return Count(_number(match), "activated parameters", _cite(number, row))
    return None


def parameters(evidence: Evidence) -> Count | None:
    """The parameters one token is computed with, and where that number was read."""
    lines = card_lines(evidence)
    active = _table_active(lines, _squashed(evidence.repo_id.rsplit("/", 1)[-1]))
    if active:
        return active
    for number, line in lines:
        match = _ACTIVE_BEFORE.search(line) or _ACTIVE_AFTER.search(line)
        if match:
            return Count(_number(match), "activated parameters", _cite(number, line))
    for where in ("hub:safetensors", "hub:gguf"):
        said = evidence.weights_declared.get(where, "")
        total = said.split(" ", 1)[0]
        if total.isdigit() and int(total) > 0:
            return Count(float(total), "parameters", Citation(source=where, quote=said))
    for number, line in lines:
        match = _PARAMETERS.search(line)
        if match:
            return Count(_number(match), "parameters", _cite(number, line))
    return None


def training_tokens(evidence: Evidence) -> Count | None:
    """The first card line that states a number of training tokens."""
    for number, line in card_lines(evidence):
        if not _TRAINING.search(line):
            continue
        for match in _TOKENS.finditer(line):
            before = line[max(0, match.start() - 40) : match.start()]
            if not _NOT_TRAINING.search(before):
                return Count(_number(match), "training tokens", _cite(number, line))
    return None


def below_systemic_risk(evidence: Evidence) -> Fact:
    """True below 10^25 FLOP, False at or above it, None when either number is missing."""
    size, tokens = parameters(evidence), training_tokens(evidence)
    if size is None:
        return Fact(None, "training compute cannot be estimated: the number of parameters is "
                    "not known (no Hub safetensors metadata, no count in the card)")  # fmt: skip
    basis = f"{spoken(size.value)} {size.what} ({size.cited.where()})"
    if tokens is None:
        enough = SYSTEMIC_RISK_FLOP / (6 * size.value)
        return Fact(
            None, f"training compute cannot be estimated: the card states no number of "
            f"training tokens ({basis}; 10^25 FLOP would take {spoken(enough)} tokens)",
            [size.cited],
        )  # fmt: skip
    flop = 6 * size.value * tokens.value
    estimate = (f"estimated training compute {power(flop)} FLOP = 6 × {basis} × "
                f"{spoken(tokens.value)} training tokens ({tokens.cited.where()})")  # fmt: skip
    if evidence.base_models:
        estimate += "; a base model's own training is not counted"
    cited = [size.cited, tokens.cited]
    if flop >= SYSTEMIC_RISK_FLOP:
        verdict = ("at or above 10^25 FLOP, presumed a model with systemic risk (Art. 51(2)), "
                   "which the exemption does not cover")  # fmt: skip
        return Fact(False, f"{estimate}: {verdict}", cited)
    if flop < GPAI_INDICATION_FLOP:
        verdict = ("below 10^25 FLOP, and below the guidelines' 10^23 FLOP indication, so "
                   "probably not a general-purpose AI model at all")  # fmt: skip
        return Fact(True, f"{estimate}: {verdict}", cited)
    return Fact(True, f"{estimate}: below the 10^25 FLOP presumption of systemic risk", cited)
