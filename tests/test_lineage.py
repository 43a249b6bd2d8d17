"""Lineage: a derivative inherits its base model's obligations, with the ancestor as evidence."""

from __future__ import annotations

from typing import Any

import fixtures_hub
import pytest
from hubreplay import FakeRepo, HubReplay

pytestmark = pytest.mark.usefixtures("hf_env")


def audit(cli: Any, repo_id: str) -> dict[str, Any]:
    result = cli("audit", repo_id, "--format", "json")
    assert result.exit_code == 0, result.stderr
    report: dict[str, Any] = result.json()["audits"][0]
    return report


def test_mit_distill_of_llama_inherits_llama_clauses(hub: HubReplay, cli: Any) -> None:
    hub.add(fixtures_hub.llama31())
    hub.add(fixtures_hub.deepseek_r1())
    child = hub.add(fixtures_hub.distill_llama())
    result = audit(cli, child.repo_id)
    assert result["license"]["conclusion"] == "mit"
    keys = ("id", "relation", "depth", "license_conclusion", "osi_approved")
    assert [{key: entry[key] for key in keys} for entry in result["lineage"]] == [
        {"id": "meta-llama/Llama-3.1-8B", "relation": "finetune", "depth": 1,
         "license_conclusion": "llama3.1", "osi_approved": False},
        {"id": "deepseek-ai/DeepSeek-R1", "relation": "card", "depth": 1,
         "license_conclusion": "mit", "osi_approved": True},  # "Distilled from DeepSeek-R1"
    ]  # fmt: skip
    assert any("meta-llama/Llama-3.1-8B" in c for c in result["license"]["conflicts"])
    inherited = {c["kind"]: c for c in result["clauses"] if c["inherited_from"]}
    for kind in ("user-threshold", "acceptable-use-policy", "attribution-requirement"):
        assert inherited[kind]["evidence"]["source"].startswith("meta-llama/Llama-3.1-8B:")
    assert "gated-acceptance" not in inherited
    assert result["rubrics"]["osd"]["verdict"] == "fail"


def test_cycles_and_missing_ancestors_are_warnings(hub: HubReplay, cli: Any) -> None:
    hub.add(FakeRepo("org/a", card_data={"license": "mit", "base_model": "org/b"}))
    hub.add(FakeRepo("org/b", card_data={"license": "mit", "base_model": ["org/a", "org/gone"]}))
    result = audit(cli, "org/a")
    assert [(e["id"], e["depth"]) for e in result["lineage"]] == [("org/b", 1), ("org/gone", 2)]
    assert result["lineage"][1]["license_conclusion"] is None
    assert any("cycle" in warning for warning in result["warnings"])
    assert any("org/gone could not be audited" in warning for warning in result["warnings"])
    assert result["license"]["conflicts"] == []
