"""Evaluate a declarative pass/fail rubric (rubrics/*.yaml) against clauses, facts and the
access gate."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from openness.report import Access, Clause, Criterion, Rubric, Status
from openness.rubrics.facts import Fact
from openness.rubrics.status import verdict_of


class CriterionRule(BaseModel):
    """One criterion: which clause kinds break it, which facts it needs, which gates leave it
    undecided."""

    model_config = ConfigDict(extra="forbid")

    id: str
    title: str
    description: str
    not_met_if_clauses: list[str] = Field(default_factory=list)
    unknown_if_clauses: list[str] = Field(default_factory=list)
    unknown_if_access: list[Literal["automatic", "manual"]] = Field(
        default_factory=list, description="Approvals of the access gate that make it unknown."
    )
    requires: list[str] = Field(default_factory=list, description="False makes it not_met.")
    met_when: list[str] = Field(default_factory=list, description="All must be True to be met.")


class RubricSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=r"^[a-z][a-z0-9]*$", description="The file's name, without .yaml.")
    title: str
    short: str = Field(description="The name reports show: OSD, OSAID...")
    order: int = Field(description="Position among the rubrics of a report, lowest first.")
    version: str
    source: str
    applies_to: str
    criteria: list[CriterionRule]


_APPROVAL_REASONS = {
    "manual": "downloads need the publisher's approval",
    "automatic": "downloads need the Hub's gate form to be filled in",
}


def evaluate(
    spec: RubricSpec, clauses: list[Clause], facts: dict[str, Fact], access: Access | None = None
) -> Rubric:
    """Each criterion to a status; the verdict is that of the most decisive one (`STATUSES`)."""
    criteria = [_criterion(rule, clauses, facts, access) for rule in spec.criteria]
    return Rubric(verdict=verdict_of(c.status for c in criteria), criteria=criteria)


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
            id=rule.id, title=rule.title, status=status, reason=reason, evidence=citations
        )

    breaking = [clause for clause in clauses if clause.kind in rule.not_met_if_clauses]
    if breaking:
        kinds = ", ".join(dict.fromkeys(clause.kind for clause in breaking))
        return result("not_met", f"restrictive clauses: {kinds}", breaking)
    for name in rule.requires:
        if facts[name].value is False:
            return result("not_met", facts[name].reason, [facts[name]])
    doubtful = [clause for clause in clauses if clause.kind in rule.unknown_if_clauses]
    if doubtful:
        kinds = ", ".join(dict.fromkeys(clause.kind for clause in doubtful))
        return result("unknown", f"needs a closer look: {kinds}", doubtful)
    if access and access.approval in rule.unknown_if_access:
        return result("unknown", _APPROVAL_REASONS[access.approval], [access])
    needed = [facts[name] for name in (*rule.requires, *rule.met_when)]
    missing = [fact for fact in needed if fact.value is not True]
    if missing:
        reasons = (_not_confirmed(fact) for fact in missing)
        return result("unknown", "; ".join(reasons), missing)
    if not needed:
        return result("unknown", "no rule can establish this criterion", [])
    return result("met", "; ".join(fact.reason for fact in needed), needed)


def _not_confirmed(fact: Fact) -> str:
    """A fact that does not establish the criterion: unknown facts say what is missing; a false
    one is no proof either way (no clause decides it), and the reason says so."""
    if fact.value is False:
        return f"not confirmed: {fact.reason}, and no known clause decides it"
    return fact.reason
