"""The committed offline snapshot (`src/openness/data/snapshot.json`) and its build script."""

from __future__ import annotations

import importlib.util
import json
import sys
from datetime import date
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from openness.audit import audit_evidence
from openness.sources import snapshot as bundled
from openness.sources.evidence import Evidence

ROOT = Path(__file__).resolve().parents[2]
SNAPSHOT = ROOT / "src" / "openness" / "data" / "snapshot.json"
BUILD_SCRIPT = ROOT / "scripts" / "build_snapshot.py"

OPTIONAL_TEXT = ("license", "license_name", "license_link", "pipeline_tag", "library_name")
TEXT_LISTS = ("tags", "base_model", "datasets", "arxiv", "inferred", "sources")
MACHINE_TAG_PREFIXES = ("license:", "arxiv:", "dataset:", "base_model:")
FIELDS = {
    "license", "license_name", "license_link", "gated", "pipeline_tag", "library_name", "tags",
    "base_model", "datasets", "arxiv", "files", "files_complete", "weights_seen", "papers",
    "card_quotes", "license_files_named", "inferred", "sources",
}  # fmt: skip


@pytest.fixture(scope="module")
def snapshot() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="module")
def models(snapshot: dict[str, Any]) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = snapshot["models"]
    return found


@cache
def _build_script() -> ModuleType:
    if str(BUILD_SCRIPT.parent) not in sys.path:  # the script imports its sibling module
        sys.path.insert(0, str(BUILD_SCRIPT.parent))
    spec = importlib.util.spec_from_file_location("build_snapshot", BUILD_SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_header(snapshot: dict[str, Any]) -> None:
    assert set(snapshot) == {"as_of", "description", "models"}
    assert date.fromisoformat(snapshot["as_of"]).isoformat() == snapshot["as_of"]
    assert isinstance(snapshot["description"], str) and snapshot["as_of"] in snapshot["description"]


def test_every_model_has_the_required_fields(models: dict[str, dict[str, Any]]) -> None:
    assert models
    for repo_id, facts in models.items():
        assert repo_id.count("/") == 1, repo_id
        assert set(facts) == FIELDS, repo_id
        for key in OPTIONAL_TEXT:
            assert facts[key] is None or isinstance(facts[key], str), (repo_id, key)
        for key in TEXT_LISTS:
            assert all(isinstance(item, str) for item in facts[key]), (repo_id, key)
        assert facts["gated"] in (False, "auto", "manual", None), repo_id
        assert isinstance(facts["files_complete"], bool), repo_id
        for key in ("weights_seen", "papers"):
            assert all(isinstance(v, str) and len(v) <= 200 for v in facts[key].values()), repo_id
        assert set(facts["inferred"]) <= FIELDS, repo_id
        for entry in facts["files"]:
            assert set(entry) == {"path", "size"}, repo_id
            assert isinstance(entry["path"], str) and entry["path"], repo_id
            size = entry["size"]
            assert size is None or (isinstance(size, int) and size >= 0), repo_id


def test_facts_are_consistent(models: dict[str, dict[str, Any]]) -> None:
    for repo_id, facts in models.items():
        tags = facts["tags"]
        assert all(tag.startswith(MACHINE_TAG_PREFIXES) for tag in tags), repo_id
        license_tags = [tag for tag in tags if tag.startswith("license:")]
        expected = [f"license:{facts['license']}"] if facts["license"] else []
        assert license_tags == expected, repo_id
        assert {f"arxiv:{i}" for i in facts["arxiv"]} <= set(tags), repo_id
        if facts["license"] != "other":
            assert facts["license_name"] is None and facts["license_link"] is None, repo_id
        paths = [entry["path"] for entry in facts["files"]]
        assert len(paths) == len(set(paths)), repo_id
        assert all(source.startswith("https://") for source in facts["sources"]), repo_id


def test_no_license_text_or_card_prose() -> None:
    assert SNAPSHOT.stat().st_size < 200_000
    text = SNAPSHOT.read_text(encoding="utf-8")
    assert "Permission is hereby granted" not in text
    assert "COMMUNITY LICENSE AGREEMENT" not in text


def test_deepseek_r1(models: dict[str, dict[str, Any]]) -> None:
    r1 = models["deepseek-ai/DeepSeek-R1"]
    assert r1["license"] == "mit"
    assert "license:mit" in r1["tags"]
    assert r1["gated"] is False
    paths = {entry["path"] for entry in r1["files"]}
    assert "LICENSE" in paths
    assert any(path.endswith(".safetensors") for path in paths)
    assert "model-00163-of-000163.safetensors" in paths  # the "(163 shards)" entry, expanded
    assert r1["files_complete"] is False
    sizes = {entry["path"]: entry["size"] for entry in r1["files"]}
    assert sizes["LICENSE"] == 1_060
    assert sizes["generation_config.json"] == 171
    assert sizes["model-00001-of-000163.safetensors"] == 5_230_000_000


def test_llama_31_8b(models: dict[str, dict[str, Any]]) -> None:
    llama = models["meta-llama/Llama-3.1-8B"]
    assert llama["license"] == "llama3.1"
    assert llama["gated"] in ("auto", "manual")
    assert "gated" in llama["inferred"]  # the gate was never seen, only deduced


def test_unlisted_licenses_are_other_with_a_name(models: dict[str, dict[str, Any]]) -> None:
    codestral = models["mistralai/Codestral-22B-v0.1"]
    assert (codestral["license"], codestral["license_name"]) == ("other", "mnpl")
    assert codestral["license_link"] == "https://mistral.ai/licences/MNPL-0.1.md"
    assert models["deepseek-ai/DeepSeek-V3"]["license"] is None


def test_all_corpus_repos_are_present(shared_dir: Path, models: dict[str, dict[str, Any]]) -> None:
    corpus = shared_dir / "corpus" / "hub"
    repo_ids = {
        json.loads(path.read_text(encoding="utf-8"))["repo_id"]
        for path in corpus.glob("*/facts.json")
    }
    assert len(repo_ids) == 43
    assert set(models) == repo_ids


def test_build_is_reproducible(shared_dir: Path) -> None:
    script = _build_script()
    rebuilt = script.render(script.build(shared_dir / "corpus" / "hub"))
    assert rebuilt == SNAPSHOT.read_text(encoding="utf-8"), (
        "snapshot.json is stale: run `python scripts/build_snapshot.py`"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.06 kB", 1_060),
        ("5.23 GB", 5_230_000_000),
        ("171 Bytes", 171),
        ("858 B", 858),
        ("5 GB", 5_000_000_000),
        ("14.6 kB (fork copy)", 14_600),
        ("9.51 GB each", 9_510_000_000),
        ("36.5-36.6 kB", None),
        ("~4.3 GB each", None),
        (None, None),
    ],
)
def test_parse_size(text: str | None, expected: int | None) -> None:
    assert _build_script().parse_size(text) == expected


