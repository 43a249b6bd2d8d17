"""`openness compare`: side by side, differences flagged, three formats."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.usefixtures("hf_env")
MODELS = ("meta-llama/Llama-3.1-8B", "deepseek-ai/DeepSeek-R1")


def test_llama_versus_r1_offline(cli: Any) -> None:
    result = cli("compare", *MODELS, "--offline", "--format", "json")
    assert result.exit_code == 0, result.stderr
    report = result.json()
    rows = {row["key"]: row["values"] for row in report["rows"]}
    for kind in ("user-threshold", "acceptable-use-policy", "attribution-requirement"):
        assert rows[f"clause:{kind}"] == ["present", "absent"]
        assert f"clause:{kind}" in report["differences"]
    assert rows["osi_approved"] == ["no", "yes"]
    assert rows["osd-5"] == ["not_met", "met"]
    assert "clause:non-commercial" not in report["differences"]
    assert [audit["model"]["id"] for audit in report["audits"]] == list(MODELS)


def test_only_differences_and_markdown(cli: Any) -> None:
    everything = cli("compare", *MODELS, "--offline", "-f", "markdown").stdout
    differences = cli("compare", *MODELS, "--offline", "-f", "markdown", "--only-differences")
    assert differences.stdout.startswith("| | meta-llama/Llama-3.1-8B |")
    assert "clause: non-commercial" in everything
    assert "clause: non-commercial" not in differences.stdout
    assert "clause: user-threshold | present | absent |" in differences.stdout


def test_compare_needs_two_models_and_reports_missing_ones(cli: Any) -> None:
    assert cli("compare", MODELS[0], "--offline").exit_code == 2
    result = cli("compare", MODELS[0], "nobody/nothing", "--offline", "-f", "json")
    assert result.exit_code == 3 and result.json()["errors"][0]["model"] == "nobody/nothing"
