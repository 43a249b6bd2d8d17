"""Model card front matter: parse it safely and find the line a metadata key is on."""

from __future__ import annotations

import re
from typing import Any

import yaml

MAX_FRONT_MATTER_BYTES = 256 * 1024
_FRONT_MATTER = re.compile(r"\A\ufeff?---[ \t]*\r?\n(.*?\r?\n)?---[ \t]*(?:\r?\n|\Z)", re.DOTALL)


class _NoAliasLoader(yaml.SafeLoader):
    """SafeLoader that refuses anchors/aliases (no "billion laughs")."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]
            raise yaml.composer.ComposerError(
                None, None, "YAML aliases are not accepted in front matter", event.start_mark
            )
        return super().compose_node(parent, index)


def split_front_matter(text: str) -> tuple[str | None, str]:
    """(front matter YAML or None, body)."""
    match = _FRONT_MATTER.match(text)
    if not match:
        return None, text
    return match.group(1) or "", text[match.end() :]


def parse_front_matter(text: str) -> tuple[dict[str, Any], list[str]]:
    """Card metadata from a README, plus warnings; never raises on bad input."""
    raw, _ = split_front_matter(text)
    if raw is None:
        return {}, []
    if len(raw.encode("utf-8", "replace")) > MAX_FRONT_MATTER_BYTES:
        return {}, ["README.md front matter is too large; ignored"]
    try:
        data = yaml.load(raw, Loader=_NoAliasLoader)  # noqa: S506 - a SafeLoader subclass
    except (yaml.YAMLError, ValueError, TypeError, AttributeError, RecursionError) as error:
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        return {}, [f"README.md front matter is malformed ({reason}); ignored"]
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
    pattern = re.compile(rf"^{re.escape(key)}\s*:", re.MULTILINE)
    match = pattern.search(raw)
    if not match:
        return None
    return raw.count("\n", 0, match.start()) + 2
