"""What a source found about a model repo: the raw evidence every verdict is built from."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

SourceKind = Literal["hub", "cache", "local", "snapshot"]
Gating = Literal[False, "auto", "manual"] | None


class RepoFile(BaseModel):
    """One file of the repo as listed by the source (its text is not necessarily read)."""

    path: str
    size: int | None = None


class TextFile(BaseModel):
    """A small text file the source read (README, LICENSE, USE_POLICY, ...)."""

    path: str
    text: str


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
    texts: list[TextFile] = Field(default_factory=list)
    gated: Gating = None
    warnings: list[str] = Field(default_factory=list)

    @property
    def base_models(self) -> list[str]:
        """Direct base models from card metadata, else from `base_model:` tags."""
        declared = self.card_data.get("base_model")
        if isinstance(declared, str):
            return [declared]
        if isinstance(declared, list):
            return [str(item) for item in declared if isinstance(item, str)]
        bases = []
        for tag in self.tags:
            parts = tag.split(":")
            if parts[0] == "base_model" and len(parts) >= 2:
                repo = parts[-1]
                if repo not in bases:
                    bases.append(repo)
        return bases

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
