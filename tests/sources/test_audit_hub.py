"""`openness audit` end to end: the real huggingface_hub client against the replay Hub."""

from __future__ import annotations

import socket
import time
from typing import Any

import fixtures_hub
import pytest
from hubreplay import HubReplay, rate_limited

pytestmark = pytest.mark.usefixtures("hf_env")


def audit_json(cli: Any, *models: str, expect: int = 0) -> dict[str, Any]:
    result = cli("audit", *models, "--format", "json")
    assert result.exit_code == expect, result.stderr
    report: dict[str, Any] = result.json()
    return report


def criteria(audit: dict[str, Any], rubric: str) -> dict[str, str]:
    return {c["id"]: c["status"] for c in audit["rubrics"][rubric]["criteria"]}


def clauses(audit: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {clause["kind"]: clause["evidence"] for clause in audit["clauses"]}


def test_deepseek_r1_is_mit_and_passes_osd_but_not_osaid(hub: HubReplay, cli: Any) -> None:
    repo = hub.add(fixtures_hub.deepseek_r1())
    report = audit_json(cli, "deepseek-ai/DeepSeek-R1")
    assert report["schema_version"] == "1" and report["tool"]["name"] == "openness"
    audit = report["audits"][0]
    assert audit["model"]["source"] == "hub" and audit["model"]["revision"] == repo.sha
    license = audit["license"]
    assert (license["declared"], license["conclusion"], license["spdx_id"]) == ("mit", "mit", "MIT")
    assert license["osi_approved"] is True and license["conflicts"] == []
    assert {"path": "LICENSE", "identified": "mit"}.items() <= license["files"][0].items()
    assert audit["rubrics"]["osd"]["verdict"] == "pass"
    assert audit["rubrics"]["osaid"]["verdict"] != "pass"
    for criterion in audit["rubrics"]["osaid"]["criteria"]:
        assert criterion["reason"]
    assert audit["clauses"] == []
    mof = audit["rubrics"]["mof"]
    assert mof["class"] is None and mof["progress"]["3"] > 0
    status = {c["name"]: c["status"] for c in mof["components"]}
    assert status["Model parameters (Final)"] == "included"
    assert status["Research paper"] == "unknown"


def test_llama31_fails_osd_5_and_6_with_line_evidence(hub: HubReplay, cli: Any) -> None:
    hub.add(fixtures_hub.llama31())
    audit = audit_json(cli, "meta-llama/Llama-3.1-8B")["audits"][0]
    assert audit["model"]["gated"] == "manual"
    assert audit["rubrics"]["osd"]["verdict"] == "fail"
    status = criteria(audit, "osd")
    assert status["osd-5"] == status["osd-6"] == "not_met"
    found = clauses(audit)
    for kind in ("user-threshold", "acceptable-use-policy", "attribution-requirement"):
        assert found[kind]["source"] in {"LICENSE", "USE_POLICY.md"}
        assert isinstance(found[kind]["line"], int) and 0 < len(found[kind]["quote"]) <= 200
    assert "700 million" in found["user-threshold"]["quote"]
    assert audit["license"]["conclusion"] == "llama3.1"


def test_no_license_anywhere_passes_nothing(hub: HubReplay, cli: Any) -> None:
    hub.add(fixtures_hub.no_license())
    audit = audit_json(cli, fixtures_hub.no_license().repo_id)["audits"][0]
    assert audit["license"]["conclusion"] is None and audit["license"]["osi_approved"] is None
    assert audit["rubrics"]["osd"]["verdict"] != "pass"
    assert audit["rubrics"]["osaid"]["verdict"] != "pass"
    assert audit["rubrics"]["mof"]["class"] is None
    assert "could not be determined" in audit["summary"]


def test_tag_contradicting_license_file_is_a_conflict(hub: HubReplay, cli: Any) -> None:
    repo = hub.add(fixtures_hub.contradicting())
    audit = audit_json(cli, repo.repo_id)["audits"][0]
    assert audit["license"]["conflicts"]
    assert any("Llama 3.1" in conflict for conflict in audit["license"]["conflicts"])
    assert audit["license"]["conclusion"] == "llama3.1"
    assert audit["rubrics"]["osd"]["verdict"] != "pass"


def test_keyword_only_licenses_use_the_profile(hub: HubReplay, cli: Any) -> None:
    gemma, rail = hub.add(fixtures_hub.gemma()), hub.add(fixtures_hub.rail())
    first, second = audit_json(cli, gemma.repo_id, rail.repo_id)["audits"]
    assert first["license"]["conclusion"] == "gemma"
    assert first["rubrics"]["osd"]["verdict"] == "fail"
    assert clauses(first)["acceptable-use-policy"]["source"] == "profile:gemma"
    assert second["license"]["conclusion"] == "bigscience-bloom-rail-1.0"
    assert second["license"]["osi_approved"] is False
    assert second["rubrics"]["osd"]["verdict"] == "fail"


def test_open_release_with_code_and_data_information(hub: HubReplay, cli: Any) -> None:
    repo = hub.add(fixtures_hub.apache_open())
    audit = audit_json(cli, repo.repo_id)["audits"][0]
    assert audit["license"]["conclusion"] == "apache-2.0"
    assert audit["rubrics"]["osd"]["verdict"] == "pass"
    status = criteria(audit, "osaid")
    assert status["osaid-parameters"] == status["osaid-data-information"] == "met"
    mof = {c["name"]: c for c in audit["rubrics"]["mof"]["components"]}
    assert mof["Model parameters (Final)"]["status"] == "included"
    assert mof["Model parameters (Final)"]["licence"] == "Apache-2.0"
    assert mof["Datasets"]["status"] == "unknown"  # named, but their licence is not on the Hub
    assert mof["Evaluation results"]["status"] == "included"


def test_gated_download_refused_leaves_the_license_unknown(hub: HubReplay, cli: Any) -> None:
    repo = hub.add(fixtures_hub.gated_refused())
    audit = audit_json(cli, repo.repo_id)["audits"][0]
    assert any("HF_TOKEN" in warning and "gated" in warning for warning in audit["warnings"])
    # the card's llama3.2 binds, but the unread LICENSE may add terms: no conclusion
    assert audit["license"]["conclusion"] is None
    assert "LICENSE.txt" in [entry["path"] for entry in audit["license"]["unread"]]
    assert clauses(audit)["user-threshold"]["source"] == "profile:llama3.2"
    assert audit["rubrics"]["osd"]["verdict"] == "fail"


def test_missing_repo_exits_3_with_one_line(hub: HubReplay, cli: Any) -> None:
    result = cli("audit", "nobody/nothing", "--format", "json")
    assert result.exit_code == 3
    assert result.stderr.count("\n") == 1 and "nobody/nothing" in result.stderr
    assert result.json()["errors"][0]["exit_code"] == 3


def test_several_models_run_in_order_and_exit_with_the_worst(hub: HubReplay, cli: Any) -> None:
    hub.add(fixtures_hub.deepseek_r1())
    report = audit_json(cli, "nobody/nothing", "deepseek-ai/DeepSeek-R1", "bad//id", expect=3)
    assert [audit["model"]["id"] for audit in report["audits"]] == ["deepseek-ai/DeepSeek-R1"]
    assert [error["exit_code"] for error in report["errors"]] == [3, 2]


def test_second_audit_of_a_revision_downloads_nothing(hub: HubReplay, cli: Any) -> None:
    hub.add(fixtures_hub.llama31())
    audit_json(cli, "meta-llama/Llama-3.1-8B")
    hub.requests.clear()
    audit_json(cli, "meta-llama/Llama-3.1-8B")
    assert [request.method for request in hub.requests] == ["GET"]
    assert hub.requests[0].path.startswith("/api/models/")


def test_offline_audit_uses_cache_with_its_age(hub: HubReplay, cli: Any) -> None:
    hub.add(fixtures_hub.llama31())
    online = audit_json(cli, "meta-llama/Llama-3.1-8B")["audits"][0]
    hub.requests.clear()
    offline = audit_json(cli, "meta-llama/Llama-3.1-8B", "--offline")["audits"][0]
    assert hub.requests == []
    assert offline["model"]["source"] == "cache"
    assert offline["model"]["retrieved_at"] == online["model"]["retrieved_at"]
    assert offline["model"]["gated"] == "manual"
    assert offline["clauses"] == online["clauses"]
    assert offline["rubrics"] == online["rubrics"]


def test_unreachable_hub_falls_back_to_snapshot(hub: HubReplay, cli: Any) -> None:
    hub.inject(rate_limited("/api/models/", retry_after=0))
    audit = audit_json(cli, "deepseek-ai/DeepSeek-R1")["audits"][0]
    assert audit["model"]["source"] == "snapshot"
    assert any("429" in warning for warning in audit["warnings"])
    assert any(warning.startswith("source: snapshot as of") for warning in audit["warnings"])
    assert audit["license"]["conclusion"] == "mit"


def test_token_is_sent_but_never_printed(hub: HubReplay, cli: Any, monkeypatch: Any) -> None:
    secret = fixtures_hub.APPROVED_TOKEN
    monkeypatch.setenv("HF_TOKEN", secret)
    repo = hub.add(fixtures_hub.gated_refused())
    for output_format in ("json", "table"):
        result = cli("audit", repo.repo_id, "nobody/nothing", "--format", output_format)
        assert secret not in result.stdout + result.stderr
    assert any(request.token == secret for request in hub.requests)


def test_author_audits_an_organisation_without_per_model_metadata_calls(
    hub: HubReplay, cli: Any
) -> None:
    from hubreplay import FakeRepo

    mit = fixtures_hub.license("mit")
    for name in ("one", "two", "three"):
        hub.add(FakeRepo(f"acme/{name}", card_data={"license": "mit"}, files={"LICENSE": mit}))
    hub.add(FakeRepo("other/four", card_data={"license": "mit"}))
    report = audit_json(cli, "--author", "acme", "--jobs", "3")
    assert sorted(a["model"]["id"] for a in report["audits"]) == [
        "acme/one",
        "acme/three",
        "acme/two",
    ]
    assert all(a["license"]["conclusion"] == "mit" for a in report["audits"])
    assert [r.path for r in hub.requests if r.path.startswith("/api/models/")] == []
    assert cli("audit", "--author", "acme", "--offline").exit_code == 2


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


SNAPSHOT_MODELS = ["deepseek-ai/DeepSeek-R1", "meta-llama/Llama-3.1-8B", "google/gemma-2-9b"]


def test_unreachable_hub_turns_the_run_offline_at_once(
    cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{_closed_port()}")
    start = time.monotonic()
    result = cli("audit", *SNAPSHOT_MODELS, "--format", "json", "--jobs", "1")
    assert time.monotonic() - start < 5  # no back-off on a refused connection
    assert result.exit_code == 0, result.stderr
    assert result.stderr.count("the rest of this run is audited offline") == 1
    assert "--offline" in result.stderr
    for model in SNAPSHOT_MODELS:
        assert f"note: {model} audited from the bundled snapshot" in result.stderr
    audits = result.json()["audits"]
    assert all(a["model"]["source"] == "snapshot" for a in audits)
    later = audits[1]["model"]["sources"][0]
    assert later["kind"] == "snapshot" and "earlier in this run" in later["note"]


def test_silent_hub_costs_one_timeout(cli: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as silent:  # accepts connections (backlog) and never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(16)
        monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{silent.getsockname()[1]}")
        start = time.monotonic()
        result = cli("audit", *SNAPSHOT_MODELS, "--format", "json", "--jobs", "1", "--timeout", "1")
        assert time.monotonic() - start < 3.5
    assert result.exit_code == 0, result.stderr
    assert result.stderr.count("no answer within 1 s; the rest of this run") == 1


def test_sources_say_where_and_when(hub: HubReplay, cli: Any) -> None:
    hub.add(fixtures_hub.deepseek_r1())
    audit = audit_json(cli, "deepseek-ai/DeepSeek-R1")["audits"][0]
    (source,) = audit["model"]["sources"]
    assert source["kind"] == "hub" and source["location"] == hub.endpoint
    assert source["as_of"] == audit["model"]["retrieved_at"] and source["facts"] == "observed"
    offline = audit_json(cli, "google/gemma-2-9b", "--offline")["audits"][0]
    source, *pages = offline["model"]["sources"]
    assert source["kind"] == "snapshot" and source["as_of"].startswith("2026-07-24")
    assert pages and all(page["location"].startswith("https://") for page in pages)
