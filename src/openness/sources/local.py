"""A model folder on disk: a git clone of a Hub repo, or a cache `snapshots/<sha>/` folder."""

from __future__ import annotations

import os
import re
from datetime import datetime, timezone
from pathlib import Path

from openness.card import parse_front_matter
from openness.evidence import Evidence, RepoFile
from openness.sources.files import MAX_TEXT_BYTES, add_text, wanted_files
from openness.target import Target

_SHA = re.compile(r"^[0-9a-f]{40}$")
MAX_LISTED_FILES = 20_000


def list_files(root: Path) -> tuple[list[RepoFile], list[str]]:
    """Files under root (no .git), without following symlinks that leave the folder."""
    root = root.resolve()
    files: list[RepoFile] = []
    warnings: list[str] = []
    for folder, subfolders, names in os.walk(root):
        subfolders[:] = sorted(name for name in subfolders if name != ".git")
        for name in sorted(names):
            path = Path(folder) / name
            relative = path.relative_to(root).as_posix()
            size = _inside_size(path, root)
            if size is None:
                warnings.append(f"{relative} points outside the folder; ignored")
                continue
            files.append(RepoFile(path=relative, size=size))
            if len(files) >= MAX_LISTED_FILES:
                warnings.append(f"more than {MAX_LISTED_FILES} files; listing truncated")
                return files, warnings
    return files, warnings


def _inside_size(path: Path, root: Path) -> int | None:
    """Size of a file whose real location is inside root, else None."""
    try:
        real = path.resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    cache_blobs = root.parent.parent / "blobs"  # snapshots/<sha>/x -> ../../blobs/<etag>
    in_cache = root.parent.name == "snapshots" and real.is_relative_to(cache_blobs)
    if not (real.is_relative_to(root) or in_cache):
        return None
    try:
        return real.stat().st_size
    except OSError:
        return None


def read_texts(root: Path, files: list[RepoFile], evidence: Evidence) -> None:
    """Read README.md and the licence-ish files into the evidence."""
    for relative in wanted_files([file.path for file in files]):
        try:
            with (root / relative).open("rb") as handle:
                data = handle.read(MAX_TEXT_BYTES + 1)
        except OSError as error:
            evidence.warnings.append(f"{relative} could not be read ({error.strerror})")
            continue
        add_text(evidence, relative, data)


def fetch(target: Target) -> Evidence:
    """Evidence from a folder: README front matter and the files on disk."""
    assert target.path is not None
    root = target.path
    repo_id, revision = _identity(root)
    files, warnings = list_files(root)
    evidence = Evidence(
        repo_id=repo_id or target.repo_id,
        source="local",
        retrieved_at=datetime.now(timezone.utc),
        revision=revision or target.revision,
        location=str(root),
        files=files,
        warnings=warnings,
    )
    read_texts(root, files, evidence)
    if evidence.card_text is not None:
        evidence.card_data, card_warnings = parse_front_matter(evidence.card_text)
        evidence.warnings.extend(card_warnings)
    return evidence


def _identity(root: Path) -> tuple[str | None, str | None]:
    """(repo id, commit) from a Hub-cache snapshot path or a git checkout, when knowable."""
    parts = root.parts
    if len(parts) >= 3 and parts[-2] == "snapshots" and parts[-3].startswith("models--"):
        repo = parts[-3][len("models--") :].replace("--", "/")
        return repo, parts[-1] if _SHA.match(parts[-1]) else None
    return None, _git_head(root)


def _git_head(root: Path) -> str | None:
    git = root / ".git"
    try:
        head = (git / "HEAD").read_text(encoding="utf-8").strip()
        if head.startswith("ref: "):
            head = (git / head[5:]).read_text(encoding="utf-8").strip()
    except OSError:
        return None
    return head if _SHA.match(head) else None
