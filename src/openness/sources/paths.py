"""Cache locations, read from the environment at call time (not at import)."""

from __future__ import annotations

import os
from pathlib import Path


def _xdg_cache() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")


def hub_cache_dir() -> Path:
    """The huggingface_hub cache: HF_HUB_CACHE, else HF_HOME/hub, else ~/.cache/huggingface/hub."""
    explicit = os.environ.get("HF_HUB_CACHE") or os.environ.get("HUGGINGFACE_HUB_CACHE")
    if explicit:
        return Path(explicit).expanduser()
    home = os.environ.get("HF_HOME")
    return (Path(home).expanduser() if home else _xdg_cache() / "huggingface") / "hub"


def records_dir() -> Path:
    """Where openness keeps the Hub metadata it fetched, for offline audits."""
    explicit = os.environ.get("OPENNESS_CACHE_DIR")
    return Path(explicit).expanduser() if explicit else _xdg_cache() / "openness"


def hub_endpoint() -> str:
    return (os.environ.get("HF_ENDPOINT") or "https://huggingface.co").rstrip("/")


def offline_requested() -> bool:
    values = (os.environ.get("HF_HUB_OFFLINE"), os.environ.get("TRANSFORMERS_OFFLINE"))
    return any((value or "").strip().lower() in {"1", "true", "yes", "on"} for value in values)


def repo_folder_name(repo_id: str) -> str:
    """`org/name` -> `models--org--name`, the Hub cache's folder naming."""
    return "models--" + repo_id.replace("/", "--")
