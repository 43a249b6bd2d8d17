"""What a source found about a model repo: the raw evidence every verdict is built from.

Everything here may come from the audited party (card, file names, server answers), so the
model bounds what it accepts: card metadata is cut at a fixed depth and size, and base models
are Hub repo ids only, never a local path.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any, Literal
from urllib.parse import urlparse

from pydantic import BaseModel, Field, field_validator

SourceKind = Literal["hub", "cache", "local", "snapshot"]
Gating = Literal[False, "auto", "manual"] | None

MAX_CARD_DEPTH = 12
MAX_CARD_ITEMS = 2_000
MAX_CARD_STRING = 4_096
_REPO_PART = r"[A-Za-z0-9](?:[A-Za-z0-9._-]{0,94}[A-Za-z0-9_])?"
HUB_REPO_ID = re.compile(rf"(?:{_REPO_PART}/)?{_REPO_PART}")
_HUB_HOSTS = {"huggingface.co", "www.huggingface.co", "hf.co"}


def hub_repo_id(value: object) -> str | None:
    """`org/name` (or a huggingface.co model URL) as a repo id; anything else is None."""
    if not isinstance(value, str) or len(value) > 200:
        return None
    value = value.strip()
    if value.startswith(("https://", "http://")):
        parsed = urlparse(value)
        parts = [part for part in parsed.path.split("/") if part]
        if (
            parsed.hostname not in _HUB_HOSTS
            or len(parts) < 2
            or parts[0] in ("datasets", "spaces")
        ):
            return None
        value = "/".join(parts[:2])
    if "--" in value or ".." in value or not HUB_REPO_ID.fullmatch(value):
        return None
    return value


def bounded(value: Any, depth: int = 0, budget: list[int] | None = None) -> Any:
    """A copy of YAML/JSON-like data cut at MAX_CARD_DEPTH levels, MAX_CARD_ITEMS values and
    MAX_CARD_STRING characters per string: deeper or further data is dropped (iteratively
    bounded, so no input can exhaust the stack or memory)."""
    budget = [MAX_CARD_ITEMS] if budget is None else budget
    budget[0] -= 1
    if budget[0] < 0:
        return None
    if isinstance(value, str):
        return value[:MAX_CARD_STRING]
    if isinstance(value, bool | int | float) or value is None:
        return value
    if depth >= MAX_CARD_DEPTH:
        return None
    if isinstance(value, dict):
        return {
            str(key)[:MAX_CARD_STRING]: bounded(item, depth + 1, budget)
            for key, item in list(value.items())[: max(budget[0], 0)]
        }
    if isinstance(value, list | tuple):
        return [bounded(item, depth + 1, budget) for item in list(value)[: max(budget[0], 0)]]
    return str(value)[:MAX_CARD_STRING]


class RepoFile(BaseModel):
    """One file of the repo as listed by the source (its text is not necessarily read)."""

    path: str
    size: int | None = None


class TextFile(BaseModel):
    """A small text file the source read (README, LICENSE, USE_POLICY, ...)."""

    path: str
    text: str


class UnreadFile(BaseModel):
    """A licence-like file the source listed (or found) but could not read in full."""

    path: str
    reason: str


class Evidence(BaseModel):
    """Everything one source knows about one model repo at one revision."""

    repo_id: str
    source: SourceKind
    retrieved_at: datetime
    revision: str | None = None
    location: str | None = Field(
        default=None, description="Where the data came from: an endpoint URL, a folder or a file."
    )
    card_data: dict[str, Any] = Field(default_factory=dict)
    card_text: str | None = Field(
        default=None, description="README.md as read, front matter included."
    )
    tags: list[str] = Field(default_factory=list)
    files: list[RepoFile] | None = Field(
        default=None, description="The repo's file list; None when the source cannot know it."
    )
    files_complete: bool | None = Field(
        default=None,
        description="True when `files` is the repo's whole file list; False when it holds only "
        "some (a snapshot, a cache folder); None when not known, which counts as partial.",
    )
    weights_declared: dict[str, str] = Field(
        default_factory=dict,
        description="Weights the source reports beyond the file list: where (`hub:safetensors`, "
        "a checkpoint folder) -> what it says.",
    )
    paper_titles: dict[str, str] = Field(
        default_factory=dict,
        description="arXiv id -> the title the card's own citation gives it, quoted (the "
        "snapshot's; other sources read the card).",
    )
    pages: list[str] = Field(
        default_factory=list,
        description="The public pages a source's facts were read from (the snapshot's), as URLs.",
    )
    named_files: dict[str, str] = Field(
        default_factory=dict,
        description="Licence files a source names by licence without holding their text: path -> "
        "the licence name given for it (the snapshot's; inferred).",
    )
    texts: list[TextFile] = Field(default_factory=list)
    unread: list[UnreadFile] = Field(
        default_factory=list,
        description="Licence-like files that exist but were not read: their terms are unknown.",
    )
    gated: Gating = None
    warnings: list[str] = Field(default_factory=list)

    @field_validator("card_data", mode="before")
    @classmethod
    def _bounded_card(cls, value: Any) -> Any:
        return bounded(value) if isinstance(value, dict) else value

    @field_validator("tags", mode="before")
    @classmethod
    def _bounded_tags(cls, value: Any) -> Any:
        if isinstance(value, list):
            return [str(tag)[:200] for tag in value[:MAX_CARD_ITEMS]]
        return value

    def unread_file(self, path: str, reason: str) -> None:
        """Record a licence-like file that could not be read, and say so in the warnings."""
        self.unread.append(UnreadFile(path=path, reason=reason))
        self.warnings.append(f"{path} listed but not read: {reason}")

    @property
    def declared_bases(self) -> list[str]:
        """Every base model the card metadata or tags name, as written (may be junk)."""
        declared = self.card_data.get("base_model")
        if isinstance(declared, str):
            return [declared]
        if isinstance(declared, list):
            return [item for item in declared if isinstance(item, str)]
        bases: list[str] = []
        for tag in self.tags:
            parts = tag.split(":")
            if parts[0] == "base_model" and len(parts) >= 2 and parts[-1] not in bases:
                bases.append(parts[-1])
        return bases

    @property
    def base_models(self) -> list[str]:
        """Direct base models that are Hub repo ids (never a local path or other junk)."""
        valid = (hub_repo_id(base) for base in self.declared_bases)
        return list(dict.fromkeys(base for base in valid if base))

    @property
    def arxiv_ids(self) -> list[str]:
        """arXiv ids from Hub tags."""
        return [tag.split(":", 1)[1] for tag in self.tags if tag.startswith("arxiv:")]

    @property
    def datasets(self) -> list[str]:
        """Training datasets named in card metadata or `dataset:` tags."""
        declared = self.card_data.get("datasets")
        names: list[str] = []
        if isinstance(declared, str):
            names.append(declared)
        elif isinstance(declared, list):
            names.extend(str(item) for item in declared if isinstance(item, str))
        for tag in self.tags:
            if tag.startswith("dataset:") and tag[8:] not in names:
                names.append(tag[8:])
        return names
