"""A policy evaluated against audits: the violations of one model, and the batch's outcome."""

from __future__ import annotations

from datetime import date
from typing import Literal

from openness.policy.lineage_rules import lineage_violations, notice_violations
from openness.policy.schema import Policy, RubricRequirement, Waiver
from openness.report import (
    Audit,
    Citation,
    Failure,
    ModelResult,
    PolicyOutcome,
    PolicyStatus,
    Rubric,
    Violation,
)
from openness.rubrics.registry import registry
from openness.rubrics.status import STATUSES
from openness.sources.dataset_terms import CONFLICT as DATASET_CONFLICT


def _license_terms(audit: Audit) -> set[str]:
    """Every spelling the audit's licence answers to: profile id, SPDX id, Hub keyword."""
    from openness.license.profiles import knowledge_base

    license = audit.license
    terms = {term.lower() for term in (license.conclusion, license.spdx_id) if term}
    profile = knowledge_base().get(license.conclusion) if license.conclusion else None
    if profile:
        terms |= {keyword.lower() for keyword in profile.hub_keywords}
    return terms


def _matches(audit: Audit, wanted: list[str]) -> bool:
    from openness.license.names import resolve

    terms = _license_terms(audit)
    for entry in wanted:
        resolved = resolve(entry)
        names = {entry.lower()} | ({resolved.id.lower()} if resolved else set())
        if resolved and resolved.spdx_id:
            names.add(resolved.spdx_id.lower())
        if names & terms:
            return True
    return False


def _license_violations(policy: Policy, audit: Audit) -> list[Violation]:
    license = audit.license
    found: list[Violation] = []
    named = license.conclusion or "unknown"
    if license.conclusion is None:
        if policy.unknown_license != "ignore":
            found.append(Violation(rule="unknown-license", severity=policy.unknown_license,
                                   message="the licence could not be determined"))  # fmt: skip
        return found
    if policy.licenses.deny and _matches(audit, policy.licenses.deny):
        found.append(Violation(rule="license-denied", severity="fail",
                               message=f"licence {named} is denied"))  # fmt: skip
    if policy.licenses.allow and not _matches(audit, policy.licenses.allow):
        found.append(Violation(rule="license-not-allowed", severity="fail",
                               message=f"licence {named} is not in the allow list"))  # fmt: skip
    if policy.licenses.require_osi_approved and license.osi_approved is not True:
        found.append(Violation(rule="license-not-osi-approved", severity="fail",
                               message=f"licence {named} is not OSI-approved"))  # fmt: skip
    return found


def _rubric_violations(policy: Policy, audit: Audit) -> list[Violation]:
    found = []
    results = audit.rubrics.pass_fail()
    for rubric_id in registry().pass_fail:
        required = policy.rubrics.required(rubric_id)
        rubric, short = results.get(rubric_id), registry().short(rubric_id)
        if rubric is None:  # an audit made with another rubric set
            if required != "any":
                found.append(Violation(rule=f"rubric-{rubric_id}", severity="fail",
                                       message=f"{short} was not evaluated, policy requires "
                                               f"{required}"))  # fmt: skip
            continue
        if rubric.verdict == "needs_review" and required != "any":
            found += _needs_review(policy, rubric_id, rubric, required)
            continue
        ok = {"pass": rubric.verdict == "pass", "not-fail": rubric.verdict != "fail", "any": True}
        if ok[required]:
            continue
        failing = [c for c in rubric.criteria if STATUSES[c.status].tone != "good"]
        broken = [c for c in failing if STATUSES[c.status].tone == "bad"] or failing
        ids = ", ".join(c.id for c in broken)
        evidence = [citation for c in broken for citation in c.evidence][:10]
        verdict = rubric.label or rubric.verdict
        found.append(Violation(rule=f"rubric-{rubric_id}", severity="fail", evidence=evidence,
                               message=f"{short} is {verdict}, policy requires {required} "
                                       f"({ids})"))  # fmt: skip
    wanted = policy.rubrics.mof_min_class
    achieved = audit.rubrics.mof.class_
    if wanted is not None and (achieved is None or achieved > wanted):
        found.append(Violation(rule="rubric-mof", severity="fail",
                               message=f"MOF is {audit.rubrics.mof.label}, policy requires "
                                       f"class {wanted} or better"))  # fmt: skip
    return found


def _needs_review(
    policy: Policy, rubric_id: str, rubric: Rubric, required: RubricRequirement
) -> list[Violation]:
    """A verdict a person must weigh: `needs_review` says whether it fails, warns or passes."""
    if policy.needs_review == "ignore":
        return []
    review = [c for c in rubric.criteria if c.status == "needs_review"]
    reasons = "; ".join(f"{c.id}: {c.reason}" for c in review)
    return [
        Violation(
            rule=f"rubric-{rubric_id}",
            severity=policy.needs_review,
            evidence=[citation for c in review for citation in c.evidence][:10],
            message=f"{registry().short(rubric_id)} needs review, policy requires {required} "
            f"({reasons})",
        )
    ]


def _clause_violations(policy: Policy, audit: Audit) -> list[Violation]:
    found = []
    for clause in audit.clauses:
        action = policy.clauses.action(clause.kind)
        if clause.inherited_from and policy.inherited_clauses == "ignore":
            action = "ignore"
        elif clause.inherited_from and policy.inherited_clauses == "warn" and action == "fail":
            action = "warn"
        if action == "ignore":
            continue
        origin = f" (inherited from {clause.inherited_from})" if clause.inherited_from else ""
        found.append(Violation(rule=f"clause-{clause.kind}", severity=action,
                               message=f"{clause.kind}{origin}: {clause.summary}",
                               evidence=[clause.evidence]))  # fmt: skip
    return found


