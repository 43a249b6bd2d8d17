"""Facts about what a release makes public beyond its licence: whether the licence's grant is
known, how the files are released, the architecture, the usage information of the card, the
code to run it, its training data. The EU AI Act rubric and the G7 labels are written on them.

The card is read line by line (a heading, then the lines under it): every pattern is a plain
alternation of words, linear in the card's size.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from openness.report import Citation
from openness.rubrics.fact import Fact, concluded, files_complete
from openness.sources.card import key_line, split_front_matter
from openness.sources.evidence import Evidence

if TYPE_CHECKING:
    from openness.license.analysis import LicenseAnalysis

_ARCHITECTURE_FILE = re.compile(
    r"(?:^|/)(?:config\.json|params\.json|model_index\.json|configuration_[^/]*\.py"
    r"|modeling_[^/]*\.py|[^/]*\.gguf)$",
    re.IGNORECASE,
)
_CODE = re.compile(r"\.(?:py|ipynb|sh|cpp|cu|rs|js|ts)$", re.IGNORECASE)
_RUNS = re.compile(r"(?:^|/)(?:modeling|model|infer|inference|run|generate|predict)[^/]*$", re.I)
# Open-source libraries that load and run a model named by its Hub id (the Hub's `library_name`).
LIBRARIES = frozenset({
    "transformers", "diffusers", "sentence-transformers", "timm", "peft", "open_clip",
    "speechbrain", "nemo", "mlx", "keras", "tf-keras", "fastai", "setfit", "span-marker",
    "flair", "transformers.js", "gguf", "llama.cpp", "vllm", "ctranslate2", "onnx", "espnet",
    "pyannote-audio", "stable-baselines3", "ml-agents", "paddlenlp", "fasttext", "spacy",
})  # fmt: skip
_ARCHITECTURE_HEADING = re.compile(r"\barchitecture\b", re.IGNORECASE)
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s|^\s*<h[1-6]\b", re.IGNORECASE)
# Per aspect of usage information: words of a heading about it, and words of a line about it.
_ASPECTS: dict[str, tuple[re.Pattern[str], re.Pattern[str] | None]] = {
    "modalities": (
        re.compile(r"\b(?:modalit(?:y|ies)|inputs?|outputs?)\b", re.IGNORECASE),
        re.compile(r"\bmodalit(?:y|ies)\b", re.IGNORECASE),
    ),
    "capabilities": (
        re.compile(
            r"\b(?:capabilit(?:y|ies)|intended uses?|uses|use cases?|evaluations?|benchmarks?"
            r"|results|performance|model (?:summary|description|overview|details)|overview"
            r"|introduction|highlights)\b",
            re.IGNORECASE,
        ),
        None,
    ),
    "limitations": (
        re.compile(
            r"\b(?:limitations?|bias(?:es)?|risks?|safety|out[- ]of[- ]scope|misuse|caveats?"
            r"|known issues|ethical considerations)\b",
            re.IGNORECASE,
        ),
        re.compile(
            r"\b(?:limitations?|biases|out[- ]of[- ]scope|hallucinat\w{0,8}|known issues"
            r"|shortcomings?|challenges such as|adversely affect\w{0,3}|not intended for)\b",
            re.IGNORECASE,
        ),
    ),
    "how to use": (
        re.compile(
            r"\b(?:how to (?:use|run|get started)|usage|quick ?start|getting started"
            r"|run(?:ning)? locally|inference|use with|deploy\w{0,6})\b",
            re.IGNORECASE,
        ),
        re.compile(r"from_pretrained\(|pipeline\(|vllm serve|ollama run|llama-cli|sglang"),
    ),
}


def card_lines(evidence: Evidence) -> list[tuple[int, str]]:
    """(1-based line number, line) of the card's body, front matter left out."""
    text = evidence.card_text or ""
    _, body = split_front_matter(text)
    first = text[: len(text) - len(body)].count("\n") + 1
    return list(enumerate(body.splitlines(), start=first))


def _cited_line(number: int, line: str) -> Citation:
    return Citation(source="README.md", line=number, quote=" ".join(line.split())[:200])


def _card_key(evidence: Evidence, key: str, quote: str) -> Citation:
    """A card metadata key, or the Hub's own value when the card does not give it."""
    line = key_line(evidence.card_text, key)
    source = f"card:{key}" if line or evidence.source != "hub" else f"hub:{key}"
    return Citation(source=source, line=line, quote=f"{key}: {quote}"[:200])


def grants_rights(license: LicenseAnalysis) -> Fact:
    """Whether the concluded licence is known to grant use, modification and redistribution,
    every restriction it makes being known (an OSI-approved licence, or a profile whose clauses
    are all listed): the restrictions are then judged as clauses."""
    found = concluded(license)
    if isinstance(found, Fact):
        return found
    conclusion, cited = found
    if conclusion.osi_approved:
        return Fact(
            True, f"{conclusion.name} is OSI-approved: it grants use, modification and "
            "redistribution", cited,
        )  # fmt: skip
    profile = conclusion.profile
    if profile is not None and profile.clauses_profiled:
        return Fact(
            True, f"{conclusion.name} grants use, modification and redistribution, with known "
            "restrictions (judged as clauses)", cited,
        )  # fmt: skip
    return Fact(None, f"what {conclusion.name} grants is not known", cited)


