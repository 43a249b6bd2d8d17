"""Model card front matter: parse it safely and find the line a metadata key is on."""

from __future__ import annotations

import re
from typing import Any

from openness.readers import YamlError, load

MAX_FRONT_MATTER_BYTES = 256 * 1024
_FRONT_MATTER = re.compile(r"\A\ufeff?---[ \t]*\r?\n(.*?\r?\n)?---[ \t]*(?:\r?\n|\Z)", re.DOTALL)


def split_front_matter(text: str) -> tuple[str | None, str]:
    """(front matter YAML or None, body)."""
    match = _FRONT_MATTER.match(text)
    if not match:
        return None, text
    return match.group(1) or "", text[match.end() :]


def parse_front_matter(text: str) -> tuple[dict[str, Any], list[str]]:
    """Card metadata from a README, plus warnings; never raises on bad input. Front matter that
    safe_yaml refuses (aliases, duplicate keys, too large or deep) is ignored as a whole."""
    raw, _ = split_front_matter(text)
    if raw is None:
        return {}, []
    try:
        data = load(raw, "README.md", limit=MAX_FRONT_MATTER_BYTES, first_line=2)
    except YamlError as error:
        return {}, [f"{error}; front matter ignored"]
    if data is None:
        return {}, []
    if not isinstance(data, dict):
        return {}, ["README.md front matter is not a mapping; ignored"]
    return {str(key): value for key, value in data.items()}, []


def key_line(text: str | None, key: str) -> int | None:
    """1-based line of `key:` inside the README front matter, if present."""
    if not text:
        return None
    raw, _ = split_front_matter(text)
    if raw is None:
        return None
    match = re.search(rf"^{re.escape(key)}[ \t]*:", raw, re.MULTILINE)
    if not match:
        return None
    return raw.count("\n", 0, match.start()) + 2
