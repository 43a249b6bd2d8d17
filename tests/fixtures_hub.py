"""Realistic replay repos, built at test time from ../shared/corpus (never copied into the repo).

Tags, file names, sizes and front matter come from `corpus/hub/<org>__<name>/facts.json`;
licence files are the verbatim texts of `corpus/licenses/<slug>.txt`. Where the facts say
nothing (weight sizes of repos whose tree was not seen), values are marked INFERRED below.
Small JSON files (config.json) are synthetic stand-ins. Builders skip the test when ../shared
is absent.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from hubreplay import FakeRepo

SHARED_DIR = Path(__file__).resolve().parents[2] / "shared"
APPROVED_TOKEN = "hf_replay_approved_user"
OTHER_TOKEN = "hf_replay_unapproved_user"
FAKE_TOKEN = "hf_FAKE_SECRET_123"  # set by the `fake_token` fixture: must reach no output

_UNITS = {"Bytes": 1, "kB": 1_000, "MB": 1_000_000, "GB": 1_000_000_000}
_DISPLAY_TAGS = {"Transformers": "transformers", "Safetensors": "safetensors",
                 "PyTorch": "pytorch", "Inference Endpoints": "endpoints_compatible"}  # fmt: skip


@dataclass(frozen=True)
class HfEnv:
    """Where the `hf_env` fixture pointed the Hugging Face environment variables."""

    endpoint: str
    home: Path
    hub_cache: Path
    openness_cache: Path


def shared_dir() -> Path:
    """../shared, or skip the calling test when it is absent."""
    if not SHARED_DIR.is_dir():
        pytest.skip(f"{SHARED_DIR} is absent (reference corpus not available)")
    return SHARED_DIR


def license(slug: str) -> bytes:
    """The verbatim bytes of corpus/licenses/<slug>.txt."""
    return (shared_dir() / "corpus" / "licenses" / f"{slug}.txt").read_bytes()


@cache
def _facts(repo_id: str) -> dict[str, Any]:
    path = SHARED_DIR / "corpus" / "hub" / repo_id.replace("/", "__") / "facts.json"
    return dict(json.loads(path.read_text(encoding="utf-8")))


def facts(repo_id: str) -> dict[str, Any]:
    """corpus/hub/<org>__<name>/facts.json."""
    shared_dir()
    return _facts(repo_id)


def parse_size(text: str) -> int | None:
    """'5.23 GB' -> 5_230_000_000 (the Hub shows decimal units); None for anything else."""
    match = re.match(r"([\d.]+)\s*(Bytes|kB|MB|GB)\b", text)
    return round(float(match[1]) * _UNITS[match[2]]) if match else None


def seen_files(repo_facts: dict[str, Any]) -> dict[str, int]:
    """Files listed in the facts with a plain name and a size."""
    found = {}
    for entry in repo_facts.get("files_seen", {}).get("files", []):
        size = parse_size(entry.get("size", ""))
        if size is not None and re.fullmatch(r"[\w.\-/]+", entry["name"]):
            found[entry["name"]] = size
    return found


def hub_tags(repo_facts: dict[str, Any]) -> list[str]:
    """Machine tags from the tags shown on the page ('Transformers' -> 'transformers'), plus arxiv.

    Licence, dataset and base-model tags are left out: the replay Hub derives them from the card.
    """
    tags = []
    for shown in repo_facts.get("hub_tags_seen", []):
        if shown in _DISPLAY_TAGS:
            tags.append(_DISPLAY_TAGS[shown])
        elif re.fullmatch(r"[a-z0-9_.\-]+(:[\w.\-]+)?", shown):
            tags.append(shown)
    arxiv = [f"arxiv:{a}" for a in repo_facts.get("arxiv", []) if re.fullmatch(r"\d{4}\.\d+", a)]
    return list(dict.fromkeys(tags + arxiv))


def config_json(architecture: str, model_type: str) -> bytes:
    return json.dumps({"architectures": [architecture], "model_type": model_type}).encode()


def shards(
    count: int, size: int, pattern: str = "model-{n:05d}-of-{total:05d}.safetensors"
) -> dict[str, int]:
    return {pattern.format(n=n, total=count): size for n in range(1, count + 1)}


def from_facts(repo_id: str, files: dict[str, bytes], **fields: Any) -> FakeRepo:
    """A repo whose tags, pipeline tag and file list (sizes) come from the facts."""
    repo_facts = facts(repo_id)
    listed = {**fields.pop("listed", {}), **seen_files(repo_facts)}  # seen sizes win
    fields["listed"] = {name: size for name, size in listed.items() if name not in files}
    fields["listed"].pop("README.md", None)  # generated from the card
    fields.setdefault("tags", hub_tags(repo_facts))
    fields.setdefault("pipeline_tag", repo_facts.get("pipeline_tag"))
    return FakeRepo(repo_id, files=files, **fields)


def _gate_prompt(slug: str) -> str:
    """Meta's cards put the whole licence in `extra_gated_prompt`, under a '### ' heading."""
    return "### " + license(slug).decode().strip()