def free_of_charge(evidence: Evidence) -> Fact:
    """Released free of charge: the Hub serves every public repo's files without payment."""
    if evidence.source == "local":
        return Fact(None, "a local folder does not show how the model is released")
    cited = Citation(source="hub:repo", quote=f"{evidence.repo_id} on the Hugging Face Hub")
    return Fact(True, "published on the Hugging Face Hub, whose downloads cost nothing", [cited])


def architecture(evidence: Evidence) -> Fact:
    files = [file.path for file in evidence.files or []]
    found = sorted((f for f in files if _ARCHITECTURE_FILE.search(f)), key=lambda f: f.count("/"))
    if found:
        first = "config.json" if "config.json" in found else found[0]
        return Fact(True, f"the architecture is described in {first}", [Citation(source=first)])
    for number, line in card_lines(evidence):
        if _HEADING.match(line) and _ARCHITECTURE_HEADING.search(line):
            return Fact(True, "the card has an architecture section", [_cited_line(number, line)])
    if files_complete(evidence):
        return Fact(
            False, "no configuration or modelling file in the repo's complete file list, and "
            "no architecture section in the card",
        )  # fmt: skip
    return Fact(None, "no configuration file or architecture section found")


def usage_information(evidence: Evidence) -> Fact:
    """The card covers the model's modalities, capabilities, limitations and how to use it."""
    if evidence.card_text is None:
        files = [file.path for file in evidence.files or []]
        if files_complete(evidence) and "README.md" not in files:
            return Fact(False, "the repo has no model card (README.md)")
        where = "the bundled snapshot holds no card text" if evidence.source == "snapshot" else (
            "the card's text could not be read"
        )  # fmt: skip
        return Fact(None, f"usage information not checked: {where}")
    found: dict[str, Citation] = {}
    pipeline = evidence.card_data.get("pipeline_tag")
    if isinstance(pipeline, str) and pipeline.strip():
        found["modalities"] = _card_key(evidence, "pipeline_tag", pipeline)
    if evidence.card_data.get("model-index"):
        found["capabilities"] = _card_key(evidence, "model-index", "evaluation results")
    for number, line in card_lines(evidence):
        heading = bool(_HEADING.match(line))
        for aspect, (in_heading, in_line) in _ASPECTS.items():
            if aspect in found:
                continue
            pattern = in_heading if heading else in_line
            if pattern is not None and pattern.search(line):
                found[aspect] = _cited_line(number, line)
        if len(found) == len(_ASPECTS):
            break
    cited = [found[aspect] for aspect in _ASPECTS if aspect in found]
    missing = [aspect for aspect in _ASPECTS if aspect not in found]
    if not missing:
        return Fact(True, "the card covers modalities, capabilities, limitations and use", cited)
    shown = ", ".join(f"{a} ({found[a].where()})" for a in _ASPECTS if a in found) or "none"
    return Fact(None, f"the card does not visibly cover {', '.join(missing)} (found: {shown})",
                cited)  # fmt: skip


def deployment_code(evidence: Evidence) -> Fact:
    """Code to run the model: in the repo, or an open-source library that loads it by its id."""
    code_files = [f.path for f in evidence.files or [] if _CODE.search(f.path)]
    runs = [f for f in code_files if _RUNS.search(f)]
    code = next(iter(runs or code_files), None)
    if code:
        return Fact(True, "code to run the model is in the repo", [Citation(source=code)])
    library = evidence.card_data.get("library_name")
    if isinstance(library, str) and library.strip().lower() in LIBRARIES:
        return Fact(
            True, f"the model runs with the open-source library {library.strip()}",
            [_card_key(evidence, "library_name", library.strip())],
        )  # fmt: skip
    tagged = next((tag for tag in evidence.tags if tag.lower() in LIBRARIES), None)
    if tagged:
        return Fact(
            True, f"the model runs with the open-source library {tagged}",
            [Citation(source="hub:tags", quote=tagged)],
        )  # fmt: skip
    return Fact(None, "no code to run the model in the repo, and no library named for it")


def training_data_open(evidence: Evidence) -> Fact:
    """The full training data released openly: never established from a repo alone."""
    datasets = evidence.datasets
    if not datasets:
        return Fact(None, "no training datasets are named")
    listed = ", ".join(datasets)
    cited = Citation(source="card:datasets", line=key_line(evidence.card_text, "datasets"),
                     quote=listed[:200])  # fmt: skip
    return Fact(
        None, f"datasets are named ({listed[:120]}); whether they are the full training data "
        "under open terms is not checked", [cited],
    )  # fmt: skip
