"""What a scan takes for a Hub model id, and which names (keys, variables, flags) hold one.

Shared by every scanner: `is_repo_id` turns away the usual decoys (MIME types, dates,
versions, file names), `modelish_key` says whether a key names a model, `url_hits` finds
huggingface.co model URLs. A `Hit` is one reference at a 1-based line.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import NamedTuple

_REPO_RE = re.compile(r"^[A-Za-z0-9][\w.-]{0,95}/[A-Za-z0-9][\w.-]{0,95}$")
_MIME_TOPS = frozenset(
    {"text", "application", "image", "audio", "video", "multipart", "font", "message", "model"}
)
_FILE_EXTS = frozenset(
    {
        "py", "pyc", "js", "ts", "json", "yaml", "yml", "txt", "md", "rst", "toml", "cfg", "ini",
        "sh", "html", "htm", "css", "csv", "tsv", "bin", "pt", "pth", "ckpt", "safetensors",
        "onnx", "gguf", "zip", "tar", "gz", "tgz", "png", "jpg", "jpeg", "gif", "svg", "pdf",
        "ipynb", "parquet", "arrow", "pkl", "h5", "npz", "npy", "log", "lock", "whl", "so",
    }
)  # fmt: skip
_NUMERIC_RE = re.compile(r"^[\d.]+$")
_CAMEL_RE = re.compile(r"([a-z0-9])([A-Z])")
_PUNCT_RE = re.compile(r"[.\-]+")

_EXPLICIT_KEYS = frozenset(
    {
        "repo_id", "repoid", "hf_repo", "hf_repo_id", "model_repo", "hub_repo", "name_or_path",
        "pretrained_model_name_or_path", "model_name_or_path", "checkpoint", "ckpt", "pretrained",
    }
)  # fmt: skip
_MODEL_TOKENS = frozenset({"model", "models", "tokenizer", "checkpoint", "llm"})
_NON_MODEL_TOKENS = frozenset(
    {
        "path", "dir", "directory", "folder", "file", "files", "cache", "output", "type",
        "class", "url", "dtype", "revision", "version", "format", "max", "len", "length",
        "kwargs", "args", "config", "size", "card", "index", "task", "served", "alias",
    }
)  # fmt: skip
MODEL_FIELDS = frozenset({"name", "id", "path", "repo", "repo_id", "name_or_path", "model_id"})
"""Keys that hold the model id inside a model's own mapping (`model: {name: org/name}`)."""

_URL_RE = re.compile(
    r"(?<![\w.-])(?:https?://)?(?:www\.)?(?:huggingface\.co|hf\.co)/"
    r"(?P<org>[A-Za-z0-9][\w.-]*)/(?P<name>[A-Za-z0-9][\w.-]*)"
    r"(?:/(?:resolve|tree|blob)/(?P<rev>[\w.-]+)(?![\w.%-]))?"
)
_URL_RESERVED = frozenset(
    {
        "datasets", "spaces", "docs", "blog", "api", "models", "settings", "papers",
        "organizations", "join", "login", "pricing", "collections", "tasks", "learn", "new",
        "posts", "chat", "enterprise", "courses", "changelog", "search", "notifications",
        "inference-endpoints", "autotrain", "hub", "front", "static", "terms-of-service",
        "privacy", "support", "oauth", "buckets",
    }
)  # fmt: skip


class Hit(NamedTuple):
    """One model reference found in a file, at a 1-based line."""

    repo_id: str
    revision: str | None
    line: int
    kind: str


def is_repo_id(value: str) -> bool:
    """True if `value` looks like a Hub model id (`org/name`) and not an obvious decoy."""
    if not _REPO_RE.match(value) or "--" in value or ".." in value:
        return False
    org, name = value.split("/")
    if org.lower() in _MIME_TOPS:
        return False
    if _NUMERIC_RE.match(org) and _NUMERIC_RE.match(name):  # dates, versions, fractions
        return False
    if name.endswith(".") or org.endswith("."):
        return False
    ext = name.rsplit(".", 1)[1].lower() if "." in name else ""
    return ext not in _FILE_EXTS


def snake_key(key: str) -> str:
    """`modelNameOrPath`, `model-name.or.path` -> `model_name_or_path`."""
    return _PUNCT_RE.sub("_", _CAMEL_RE.sub(r"\1_\2", key).lower().strip("_-. "))


@lru_cache(maxsize=4096)
def modelish_key(key: str) -> bool:
    """Is this config key / variable / flag name one that holds a model id?"""
    if len(key) > 100:
        return False
    snake = snake_key(key)
    if snake in _EXPLICIT_KEYS:
        return True
    tokens = set(snake.split("_"))
    if tokens & _NON_MODEL_TOKENS and not snake.endswith("or_path"):
        return False
    return bool(tokens & _MODEL_TOKENS) or snake == "model_path"


def clean_value(raw: str, *, strip_tag: bool = False) -> str | None:
    """The repo id in a matched token (quotes and trailing punctuation off), or None."""
    value = raw.strip().strip("\"'`").rstrip(".,;")
    if strip_tag and ":" in value:
        value = value.split(":", 1)[0]
    return value if is_repo_id(value) else None


def url_hits(text: str, lineno: int) -> Iterator[Hit]:
    """The huggingface.co / hf.co model URLs in one line of text."""
    for m in _URL_RE.finditer(text):
        if m.group("org").lower() in _URL_RESERVED:
            continue
        value = clean_value(f"{m.group('org')}/{m.group('name')}")
        if value:
            yield Hit(value, m.group("rev"), lineno, "url")
