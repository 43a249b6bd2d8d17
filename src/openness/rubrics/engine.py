"""Evaluate a declarative pass/fail rubric (rubrics/*.yaml) against clauses, facts and the
access gate."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from openness.report import Access, Clause, Criterion, Rubric, Status, Verdict
from openness.rubrics.fact import Fact
from openness.rubrics.status import verdict_of

AccessCondition = Literal["automatic", "manual", "personal_data", "eu_disallowed"]
"""What the Hub's gate does: approves automatically or by hand, asks for personal data in its
form, refuses requests from the EU."""


class CriterionRule(BaseModel):
    """One criterion: which clause kinds and gate conditions break it, call for a person's review
    or leave it undecided, and which facts it needs."""

    model_config = ConfigDict(extra="forbid")

    id: str
    title: str
    description: str
    cites: str | None = Field(default=None, description="Where the criterion comes from.")
    not_met_if_clauses: list[str] = Field(default_factory=list)
    review_if_clauses: list[str] = Field(default_factory=list)
    unknown_if_clauses: list[str] = Field(default_factory=list)
    not_met_if_access: list[AccessCondition] = Field(default_factory=list)
    review_if_access: list[AccessCondition] = Field(default_factory=list)
    unknown_if_access: list[AccessCondition] = Field(
        default_factory=list, description="Gate conditions that make it unknown."
    )
    review_note: str | None = Field(
        default=None, description="What the reviewer should weigh, added to a needs_review reason."
    )
    requires: list[str] = Field(default_factory=list, description="False makes it not_met.")
    met_when: list[str] = Field(default_factory=list, description="All must be True to be met.")
    unknown_is_caveat: bool = Field(
        default=False,
        description="When unknown, the criterion is reported as a caveat in the rubric's notes "
        "and does not make the verdict unknown; not met still decides it.",
    )


class RubricSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(
        pattern=r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$", description="The file's name, without .yaml."
    )
    title: str
    short: str = Field(description="The name reports show: OSD, OSAID...")
    order: int = Field(description="Position among the rubrics of a report, lowest first.")
    version: str
    source: str
    applies_to: str
    verdict_labels: dict[Verdict, str] = Field(
        default_factory=dict, description="The rubric's own words for its verdicts."
    )
    notes: list[str] = Field(
        default_factory=list, description="Reported with every verdict (duties, disclaimers)."
    )
    criteria: list[CriterionRule]


def _gate_applies(access: Access, condition: AccessCondition) -> bool:
    """Whether the gate does this. A gate the Hub reports as off asks nothing, whatever the card
    says; a gate of unknown state (a local folder) is taken at the card's word."""
    if condition in ("automatic", "manual"):
        return access.approval == condition
    if access.gated is False:
        return False
    if condition == "personal_data":
        return bool(access.personal_data)
    return access.eu_disallowed is True


def _gate_reason(access: Access, condition: AccessCondition) -> str:
    return {
        "manual": "downloads need the publisher's approval",
        "automatic": "downloads need the Hub's gate form to be filled in",
        "personal_data": "the gate asks for personal data: " + ", ".join(access.personal_data),
        "eu_disallowed": "the gate refuses requests from the EU (extra_gated_eu_disallowed)",
    }[condition]


def evaluate(
    spec: RubricSpec, clauses: list[Clause], facts: dict[str, Fact], access: Access | None = None
) -> Rubric:
    """Each criterion to a status; the verdict is that of the most decisive one (`STATUSES`),
    leaving out a caveat criterion (`unknown_is_caveat`) that is only unknown."""
    criteria = [_criterion(rule, clauses, facts, access) for rule in spec.criteria]
    caveats = {rule.id for rule in spec.criteria if rule.unknown_is_caveat}
    deciding = [c.status for c in criteria if not (c.id in caveats and c.status == "unknown")]
    verdict = verdict_of(deciding)
    notes = list(spec.notes)
    notes += [
        f"Caveat: {c.id} ({c.title.lower()}) is unknown and left out of the verdict, which "
        "does not hold if it is not met"
        for c in criteria
        if c.id in caveats and c.status == "unknown"
    ]
    return Rubric(
        verdict=verdict, label=spec.verdict_labels.get(verdict), criteria=criteria, notes=notes
    )


def _criterion(
    rule: CriterionRule, clauses: list[Clause], facts: dict[str, Fact], access: Access | None
) -> Criterion:
    def result(
        status: Status, reason: str, evidence: list[Clause] | list[Fact] | list[Access]
    ) -> Criterion:
        citations = [
            citation
            for item in evidence
            for citation in ([item.evidence] if isinstance(item, Clause) else item.evidence)
        ]
        return Criterion(
            id=rule.id,
            title=rule.title,
            status=status,
            reason=reason,
            evidence=citations,
            cites=rule.cites,
        )

    def kinds(found: list[Clause]) -> str:
        return ", ".join(dict.fromkeys(clause.kind for clause in found))

    def gate(conditions: list[AccessCondition]) -> list[AccessCondition]:
        return [c for c in conditions if access is not None and _gate_applies(access, c)]

    def reviewed(what: str) -> str:
        return f"needs review: {what}" + (f"; {rule.review_note}" if rule.review_note else "")

    breaking = [clause for clause in clauses if clause.kind in rule.not_met_if_clauses]
    if breaking:
        return result("not_met", f"restrictive clauses: {kinds(breaking)}", breaking)
    if access and gate(rule.not_met_if_access):
        reasons = "; ".join(_gate_reason(access, c) for c in gate(rule.not_met_if_access))
        return result("not_met", reasons, [access])
    for name in rule.requires:
        if facts[name].value is False:
            return result("not_met", facts[name].reason, [facts[name]])
    to_review = [clause for clause in clauses if clause.kind in rule.review_if_clauses]
    if to_review:
        return result("needs_review", reviewed(f"{kinds(to_review)} found"), to_review)
    if access and gate(rule.review_if_access):
        reasons = "; ".join(_gate_reason(access, c) for c in gate(rule.review_if_access))
        return result("needs_review", reviewed(reasons), [access])
    doubtful = [clause for clause in clauses if clause.kind in rule.unknown_if_clauses]
    if doubtful:
        return result("unknown", f"needs a closer look: {kinds(doubtful)}", doubtful)
    if access and gate(rule.unknown_if_access):
        reasons = "; ".join(_gate_reason(access, c) for c in gate(rule.unknown_if_access))
        return result("unknown", reasons, [access])
    needed = [facts[name] for name in (*rule.requires, *rule.met_when)]
    missing = [fact for fact in needed if fact.value is not True]
    if missing:
        return result("unknown", "; ".join(_not_confirmed(fact) for fact in missing), missing)
    if not needed:
        return result("unknown", "no rule can establish this criterion", [])
    return result("met", "; ".join(fact.reason for fact in needed), needed)


def _not_confirmed(fact: Fact) -> str:
    """A fact that does not establish the criterion: unknown facts say what is missing; a false
    one is no proof either way (no clause decides it), and the reason says so."""
    if fact.value is False:
        return f"not confirmed: {fact.reason}, and no known clause decides it"
    return fact.reason