# ------------------------------------------------------------------------------------------
# The fixture repos
# ------------------------------------------------------------------------------------------


def deepseek_r1() -> FakeRepo:
    """deepseek-ai/DeepSeek-R1: `license: mit`, MIT LICENSE, 163 weight shards (listed only)."""
    base = shared_dir() / "corpus" / "hub" / "deepseek-ai__DeepSeek-R1"
    repo_facts = facts("deepseek-ai/DeepSeek-R1")
    # The facts list shards 1 and 2 only; the other 161 are ~4.3 GB each (INFERRED).
    weights = shards(163, 4_300_000_000, "model-{n:05d}-of-{total:06d}.safetensors")
    return from_facts(
        "deepseek-ai/DeepSeek-R1",
        {
            "LICENSE": license("deepseek-r1-mit"),
            "config.json": config_json("DeepseekV3ForCausalLM", "deepseek_v3"),
        },
        sha="5a56bdbde75a16bdfbf3a8e9c852be3dfcfb8eef",  # a commit seen in the facts' sources
        card_data=dict(repo_facts["front_matter_seen"]),
        readme_body=(base / "README.github.md").read_text(encoding="utf-8"),
        library_name="transformers",
        listed=weights,
    )


def llama31() -> FakeRepo:
    """meta-llama/Llama-3.1-8B: gated (manual), Llama 3.1 licence and use policy, both readable.

    Files are readable as for a user whose access request was approved; `gated_refused()` is the
    repo whose licence is refused.
    """
    card = {
        "language": ["en", "de", "fr", "it", "pt", "hi", "es", "th"],
        "pipeline_tag": "text-generation",
        "tags": ["facebook", "meta", "pytorch", "llama", "llama-3"],
        "license": "llama3.1",
        "extra_gated_prompt": _gate_prompt("llama-3.1-community"),
        # The gate form of Meta's cards, abridged.
        "extra_gated_fields": {
            "First Name": "text",
            "Last Name": "text",
            "Country": "country",
            "geo": "ip_location",
        },  # fmt: skip
        "extra_gated_button_content": "Submit",
    }
    body = (
        "# Llama 3.1 8B\n\nReplay fixture. The Llama 3.1 Community License is in LICENSE and "
        "the Acceptable Use Policy in USE_POLICY.md.\n"
    )
    return from_facts(
        "meta-llama/Llama-3.1-8B",
        {
            "LICENSE": license("llama-3.1-community"),
            "USE_POLICY.md": license("llama-3.1-aup"),
            "config.json": config_json("LlamaForCausalLM", "llama"),
        },
        card_data=card,
        readme_body=body,
        gated="manual",
        library_name="transformers",
    )


