"""Declared licences and the well-known base models at the head of the synthetic export."""

from __future__ import annotations

from dataclasses import dataclass

# -- declared licences -------------------------------------------------------------------------


@dataclass(frozen=True)
class Choice:
    """What a card declares: `license`, and with `other` perhaps `license_name`/`license_link`."""

    license: str
    name: str | None = None
    link: str | None = None
    is_keyword: bool = True  # one of the Hub's licence keywords (hf_license_keywords.csv)

    @property
    def keyword(self) -> str | None:
        """The Hub's `license:` tag, only for a value the Hub knows as a keyword."""
        return self.license if self.is_keyword else None


def _text(value: str) -> Choice:
    """A `license` value that is not a Hub keyword (older cards; no `license:` tag)."""
    return Choice(value, is_keyword=False)


def _other(name: str | None, link: str | None = None) -> Choice:
    return Choice("other", name, link)


HF = "https://huggingface.co"
QWEN = _other("qwen", f"{HF}/Qwen/Qwen2.5-72B-Instruct/blob/main/LICENSE")
FLUX = _other(
    "flux-1-dev-non-commercial-license", f"{HF}/black-forest-labs/FLUX.1-dev/blob/main/LICENSE.md"
)
STABILITY = _other(
    "stabilityai-ai-community", f"{HF}/stabilityai/stable-diffusion-3.5-large/blob/main/LICENSE.md"
)
MRL = _other("mrl", "https://mistral.ai/licenses/MRL-0.1.md")

