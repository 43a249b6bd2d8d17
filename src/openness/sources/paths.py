"""Cache locations, read from the environment at call time (not at import)."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

from openness.errors import UsageError

DEFAULT_ENDPOINT = "https://huggingface.co"


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
    """HF_ENDPOINT (an http or https URL with a host, no query or fragment), else the Hub."""
    return _endpoint(os.environ.get("HF_ENDPOINT") or DEFAULT_ENDPOINT)


@lru_cache(maxsize=8)
def _endpoint(value: str) -> str:
    """The endpoint `value` names, checked (an audit asks for it several times per model)."""
    try:
        parts = urlsplit(value)
        valid = parts.scheme in ("http", "https") and bool(parts.hostname) and parts.port != 0
    except ValueError:  # a port that is not a number, a bad IPv6 address
        valid = False
    if (
        not valid
        or parts.query
        or parts.fragment
        or any(ord(c) <= 32 or c == "\x7f" for c in value)
    ):
        raise UsageError(
            f"HF_ENDPOINT {public_url(value)!r} is not an http(s) URL with a host "
            "(and no spaces, query or fragment)"
        )
    return value.rstrip("/")


def public_url(url: str) -> str:
    """The URL without the user name and password it may embed (never stored or printed)."""
    try:
        parts = urlsplit(url)
        host, port = parts.hostname, parts.port
    except ValueError:
        return "(unparsable URL)"
    if "@" not in parts.netloc:
        return url
    host = f"[{host}]" if host and ":" in host else host or ""
    return parts._replace(netloc=host + (f":{port}" if port else "")).geturl()


def same_origin(url: str, other: str) -> bool:
    """Same scheme, host and port (the default one when not written)."""
    return _origin(url) == _origin(other)


def _origin(url: str) -> tuple[str, str, int]:
    try:
        parts = urlsplit(url)
        default = {"http": 80, "https": 443}.get(parts.scheme.lower(), 0)
        return parts.scheme.lower(), (parts.hostname or "").lower(), parts.port or default
    except ValueError:
        return "", "", -1


def offline_requested() -> bool:
    values = (os.environ.get("HF_HUB_OFFLINE"), os.environ.get("TRANSFORMERS_OFFLINE"))
    return any((value or "").strip().lower() in {"1", "true", "yes", "on"} for value in values)


def repo_folder_name(repo_id: str) -> str:
    """`org/name` -> `models--org--name`, the Hub cache's folder naming."""
    return "models--" + repo_id.replace("/", "--")