def gemma() -> FakeRepo:
    """google/gemma-2-9b: `license: gemma`, gated (auto), no licence file at all."""
    repo_facts = facts("google/gemma-2-9b")
    front = repo_facts["gate_front_matter_seen_for_sibling_gemma-2-9b-it"]
    card = yaml.safe_load(front.strip().strip("-"))
    card.pop("tags", None)  # 'conversational' belongs to the -it sibling
    # The tree was not seen: names and sizes INFERRED from facts.json's note.
    listed = {
        ".gitattributes": 1_570,
        "generation_config.json": 168,
        **shards(4, 4_900_000_000),
        "model.safetensors.index.json": 39_700,
        "special_tokens_map.json": 636,
        "tokenizer.json": 17_500_000,
        "tokenizer.model": 4_240_000,
        "tokenizer_config.json": 40_000,
    }
    return from_facts(
        "google/gemma-2-9b",
        {"config.json": config_json("Gemma2ForCausalLM", "gemma2")},
        card_data=card,
        readme_body="# Gemma 2 model card\n\nTerms of use: https://ai.google.dev/gemma/terms\n",
        gated="auto",
        listed=listed,
    )


def rail() -> FakeRepo:
    """bigscience/bloom: `license: bigscience-bloom-rail-1.0`, the BLOOM RAIL text as LICENSE."""
    # The tree was not seen: 72 shards of ~4.9 GB (176B parameters in bf16) INFERRED.
    listed = {**shards(72, 4_900_000_000, "model_{n:05d}-of-{total:05d}.safetensors"),
              "tokenizer.json": 14_500_000}  # fmt: skip
    return from_facts(
        "bigscience/bloom",
        {
            "LICENSE": license("bigscience-bloom-rail-1.0"),
            "config.json": config_json("BloomForCausalLM", "bloom"),
        },
        card_data={"license": "bigscience-bloom-rail-1.0", "pipeline_tag": "text-generation"},
        readme_body="# BLOOM LM\n\nBigScience Large Open-science Open-access Multilingual model.\n",
        tags=["transformers", "safetensors", "bloom", "arxiv:2211.05100"],
        library_name="transformers",
        listed=listed,
    )


OPEN_README = """\
# Open 7B

A fully open 7B language model: weights, data, code and evaluations are all published.

## Training data

Pre-trained on [olmo-mix-1124](https://huggingface.co/datasets/allenai/olmo-mix-1124), then
mid-trained on [dolmino-mix-1124](https://huggingface.co/datasets/allenai/dolmino-mix-1124).

## Training code

Training, data processing and evaluation code: https://github.com/allenai/OLMo

## Evaluation

See the model-index in the metadata and the paper: https://arxiv.org/abs/2501.00656

## License

Apache 2.0 (see LICENSE).
"""


def apache_open() -> FakeRepo:
    """A fictional, fully open Apache-2.0 model modelled on allenai/OLMo-2-1124-7B's facts."""
    olmo = facts("allenai/OLMo-2-1124-7B")
    card = {
        "license": "apache-2.0",
        "language": list(olmo["language"]),
        "datasets": list(olmo["datasets"]),
        "library_name": "transformers",
        "pipeline_tag": "text-generation",
        "model-index": [
            {
                "name": "open-7b",
                "results": [
                    {
                        "task": {"type": "text-generation"},
                        "dataset": {"name": "MMLU", "type": "cais/mmlu"},
                        "metrics": [{"type": "accuracy", "value": 63.7, "name": "accuracy"}],
                    }
                ],
            }
        ],
    }
    files = {
        "LICENSE": license("apache-2.0"),
        "config.json": config_json("OpenForCausalLM", "open"),
        "configuration_open.py": b"from transformers import PretrainedConfig\n\n\n"
        b"class OpenConfig(PretrainedConfig):\n    model_type = 'open'\n",
        "modeling_open.py": b"from transformers import PreTrainedModel\n\n\n"
        b"class OpenForCausalLM(PreTrainedModel):\n    pass\n",
    }
    listed = {**shards(3, 4_970_000_000), "model.safetensors.index.json": 29_900,
              "tokenizer.json": 7_140_000}  # fmt: skip
    return FakeRepo(
        "openlab/open-7b",
        card_data=card,
        readme_body=OPEN_README,
        files=files,
        listed=listed,
        tags=["safetensors", "olmo2", "custom_code", *(f"arxiv:{a}" for a in olmo["arxiv"])],
    )