# Weights of a model's own choice of licence (not inherited from its base), in percent of the
# models that declare one: general models, and models of an image-generation family.
GENERAL: tuple[tuple[Choice, float], ...] = (
    (Choice("apache-2.0"), 40.0),
    (Choice("mit"), 16.0),
    (Choice("openrail"), 4.0),
    (Choice("creativeml-openrail-m"), 3.5),
    (_other(None), 3.0),
    (Choice("cc-by-nc-4.0"), 2.6),
    (Choice("cc-by-4.0"), 2.0),
    (Choice("llama2"), 1.5),
    (FLUX, 1.2),
    (Choice("llama3.1"), 1.2),
    (Choice("llama3"), 1.2),
    (Choice("afl-3.0"), 0.9),
    (QWEN, 0.8),
    (Choice("llama3.2"), 0.8),
    (Choice("gemma"), 0.8),
    (Choice("gpl-3.0"), 0.7),
    (Choice("cc-by-sa-4.0"), 0.6),
    (Choice("cc-by-nc-sa-4.0"), 0.6),
    (Choice("unknown"), 0.6),
    (_other(None, "LICENSE"), 0.6),
    (Choice("bsd-3-clause"), 0.4),
    (Choice("cc0-1.0"), 0.4),
    (Choice("bigscience-openrail-m"), 0.4),
    (STABILITY, 0.4),
    (Choice("llama3.3"), 0.3),
    (_other("deepseek", f"{HF}/deepseek-ai/DeepSeek-V3/blob/main/LICENSE-MODEL"), 0.3),
    (_other("tongyi-qianwen", f"{HF}/Qwen/Qwen-7B/blob/main/LICENSE"), 0.3),
    (
        _other(
            "nvidia-open-model-license",
            "https://www.nvidia.com/en-us/agreements/enterprise-software/"
            "nvidia-open-model-license/",
        ),
        0.3,
    ),
    (_other("gemma-terms-of-use", "https://ai.google.dev/gemma/terms"), 0.3),
    (Choice("cc-by-nc-nd-4.0"), 0.2),
    (Choice("openrail++"), 0.2),
    (_other("custom"), 0.2),
    (Choice("agpl-3.0"), 0.15),
    (Choice("artistic-2.0"), 0.15),
    (Choice("wtfpl"), 0.15),
    (_text("Apache License 2.0"), 0.15),  # free text, not a keyword (older cards)
    (Choice("llama4"), 0.1),
    (Choice("bigscience-bloom-rail-1.0"), 0.1),
    (_other("yi-license", f"{HF}/01-ai/Yi-34B/blob/main/LICENSE"), 0.1),
    (_other("glm-4", f"{HF}/THUDM/glm-4-9b/blob/main/LICENSE"), 0.1),
    (
        _other(
            "health-ai-developer-foundations",
            "https://developers.google.com/health-ai-developer-foundations/terms",
        ),
        0.1,
    ),
    (Choice("bsd-2-clause"), 0.08),
    (Choice("mpl-2.0"), 0.08),
    (Choice("bigcode-openrail-m"), 0.08),
    (_text("proprietary"), 0.05),  # unknown to openness
    (Choice("lgpl-3.0"), 0.05),
    (Choice("gpl-2.0"), 0.05),
    (Choice("cc-by-sa-3.0"), 0.05),
    (Choice("cc-by-3.0"), 0.05),
    (Choice("unlicense"), 0.05),
    (MRL, 0.05),
    (_other("mnpl", "https://mistral.ai/licenses/MNPL-0.1.md"), 0.05),
    (Choice("cc-by-nc-sa-3.0"), 0.03),
    (Choice("fair-noncommercial-research-license"), 0.03),
    (_text("MIT License"), 0.03),
    (_text("apache2"), 0.03),  # unknown
    (Choice("cc-by-nc-3.0"), 0.02),
    (Choice("eupl-1.2"), 0.02),
    (Choice("isc"), 0.02),
    (Choice("bsl-1.0"), 0.02),
    (Choice("odbl"), 0.02),
    (Choice("deepfloyd-if-license"), 0.02),
    (Choice("apple-amlr"), 0.02),
    (Choice("bsd"), 0.02),
    (Choice("gpl"), 0.02),
    (Choice("cc"), 0.02),
    (_text("CC BY-NC 4.0"), 0.02),
    (_text("llama3.1-community"), 0.02),  # unknown
    (_text("exaone"), 0.02),  # unknown
    (Choice("cc-by-nc-2.0"), 0.01),
    (Choice("cc-by-2.0"), 0.01),
    (Choice("ecl-2.0"), 0.01),
    (Choice("zlib"), 0.01),
    (Choice("pddl"), 0.01),
    (Choice("epl-2.0"), 0.01),
    (Choice("osl-3.0"), 0.01),
    (Choice("lgpl"), 0.01),
    (Choice("lgpl-lr"), 0.01),
    (Choice("c-uda"), 0.01),
    (Choice("apple-ascl"), 0.01),
    (_text("jamba-open-model-license"), 0.01),  # unknown
    (_text("lfm1.0"), 0.01),  # unknown
    (_text("ai2-impact-license-low-risk"), 0.01),  # unknown
    (Choice("bsd-3-clause-clear"), 0.005),
    (Choice("cdla-permissive-2.0"), 0.005),
    (Choice("odc-by"), 0.005),
    (Choice("gfdl"), 0.005),
    (Choice("ms-pl"), 0.005),
    (Choice("h-research"), 0.005),
    (Choice("intel-research"), 0.005),
    (Choice("openmdw-1.0"), 0.005),
    (Choice("grok2-community"), 0.005),
    (_text("kimi"), 0.005),  # unknown
    (Choice("etalab-2.0"), 0.003),
    (Choice("postgresql"), 0.002),
    (Choice("ncsa"), 0.002),
    (Choice("lppl-1.3c"), 0.002),
    (Choice("ofl-1.1"), 0.002),
)
IMAGE: tuple[tuple[Choice, float], ...] = (
    (Choice("creativeml-openrail-m"), 25.0),
    (Choice("apache-2.0"), 18.0),
    (Choice("openrail"), 15.0),
    (FLUX, 12.0),
    (Choice("openrail++"), 8.0),
    (Choice("mit"), 8.0),
    (_other(None), 4.0),
    (Choice("cc-by-nc-4.0"), 3.0),
    (STABILITY, 3.0),
    (Choice("cc-by-4.0"), 1.0),
    (Choice("cc-by-nc-sa-4.0"), 1.0),
    (Choice("unknown"), 1.0),
    (Choice("wtfpl"), 0.5),
    (_text("proprietary"), 0.2),
)

