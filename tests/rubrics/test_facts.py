"""Tri-state facts: only a complete file list rules weights out; OSAID and MOF read the same
facts; the model's own paper is told apart from the papers its card cites."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from openness.audit import audit_evidence
from openness.inputs.target import Target
from openness.license.analysis import analyse
from openness.report import Audit
from openness.rubrics.facts import FACTS, is_weight_file
from openness.rubrics.papers import papers
from openness.sources import local
from openness.sources.evidence import Evidence, RepoFile
from openness.sources.metadata import evidence_from

SHA = "a" * 40


def _evidence(files: list[str] | None, complete: bool | None, **extra: Any) -> Evidence:
    return Evidence(
        repo_id="acme/model",
        source="hub",
        retrieved_at=datetime.now(timezone.utc),
        card_data={"license": "apache-2.0"},
        files=None if files is None else [RepoFile(path=path) for path in files],
        files_complete=complete,
        **extra,
    )


def _osaid(audit: Audit, criterion: str) -> Any:
    return next(c for c in audit.rubrics.osaid.criteria if c.id == criterion)


def _mof(audit: Audit, component: str) -> Any:
    return next(c for c in audit.rubrics.mof.components if c.name == component)


@pytest.mark.parametrize(
    ("complete", "status", "component"),
    [(True, "not_met", "missing"), (False, "unknown", "unknown"), (None, "unknown", "unknown")],
)
def test_only_a_complete_list_rules_weights_out(
    complete: bool | None, status: str, component: str
) -> None:
    audit = audit_evidence(_evidence(["README.md", "config.json"], complete))
    study, weights = _osaid(audit, "osaid-study"), _mof(audit, "Model parameters (Final)")
    assert (study.status, weights.status) == (status, component)
    if complete is not True:
        assert audit.rubrics.osaid.verdict != "fail"
        assert "partial" in study.reason and weights.reason in study.reason


def test_unknown_file_list_says_so() -> None:
    audit = audit_evidence(_evidence(None, None))
    assert "file list is not known" in _osaid(audit, "osaid-study").reason
    assert _mof(audit, "Model parameters (Final)").status == "unknown"


@pytest.mark.parametrize(
    "path",
    [
        "model.safetensors", "pytorch_model.bin", "consolidated.00.pth", "model.gguf",
        "flax_model.msgpack", "tf_model.h5", "model.onnx", "weights.npz", "model.nemo",
        "ckpt-0/tensor00000_000", "checkpoints/step-100/shard_3",
    ],
)  # fmt: skip
def test_weight_files(path: str) -> None:
    assert is_weight_file(path)


@pytest.mark.parametrize("path", ["ckpt-0/tokenizer.model", "README.md", "checkpoint/NOTES"])
def test_not_weight_files(path: str) -> None:
    assert not is_weight_file(path)


def test_suffixless_shards_are_weights_in_a_complete_list() -> None:
    audit = audit_evidence(
        _evidence([".gitattributes", "README.md", "ckpt-0/tensor00000_000"], True)
    )
    study = _osaid(audit, "osaid-study")
    assert study.status == "met" and study.evidence[0].source == "ckpt-0/tensor00000_000"
    assert _mof(audit, "Model parameters (Final)").status == "included"


def test_hub_safetensors_metadata_shows_weights() -> None:
    info = {  # the Hub's metadata as it answers it
        "id": "acme/model",
        "sha": SHA,
        "tags": [],
        "siblings": [{"rfilename": "README.md"}],
        "safetensors": {"parameters": {"BF16": 7}, "total": 7},
    }
    evidence = evidence_from(info, "acme/model")
    assert evidence.files_complete is True
    assert evidence.weights_declared == {"hub:safetensors": "7 parameters"}
    weights = FACTS["weights_present"](evidence, analyse(evidence))
    assert weights.value is True and weights.evidence[0].source == "hub:safetensors"
    assert _mof(audit_evidence(evidence), "Model parameters (Final)").evidence == "hub:safetensors"


def test_training_code_and_data_are_never_ruled_out_by_absence() -> None:
    audit = audit_evidence(_evidence(["README.md", "model.safetensors"], True))
    assert _osaid(audit, "osaid-code").status == "unknown"
    assert _mof(audit, "Training code").status == "unknown"
    assert _osaid(audit, "osaid-data-information").status == "unknown"
    assert _mof(audit, "Data card").status == "unknown"
    found = audit_evidence(_evidence(["README.md", "scripts/train.sh"], True))
    assert _mof(found, "Training code").evidence == "scripts/train.sh"
    assert _osaid(found, "osaid-code").evidence[0].source == "scripts/train.sh"


def test_local_folder_is_complete_unless_it_is_a_cache_snapshot(tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    cached = tmp_path / "models--acme--model" / "snapshots" / SHA
    for folder in (clone, cached):
        folder.mkdir(parents=True)
        (folder / "README.md").write_text("---\nlicense: mit\n---\n", encoding="utf-8")
    assert local.fetch(Target(repo_id="acme/clone", path=clone)).files_complete is True
    assert local.fetch(Target(repo_id="acme/model", path=cached)).files_complete is False


CARD = """---
license: apache-2.0
---
# Acme-7B

Long contexts use [YaRN](https://arxiv.org/abs/2309.00071).

Training energy: see https://arxiv.org/pdf/2204.05149.

## Citation

```
@misc{acme,
  title = {Acme-7B: a small model},
  eprint = {2501.00001},
}
```
"""


def test_the_models_own_paper_is_its_citation_not_what_it_cites() -> None:
    evidence = _evidence(None, None, card_text=CARD, tags=["arxiv:2309.00071"])
    found = papers(evidence.model_copy(update={"repo_id": "acme/Acme-7B"}))
    assert (found.own, found.title) == ("2501.00001", "Acme-7B: a small model")
    assert found.cited == ["2309.00071", "2204.05149"]


def test_our_paper_marks_the_models_own() -> None:
    card = "# X\n\nDetails are in our paper: https://arxiv.org/abs/2401.01234\n"
    assert papers(_evidence(None, None, card_text=card)).own == "2401.01234"


def test_tags_alone_cannot_tell_the_models_paper() -> None:
    evidence = _evidence(["README.md"], True, tags=["arxiv:2204.05149"])
    found = papers(evidence)
    assert found.own is None and found.cited == ["2204.05149"]
    paper = _mof(audit_evidence(evidence), "Research paper")
    assert paper.status == "unknown" and paper.evidence is None and "2204.05149" in paper.reason
