"""The G7 shared vocabulary of AI openness (G7 Digital and Technology Ministers, 29 May 2026,
with the OSI as knowledge partner), decided from facts the audit already has.

The labels, most open first, in our words:

* Open Source AI with Open Data: free of charge, under an Open Source licence, with weights,
  deployment code, training code and the full training data.
* Open Source AI: the same, where the full training data may be replaced by data information
  when sharing it is legally or technically impossible.
* Open Weights AI: free of charge, with weights and deployment code, under an Open Source
  licence.
* Weights Available AI: free of charge, with weights and deployment code, under a licence that
  restricts use (commercially, by territory, by use case...).

Each condition is true, false or unknown, with its evidence; a label holds when all its
conditions do. The label reported is the most open one that holds; `could_be` names the more
open ones the evidence neither shows nor rules out. `unknown` when none holds but one might,
`none` when every label is ruled out (no weights released, say).
"""

from __future__ import annotations

from collections.abc import Sequence

from openness.report import Clause, LabelCondition, OpennessLabel
from openness.rubrics.fact import Fact

UNKNOWN = "unknown"
NONE = "none"
_TITLES = {
    "free": "Released free of charge",
    "open-licence": "Under an Open Source licence",
    "weights": "Weights released",
    "deployment-code": "Deployment code released",
    "training-code": "Training code released",
    "training-data": "Full training data released",
    "data-information": "Data information provided",
}
Literal_ = tuple[str, bool]
# Per label: every requirement must hold; a requirement holds when one of its literals does
# (a condition and the value it must have).
LABELS: dict[str, list[list[Literal_]]] = {
    "Open Source AI with Open Data": [
        [("free", True)], [("open-licence", True)], [("weights", True)],
        [("deployment-code", True)], [("training-code", True)], [("training-data", True)],
    ],
    "Open Source AI": [
        [("free", True)], [("open-licence", True)], [("weights", True)],
        [("deployment-code", True)], [("training-code", True)],
        [("training-data", True), ("data-information", True)],
    ],
    "Open Weights AI": [
        [("free", True)], [("open-licence", True)], [("weights", True)],
        [("deployment-code", True)],
    ],
    "Weights Available AI": [
        [("free", True)], [("open-licence", False)], [("weights", True)],
        [("deployment-code", True)],
    ],
}  # fmt: skip


# What every label needs: with one of these false, no label applies.
_EVERY_LABEL = [
    name for name in _TITLES if all([(name, True)] in needs for needs in LABELS.values())
]


def _open_licence(facts: dict[str, Fact], clauses: Sequence[Clause]) -> Fact:
    """OSI-approved and consistent; not when the licence is not OSI-approved, or when a clause
    breaks an OSD criterion (whatever the licence, no Open Source licence says that)."""
    from openness.rubrics.registry import registry

    approved, consistent = facts["license_osi_approved"], facts["license_consistent"]
    if approved.value is False:
        return approved
    osd = registry().pass_fail.get("osd")
    breaking = {kind for rule in (osd.criteria if osd else []) for kind in rule.not_met_if_clauses}
    found = [clause for clause in clauses if clause.kind in breaking]
    if found:
        kinds = ", ".join(dict.fromkeys(clause.kind for clause in found))
        return Fact(False, f"restrictive clauses no Open Source licence has: {kinds}",
                    [clause.evidence for clause in found])  # fmt: skip
    if approved.value and consistent.value:
        return Fact(True, approved.reason, approved.evidence)
    doubt = approved if approved.value is None else consistent
    return Fact(None, doubt.reason, doubt.evidence)


def conditions(facts: dict[str, Fact], clauses: Sequence[Clause] = ()) -> dict[str, Fact]:
    """The label conditions, each from the audit's facts (and its clauses, for the licence)."""
    return {
        "free": facts["released_free_of_charge"],
        "open-licence": _open_licence(facts, clauses),
        "weights": facts["weights_present"],
        "deployment-code": facts["deployment_code_published"],
        "training-code": facts["training_code_published"],
        "training-data": facts["training_data_open"],
        "data-information": facts["data_information_published"],
    }


def _value(requirements: list[list[Literal_]], values: dict[str, bool | None]) -> bool | None:
    """Three-valued: AND over requirements of OR over literals."""
    result: bool | None = True
    for literals in requirements:
        held = [None if values[c] is None else values[c] == wanted for c, wanted in literals]
        requirement = True if True in held else (None if None in held else False)
        if requirement is False:
            return False
        if requirement is None:
            result = None
    return result


def _gaps(requirements: list[list[Literal_]], facts: dict[str, Fact]) -> str:
    """The requirements of a label that are not shown to hold, with their reasons."""
    gaps = []
    for literals in requirements:
        if any(facts[c].value is not None and facts[c].value == wanted for c, wanted in literals):
            continue
        first, wanted = literals[0]
        title = _TITLES[first].lower() if wanted else f"not {_TITLES[first].lower()}"
        gaps.append(f"{title}: {facts[first].reason}")
    return "; ".join(gaps)


def label_of(facts: dict[str, Fact], clauses: Sequence[Clause] = ()) -> OpennessLabel:
    found = conditions(facts, clauses)
    values = {name: fact.value for name, fact in found.items()}
    decided = {name: _value(requirements, values) for name, requirements in LABELS.items()}
    label = next((name for name, value in decided.items() if value), None)
    above = list(LABELS)[: list(LABELS).index(label)] if label else list(LABELS)
    could_be = [name for name in above if decided[name] is None]
    if label:
        reason = f"{label}: its conditions hold"
    elif could_be:
        label, reason = UNKNOWN, "no label is established"
    else:
        label = NONE
        ruled_out = [name for name in _EVERY_LABEL if found[name].value is False]
        reason = "no label applies: " + "; ".join(
            f"{_TITLES[name].lower()}: {found[name].reason}" for name in ruled_out
        )
    if could_be:
        reason += f"; {could_be[-1]} not shown: {_gaps(LABELS[could_be[-1]], found)}"
    return OpennessLabel(
        label=label,
        could_be=could_be,
        reason=reason,
        conditions=[
            LabelCondition(
                id=name,
                title=_TITLES[name],
                value=fact.value,
                reason=fact.reason,
                evidence=fact.evidence,
            )
            for name, fact in found.items()
        ],  # fmt: skip
    )
