"""Policies and the EU AI Act rubric: the eu-foss-exemption preset, and how a `needs_review`
verdict counts (never a silent pass unless the policy says so)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import fixtures_hub
import pytest
from hubreplay import HubReplay

from openness.audit import Auditor
from openness.policy import PRESETS, evaluate, load_policy, parse_policy, preset
from openness.report import Audit

pytestmark = pytest.mark.usefixtures("hf_env")
EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
EU = "eu-ai-act-53-2"


@pytest.fixture(scope="module")
def bloom() -> Audit:
    """The BigScience RAIL model of the snapshot: needs review (¶84)."""
    return Auditor(offline=True).audit("bigscience/bloom")


def rules(audit: Audit, text: str) -> list[tuple[str, str]]:
    policy = parse_policy(text, "p.yml")
    return [(v.rule, v.severity) for v in evaluate(policy, audit).violations]


def test_needs_review_fails_a_requirement_unless_the_policy_says_otherwise(bloom: Audit) -> None:
    assert bloom.rubrics.pass_fail()[EU].verdict == "needs_review"
    for requirement in ("pass", "not-fail"):
        text = f"rubrics: {{{EU}: {requirement}}}\n"
        assert rules(bloom, text) == [(f"rubric-{EU}", "fail")]
        assert rules(bloom, text + "needs_review: warn\n") == [(f"rubric-{EU}", "warn")]
        assert rules(bloom, text + "needs_review: ignore\n") == []
    assert rules(bloom, f"rubrics: {{{EU}: any}}\n") == []


def test_a_needs_review_violation_quotes_the_criteria_and_their_evidence(bloom: Audit) -> None:
    policy = parse_policy(f"rubrics: {{{EU}: pass}}\n", "p.yml")
    [violation] = evaluate(policy, bloom).violations
    assert violation.message.startswith("EU AI Act 53(2) needs review, policy requires pass (")
    assert "eu-safety-restrictions: needs review: acceptable-use-policy found" in violation.message
    assert violation.evidence[0].source == "profile:bigscience-bloom-rail-1.0"


def test_a_bad_needs_review_value_names_the_line() -> None:
    from openness.errors import UsageError

    with pytest.raises(UsageError, match=r"^p\.yml:2: needs_review: Input should be"):
        parse_policy("rubrics: {}\nneeds_review: maybe\n", "p.yml")


def test_the_preset_requires_likely_eligible(bloom: Audit) -> None:
    assert "eu-foss-exemption" in PRESETS
    rules_ = preset("eu-foss-exemption")
    assert rules_.rubrics.required(EU) == "pass" and rules_.needs_review == "fail"
    result = evaluate(rules_, bloom)
    assert not result.passed
    llama = Auditor(offline=True).audit("meta-llama/Llama-3.1-8B")
    [violation] = [v for v in evaluate(rules_, llama).violations if v.severity == "fail"]
    assert violation.message.startswith("EU AI Act 53(2) is not eligible, policy requires pass")
    assert "eu-disqualifiers" in violation.message


def test_the_examples_are_valid_policies(bloom: Audit) -> None:
    for name in ("openness-policy.yml", "eu-foss-exemption.yml"):
        load_policy(EXAMPLES / name)
    example = load_policy(EXAMPLES / "eu-foss-exemption.yml")
    result = evaluate(example, bloom)
    assert result.passed and result.waived_by  # the recorded review


def test_check_with_the_preset_from_the_command_line(hub: HubReplay, cli: Any) -> None:
    hub.add(fixtures_hub.deepseek_r1())
    hub.add(fixtures_hub.llama31())
    passed = cli("check", "deepseek-ai/DeepSeek-R1", "--preset", "eu-foss-exemption")
    assert passed.exit_code == 0, passed.stderr
    failed = cli("check", "meta-llama/Llama-3.1-8B", "--preset", "eu-foss-exemption", "-f", "json")
    assert failed.exit_code == 1
    outcome = failed.json()["policy"]
    assert outcome["source"] == "preset:eu-foss-exemption" and outcome["status"] == "failed"
    assert f"rubric-{EU}" in {v["rule"] for v in outcome["results"][0]["violations"]}
    assert "eu-foss-exemption" in cli("check", "--help").stdout
