"""Map a Hub repo's evidence onto the 17 MOF components, as a MOT-style YAML draft.

`mof_document` is the one builder of that draft: the audit grades it (`rubrics.mof`), and
`--format mof` writes it, so `openness mof` reads back the audit's own class and statuses.
"""

from __future__ import annotations

import re
from typing import Any

from openness.license.analysis import LicenseAnalysis
from openness.license.profiles import knowledge_base
from openness.report import DatasetEntry, MofResult
from openness.rubrics.fact import Fact, files_complete
from openness.rubrics.facts import CODE, FACTS
from openness.rubrics.mof import EXTENSION, UNDETERMINED, evaluate_mof
from openness.rubrics.mof_spec import license_table, mof_spec
from openness.rubrics.papers import Papers, papers
from openness.sources.dataset_terms import summary
from openness.sources.evidence import Evidence

_NOT_IN_REF = re.compile(r"[^A-Za-z0-9.-]")  # what a LicenseRef id may not hold
_ROLE = {
    "Evaluation code": re.compile(r"(^|/)(eval|evaluate|benchmark)[^/]*$", re.I),
    "Data preprocessing code": re.compile(r"(^|/)(preprocess|prepare_data|tokeni[sz]e_data)", re.I),
    "Inference code": re.compile(r"(^|/)(infer|inference|generate|predict|run|demo)[^/]*$", re.I),
}  # fmt: skip
_CHECKPOINT = re.compile(r"(^|/)(checkpoint|step|ckpt)[-_]?\d+", re.IGNORECASE)
_DATA_SECTION = re.compile(r"^#{1,4}[^\n]*\b(training data|datasets?)\b", re.IGNORECASE | re.M)
# The components a fact also decides: the MOF and the pass/fail rubrics read the same facts.
_FACT_OF = {
    "Model parameters (Final)": "weights_present",
    "Training code": "training_code_published",
    "Data card": "data_information_published",
    "Datasets": "data_information_published",
}
_FACT_FUNCTIONS = {name: FACTS[name] for name in set(_FACT_OF.values())}


def _found(
    evidence: Evidence, facts: dict[str, Fact], paper: Papers
) -> dict[str, tuple[str, bool]]:
    """Component name -> (what showed it, whether its licence is the repo's licence)."""
    files = [file.path for file in evidence.files or []]
    found: dict[str, tuple[str, bool]] = {}
    for component, name in _FACT_OF.items():
        if facts[name].value and facts[name].evidence and component != "Datasets":
            found[component] = (facts[name].evidence[-1].source, True)
    code = [f for f in files if CODE.search(f)]
    if "config.json" in files or code:
        found["Model architecture"] = ("config.json" if "config.json" in files else code[0], True)
    if "config.json" in files:
        found["Model metadata"] = ("config.json", True)
    if evidence.card_text is not None or "README.md" in files:
        found["Model card"] = ("README.md", True)
    if evidence.card_data.get("model-index") or evidence.card_data.get("eval_results"):
        found["Evaluation results"] = ("card:model-index", True)
    if "Data card" not in found and _DATA_SECTION.search(evidence.card_text or ""):
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
    if paper.own:
        shown = f"arxiv:{paper.own}" + (f' "{paper.title[:80]}"' if paper.title else "")
        if paper.cited:
            shown += "; cited, not the model's: " + ", ".join(paper.cited)[:100]
        found["Research paper"] = (shown, False)
    return found


def _undetermined(
    evidence: Evidence, facts: dict[str, Fact], paper: Papers, found: dict[str, tuple[str, bool]]
) -> dict[str, str]:
    """Component name -> why it is neither found nor ruled out."""
    complete = files_complete(evidence)
    why: dict[str, str] = {}
    for rule in mof_spec().components:
        name = rule.name
        fact = facts.get(_FACT_OF.get(name, ""))
        if name in found:
            continue
        if fact is not None and fact.value is None:
            why[name] = fact.reason
        elif name == "Research paper" and paper.seen:
            cited = ", ".join(paper.cited)[:150]
            why[name] = (
                f"no arXiv id is shown to be the model's own paper (cited or only tagged: {cited})"
            )
        elif not complete and fact is None:
            why[name] = "the repo's file list is incomplete"
    return why


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


def _judged(
    evidence: Evidence, license: LicenseAnalysis, datasets: list[DatasetEntry] | None = None
) -> tuple[dict[str, tuple[str, bool]], dict[str, str]]:
    facts = {name: compute(evidence, license) for name, compute in _FACT_FUNCTIONS.items()}
    paper = papers(evidence)
    found = _found(evidence, facts, paper)
    said = summary(datasets or [])
    if "Datasets" in found and said:
        found["Datasets"] = (f"{found['Datasets'][0]}; hub: {said}", False)
    return found, _undetermined(evidence, facts, paper, found)


def datasets_license(datasets: list[DatasetEntry] | None) -> str:
    """The Datasets component's licence: the named datasets' licence when every one of them is
    public with its licence known (the first one MOF does not count as open, when they differ);
    NOASSERTION otherwise."""
    from openness.license.names import resolve

    if not datasets or any(d.public is not True or not d.licenses for d in datasets):
        return UNDETERMINED
    names = []
    for keyword in (keyword for d in datasets for keyword in d.licenses):
        resolved = resolve(keyword)
        names.append(
            mof_license(resolved.id, resolved.spdx_id) if resolved else mof_license(keyword, None)
        )
    closed = [name for name in names if name not in license_table().open]
    return (closed or names)[0]


def mof_release(
    evidence: Evidence, license: LicenseAnalysis, datasets: list[DatasetEntry] | None = None
) -> dict[str, Any]:
    """The MOF document drafted from the evidence; what was neither found nor ruled out (the
    facts unknown, the file list incomplete) is undetermined rather than missing. The Datasets
    component takes the named datasets' licence when their lookup shows it."""
    conclusion = license.conclusion
    name = mof_license(conclusion.id, conclusion.spdx_id) if conclusion else UNDETERMINED
    found, undetermined = _judged(evidence, license, datasets)
    data_name = datasets_license(datasets)
    listed = [
        (
            component,
            what,
            name if repo_licensed else data_name if component == "Datasets" else UNDETERMINED,
        )
        for component, (what, repo_licensed) in found.items()
    ]
    return mof_document(evidence.repo_id, name, listed, list(undetermined))


def evaluate_evidence(
    evidence: Evidence, license: LicenseAnalysis, datasets: list[DatasetEntry] | None = None
) -> MofResult:
    """MOF class and components of the drafted document, as `openness mof` grades it, with
    what showed each component found and why an undetermined one is unknown."""
    found, undetermined = _judged(evidence, license, datasets)
    result = evaluate_mof(mof_release(evidence, license, datasets))
    components = []
    for component in result.components:
        what = found.get(component.name)
        update: dict[str, Any] = {"evidence": what[0] if what else None}
        if component.status == "missing":
            update["reason"] = "not found in the repo or its metadata"
        elif component.status == "unknown" and not what:
            update["reason"] = undetermined.get(component.name, component.reason)
        components.append(component.model_copy(update=update))
    return result.model_copy(update={"components": components, "name": evidence.repo_id})
