"""The G7 openness labels: the ladder on given facts, then on replay-Hub repos and the snapshot."""

from __future__ import annotations

from dataclasses import replace

import fixtures_hub
import pytest
from hubreplay import HubReplay

from openness.audit import Auditor
from openness.report import Citation, Clause
from openness.rubrics.fact import Fact
from openness.rubrics.g7 import LABELS, label_of

YES = Fact(True, "shown", [Citation(source="LICENSE", line=1, quote="MIT License")])
NO = Fact(False, "ruled out")
UNKNOWN = Fact(None, "not known")
ALL_YES = dict.fromkeys(
    ("released_free_of_charge", "license_osi_approved", "license_consistent", "weights_present",
     "deployment_code_published", "training_code_published", "training_data_open",
     "data_information_published"),
    YES,
)  # fmt: skip


def facts(**changed: Fact) -> dict[str, Fact]:
    return {**ALL_YES, **changed}


def test_the_labels_are_the_g7_vocabulary_most_open_first() -> None:
    assert list(LABELS) == [
        "Open Source AI with Open Data", "Open Source AI", "Open Weights AI",
        "Weights Available AI",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("changed", "label", "could_be"),
    [({}, "Open Source AI with Open Data", []),
     ({"training_data_open": UNKNOWN}, "Open Source AI", ["Open Source AI with Open Data"]),
     ({"training_data_open": NO}, "Open Source AI", []),
     ({"training_data_open": NO, "data_information_published": NO}, "Open Weights AI", []),
     ({"training_code_published": UNKNOWN}, "Open Weights AI",
      ["Open Source AI with Open Data", "Open Source AI"]),
     ({"license_osi_approved": NO}, "Weights Available AI", []),
     ({"license_osi_approved": NO, "deployment_code_published": UNKNOWN}, "unknown",
      ["Weights Available AI"]),
     ({"license_osi_approved": UNKNOWN}, "unknown", list(LABELS)),
     ({"license_consistent": NO}, "unknown", list(LABELS)),
     ({"weights_present": NO}, "none", []),
     ({"released_free_of_charge": UNKNOWN, "weights_present": NO}, "none", [])],
)  # fmt: skip
def test_the_most_open_label_that_holds(
    changed: dict[str, Fact], label: str, could_be: list[str]
) -> None:
    result = label_of(facts(**changed))
    assert (result.label, result.could_be) == (label, could_be)
    assert result.reason
    assert [c.id for c in result.conditions] == [
        "free", "open-licence", "weights", "deployment-code", "training-code", "training-data",
        "data-information",
    ]  # fmt: skip


def test_every_condition_carries_its_reason_and_evidence() -> None:
    result = label_of(facts(weights_present=NO))
    weights = next(c for c in result.conditions if c.id == "weights")
    assert (weights.value, weights.reason) == (False, "ruled out")
    licence = next(c for c in result.conditions if c.id == "open-licence")
    assert licence.evidence[0].where() == "LICENSE:1"
    assert result.reason == "no label applies: weights released: ruled out"


@pytest.mark.usefixtures("hf_env")
def test_labels_of_replay_hub_repos(hub: HubReplay) -> None:
    open_7b = fixtures_hub.apache_open()
    trained = replace(open_7b, repo_id="openlab/open-7b-trained",
                      files={**open_7b.files, "scripts/train.py": b"print('train')\n"})  # fmt: skip
    repos = [fixtures_hub.deepseek_r1(), fixtures_hub.llama31(), open_7b, trained]
    for repo in repos:
        hub.add(repo)
    labels = {repo.repo_id: Auditor().audit(repo.repo_id).g7 for repo in repos}
    found = {repo_id: (g7.label, g7.could_be[-1:]) for repo_id, g7 in labels.items() if g7}
    assert found == {
        "deepseek-ai/DeepSeek-R1": ("Open Weights AI", ["Open Source AI"]),
        "meta-llama/Llama-3.1-8B": ("Weights Available AI", []),
        "openlab/open-7b": ("Open Weights AI", ["Open Source AI"]),
        "openlab/open-7b-trained": ("Open Source AI", ["Open Source AI with Open Data"]),
    }
    trained_label = labels["openlab/open-7b-trained"]
    assert trained_label is not None
    conditions = {c.id: c for c in trained_label.conditions}
    assert conditions["training-code"].evidence[0].source == "scripts/train.py"
    assert conditions["data-information"].value is True
    assert conditions["training-data"].value is None
    assert "not checked" in conditions["training-data"].reason


def test_a_local_folder_does_not_show_how_it_is_released(tmp_path: object) -> None:
    from pathlib import Path

    folder = Path(str(tmp_path)) / "m"
    folder.mkdir()
    (folder / "README.md").write_text("---\nlicense: mit\n---\n# M\n", encoding="utf-8")
    (folder / "model.safetensors").write_bytes(b"\0")
    g7 = Auditor(offline=True).audit(str(folder)).g7
    assert g7 is not None and g7.label == "unknown"
    free = next(c for c in g7.conditions if c.id == "free")
    assert free.value is None and "local folder" in free.reason


def test_the_summary_names_the_label() -> None:
    summary = Auditor(offline=True).audit("deepseek-ai/DeepSeek-R1").summary
    assert summary.endswith("; G7 label: Open Weights AI (perhaps Open Source AI).")


def test_a_clause_no_open_source_licence_has_rules_the_licence_out() -> None:
    cited = Citation(source="LICENSE", line=3, quote="non-commercial only")
    clause = Clause(kind="non-commercial", summary="nc", evidence=cited)
    result = label_of(facts(license_osi_approved=UNKNOWN), [clause])
    licence = next(c for c in result.conditions if c.id == "open-licence")
    assert licence.value is False and "non-commercial" in licence.reason
    assert licence.evidence[0].where() == "LICENSE:3"
    assert result.label == "Weights Available AI"
