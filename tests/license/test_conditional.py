"""Conditional clauses: a clause limited to a kind of model (the Llama use policies withhold
the multimodal models from the EU) restricts only models of that kind; for others it is a note
in `audit.conditional_clauses`, and when the kind is unknown it applies."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

import pytest

from openness.audit import audit_evidence
from openness.license.analysis import analyse
from openness.license.clauses import clause_conditions, detect_clauses
from openness.license.profiles import knowledge_base
from openness.sources.evidence import Evidence, TextFile

POLICY = """Acceptable Use Policy

1. You agree not to use the Model for illegal activity.

With respect to any multimodal models included in this release, the rights granted under
Section 1 are not being granted to you if you are an individual domiciled in the European Union.
"""
EVERYWHERE = "Rights are not granted to a company whose principal place of business is in Brazil.\n"


def evidence(card: dict[str, Any], tags: list[str] | None = None, **texts: str) -> Evidence:
    return Evidence(
        repo_id="acme/model",
        source="local",
        retrieved_at=datetime(2025, 1, 1, tzinfo=timezone.utc),
        card_data=card,
        tags=tags or [],
        texts=[TextFile(path=path, text=text) for path, text in texts.items()],
    )


def territory(hits: list[Any]) -> Any:
    return next(hit for hit in hits if hit.kind == "territory-restriction")


def test_a_condition_in_the_clause_sentence_is_quoted() -> None:
    hit = territory(detect_clauses(POLICY, "USE_POLICY.md"))
    assert (hit.condition, hit.line) == ("multimodal", 5)  # where the statement starts
    assert hit.condition_quote == "With respect to any multimodal models included in this release"


def test_an_unconditional_statement_of_the_kind_wins() -> None:
    hit = territory(detect_clauses(POLICY + EVERYWHERE, "USE_POLICY.md"))
    assert hit.condition is None and hit.line == 7


@pytest.mark.parametrize("slug", ["llama-3.2-aup", "llama-3.3-aup", "llama-4-aup"])
def test_the_llama_use_policies_limit_the_eu_clause_to_multimodal_models(
    license_text: Callable[[str], str], slug: str
) -> None:
    hit = territory(detect_clauses(license_text(slug), slug))
    assert hit.condition == "multimodal"
    assert hit.condition_quote is not None
    assert hit.condition_quote.startswith("With respect to any multimodal models included in")


@pytest.mark.parametrize(
    ("card", "tags", "applies"),
    [({"pipeline_tag": "text-generation"}, [], False),
     ({}, ["llama", "text-generation"], False),
     ({"pipeline_tag": "image-text-to-text"}, [], True),
     ({"pipeline_tag": "text-generation"}, ["mllama"], True),  # a sign of multimodality wins
     ({"tags": ["image-text-to-text"]}, [], True)],
)  # fmt: skip
def test_the_model_kind_decides_where_a_text_clause_goes(
    card: dict[str, Any], tags: list[str], applies: bool
) -> None:
    analysis = analyse(evidence(card, tags, **{"USE_POLICY.md": POLICY}))
    kinds = [clause.kind for clause in analysis.clauses]
    noted = [clause.kind for clause in analysis.conditional]
    assert ("territory-restriction" in kinds, "territory-restriction" in noted) == (
        applies,
        not applies,
    )
    clause = next(c for c in [*analysis.clauses, *analysis.conditional]
                  if c.kind == "territory-restriction")  # fmt: skip
    assert clause.condition == "With respect to any multimodal models included in this release"


def test_an_unknown_kind_of_model_keeps_the_clause_with_a_note() -> None:
    analysis = analyse(evidence({}, [], **{"USE_POLICY.md": POLICY}))
    clause = next(c for c in analysis.clauses if c.kind == "territory-restriction")
    assert "unknown, so it is counted" in clause.summary
    assert any("territory-restriction applies only for multimodal" in w for w in analysis.warnings)


def llama(repo: str, pipeline_tag: str) -> Evidence:
    """A Llama 3.2 repo as the snapshot describes it: licence keyword and kind, no texts."""
    return evidence({"license": "llama3.2", "pipeline_tag": pipeline_tag}, [f"license:{repo}"])


def test_llama_3_2_text_model_has_a_note_and_the_vision_model_the_clause() -> None:
    text = audit_evidence(llama("llama3.2", "text-generation"))
    assert "territory-restriction" not in [c.kind for c in text.clauses]
    (note,) = [c for c in text.conditional_clauses if c.kind == "territory-restriction"]
    assert note.condition == "only for multimodal models"
    assert note.evidence.source == "profile:llama3.2-aup"
    assert "pipeline_tag text-generation does not meet it" in note.summary
    osd5 = next(c for c in text.rubrics.pass_fail()["osd"].criteria if c.id == "osd-5")
    assert osd5.reason == "restrictive clauses: user-threshold"

    vision = audit_evidence(llama("llama3.2", "image-text-to-text"))
    assert "territory-restriction" in [c.kind for c in vision.clauses]
    assert vision.conditional_clauses == []


def test_profile_conditions_are_known() -> None:
    for profile in knowledge_base().profiles.values():
        for clause in profile.clauses:
            assert clause.condition is None or clause.condition in clause_conditions(), profile.id


def test_the_bundled_llama_3_2_1b_is_a_text_model_with_a_note(cli: Any) -> None:
    result = cli("audit", "meta-llama/Llama-3.2-1B", "--offline", "--format", "json")
    assert result.exit_code == 0, result.stderr
    [audit] = result.json()["audits"]
    assert "territory-restriction" not in {clause["kind"] for clause in audit["clauses"]}
    [note] = audit["conditional_clauses"]
    assert note["kind"] == "territory-restriction" and "multimodal" in note["condition"]
