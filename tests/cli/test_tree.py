"""`openness tree`: offline on the snapshot's models, as a table and as JSON."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture(autouse=True)
def offline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")


def test_tree_offline_on_the_snapshot(cli: Any) -> None:
    result = cli("tree", "deepseek-ai/DeepSeek-R1-Distill-Llama-8B", "--offline")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("● deepseek-ai/DeepSeek-R1-Distill-Llama-8B  mit")
    assert "OSD fail" in lines[0]
    assert any("meta-llama/Llama-3.1-8B  llama3.1" in line and "incompatible" in line
               for line in lines)  # fmt: skip
    assert "Notices" in result.stdout and "name-prefix" in result.stdout


def test_tree_json_offline(cli: Any) -> None:
    result = cli(
        "tree", "nvidia/Llama-3.1-Nemotron-70B-Instruct-HF", "meta-llama/Llama-3.1-8B",
        "--offline", "--format", "json",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    document = result.json()
    assert document["schema_version"] == "1" and document["errors"] == []
    nemotron, llama = document["trees"]
    assert nemotron["license"] == "llama3.1" and nemotron["verdicts"]["osd"] == "fail"
    (parent,) = nemotron["parents"]
    assert parent["id"] == "meta-llama/Llama-3.1-70B-Instruct"
    assert parent["license"] is None  # not in the snapshot: unknown, never compatible
    assert parent["compatibility"]["verdict"] == "unknown"
    assert llama["parents"] == [] and llama["not_followed"] == []
    assert [n["id"] for n in llama["notices"]] == ["licence-text"]


def test_tree_names_a_model_it_cannot_find(cli: Any) -> None:
    result = cli("tree", "nobody/nothing-here", "--offline")
    assert result.exit_code == 3
    assert "nobody/nothing-here" in result.stdout + result.stderr
