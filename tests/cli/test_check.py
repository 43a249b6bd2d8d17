"""`openness check`: policies, presets, waivers and exit codes."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import fixtures_hub
import pytest
from hubreplay import HubReplay

pytestmark = pytest.mark.usefixtures("hf_env")
LLAMA, R1 = "meta-llama/Llama-3.1-8B", "deepseek-ai/DeepSeek-R1"


def rules(report: dict[str, Any], index: int = 0) -> dict[str, str]:
    result = report["policy"]["results"][index]
    return {v["rule"]: v["message"] for v in result["violations"] if v["severity"] == "fail"}


def test_osi_preset_fails_llama_and_passes_r1(cli: Any) -> None:
    failed = cli("check", LLAMA, "--preset", "osi", "--offline", "-f", "json")
    assert failed.exit_code == 1
    found = rules(failed.json())
    assert "osd-5" in found["rubric-osd"] and "osd-6" in found["rubric-osd"]
    assert {"clause-user-threshold", "clause-acceptable-use-policy"} <= set(found)
    assert "policy failed: meta-llama/Llama-3.1-8B" in failed.stderr
    passed = cli("check", R1, "--preset", "osi", "--offline", "-f", "json")
    assert passed.exit_code == 0 and passed.json()["policy"]["passed"] is True


def test_waiver_pinned_to_license_text(hub: HubReplay, cli: Any, tmp_path: Path) -> None:
    hub.add(fixtures_hub.llama31())
    audit = cli("audit", LLAMA, "-f", "json").json()["audits"][0]
    digest = next(f["sha256"] for f in audit["license"]["files"] if f["path"] == "LICENSE")
    policy = tmp_path / "policy.yml"
    policy.write_text(
        "licenses: {require_osi_approved: true}\nclauses: {fail: [user-threshold]}\n"
        f"waivers:\n  - model: {LLAMA}\n    reason: legal ok\n    license_sha256: {digest}\n",
        encoding="utf-8",
    )
    waived = cli("check", LLAMA, "--policy", str(policy), "-f", "json")
    assert waived.exit_code == 0, waived.stderr
    assert waived.json()["policy"]["results"][0]["waived_by"] == "legal ok"

    changed = fixtures_hub.llama31()
    license = changed.files["LICENSE"] + b"\nNew term: no use on Tuesdays.\n"
    hub.add(dataclasses.replace(changed, sha="b" * 40, files={**changed.files, "LICENSE": license}))
    stale = cli("check", LLAMA, "--policy", str(policy), "-f", "json")
    assert stale.exit_code == 1
    notes = [v["message"] for v in stale.json()["policy"]["results"][0]["violations"]]
    assert any("no longer applies" in note for note in notes)


def test_expired_waiver_does_not_apply(cli: Any, tmp_path: Path) -> None:
    policy = tmp_path / "p.yml"
    policy.write_text(
        f"licenses: {{require_osi_approved: true}}\nwaivers:\n  - model: {LLAMA}\n"
        "    reason: temporary\n    expires: 2020-01-01\n",
        encoding="utf-8",
    )
    result = cli("check", LLAMA, "--policy", str(policy), "--offline", "-f", "json")
    assert result.exit_code == 1 and "expired" in result.stdout


@pytest.mark.parametrize(
    ("text", "expected"),
    [("clauses:\n  fail: [user-treshold]\n", "p.yml:2: clauses.fail"),
     ("licenses:\n  alow: [mit]\n", "p.yml:2: licenses.alow"),
     ("gated: [\n", "p.yml:2: not valid YAML")],
)  # fmt: skip
def test_bad_policy_files_name_the_line(cli: Any, tmp_path: Path, text: str, expected: str) -> None:
    (tmp_path / "p.yml").write_text(text, encoding="utf-8")
    result = cli("check", R1, "--policy", str(tmp_path / "p.yml"), "--offline")
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and expected in result.stderr.replace(
        str(tmp_path) + "/", ""
    )


def test_policy_file_from_working_directory_and_models_list(
    cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert cli("check", R1, "--offline").exit_code == 2  # no policy anywhere
    (tmp_path / ".openness.yml").write_text("rubrics: {osd: pass}\n", encoding="utf-8")
    (tmp_path / "models.txt").write_text(f"# models we ship\n{R1}\n\n{LLAMA}  # chat\n")
    result = cli("check", "--from-file", "models.txt", "--offline", "-f", "json")
    assert result.exit_code == 1
    outcome = result.json()["policy"]
    assert outcome["source"] == ".openness.yml"
    assert [r["passed"] for r in outcome["results"]] == [True, False]


def test_unobtainable_models_fail_unless_told_to_warn(cli: Any) -> None:
    args = ("check", R1, "nobody/nothing", "--preset", "osi", "--offline")
    assert cli(*args).exit_code == 3
    assert cli(*args, "--unknown", "warn").exit_code == 0


def test_scan_gates_code_references_and_sarif_points_at_them(cli: Any, tmp_path: Path) -> None:
    import json

    code = tmp_path / "app.py"
    code.write_text(
        "from transformers import AutoModel\n"
        f'good = AutoModel.from_pretrained("{R1}")\n'
        f'bad = AutoModel.from_pretrained("{LLAMA}")\n',
        encoding="utf-8",
    )
    result = cli("check", "--scan", str(tmp_path), "--preset", "osi", "--offline", "-f", "sarif")
    assert result.exit_code == 1
    sarif = json.loads(result.stdout)
    located = {
        (r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"])
        for r in sarif["runs"][0]["results"]
        if r["ruleId"].startswith("policy/")
    }
    assert ("policy/rubric-osd", 3) in located
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            for r in sarif["runs"][0]["results"]}  # fmt: skip
    assert all(uri.endswith("app.py") for uri in uris)
    # a file given as an argument is scanned too (the pre-commit hook passes changed files)
    assert cli("check", str(code), "--preset", "osi", "--offline").exit_code == 1


@pytest.mark.parametrize(
    "output_format", ["table", "json", "markdown", "sarif", "cyclonedx", "mof"]
)
def test_every_format_renders_a_check(cli: Any, output_format: str) -> None:
    result = cli("check", LLAMA, R1, "--preset", "osi", "--offline", "-f", output_format)
    assert result.exit_code == 1 and "Llama-3.1-8B" in result.stdout
    if output_format == "markdown":
        assert "Policy preset:osi: failed" in result.stdout and "`rubric-osd`" in result.stdout


def test_compare_offers_the_per_model_formats(cli: Any) -> None:
    result = cli("compare", LLAMA, R1, "--offline", "-f", "cyclonedx")
    assert result.exit_code == 0 and '"machine-learning-model"' in result.stdout
