"""The policy keys on the family tree: `lineage` (licence compatibility of every edge child ->
parent) and `notices` (licence texts, notices and credits the repo must carry)."""

from __future__ import annotations

from typing import Literal

from openness.policy.schema import Policy
from openness.report import Audit, Violation

Severity = Literal["fail", "warn"]
_CUT = ("lineage stops at depth", "lineage truncated")


def lineage_violations(policy: Policy, audit: Audit) -> list[Violation]:
    """`lineage: no-incompatible` fails an incompatible edge and warns of an unknown one;
    `lineage: compatible` fails both, and a lineage not followed to the root."""
    if policy.lineage == "any":
        return []
    unknown: Severity = "fail" if policy.lineage == "compatible" else "warn"
    found = []
    for entry in audit.lineage:
        for edge in entry.compatibility:
            if edge.verdict == "compatible":
                continue
            severity: Severity = "fail" if edge.verdict == "incompatible" else unknown
            found.append(
                Violation(
                    rule=f"lineage-{edge.verdict}",
                    severity=severity,
                    message=f"{edge.child} -> {entry.id}: {edge.verdict}: {edge.reason}",
                    evidence=edge.evidence,
                )
            )
    if policy.lineage == "compatible":
        found += [
            Violation(rule="lineage-incomplete", severity="fail", message=warning)
            for warning in audit.warnings
            if warning.startswith(_CUT)
        ]
    return found


def notice_violations(policy: Policy, audit: Audit) -> list[Violation]:
    """`notices: required` fails a notice not met and warns of an unknown one; `notices: warn`
    warns of a notice not met."""
    if policy.notices == "ignore":
        return []
    found = []
    for notice in audit.notices:
        if notice.status == "met":
            continue
        if notice.status == "unknown" and policy.notices != "required":
            continue
        severity: Severity = "warn"
        if notice.status == "not_met" and policy.notices == "required":
            severity = "fail"
        found.append(
            Violation(
                rule=f"notice-{notice.id}",
                severity=severity,
                message=f"{notice.demand} (required by {notice.required_by}): "
                f"{notice.status.replace('_', ' ')}: {notice.reason}",
                evidence=notice.evidence,
            )
        )
    return found
