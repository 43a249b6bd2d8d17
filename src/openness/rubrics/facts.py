"""Tri-state facts about a release that the rubrics are written against."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

from openness.report import Citation, DatasetEntry
from openness.rubrics import compute, release
from openness.rubrics.fact import Fact as Fact
from openness.rubrics.fact import concluded, line_of
from openness.rubrics.fact import files_complete as files_complete
from openness.sources.card import key_line, split_front_matter
from openness.sources.dataset_terms import summary
from openness.sources.evidence import Evidence

if TYPE_CHECKING:
    from openness.license.analysis import LicenseAnalysis

WEIGHT_SUFFIXES = {
    ".safetensors", ".bin", ".pt", ".pth", ".ckpt", ".gguf", ".ggml", ".onnx", ".h5",
    ".msgpack", ".tflite", ".mlmodel", ".pdparams", ".nemo", ".npz",
}  # fmt: skip
# Suffix-less shards inside a checkpoint folder: `ckpt-0/tensor00000_000`, `checkpoint/shard_3`.
_SHARD = re.compile(r"(^|/)(ckpt|checkpoints?)[^/]*/(?:[^/]+/)*[^/.\d]*\d[^/.]*$", re.IGNORECASE)
CODE = re.compile(r"\.(py|ipynb|sh|cu|cpp|rs|js|ts)$", re.IGNORECASE)
_TRAINING_CODE = re.compile(r"(^|/)(train|finetune|fine_tune|pretrain)[^/]*$", re.IGNORECASE)
# `[^\n]*`, not `\s*.*`: two runs that both take spaces (or cross lines) make a long line quadratic.
_DATA_HEADING = re.compile(r"^#{1,4}[^\n]*\b(training data|datasets?|data)\b", re.IGNORECASE | re.M)
_CODE_LINK = re.compile(r"https?://(?:github\.com|gitlab\.com)/[\w.-]+/[\w.-]+", re.IGNORECASE)


def compute_facts(
    evidence: Evidence, license: LicenseAnalysis, datasets: list[DatasetEntry] | None = None
) -> dict[str, Fact]:
    """Every fact a rubric may name (`FACTS`); with the named datasets looked up, the
    data-information fact also says what the Hub answered about them."""
    facts = {name: compute(evidence, license) for name, compute in FACTS.items()}
    if datasets:
        facts["data_information_published"] = with_datasets(
            facts["data_information_published"], datasets
        )
    return facts


def with_datasets(fact: Fact, datasets: list[DatasetEntry]) -> Fact:
    """The fact with the datasets' lookup as evidence (`all 3 named datasets are public under
    CC-BY-4.0`, `1 of 4 is gated`); its value is unchanged, so an unknown stays unknown."""
    said = summary(datasets)
    if said is None:
        return fact
    cited = Citation(source="hub:datasets", quote=said)
    return Fact(fact.value, f"{fact.reason}; {said}", [*fact.evidence, cited])


def _osi_approved(license: LicenseAnalysis) -> Fact:
    found = concluded(license)
    if isinstance(found, Fact):
        return found
    conclusion, cited = found
    if conclusion.osi_approved is None:
        return Fact(None, f"whether {conclusion.name} is OSI-approved is not known", cited)
    if conclusion.osi_approved:
        return Fact(True, f"{conclusion.name} is OSI-approved", cited)
    return Fact(False, f"{conclusion.name} is not an OSI-approved licence", cited)


def _consistent(license: LicenseAnalysis) -> Fact:
    if license.report.conflicts:
        return Fact(False, "licence evidence conflicts: " + "; ".join(license.report.conflicts))
    if license.lineage_gaps:
        return Fact(None, "the base models' terms are not all known: " + license.lineage_gaps[0])
    return Fact(True, "no conflicting licence evidence found")


def is_weight_file(path: str) -> bool:
    return PurePosixPath(path).suffix.lower() in WEIGHT_SUFFIXES or bool(_SHARD.search(path))


def is_training_code(path: str) -> bool:
    return bool(CODE.search(path) and _TRAINING_CODE.search(path))


def _partial(evidence: Evidence) -> str:
    if evidence.files is None:
        return "the repo's file list is not known"
    return "the file list is partial"


def _weights(evidence: Evidence) -> Fact:
    for file in evidence.files or []:
        if is_weight_file(file.path):
            return Fact(True, "weight files are published", [Citation(source=file.path)])
    declared = next(iter(evidence.weights_declared.items()), None)
    if declared:
        where, what = declared
        cited = Citation(source=where, quote=what[:200])
        return Fact(True, f"weights are published ({where}: {what[:80]})", [cited])
    if not files_complete(evidence):
        return Fact(None, f"{_partial(evidence)} and names no weight files")
    return Fact(False, "no weight files in the repo's complete file list")


def _training_code(evidence: Evidence) -> Fact:
    for file in evidence.files or []:
        if is_training_code(file.path):
            return Fact(True, "training code is in the repo", [Citation(source=file.path)])
    link = _CODE_LINK.search(evidence.card_text or "")
    if link:
        return Fact(
            None,
            "the card links to a code repository whose contents and licence were not checked",
            [Citation(source="README.md", line=line_of(evidence.card_text, link.start()),
                      quote=link.group(0)[:200])],
        )  # fmt: skip
    return Fact(None, "no training code found in the repo or linked from the card")


def _data_information(evidence: Evidence) -> Fact:
    datasets = evidence.datasets
    _, body = split_front_matter(evidence.card_text or "")
    heading = _DATA_HEADING.search(body)
    if datasets and heading:
        offset = len(evidence.card_text or "") - len(body)
        heading_line = line_of(evidence.card_text, offset + heading.start())
        listed = Citation(
            source="card:datasets",
            line=key_line(evidence.card_text, "datasets"),
            quote=", ".join(datasets)[:200],
        )
        section = Citation(source="README.md", line=heading_line, quote=heading.group(0).strip())
        return Fact(
            True,
            "training datasets are named and the card describes the training data",
            [listed, section],
        )
    if datasets:
        return Fact(None, "datasets are named but the card does not describe the training data")
    return Fact(None, "no training-data information found (datasets or a data section)")


FACTS: dict[str, Callable[[Evidence, LicenseAnalysis], Fact]] = {
    "license_osi_approved": lambda evidence, license: _osi_approved(license),
    "license_consistent": lambda evidence, license: _consistent(license),
    "weights_present": lambda evidence, license: _weights(evidence),
    "training_code_published": lambda evidence, license: _training_code(evidence),
    "data_information_published": lambda evidence, license: _data_information(evidence),
    "license_grants_rights": lambda evidence, license: release.grants_rights(license),
    "released_free_of_charge": lambda evidence, license: release.free_of_charge(evidence),
    "architecture_published": lambda evidence, license: release.architecture(evidence),
    "usage_information_published": lambda evidence, license: release.usage_information(evidence),
    "deployment_code_published": lambda evidence, license: release.deployment_code(evidence),
    "training_data_open": lambda evidence, license: release.training_data_open(evidence),
    "below_systemic_risk": lambda evidence, license: compute.below_systemic_risk(evidence),
}
"""The facts a rubric may name, and how each is computed."""
