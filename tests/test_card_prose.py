"""The card's own words: lineage and licence statements in the prose of a model card."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import fixtures_hub
import pytest
from hubreplay import HubReplay

from openness.lineage_card import read_card
from openness.sources.evidence import Evidence

# The licence section of the DeepSeek-R1 family's cards (shared by every distilled model).
CARD = """\
---
license: mit
library_name: transformers
---
# DeepSeek-R1

DeepSeek-R1-Zero & DeepSeek-R1 are trained based on DeepSeek-V3-Base.
DeepSeek-R1-Distill models are fine-tuned based on open-source models.

## 7. License
This code repository and the model weights are licensed under the MIT License.
- DeepSeek-R1-Distill-Qwen-1.5B, DeepSeek-R1-Distill-Qwen-7B are derived from [Qwen-2.5 series](https://github.com/QwenLM/Qwen2.5), which are originally licensed under [Apache 2.0 License](https://huggingface.co/Qwen/Qwen2.5-1.5B/blob/main/LICENSE).
- DeepSeek-R1-Distill-Llama-8B is derived from Llama3.1-8B-Base and is originally licensed under [llama3.1 license](https://huggingface.co/meta-llama/Llama-3.1-8B/blob/main/LICENSE).
"""  # noqa: E501
LLAMA_LINE = 13


def evidence(repo_id: str, card: str) -> Evidence:
    now = datetime.now(timezone.utc)
    return Evidence(repo_id=repo_id, source="local", retrieved_at=now, card_text=card)


def test_statements_about_this_model_only() -> None:
    llama = read_card(evidence("deepseek-ai/DeepSeek-R1-Distill-Llama-8B", CARD))
    assert {base: c.line for base, c in llama.bases.items()} == {
        "meta-llama/Llama-3.1-8B": LLAMA_LINE
    }
    assert [(lic.resolved and lic.resolved.id, lic.citation.line) for lic in llama.licences] == [
        ("llama3.1", LLAMA_LINE)
    ]
    qwen = read_card(evidence("deepseek-ai/DeepSeek-R1-Distill-Qwen-7B", CARD))
    assert qwen.bases == {}  # "Qwen-2.5 series" names no one repo
    assert [lic.resolved and lic.resolved.id for lic in qwen.licences] == ["apache-2.0"]
    r1 = read_card(evidence("deepseek-ai/DeepSeek-R1", CARD))
    assert r1.bases == {} and r1.licences == []  # its own V3-Base is not the snapshot's V3


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("This model is fine-tuned from meta-llama/Llama-3.1-8B.", "meta-llama/Llama-3.1-8B"),
        ("It is based on [the base](https://huggingface.co/org/base-7b).", "org/base-7b"),
        ("A fine-tuned version of Mistral-7B-v0.1 for chat.", "mistralai/Mistral-7B-v0.1"),
        ("It is based on the transformer architecture.", None),
        ("Fine-tuned from ./checkpoints/run-1 on our data.", None),
        ("Fine-tuned from /home/me/llama-7b.", None),
        ("Results based on 1/2 of the data.", None),
        ("Derived from Llama-2 models.", None),  # a family, not one repo
        ("Other-Model-3B is derived from meta-llama/Llama-3.1-8B.", None),  # another subject
    ],
)
def test_only_unambiguous_names_become_hub_ids(line: str, expected: str | None) -> None:
    found = read_card(evidence("acme/chat-7b", f"# Card\n{line}\n")).bases
    assert list(found) == ([expected] if expected else [])


def test_r1_distill_from_a_folder_inherits_the_llama_terms(
    hub: HubReplay, cli: Any, tmp_path: Path, hf_env: Any
) -> None:
    hub.add(fixtures_hub.llama31())
    folder = tmp_path / "DeepSeek-R1-Distill-Llama-8B"
    folder.mkdir()
    (folder / "README.md").write_text(CARD, encoding="utf-8")
    (folder / "LICENSE").write_bytes(fixtures_hub.license("deepseek-r1-mit"))
    result = cli("audit", str(folder), "--format", "json")
    assert result.exit_code == 0, result.stderr
    audit = result.json()["audits"][0]
    assert audit["license"]["conclusion"] == "mit"
    keys = ("id", "relation", "depth", "license_conclusion", "osi_approved")
    assert [{key: entry[key] for key in keys} for entry in audit["lineage"]] == [
        {"id": "meta-llama/Llama-3.1-8B", "relation": "card", "depth": 1,
         "license_conclusion": "llama3.1", "osi_approved": False}
    ]  # fmt: skip
    where = f"README.md:{LLAMA_LINE}"
    assert any(where in c and "Llama 3.1" in c for c in audit["license"]["conflicts"])
    assert any(where in w for w in audit["warnings"])
    inherited = {c["kind"] for c in audit["clauses"] if c["inherited_from"]}
    assert "acceptable-use-policy" in inherited
    assert audit["rubrics"]["osd"]["verdict"] == "fail"
    assert "conflicts" in audit["summary"] and "meta-llama/Llama-3.1-8B" in audit["summary"]


def test_the_bundled_distill_model_shows_its_llama_lineage_from_its_card(cli: Any) -> None:
    model = "deepseek-ai/DeepSeek-R1-Distill-Llama-8B"
    result = cli("audit", model, "--offline", "--format", "json")
    assert result.exit_code == 0, result.stderr
    [audit] = result.json()["audits"]
    assert [entry["id"] for entry in audit["lineage"]] == ["meta-llama/Llama-3.1-8B"]
    assert any("README.md:260" in conflict and "Llama 3.1" in conflict
               for conflict in audit["license"]["conflicts"])  # fmt: skip
    assert "user-threshold" in {clause["kind"] for clause in audit["clauses"]}
    assert audit["rubrics"]["osd"]["verdict"] == "fail"
    assert any("card lines quoted" in warning for warning in audit["warnings"])
