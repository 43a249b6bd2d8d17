"""Map a Hub repo's evidence onto the 17 MOF components, as a MOT-style YAML draft.

`mof_document` is the one builder of that draft: the audit grades it (`rubrics.mof`), and
`--format mof` writes it, so `openness mof` reads back the audit's own class and statuses.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from typing import Any

from openness.license.analysis import LicenseAnalysis
from openness.license.profiles import knowledge_base
from openness.report import MofResult
from openness.rubrics.facts import WEIGHT_SUFFIXES
from openness.rubrics.mof import EXTENSION, UNDETERMINED, evaluate_mof
from openness.rubrics.mof_spec import license_table, mof_spec
from openness.sources.evidence import Evidence

_NOT_IN_REF = re.compile(r"[^A-Za-z0-9.-]")  # what a LicenseRef id may not hold
_CODE = re.compile(r"\.(py|ipynb|sh|cu|cpp|rs|js|ts)$", re.IGNORECASE)
_ROLE = {
    "Training code": re.compile(r"(^|/)(train|finetune|fine_tune|pretrain)[^/]*$", re.I),
    "Evaluation code": re.compile(r"(^|/)(eval|evaluate|benchmark)[^/]*$", re.I),
    "Data preprocessing code": re.compile(r"(^|/)(preprocess|prepare_data|tokeni[sz]e_data)", re.I),
    "Inference code": re.compile(r"(^|/)(infer|inference|generate|predict|run|demo)[^/]*$", re.I),
}  # fmt: skip
_CHECKPOINT = re.compile(r"(^|/)(checkpoint|step|ckpt)[-_]?\d+", re.IGNORECASE)
_DATA_SECTION = re.compile(r"^#{1,4}[^\n]*\b(training data|datasets?)\b", re.IGNORECASE | re.M)


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


def mof_license(profile_id: str | None, spdx_id: str | None) -> str:
    """A concluded licence as a MOF file names it: its SPDX id, the tool's own id (OpenMDW), a
    LicenseRef (the profile's, else one made from its id); NOASSERTION when none was concluded."""
    if spdx_id:
        return spdx_id
    if profile_id is None or profile_id == "unknown":
        return UNDETERMINED
    tool_id = license_table().by_lower_id.get(profile_id.lower())
    if tool_id is not None:
        return tool_id
    profile = knowledge_base().get(profile_id)
    if profile is not None and profile.licenseref:
        return profile.licenseref
    return "LicenseRef-openness-" + _NOT_IN_REF.sub("-", profile_id)


def mof_document(
    repo_id: str, license: str, listed: list[tuple[str, str, str]], undetermined: list[str]
) -> dict[str, Any]:
    """The MOF YAML document (MOT's schema) of a release: `listed` holds (component, what
    showed it, its licence); `undetermined`, the components neither found nor ruled out."""
    producer, _, name = repo_id.rpartition("/")
    release: dict[str, Any] = {"name": name}
    if producer:
        release |= {"producer": producer, "huggingface": f"https://huggingface.co/{repo_id}"}
    release["license"] = {"distribution": {"name": license}}
    release["components"] = [
        {"name": component, "description": f"found: {what}", "license": component_license}
        for component, what, component_license in listed
    ]
    if undetermined:
        release[EXTENSION] = {"undetermined": undetermined}
    return {
        "framework": {"name": "Model Openness Framework", "version": "1.0", "date": "2024-12-15"},
        "release": release,
    }


def mof_release(evidence: Evidence, license: LicenseAnalysis) -> dict[str, Any]:
    """The MOF document drafted from the evidence; with an incomplete file list, what was not
    found is undetermined rather than missing."""
    conclusion = license.conclusion
    name = mof_license(conclusion.id, conclusion.spdx_id) if conclusion else UNDETERMINED
    found = _found(evidence)
    listed = [
        (component, what, name if repo_licensed else UNDETERMINED)
        for component, (what, repo_licensed) in found.items()
    ]
    complete = evidence.files is not None and evidence.source != "snapshot"
    undetermined = [] if complete else [
        rule.name for rule in mof_spec().components if rule.name not in found
    ]  # fmt: skip
    return mof_document(evidence.repo_id, name, listed, undetermined)


def evaluate_evidence(evidence: Evidence, license: LicenseAnalysis) -> MofResult:
    """MOF class and components of the drafted document, as `openness mof` grades it, with
    what showed each component found."""
    found = _found(evidence)
    result = evaluate_mof(mof_release(evidence, license))
    components = []
    for component in result.components:
        what = found.get(component.name)
        update: dict[str, Any] = {"evidence": what[0] if what else None}
        if component.status == "missing":
            update["reason"] = "not found in the repo or its metadata"
        elif component.status == "unknown" and not what:
            update["reason"] = "the repo's file list is incomplete"
        components.append(component.model_copy(update=update))
    return result.model_copy(update={"components": components, "name": evidence.repo_id})
