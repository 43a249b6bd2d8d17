"""The Hub's answer about one dataset, checked before use: the server may be hostile.

Only the fields openness reads are kept, each checked for its type: the id must be the one
asked for, `private` a boolean, `gated` one of the Hub's values, the licence short strings
from the card metadata (else the `license:` tags). A field of the wrong type leaves what it
decides unknown; an answer that is not an object, or names another dataset, is Malformed.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from openness.report import DatasetEntry
from openness.sources.evidence import Gating
from openness.sources.metadata import Malformed, is_sha, valid_repo_id

MAX_LICENSES = 5
MAX_LICENSE_LENGTH = 100


class Answer(BaseModel):
    """What is known of a dataset: from the Hub (this run), from the cache, or nothing."""

    licenses: list[str] = Field(default_factory=list)
    gated: Gating = None
    public: bool | None = None
    sha: str | None = None
    source: Literal["hub", "cache"] | None = None
    as_of: str | None = None
    reason: str | None = None

    def entry(self, name: str, named_in: str) -> DatasetEntry:
        return DatasetEntry(
            id=name,
            named_in=named_in,
            license=", ".join(self.licenses) or None,
            licenses=self.licenses,
            gated=self.gated,
            public=self.public,
            source=self.source,
            as_of=self.as_of,
            reason=self.reason,
        )


def parse_answer(info: Any, requested: str, as_of: str) -> Answer:
    """The answer to `GET /api/datasets/{requested}` (parsed JSON), or Malformed."""
    if not isinstance(info, dict):
        raise Malformed("the dataset metadata is not an object")
    answered = valid_repo_id(info.get("id"))
    if answered is None:
        raise Malformed(f"dataset id {str(info.get('id'))[:80]!r}")
    renamed = "/" not in requested and answered.lower().endswith("/" + requested.lower())
    if answered.lower() != requested.lower() and not renamed:
        raise Malformed(f"metadata of {answered} when {requested} was asked for")
    gaps: list[str] = []
    if renamed:
        gaps.append(f"the Hub answered for {answered}")
    private = info.get("private")
    if not isinstance(private, bool):
        gaps.append("the Hub did not say whether it is public")
    gated = info.get("gated")
    if gated not in (False, "auto", "manual"):
        gaps.append("the Hub did not say whether it is gated")
        gated = None
    licenses = _licenses(info)
    if not licenses:
        gaps.append("its card declares no licence")
    sha = info.get("sha")
    return Answer(
        licenses=licenses,
        gated=gated,
        public=(not private) if isinstance(private, bool) else None,
        sha=sha if is_sha(sha) else None,
        source="hub",
        as_of=as_of,
        reason="; ".join(gaps) or None,
    )


def _licenses(info: dict[str, Any]) -> list[str]:
    """The card's `license` (a string or a list of strings), else the `license:` tags."""
    card = info.get("cardData")
    declared = card.get("license") if isinstance(card, dict) else None
    values = declared if isinstance(declared, list) else [declared]
    found = [_clean(value) for value in values[:MAX_LICENSES]]
    if not any(found):
        tags = info.get("tags")
        tags = tags if isinstance(tags, list) else []
        found = [
            _clean(tag[len("license:") :])
            for tag in tags[:1000]
            if isinstance(tag, str) and tag.startswith("license:")
        ][:MAX_LICENSES]
    return list(dict.fromkeys(value for value in found if value))


def _clean(value: object) -> str | None:
    """A licence keyword as written: a short single-line string, else None."""
    if not isinstance(value, str):
        return None
    value = value.strip()
    if not 0 < len(value) <= MAX_LICENSE_LENGTH or any(ord(c) < 32 or c == "\x7f" for c in value):
        return None
    return value
