"""Whether a model meets the condition a clause is limited to, such as "multimodal models only".

The model's kind is read from its card's `pipeline_tag` and tags and the Hub's tags (which name
the pipeline and the config's `model_type`); a condition neither met nor ruled out is unknown,
and the clause then applies.
"""

from __future__ import annotations

from dataclasses import dataclass

from openness.license.clauses import clause_conditions
from openness.report import Clause
from openness.sources.evidence import Evidence


@dataclass(frozen=True)
class Assessment:
    met: bool | None
    reason: str


def _signals(evidence: Evidence) -> list[tuple[str, str]]:
    """(value, where it was read), card first."""
    card = evidence.card_data
    found: list[tuple[str, str]] = []
    if isinstance(card.get("pipeline_tag"), str):
        found.append((card["pipeline_tag"], "card pipeline_tag"))
    card_tags = card.get("tags")
    if isinstance(card_tags, list):
        found += [(tag, "card tag") for tag in card_tags if isinstance(tag, str)]
    found += [(tag, "Hub tag") for tag in evidence.tags]
    return [(value.strip().lower(), where) for value, where in found]


def assess(name: str, evidence: Evidence) -> Assessment:
    """Whether `evidence`'s model meets condition `name`: a sign that meets it wins over one
    that rules it out (the clause is not set aside on mixed evidence)."""
    condition = clause_conditions()[name]
    signals = _signals(evidence)
    for value, where in signals:
        if value in condition.met_by:
            return Assessment(True, f"the {where} {value} meets it")
    for value, where in signals:
        if value in condition.unmet_by:
            return Assessment(False, f"the {where} {value} does not meet it")
    return Assessment(None, "whether this model meets it is unknown, so it is counted")


def split(
    clauses: list[Clause], limits: dict[str, str], evidence: Evidence
) -> tuple[list[Clause], list[Clause], list[str]]:
    """(clauses that apply, clauses whose condition the model does not meet, warnings).

    `limits` maps a clause kind to the condition it is limited to.
    """
    applying: list[Clause] = []
    set_aside: list[Clause] = []
    warnings: list[str] = []
    for clause in clauses:
        name = limits.get(clause.kind)
        if name is None:
            applying.append(clause)
            continue
        verdict = assess(name, evidence)
        summary = f"{clause.summary} Applies {clause_conditions()[name].summary}: {verdict.reason}."
        noted = clause.model_copy(update={"summary": summary})
        (set_aside if verdict.met is False else applying).append(noted)
        if verdict.met is None:
            warnings.append(f"{clause.kind} applies {clause_conditions()[name].summary}; "
                            f"{verdict.reason}")  # fmt: skip
    return applying, set_aside, warnings
