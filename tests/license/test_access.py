"""The Hub's access gate is an access fact (`audit.access`), never a licence clause: a gated
Apache-2.0 model passes the OSD, and only a manual approval leaves OSAID's freedom to use
unknown."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import pytest
from pydantic import ValidationError

from openness.audit import audit_evidence
from openness.license.access import access_of
from openness.report import Audit
from openness.rubrics.engine import CriterionRule
from openness.sources import snapshot
from openness.sources.evidence import Evidence, Gating

LLAMA_CARD = """---
license: llama3.2
extra_gated_prompt: "### LLAMA 3.2 COMMUNITY LICENSE AGREEMENT"
extra_gated_fields:
  First Name: text
  Date of birth: date_picker
  Job title:
    type: select
    options: [Student, Other]
  geo: ip_location
  By clicking Submit below I accept the terms of the license: checkbox
extra_gated_eu_disallowed: true
---
# Model
"""


def evidence(
    gated: Gating, card: dict[str, Any] | None = None, text: str | None = None
) -> Evidence:
    return Evidence(
        repo_id="acme/model",
        source="hub",
        retrieved_at=datetime(2025, 1, 1, tzinfo=timezone.utc),
        card_data=card or {"license": "apache-2.0"},
        card_text=text,
        gated=gated,
    )


def criterion(audit: Audit, rubric: str, criterion_id: str) -> tuple[str, str]:
    found = next(c for c in audit.rubrics.pass_fail()[rubric].criteria if c.id == criterion_id)
    return found.status, found.reason


def test_the_gate_form_is_read_from_the_card() -> None:
    import yaml

    card = yaml.safe_load(LLAMA_CARD.split("---")[1])
    access = access_of(evidence("manual", card, LLAMA_CARD))
    assert access is not None
    assert (access.gated, access.approval, access.eu_disallowed) == ("manual", "manual", True)
    assert access.personal_data == ["First Name", "Date of birth", "Job title", "geo"]
    assert access.prompt == "### LLAMA 3.2 COMMUNITY LICENSE AGREEMENT"
    cited = {citation.source: citation.line for citation in access.evidence}
    assert cited == {"metadata:gated": None, "card:extra_gated_fields": 4,
                     "card:extra_gated_prompt": 3,
                     "card:extra_gated_eu_disallowed": 12}  # fmt: skip


@pytest.mark.parametrize(("gated", "approval"), [(False, "none"), ("auto", "automatic")])
def test_approval_follows_the_gate(gated: Gating, approval: str) -> None:
    access = access_of(evidence(gated))
    assert access is not None and access.approval == approval and access.personal_data == []


def test_nothing_known_is_no_access_section() -> None:
    assert access_of(evidence(None)) is None


@pytest.mark.parametrize("gated", ["auto", "manual"])
def test_a_gated_apache_model_passes_the_osd_and_carries_no_gate_clause(gated: Gating) -> None:
    audit = audit_evidence(evidence(gated))
    assert audit.clauses == [] and audit.access is not None
    assert audit.rubrics.pass_fail()["osd"].verdict == "pass"
    assert not any(c.evidence.source == "metadata:gated" for c in audit.clauses)


def test_manual_approval_leaves_the_freedom_to_use_unknown() -> None:
    status, reason = criterion(audit_evidence(evidence("manual")), "osaid", "osaid-use")
    assert (status, reason) == ("unknown", "downloads need the publisher's approval")
    assert criterion(audit_evidence(evidence("auto")), "osaid", "osaid-use")[0] == "met"
    assert criterion(audit_evidence(evidence(False)), "osaid", "osaid-use")[0] == "met"


def test_mistral_from_the_snapshot_passes_the_osd() -> None:
    found = snapshot.fetch("mistralai/Mistral-7B-v0.1")
    assert found is not None and found.gated == "auto"
    audit = audit_evidence(found)
    assert audit.rubrics.pass_fail()["osd"].verdict == "pass"
    assert audit.clauses == [] and audit.access is not None
    assert audit.access.approval == "automatic"


def test_criteria_name_only_known_approvals() -> None:
    with pytest.raises(ValidationError):
        CriterionRule.model_validate(
            {"id": "x", "title": "x", "description": "x", "unknown_if_access": ["sometimes"]}
        )