def _access_violations(policy: Policy, audit: Audit) -> list[Violation]:
    """The gate (`gated`) and what it asks (`access`); access is not the licence."""
    access, gated = audit.access, audit.model.gated
    found = []
    if gated and policy.gated != "ignore":
        found.append(Violation(rule="gated", severity=policy.gated,
                               evidence=access.evidence[:1] if access else [],
                               message=f"downloads are gated ({gated})"))  # fmt: skip
    if access is None or gated is False:
        return found
    rules = policy.access
    asked = [
        ("access-manual-approval", rules.manual_approval, access.approval == "manual",
         "downloads need the publisher's approval"),
        ("access-personal-data", rules.personal_data, bool(access.personal_data),
         "the gate asks for personal data: " + ", ".join(access.personal_data)),
        ("access-eu-disallowed", rules.eu_disallowed, access.eu_disallowed is True,
         "the gate refuses requests from the EU"),
    ]  # fmt: skip
    for rule, action, applies, message in asked:
        if applies and action != "ignore":
            found.append(Violation(rule=rule, severity=action, message=message,
                                   evidence=access.evidence))  # fmt: skip
    return found


def _dataset_violations(policy: Policy, audit: Audit) -> list[Violation]:
    """`datasets` (named, public, public and ungated) and `dataset_licences` (conflicts)."""
    found = []
    if policy.datasets != "any" and not audit.datasets:
        found.append(Violation(rule="datasets-named", severity="fail",
                               message="the card names no training dataset"))  # fmt: skip
    if policy.datasets in ("public", "public-ungated"):
        for dataset in audit.datasets:
            where = [Citation(source=dataset.named_in, quote=dataset.id)]
            if dataset.public is not True:
                why = "is private" if dataset.public is False else "could not be checked"
                found.append(Violation(rule="dataset-not-public", severity="fail", evidence=where,
                                       message=f"training dataset {dataset.id} {why}"
                                               + (f" ({dataset.reason})" if dataset.reason
                                                  else "")))  # fmt: skip
            elif policy.datasets == "public-ungated" and dataset.gated is not False:
                gate = dataset.gated or "not known whether gated"
                found.append(Violation(rule="dataset-gated", severity="fail", evidence=where,
                                       message=f"training dataset {dataset.id} is gated "
                                               f"({gate})"))  # fmt: skip
    if policy.dataset_licences != "any":
        severity: Literal["fail", "warn"] = (
            "fail" if policy.dataset_licences == "no-conflict" else "warn"
        )
        found += [
            Violation(rule="dataset-licence-conflict", severity=severity, message=warning)
            for warning in audit.warnings
            if warning.startswith(DATASET_CONFLICT)
        ]
    return found


def _waiver(policy: Policy, audit: Audit, today: date) -> tuple[Waiver | None, list[str]]:
    notes = []
    for waiver in policy.waivers:
        if waiver.model.lower() != audit.model.id.lower():
            continue
        if waiver.expires and waiver.expires < today:
            notes.append(f"waiver for {waiver.model} expired on {waiver.expires}")
            continue
        if waiver.revision and waiver.revision != audit.model.revision:
            notes.append(f"waiver for {waiver.model} is pinned to another revision")
            continue
        if waiver.license_sha256:
            hashes = {f.sha256 for f in audit.license.files if f.sha256}
            if waiver.license_sha256 not in hashes:
                notes.append(f"waiver for {waiver.model} no longer applies: the licence text "
                             "differs from the one approved")  # fmt: skip
                continue
        return waiver, notes
    return None, notes


def evaluate(policy: Policy, audit: Audit, today: date | None = None) -> ModelResult:
    """Every rule against one audit; a valid waiver turns failures into passes."""
    violations = [
        *_license_violations(policy, audit),
        *_clause_violations(policy, audit),
        *_rubric_violations(policy, audit),
        *_access_violations(policy, audit),
        *lineage_violations(policy, audit),
        *notice_violations(policy, audit),
        *_dataset_violations(policy, audit),
    ]
    if audit.license.conflicts and policy.conflicts != "ignore":
        violations.append(Violation(rule="license-conflict", severity=policy.conflicts,
                                    message="; ".join(audit.license.conflicts)))  # fmt: skip
    waiver, notes = _waiver(policy, audit, today or date.today())
    violations += [Violation(rule="waiver", severity="warn", message=note) for note in notes]
    failed = any(violation.severity == "fail" for violation in violations)
    return ModelResult(
        model=audit.model.id,
        passed=not failed or waiver is not None,
        violations=violations,
        waived_by=waiver.reason if waiver and failed else None,
    )


def check(
    policy: Policy, source: str, audits: list[Audit], not_audited: list[Failure] | None = None
) -> PolicyOutcome:
    """The policy over a batch: failed if a model fails; incomplete if none fails but a
    requested model was not audited, or nothing was; passed only otherwise."""
    results = [evaluate(policy, audit) for audit in audits]
    missing = list(not_audited or [])
    status: PolicyStatus = "passed"
    if not all(result.passed for result in results):
        status = "failed"
    elif missing or not results:
        status = "incomplete"
    return PolicyOutcome(
        source=source,
        passed=status == "passed",
        status=status,
        results=results,
        not_audited=missing,
    )
