"""Licence compatibility along the family tree, against the loopback Hub: each edge child ->
parent is compatible, incompatible (the parent's clause and the child's licence as evidence) or
unknown; chains to the root, merges with two parents, cycles, the depth limit, policies."""

from __future__ import annotations

from typing import Any

import fixtures_hub
import pytest
from hubreplay import FakeRepo, HubReplay

pytestmark = pytest.mark.usefixtures("hf_env")

MIT_TEXT = "Copyright (c) 2025 Example Labs\n\n"  # + the MIT text from the corpus


def repo(repo_id: str, licence: str | None, *bases: str, **fields: Any) -> FakeRepo:
    card: dict[str, Any] = {"library_name": "transformers", **fields.pop("card", {})}
    if licence:
        card["license"] = licence
    if bases:
        card["base_model"] = list(bases) if len(bases) > 1 else bases[0]
    fields.setdefault("listed", {"model.safetensors": 1_000_000})
    body = fields.pop("body", f"# {repo_id}\n\nA test model.\n")
    return FakeRepo(repo_id, card_data=card, readme_body=body, **fields)


def audit(cli: Any, *args: str) -> dict[str, Any]:
    result = cli("audit", *args, "--format", "json")
    assert result.exit_code == 0, result.stderr
    report: dict[str, Any] = result.json()["audits"][0]
    return report