# -- the base models at the head of the export --------------------------------------------------


@dataclass(frozen=True)
class Base:
    id: str
    licence: Choice | None
    domain: str
    model_type: str
    pipeline: str
    weight: float  # share of the derived models in its family, relative
    downloads: int
    created: str
    files: tuple[str, ...] = ()  # its licence-like files
    alias: str | None = None  # the legacy id cards still name (not a row of the export)
    billions: float = 7.0


# id | licence (a Hub keyword, "-" for none, or a name below) | domain and model type | weight
# among the parents of derived models, downloads in the last 30 days, created, billions of
# parameters | licence-like files (+P: USE_POLICY.md) | "*" when cards still name it by its
# legacy id, the name without the organisation (not a row of the export: the Hub redirects it)
PIPELINES = {
    "llm": "text-generation",
    "encoder": "fill-mask",
    "speech": "automatic-speech-recognition",
    "image": "text-to-image",
}
PIPELINE_OF = {  # the bases whose pipeline is not their domain's usual one
    "meta-llama/Llama-4-Scout-17B-16E": "image-text-to-text",
    "google/gemma-3-27b-it": "image-text-to-text",
    "google-t5/t5-base": "translation",
    "sentence-transformers/all-MiniLM-L6-v2": "sentence-similarity",
    "google/vit-base-patch16-224": "image-classification",
}
BASE_TABLE = """
meta-llama/Llama-2-7b-hf|llama2|llm llama|5 900k 2023-07-13 7|LICENSE.txt +P|
meta-llama/Llama-2-7b-chat-hf|llama2|llm llama|4 1.2M 2023-07-13 7|LICENSE.txt +P|
meta-llama/Meta-Llama-3-8B|llama3|llm llama|4 1.4M 2024-04-17 8|LICENSE +P|
meta-llama/Meta-Llama-3-8B-Instruct|llama3|llm llama|6 2.5M 2024-04-17 8|LICENSE +P|
meta-llama/Llama-3.1-8B|llama3.1|llm llama|5 1.5M 2024-07-14 8|LICENSE +P|
meta-llama/Llama-3.1-8B-Instruct|llama3.1|llm llama|9 6M 2024-07-18 8|LICENSE +P|
meta-llama/Llama-3.2-1B|llama3.2|llm llama|4 2.5M 2024-09-18 1.2|LICENSE.txt +P|
meta-llama/Llama-3.2-3B-Instruct|llama3.2|llm llama|4 2M 2024-09-18 3.2|LICENSE.txt +P|
meta-llama/Llama-3.3-70B-Instruct|llama3.3|llm llama|1.5 900k 2024-11-26 70|LICENSE +P|
meta-llama/Llama-4-Scout-17B-16E|llama4|llm llama4|0.4 100k 2025-04-02 109|LICENSE +P|
mistralai/Mistral-7B-v0.1|apache-2.0|llm mistral|6 500k 2023-09-20 7||
mistralai/Mistral-7B-Instruct-v0.2|apache-2.0|llm mistral|4 2M 2023-12-11 7||
mistralai/Mixtral-8x7B-v0.1|apache-2.0|llm mixtral|0.8 100k 2023-12-01 47||
mistralai/Mistral-Large-Instruct-2407|MRL|llm mistral|0.2 30k 2024-07-24 123||
Qwen/Qwen2.5-7B-Instruct|apache-2.0|llm qwen2|8 5M 2024-09-16 7.6|LICENSE|
Qwen/Qwen2.5-72B-Instruct|QWEN|llm qwen2|0.6 400k 2024-09-16 72|LICENSE|
Qwen/Qwen3-8B|apache-2.0|llm qwen3|5 3M 2025-04-27 8|LICENSE|
google/gemma-2-9b|gemma|llm gemma2|2.5 300k 2024-06-24 9||
google/gemma-2b|gemma|llm gemma|2 400k 2024-02-08 2.5||
google/gemma-3-27b-it|gemma|llm gemma3|2 800k 2025-03-01 27||
microsoft/phi-2|mit|llm phi|1.5 500k 2023-12-13 2.8|LICENSE|
microsoft/Phi-3-mini-4k-instruct|mit|llm phi3|1.5 1M 2024-04-22 3.8|LICENSE|
deepseek-ai/DeepSeek-R1-Distill-Qwen-7B|mit|llm qwen2|2 1M 2025-01-20 7.6|LICENSE|
deepseek-ai/DeepSeek-V3|-|llm deepseek_v3|0.3 400k 2024-12-25 671|LICENSE-CODE LICENSE-MODEL|
TinyLlama/TinyLlama-1.1B-Chat-v1.0|apache-2.0|llm llama|3 1.5M 2023-12-30 1.1||
openai-community/gpt2|mit|llm gpt2|5 12M 2022-03-02 0.137||*
EleutherAI/pythia-6.9b|apache-2.0|llm gpt_neox|0.5 30k 2023-02-14 6.9|LICENSE|
bigscience/bloom|bigscience-bloom-rail-1.0|llm bloom|0.4 10k 2022-05-19 176||
bigcode/starcoder2-15b|bigcode-openrail-m|llm starcoder2|0.4 20k 2024-02-20 16||
CohereForAI/c4ai-command-r-v01|cc-by-nc-4.0|llm cohere|0.3 10k 2024-03-11 35||
google-bert/bert-base-uncased|apache-2.0|encoder bert|9 60M 2022-03-02 0.11|LICENSE|*
FacebookAI/roberta-base|mit|encoder roberta|4 12M 2022-03-02 0.125||*
distilbert/distilbert-base-uncased|apache-2.0|encoder distilbert|6 10M 2022-03-02 0.067||*
google-t5/t5-base|apache-2.0|encoder t5|2 3M 2022-03-02 0.22||*
sentence-transformers/all-MiniLM-L6-v2|apache-2.0|encoder bert|3 90M 2022-03-02 0.023||
google/vit-base-patch16-224|apache-2.0|encoder vit|2 3M 2022-03-02 0.086||
openai/whisper-small|apache-2.0|speech whisper|3 1.5M 2022-09-26 0.24||
openai/whisper-large-v3|apache-2.0|speech whisper|1.5 4M 2023-11-07 1.5||
facebook/wav2vec2-base|apache-2.0|speech wav2vec2|2 500k 2022-03-02 0.095||
runwayml/stable-diffusion-v1-5|creativeml-openrail-m|image stable-diffusion|5 2M 2022-10-20 1.1||
stabilityai/stable-diffusion-xl-base-1.0|openrail++|image sdxl|6 2.5M 2023-07-25 3.5|LICENSE.md|
black-forest-labs/FLUX.1-dev|FLUX|image flux|7 2M 2024-07-31 12|LICENSE.md|
stabilityai/stable-diffusion-3.5-large|STABILITY|image sd3|1 200k 2024-10-22 8|LICENSE.md|
"""


def _bases() -> tuple[Base, ...]:
    named = {"QWEN": QWEN, "FLUX": FLUX, "STABILITY": STABILITY, "MRL": MRL}
    bases = []
    for line in BASE_TABLE.strip().splitlines():
        id_, licence, kind, numbers, files, alias = line.split("|")
        domain, model_type = kind.split()
        weight, downloads, created, billions = numbers.split()
        scale = {"k": 1_000, "M": 1_000_000}[downloads[-1]]
        bases.append(
            Base(
                id_,
                None if licence == "-" else named.get(licence, Choice(licence)),
                domain,
                model_type,
                PIPELINE_OF.get(id_, PIPELINES[domain]),
                float(weight),
                round(float(downloads[:-1]) * scale),
                created,
                tuple(name.replace("+P", "USE_POLICY.md") for name in files.split()),
                id_.split("/")[1] if alias == "*" else None,
                float(billions),
            )
        )
    return tuple(bases)


BASES = _bases()