def no_license() -> FakeRepo:
    """A fictional repo with neither a `license:` key nor any licence file."""
    return FakeRepo(
        "someone/mystery-7b",
        card_data={"library_name": "transformers", "pipeline_tag": "text-generation"},
        readme_body="# Mystery 7B\n\nA fine-tuned model. Use it well.\n",
        files={"config.json": config_json("MistralForCausalLM", "mistral")},
        listed=shards(2, 4_940_000_000),
        tags=["safetensors"],
    )


def contradicting() -> FakeRepo:
    """A fictional repo whose card says `license: mit` while LICENSE is the Llama 3.1 licence."""
    return FakeRepo(
        "someone/relabelled-llama-8b",
        card_data={"license": "mit", "library_name": "transformers"},
        readme_body="# Relabelled Llama 8B\n\nMIT licensed (says the card).\n",
        files={
            "LICENSE": license("llama-3.1-community"),
            "config.json": config_json("LlamaForCausalLM", "llama"),
        },
        listed=shards(4, 4_980_000_000),
    )


def distill_llama() -> FakeRepo:
    """deepseek-ai/DeepSeek-R1-Distill-Llama-8B: MIT on the card and in LICENSE, Llama 3.1 base.

    The facts saw no `base_model` key; it is set here to exercise licence inheritance.
    """
    return from_facts(
        "deepseek-ai/DeepSeek-R1-Distill-Llama-8B",
        {
            "LICENSE": license("deepseek-r1-mit"),
            "config.json": config_json("LlamaForCausalLM", "llama"),
        },
        sha="ebf7e8d03db3d86a442d22d30d499abb7ec27bea",  # the tree commit seen in the facts
        card_data={
            "license": "mit",
            "library_name": "transformers",
            "base_model": "meta-llama/Llama-3.1-8B",
        },
        readme_body="# DeepSeek-R1-Distill-Llama-8B\n\nDistilled from DeepSeek-R1 onto Llama.\n",
    )


def gated_refused() -> FakeRepo:
    """meta-llama/Llama-3.2-1B, gated (manual): every file but README.md and .gitattributes
    answers GatedRepo (401 anonymous, 403 with a token) unless the token is APPROVED_TOKEN.
    """
    files = {
        "LICENSE.txt": license("llama-3.2-community"),
        "USE_POLICY.md": license("llama-3.2-aup"),
        "config.json": config_json("LlamaForCausalLM", "llama"),
    }
    card = {
        "language": ["en", "de", "fr", "it", "pt", "hi", "es", "th"],
        "library_name": "transformers",
        "license": "llama3.2",
        "pipeline_tag": "text-generation",
        "tags": ["facebook", "meta", "pytorch", "llama", "llama-3"],
        "extra_gated_prompt": _gate_prompt("llama-3.2-community"),
    }
    repo = from_facts(
        "meta-llama/Llama-3.2-1B",
        files,
        card_data=card,
        readme_body="# Llama 3.2 1B\n\nReplay fixture: licence files need approved access.\n",
        gated="manual",
        approved_tokens=frozenset({APPROVED_TOKEN}),
    )
    repo.refuse_files = frozenset(set(files) | set(repo.listed)) - {".gitattributes"}
    return repo


ALL_BUILDERS = (deepseek_r1, llama31, gemma, rail, apache_open, no_license, contradicting,
                distill_llama, gated_refused)  # fmt: skip