def edges(report: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    """(child, parent) -> the edge's verdict, reason and evidence."""
    return {
        (edge["child"], entry["id"]): edge
        for entry in report["lineage"]
        for edge in entry["compatibility"]
    }


def notices(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {notice["id"]: notice for notice in report["notices"]}


@pytest.mark.parametrize("licence", ["apache-2.0", "mit"])
def test_a_permissive_child_of_llama_31_is_incompatible(
    hub: HubReplay, cli: Any, licence: str
) -> None:
    hub.add(fixtures_hub.llama31())
    hub.add(repo("someone/tuned-8b", licence, "meta-llama/Llama-3.1-8B"))
    edge = edges(audit(cli, "someone/tuned-8b"))[("someone/tuned-8b", "meta-llama/Llama-3.1-8B")]
    assert edge["verdict"] == "incompatible"
    for words in ("its own terms", "use policy", '"Built with Llama"', 'beginning with "Llama"'):
        assert words in edge["reason"]
    parent, child = edge["evidence"]
    # the parent's clause, read in its LICENSE (file and line), and the child's card line
    assert parent["source"] == "meta-llama/Llama-3.1-8B:LICENSE" and parent["line"]
    assert child["source"] == "card:license" and licence in child["quote"]


def test_notices_a_llama_derivative_owes(hub: HubReplay, cli: Any) -> None:
    hub.add(fixtures_hub.llama31())
    hub.add(repo("someone/tuned-8b", "mit", "meta-llama/Llama-3.1-8B"))
    hub.add(
        repo(
            "someone/Llama-3.1-tuned-8B",
            "llama3.1",
            "meta-llama/Llama-3.1-8B",
            body="# Llama 3.1 tuned\n\nBuilt with Llama.\n",
            files={"LICENSE": fixtures_hub.license("llama-3.1-community"),
                   "NOTICE": b"Llama 3.1 is licensed under the Llama 3.1 Community License, "
                             b"Copyright \xc2\xa9 Meta Platforms, Inc. All Rights Reserved.\n"},
        )
    )  # fmt: skip
    washed = notices(audit(cli, "someone/tuned-8b"))
    assert washed["licence-text"]["status"] == "not_met"  # MIT declared, no LICENSE at all
    assert washed["licence-copy"]["status"] == "not_met"
    assert washed["notice-file"]["status"] == "not_met"
    assert washed["credit"]["status"] == "not_met"
    assert washed["name-prefix"]["status"] == "not_met"
    assert washed["name-prefix"]["required_by"] == "llama3.1 (meta-llama/Llama-3.1-8B)"
    report = audit(cli, "someone/Llama-3.1-tuned-8B")
    kept = notices(report)
    assert {key: check["status"] for key, check in kept.items()} == {
        "licence-text": "met", "licence-copy": "met", "notice-file": "met", "credit": "met",
        "name-prefix": "met",
    }  # fmt: skip
    assert kept["credit"]["evidence"][0] == {
        "source": "README.md", "line": kept["credit"]["evidence"][0]["line"],
        "quote": "Built with Llama.",
    }  # fmt: skip
    edge = edges(report)[("someone/Llama-3.1-tuned-8B", "meta-llama/Llama-3.1-8B")]
    assert edge["verdict"] == "compatible"


def test_an_openrail_child_that_drops_the_use_restrictions(hub: HubReplay, cli: Any) -> None:
    hub.add(fixtures_hub.rail())  # bigscience/bloom, the BLOOM RAIL text as LICENSE
    hub.add(repo("someone/bloom-tuned", "apache-2.0", "bigscience/bloom"))
    hub.add(repo("someone/sd-tuned", "mit", "lab/sd-base"))
    hub.add(repo("lab/sd-base", "creativeml-openrail-m"))
    edge = edges(audit(cli, "someone/bloom-tuned"))[("someone/bloom-tuned", "bigscience/bloom")]
    assert edge["verdict"] == "incompatible"
    assert "use restrictions" in edge["reason"]
    assert edge["evidence"][0]["source"] == "bigscience/bloom:LICENSE"
    edge = edges(audit(cli, "someone/sd-tuned"))[("someone/sd-tuned", "lab/sd-base")]
    assert edge["verdict"] == "incompatible"
    assert edge["evidence"][0]["source"] == "profile:creativeml-openrail-m"


def test_openrail_under_openrail_is_compatible_and_another_rail_unknown(
    hub: HubReplay, cli: Any
) -> None:
    hub.add(repo("someone/sd-base", "creativeml-openrail-m"))
    hub.add(repo("other/sd-same", "creativeml-openrail-m", "someone/sd-base"))
    hub.add(repo("other/sd-rail", "bigscience-openrail-m", "someone/sd-base"))
    assert (
        edges(audit(cli, "other/sd-same"))[("other/sd-same", "someone/sd-base")]["verdict"]
        == "compatible"
    )
    edge = edges(audit(cli, "other/sd-rail"))[("other/sd-rail", "someone/sd-base")]
    assert edge["verdict"] == "unknown" and "not checked" in edge["reason"]


def test_non_commercial_parent_apache_child(hub: HubReplay, cli: Any) -> None:
    hub.add(repo("lab/nc-base", "cc-by-nc-4.0"))
    hub.add(repo("someone/nc-tuned", "apache-2.0", "lab/nc-base"))
    hub.add(repo("someone/nc-kept", "cc-by-nc-sa-4.0", "lab/nc-base"))
    edge = edges(audit(cli, "someone/nc-tuned"))[("someone/nc-tuned", "lab/nc-base")]
    assert edge["verdict"] == "incompatible" and "non-commercial" in edge["reason"]
    assert edge["evidence"][0]["source"] in ("profile:cc-by-nc-4.0", "lab/nc-base:card:license")
    assert (
        edges(audit(cli, "someone/nc-kept"))[("someone/nc-kept", "lab/nc-base")]["verdict"]
        == "compatible"
    )  # the non-commercial limit carried


def test_apache_under_apache_and_a_notice_to_carry(hub: HubReplay, cli: Any) -> None:
    hub.add(repo("lab/base-7b", "apache-2.0", files={"NOTICE": b"Base 7B\nCopyright 2024 Lab\n"}))
    hub.add(repo("someone/tuned-7b", "apache-2.0", "lab/base-7b"))
    hub.add(repo("someone/noticed-7b", "apache-2.0", "lab/base-7b",
                 files={"NOTICE": b"Base 7B\nCopyright 2024 Lab\n"}))  # fmt: skip
    report = audit(cli, "someone/tuned-7b")
    edge = edges(report)[("someone/tuned-7b", "lab/base-7b")]
    assert edge["verdict"] == "compatible"
    assert edge["evidence"][0]["source"] == "profile:apache-2.0"
    assert edge["evidence"][1]["source"] == "card:license"
    checks = notices(report)
    assert checks["notice-file"]["status"] == "not_met"
    assert "NOTICE" in checks["notice-file"]["demand"]
    assert checks["licence-text"]["status"] == "not_met"
    assert checks["copyright-notice"]["status"] == "not_met"
    checks = notices(audit(cli, "someone/noticed-7b"))
    assert checks["notice-file"]["status"] == "met"
    assert checks["copyright-notice"]["status"] == "met"
    assert checks["copyright-notice"]["evidence"][0]["source"] == "NOTICE"


def test_an_adapter_repeating_its_base_licence(hub: HubReplay, cli: Any) -> None:
    hub.add(fixtures_hub.llama31())
    hub.add(
        repo("someone/Llama-lora", "llama3.1", "meta-llama/Llama-3.1-8B",
             listed={"adapter_config.json": 600, "adapter_model.safetensors": 30_000_000})
    )  # fmt: skip
    report = audit(cli, "someone/Llama-lora")
    (entry,) = report["lineage"]
    assert entry["relation"] == "adapter"
    assert entry["compatibility"][0]["verdict"] == "compatible"
    assert "both are under the Llama 3.1" in entry["compatibility"][0]["reason"]


def test_relation_inferred_from_files_when_nothing_says() -> None:
    from datetime import datetime, timezone

    from openness.lineage import relations
    from openness.sources.evidence import Evidence, RepoFile

    def evidence(*paths: str, bases: Any = "org/base") -> Evidence:
        return Evidence(repo_id="me/m", source="local", retrieved_at=datetime.now(timezone.utc),
                        card_data={"base_model": bases},
                        files=[RepoFile(path=p) for p in paths])  # fmt: skip

    assert relations(evidence("adapter_config.json")) == {"org/base": "adapter"}
    assert relations(evidence("model-Q4_K_M.gguf")) == {"org/base": "quantized"}
    assert relations(evidence("a.safetensors", bases=["org/a", "org/b"])) == {
        "org/a": "merge", "org/b": "merge"
    }  # fmt: skip
    assert relations(evidence("model.safetensors")) == {"org/base": "base"}


def chain(hub: HubReplay, length: int, leaf_licence: str = "apache-2.0") -> list[str]:
    """org1/m1 <- org2/m2 <- ... <- org{length}/m{length}: each fine-tuned from the one before
    by another organisation."""
    names = [f"org{n}/m{n}" for n in range(1, length + 1)]
    hub.add(repo(names[0], "apache-2.0"))
    for parent, child in zip(names, names[1:], strict=False):
        licence = leaf_licence if child == names[-1] else "apache-2.0"
        hub.add(repo(child, licence, parent))
    return names


def test_a_chain_of_depth_six_to_the_root(hub: HubReplay, cli: Any) -> None:
    names = chain(hub, 7, leaf_licence="mit")
    hub.add(repo("org1/m1", "cc-by-nc-4.0"))  # the root restricts: only its child's edge breaks
    report = audit(cli, names[-1])
    depths = {entry["id"]: entry["depth"] for entry in report["lineage"]}
    assert depths == {name: 7 - n for n, name in enumerate(names[:-1], start=1)}
    found = edges(report)
    assert len(found) == 6
    assert found[("org2/m2", "org1/m1")]["verdict"] == "incompatible"
    assert found[("org7/m7", "org6/m6")]["verdict"] == "compatible"  # Apache parent, MIT child
    assert {edge["verdict"] for key, edge in found.items() if key[1] != "org1/m1"} == {"compatible"}
    assert not any("lineage stops" in warning for warning in report["warnings"])


def test_the_depth_limit_is_a_warning(hub: HubReplay, cli: Any) -> None:
    names = chain(hub, 7)
    report = audit(cli, names[-1], "--max-depth", "3")
    assert [entry["depth"] for entry in report["lineage"]] == [1, 2, 3]
    assert any("lineage stops at depth 3" in warning for warning in report["warnings"])
    result = cli("tree", names[-1], "--max-depth", "3", "--format", "json")
    assert result.exit_code == 0, result.stderr
    node = result.json()["trees"][0]
    for _ in range(3):
        (node,) = node["parents"]
    assert node["id"] == "org4/m4" and node["not_followed"] == ["org3/m3"]


def test_a_merge_with_two_parents(hub: HubReplay, cli: Any) -> None:
    hub.add(repo("lab/open-7b", "apache-2.0"))
    hub.add(repo("lab/nc-7b", "cc-by-nc-4.0"))
    hub.add(repo("someone/merged-7b", "apache-2.0", "lab/open-7b", "lab/nc-7b",
                 card={"base_model_relation": "merge"}))  # fmt: skip
    report = audit(cli, "someone/merged-7b")
    assert {e["id"]: e["relation"] for e in report["lineage"]} == {
        "lab/open-7b": "merge", "lab/nc-7b": "merge"
    }  # fmt: skip
    found = edges(report)
    assert found[("someone/merged-7b", "lab/open-7b")]["verdict"] == "compatible"
    assert found[("someone/merged-7b", "lab/nc-7b")]["verdict"] == "incompatible"
    result = cli("tree", "someone/merged-7b")
    assert result.exit_code == 0, result.stderr
    assert "merge of lab/open-7b" in result.stdout and "merge of lab/nc-7b" in result.stdout
    assert "incompatible" in result.stdout


def test_a_diamond_is_judged_on_both_edges_and_is_no_cycle(hub: HubReplay, cli: Any) -> None:
    hub.add(repo("lab/base", "cc-by-nc-4.0"))
    hub.add(repo("a/tune", "cc-by-nc-4.0", "lab/base"))
    hub.add(repo("b/tune", "cc-by-nc-4.0", "lab/base"))
    hub.add(repo("c/merge", "cc-by-nc-4.0", "a/tune", "b/tune"))
    report = audit(cli, "c/merge")
    base = next(e for e in report["lineage"] if e["id"] == "lab/base")
    assert sorted(edge["child"] for edge in base["compatibility"]) == ["a/tune", "b/tune"]
    assert not any("cycle" in warning for warning in report["warnings"])
    tree = cli("tree", "c/merge", "--format", "json").json()["trees"][0]
    repeated = [p["parents"][0]["repeated"] for p in tree["parents"]]
    assert repeated == [None, "see above"]


def test_unreachable_or_unread_ancestors_are_unknown(hub: HubReplay, cli: Any) -> None:
    hub.add(repo("org/a", "mit", "org/b"))
    hub.add(repo("org/b", "mit", "org/a", "org/gone"))
    hub.add(repo("org/c", "apache-2.0", "org/nolicence"))
    hub.add(repo("org/nolicence", None))
    report = audit(cli, "org/a")
    found = edges(report)
    assert found[("org/b", "org/gone")]["verdict"] == "unknown"
    assert "could not be audited" in found[("org/b", "org/gone")]["reason"]
    assert any("cycle" in warning for warning in report["warnings"])
    edge = edges(audit(cli, "org/c"))[("org/c", "org/nolicence")]
    assert edge["verdict"] == "unknown" and "parent's terms unknown" in edge["reason"]


def test_ancestors_are_looked_up_once_per_batch(hub: HubReplay, cli: Any) -> None:
    hub.add(repo("lab/base", "apache-2.0"))
    children = [f"user{n}/tuned" for n in range(6)]
    for child in children:
        hub.add(repo(child, "apache-2.0", "lab/base"))
    result = cli("audit", *children, "--format", "json", "--jobs", "3")
    assert result.exit_code == 0, result.stderr
    assert len(hub.calls("GET", "/api/models/lab/base")) == 1


def test_policy_keys_on_lineage_and_notices(hub: HubReplay, cli: Any, tmp_path: Any) -> None:
    hub.add(repo("lab/nc-base", "cc-by-nc-4.0"))
    hub.add(repo("someone/nc-tuned", "apache-2.0", "lab/nc-base"))
    hub.add(repo("lab/base", "apache-2.0"))
    hub.add(repo("someone/gone-child", "apache-2.0", "lab/gone"))
    policy = tmp_path / "policy.yml"
    policy.write_text("lineage: no-incompatible\n", encoding="utf-8")
    result = cli("check", "someone/nc-tuned", "--policy", str(policy), "--format", "json")
    assert result.exit_code == 1
    (violation,) = [v for v in result.json()["policy"]["results"][0]["violations"]
                    if v["rule"].startswith("lineage")]  # fmt: skip
    assert violation["rule"] == "lineage-incompatible" and violation["severity"] == "fail"
    assert violation["evidence"][-1]["source"] == "card:license"
    result = cli("check", "someone/gone-child", "--policy", str(policy), "--format", "json")
    assert result.exit_code == 0  # unknown only warns under no-incompatible
    policy.write_text("lineage: compatible\nnotices: required\n", encoding="utf-8")
    result = cli("check", "someone/gone-child", "--policy", str(policy), "--format", "json")
    rules = {v["rule"]: v["severity"] for v in result.json()["policy"]["results"][0]["violations"]}
    assert result.exit_code == 1
    assert rules["lineage-unknown"] == "fail" and rules["notice-licence-text"] == "fail"
    policy.write_text("lineage: maybe\n", encoding="utf-8")
    result = cli("check", "someone/gone-child", "--policy", str(policy))
    assert result.exit_code == 2 and "lineage" in result.stderr


def test_compare_rows_for_lineage_and_notices(hub: HubReplay, cli: Any) -> None:
    hub.add(repo("lab/nc-base", "cc-by-nc-4.0"))
    hub.add(repo("someone/nc-tuned", "apache-2.0", "lab/nc-base"))
    result = cli("compare", "someone/nc-tuned", "lab/nc-base", "--format", "json")
    assert result.exit_code == 0, result.stderr
    rows = {row["key"]: row["values"] for row in result.json()["rows"]}
    assert rows["lineage"] == ["incompatible", "no base"]
    assert rows["lineage:depth"] == ["1", "0"]
    assert rows["notice:licence-text"] == ["not_met", "not_met"]
    assert rows["notices"][0].startswith("2 not met")
