"""Map a Hub repo's evidence onto the 17 MOF components, as a MOT-style YAML draft."""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from typing import Any

from openness.license.analysis import LicenceAnalysis
from openness.rubrics.facts import WEIGHT_SUFFIXES
from openness.rubrics.mof import MofResult, evaluate_mof
from openness.sources.evidence import Evidence

# The string written for a component whose licence the Hub cannot tell us.
UNDETERMINED = "NOASSERTION"
_CODE = re.compile(r"\.(py|ipynb|sh|cu|cpp|rs|js|ts)$", re.IGNORECASE)
_ROLE = {
    "Training code": re.compile(r"(^|/)(train|finetune|fine_tune|pretrain)[^/]*$", re.I),
    "Evaluation code": re.compile(r"(^|/)(eval|evaluate|benchmark)[^/]*$", re.I),
    "Data preprocessing code": re.compile(r"(^|/)(preprocess|prepare_data|tokeni[sz]e_data)", re.I),
    "Inference code": re.compile(r"(^|/)(infer|inference|generate|predict|run|demo)[^/]*$", re.I),
}  # fmt: skip
_CHECKPOINT = re.compile(r"(^|/)(checkpoint|step|ckpt)[-_]?\d+", re.IGNORECASE)
_DATA_SECTION = re.compile(r"^#{1,4}[^\n]*\b(training data|datasets?)\b", re.IGNORECASE | re.M)


def _licence_id(licence: LicenceAnalysis) -> str | None:
    conclusion = licence.conclusion
    if conclusion is None:
        return None
    return conclusion.spdx_id or conclusion.id


def _found(evidence: Evidence) -> dict[str, tuple[str, bool]]:
    """Component name -> (what showed it, whether its licence is the repo's licence)."""
    files = [file.path for file in evidence.files or []]
    found: dict[str, tuple[str, bool]] = {}
    weights = [f for f in files if PurePosixPath(f).suffix.lower() in WEIGHT_SUFFIXES]
    if weights:
        found["Model parameters (Final)"] = (weights[0], True)
    code = [f for f in files if _CODE.search(f)]
    if "config.json" in files or code:
        found["Model architecture"] = ("config.json" if "config.json" in files else code[0], True)
    if "config.json" in files:
        found["Model metadata"] = ("config.json", True)
    if evidence.card_text is not None or "README.md" in files:
        found["Model card"] = ("README.md", True)
    if evidence.card_data.get("model-index") or evidence.card_data.get("eval_results"):
        found["Evaluation results"] = ("card:model-index", True)
    if _DATA_SECTION.search(evidence.card_text or ""):
        found["Data card"] = ("README.md training-data section", True)
    for name, pattern in _ROLE.items():
        match = next((f for f in code if pattern.search(f)), None)
        if match:
            found[name] = (match, True)
    checkpoints = [f for f in files if _CHECKPOINT.search(f)]
    if checkpoints:
        found["Model parameters (Intermediate)"] = (checkpoints[0], True)
    if evidence.datasets:
        found["Datasets"] = ("card:datasets " + ", ".join(evidence.datasets)[:150], False)
    if evidence.arxiv_ids:
        found["Research paper"] = ("arxiv:" + ", ".join(evidence.arxiv_ids), False)
    return found


def mof_release(evidence: Evidence, licence: LicenceAnalysis) -> dict[str, Any]:
    """A MOF YAML document (MOT's schema) drafted from the evidence."""
    licence_id = _licence_id(licence) or UNDETERMINED
    components = [
        {
            "name": name,
            "description": f"found: {what}",
            "license": licence_id if repo_licensed else UNDETERMINED,
        }
        for name, (what, repo_licensed) in _found(evidence).items()
    ]
    return {
        "framework": {"name": "Model Openness Framework", "version": "1.0", "date": "2024-12-15"},
        "release": {
            "name": evidence.repo_id.split("/")[-1],
            "producer": evidence.repo_id.split("/")[0] if "/" in evidence.repo_id else None,
            "huggingface": f"https://huggingface.co/{evidence.repo_id}",
            "license": {"distribution": {"name": licence_id}},
            "components": components,
        },
    }


def evaluate_evidence(evidence: Evidence, licence: LicenceAnalysis) -> MofResult:
    """MOF class and components; a component whose licence is undetermined is `unknown`."""
    found = _found(evidence)
    complete = evidence.files is not None and evidence.source != "snapshot"
    result = evaluate_mof(mof_release(evidence, licence), normalise=True)
    components = []
    for component in result.components:
        what = found.get(component.name)
        update: dict[str, Any] = {"evidence": what[0] if what else None}
        if component.licence == UNDETERMINED or (what and _licence_id(licence) is None):
            update |= {"status": "unknown", "reason": "present, licence not determinable"}
        elif component.status == "missing" and not complete:
            update |= {"status": "unknown", "reason": "the repo's file list is incomplete"}
        elif component.status == "missing":
            update["reason"] = "not found in the repo or its metadata"
        components.append(component.model_copy(update=update))
    return result.model_copy(update={"components": components, "name": evidence.repo_id})