@pytest.mark.parametrize(
    "repo_id",
    [
        "allenai/OLMo-2-1124-7B", "google-t5/t5-base", "microsoft/phi-2",
        "deepseek-ai/DeepSeek-V3",
    ],
)  # fmt: skip
def test_partial_snapshot_lists_leave_weights_unknown(repo_id: str) -> None:
    audit = audit_evidence(_snapshot_evidence(repo_id))
    assert audit.rubrics.osaid.verdict != "fail"
    study = next(c for c in audit.rubrics.osaid.criteria if c.id == "osaid-study")
    weights = next(c for c in audit.rubrics.mof.components if c.name == "Model parameters (Final)")
    assert study.status == weights.status == "unknown"
    assert weights.reason == "the file list is partial and names no weight files"
    assert weights.reason in study.reason


def test_grok_shards_described_in_the_snapshot_are_weights() -> None:
    evidence = _snapshot_evidence("xai-org/grok-1")
    assert evidence.weights_declared == {"ckpt-0/": "770 tensor shards 'tensorNNNNN_000'"}
    audit = audit_evidence(evidence)
    study = next(c for c in audit.rubrics.osaid.criteria if c.id == "osaid-study")
    assert study.status == "met" and study.evidence[0].source == "ckpt-0/"
    weights = next(c for c in audit.rubrics.mof.components if c.name == "Model parameters (Final)")
    assert weights.status == "included" and weights.evidence == "ckpt-0/"


def test_llama_research_paper_is_not_the_carbon_footprint_paper() -> None:
    audit = audit_evidence(_snapshot_evidence("meta-llama/Llama-3.1-8B"))
    paper = next(c for c in audit.rubrics.mof.components if c.name == "Research paper")
    assert paper.status == "unknown" and paper.evidence is None
    assert "2204.05149" in paper.reason and "own" in paper.reason


def test_deepseek_v3_paper_is_its_technical_report(models: dict[str, dict[str, Any]]) -> None:
    assert models["deepseek-ai/DeepSeek-V3"]["papers"] == {
        "2412.19437": "DeepSeek-V3 Technical Report"
    }
    audit = audit_evidence(_snapshot_evidence("deepseek-ai/DeepSeek-V3"))
    paper = next(c for c in audit.rubrics.mof.components if c.name == "Research paper")
    assert paper.evidence == 'arxiv:2412.19437 "DeepSeek-V3 Technical Report"'


def _snapshot_evidence(repo_id: str) -> Evidence:
    evidence = bundled.fetch(repo_id)
    assert evidence is not None
    return evidence


def test_falcon_180b_licence_is_named_by_its_licence_file(cli: Any) -> None:
    result = cli("audit", "tiiuae/falcon-180B", "--offline", "--format", "json")
    assert result.exit_code == 0, result.stderr
    [audit] = result.json()["audits"]
    assert audit["license"]["conclusion"] == "falcon-180b-tii-license-1.0"
    assert "inferred" in audit["summary"]
    pages = [source["location"] for source in audit["model"]["sources"][1:]]
    assert pages and all(page.startswith("https://") for page in pages)  # where facts came from


def test_named_licence_files_only_where_the_repos_own_licence_is_unknown() -> None:
    named = _build_script().named_license_files
    facts = "license_name: old-terms / license_link: https://huggingface.co/org/m/raw/main/LICENSE"
    assert named(facts, "org/m") == {"LICENSE": "old-terms"}
    assert named(facts, "org/other") == {}
    models = bundled._snapshot()["models"]
    assert not models["microsoft/phi-2"]["license_files_named"]  # its card says mit
