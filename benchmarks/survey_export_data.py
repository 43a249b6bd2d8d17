"""What the synthetic export's rows are drawn from: domains, libraries, names, files, tags."""

from __future__ import annotations

DOMAINS = ("llm", "image", "encoder", "speech", "rl", "misc")

# Libraries and pipelines of models without a base, per domain: (library, pipeline, weight).
ORIGINAL_DOMAINS = (
    ("llm", 15),
    ("image", 5),
    ("encoder", 20),
    ("speech", 3),
    ("rl", 12),
    ("misc", 45),
)
LIBRARIES: dict[str, tuple[tuple[str | None, str | None, float], ...]] = {
    "llm": (
        ("transformers", "text-generation", 80),
        ("mlx", "text-generation", 5),
        ("gguf", None, 10),
        (None, "text-generation", 5),
    ),
    "image": (
        ("diffusers", "text-to-image", 85),
        ("diffusers", "image-to-image", 10),
        (None, "text-to-image", 5),
    ),
    "encoder": (
        ("transformers", "text-classification", 40),
        ("transformers", "token-classification", 12),
        ("transformers", "fill-mask", 8),
        ("sentence-transformers", "sentence-similarity", 15),
        ("transformers", "image-classification", 10),
        ("transformers", "question-answering", 8),
        ("transformers", "summarization", 7),
    ),
    "speech": (
        ("transformers", "automatic-speech-recognition", 80),
        ("transformers", "text-to-speech", 10),
        ("nemo", None, 10),
    ),
    "rl": (
        ("stable-baselines3", "reinforcement-learning", 60),
        ("ml-agents", "reinforcement-learning", 20),
        ("sample-factory", None, 10),
        (None, "reinforcement-learning", 10),
    ),
    "misc": (
        (None, None, 45),
        ("pytorch", None, 12),
        ("keras", None, 6),
        ("timm", None, 5),
        ("sklearn", None, 4),
        ("onnx", None, 6),
        ("lerobot", "robotics", 4),
        ("peft", None, 6),
        ("tf-keras", None, 3),
        ("fastai", None, 2),
        ("espnet", None, 2),
        ("open_clip", None, 2),
        ("ultralytics", "object-detection", 3),
    ),
}
STEMS = {
    "llm": (
        "sft",
        "dpo",
        "lora",
        "instruct",
        "finetuned",
        "chat",
        "grpo",
        "orpo",
        "v2",
        "merged",
        "uncensored",
        "math",
        "code",
        "roleplay",
        "test",
    ),
    "image": (
        "lora",
        "dreambooth",
        "style",
        "portrait",
        "anime",
        "sdxl-lora",
        "flux-lora",
        "textual-inversion",
        "sd-class-butterflies-32",
        "controlnet",
    ),
    "encoder": (
        "finetuned-imdb",
        "finetuned-sst2",
        "ner",
        "squad2",
        "emotion",
        "my_awesome_model",
        "sentiment",
        "finetuned-cola",
        "embeddings",
        "results",
    ),
    "speech": ("finetuned-gtzan", "hi", "common-voice", "timit-demo", "dv", "asr", "tts"),
    "rl": (
        "ppo-LunarLander-v2",
        "q-FrozenLake-v1-4x4-noSlippery",
        "ppo-Huggy",
        "dqn-SpaceInvaders",
        "a2c-PandaReachDense-v3",
        "poca-SoccerTwos",
        "Reinforce-CartPole-v1",
    ),
    "misc": (
        "model",
        "checkpoint",
        "test",
        "my-model",
        "resnet50-cifar10",
        "yolo-v8",
        "unet",
        "rl-agent",
        "policy",
        "classifier",
        "weights",
        "tabular-model",
    ),
}
QUANTISERS = ("mradermacher", "bartowski", "TheBloke", "unsloth", "QuantFactory")
WEIGHT_FILES = (
    "model.pt",
    "pytorch_model.bin",
    "model.onnx",
    "model.pkl",
    "checkpoint.pth",
    "model.h5",
    "model.keras",
    "weights.npz",
)
LICENCE_FILES = (
    ("LICENSE", 70),
    ("LICENSE.txt", 12),
    ("LICENSE.md", 10),
    ("LICENCE", 2),
    ("COPYING", 2),
    ("LICENSE-MODEL", 4),
)

DATASETS = (
    "imdb",
    "glue",
    "squad",
    "HuggingFaceH4/ultrachat_200k",
    "yahma/alpaca-cleaned",
    "tatsu-lab/alpaca",
    "mozilla-foundation/common_voice_11_0",
    "Open-Orca/OpenOrca",
    "HuggingFaceH4/ultrafeedback_binarized",
    "openai/gsm8k",
)
LANGUAGES = (("en",), ("en", "zh"), ("fr",), ("de",), ("ja",), ("multilingual",), ("hi",))
QUANTS = ("Q4_K_M", "Q8_0", "Q5_K_M", "Q6_K", "Q3_K_M", "Q2_K", "f16")
CARD_TAGS = {  # what a card's own `tags` list says, per kind of model
    "finetune": (
        ("generated_from_trainer",),
        ("trl", "sft"),
        ("trl", "dpo"),
        ("unsloth", "trl", "sft"),
        ("text-generation-inference", "unsloth"),
        (),
    ),
    "adapter": (("lora", "peft"), ("peft",), ("text-to-image", "lora", "template:sd-lora"), ()),
    "quantized": (("4-bit", "bitsandbytes"), ("awq",), ()),  # GGUF and MLX ones below
    "merge": (("mergekit", "merge"),),
    "original": (
        (),
        (),
        ("generated_from_trainer",),
        ("deep-reinforcement-learning", "reinforcement-learning"),
    ),
}


# A chat template of our own (Jinja, as tokenizer configs and GGUF headers carry them), '@' the
# model type: a kilobyte or two of the same text in many rows, as in real exports.
CHAT_TEMPLATE = (
    "{%- if messages[0]['role'] == 'system' %}{%- set system = messages[0]['content'] %}"
    "{%- set messages = messages[1:] %}{%- else %}{%- set system = 'You are a helpful "
    "assistant built on @. Answer the question as well as you can, say so when you do not "
    "know, and keep answers short unless asked for detail.' %}{%- endif %}"
    "{{- bos_token }}{{- '<|@_system|>\\n' + system + '<|@_end|>\\n' }}"
    "{%- for message in messages %}{%- if message['role'] == 'user' %}"
    "{{- '<|@_user|>\\n' + message['content'] | trim + '<|@_end|>\\n' }}"
    "{%- elif message['role'] == 'assistant' %}{%- if message.tool_calls %}"
    "{%- for call in message.tool_calls %}{{- '<|@_call|>' + call.function.name + '(' + "
    "call.function.arguments | tojson + ')<|@_end|>\\n' }}{%- endfor %}{%- else %}"
    "{{- '<|@_assistant|>\\n' + message['content'] | trim + '<|@_end|>\\n' }}{%- endif %}"
    "{%- elif message['role'] == 'tool' %}{{- '<|@_result|>\\n' + message['content'] | "
    "tojson + '<|@_end|>\\n' }}{%- endif %}{%- endfor %}"
    "{%- if add_generation_prompt %}{{- '<|@_assistant|>\\n' }}{%- endif %}"
)
