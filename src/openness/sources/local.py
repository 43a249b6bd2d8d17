"""A model folder on disk: a git clone of a Hub repo, or a cache `snapshots/<sha>/` folder."""

from __future__ import annotations

import os
import re
import stat
from datetime import datetime, timezone
from pathlib import Path

from openness.inputs.target import Target
from openness.readers import read_regular
from openness.sources.card import parse_front_matter
from openness.sources.evidence import Evidence, RepoFile
from openness.sources.files import (
    MAX_TEXT_BYTES,
    add_text,
    is_license_file,
    note_capped,
    note_unread,
    select_texts,
)

_SHA = re.compile(r"^[0-9a-f]{40}$")
MAX_LISTED_FILES = 20_000
MAX_DEPTH = 32
UNLISTED = "(files not listed)"  # the path of an unread entry for a listing cut short


Gap = tuple[str, str]  # (path, why): something that may hold licence terms was not listed


def list_files(root: Path) -> tuple[list[RepoFile], list[str], list[Gap]]:
    """(files under root without .git, warnings, gaps that leave the licence terms unknown).

    Iterative and bounded in depth and count; symlinks leading out of the folder and anything
    that is not a regular file (FIFOs, devices, sockets) are left out with a warning.
    """
    root = root.resolve()
    files: list[RepoFile] = []
    warnings: list[str] = []
    gaps: list[Gap] = []
    stack = [(root, 0)]
    while stack:
        folder, depth = stack.pop()
        try:
            entries = sorted(os.scandir(folder), key=lambda entry: entry.name, reverse=True)
        except OSError as error:
            gaps.append((_relative(folder, root), f"folder not listed ({error.strerror})"))
            continue
        for entry in entries:
            path = Path(entry.path)
            relative = _relative(path, root)
            if entry.is_dir(follow_symlinks=False):
                if entry.name == ".git":
                    continue
                if depth + 1 >= MAX_DEPTH:
                    gaps.append((relative, f"folder deeper than {MAX_DEPTH} levels; not listed"))
                else:
                    stack.append((path, depth + 1))
                continue
            size, problem = _regular_size(path, root)
            if problem and is_license_file(relative):
                gaps.append((relative, problem))
            elif problem:
                warnings.append(f"{relative} {problem}; ignored")
            if problem:
                continue
            files.append(RepoFile(path=relative, size=size))
            if len(files) >= MAX_LISTED_FILES:
                gaps.append((UNLISTED, f"more than {MAX_LISTED_FILES} files; listing stopped"))
                return sorted(files, key=lambda file: file.path), warnings, gaps
    return sorted(files, key=lambda file: file.path), warnings, gaps


def _relative(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix() if path != root else "."


def _regular_size(path: Path, root: Path) -> tuple[int | None, str | None]:
    """(size, None) for a regular file whose real location is inside root, else (None, why)."""
    try:
        real = path.resolve(strict=True)
        info = real.stat()
    except (OSError, RuntimeError):
        return None, "cannot be resolved (a broken or looping link?)"
    cache_blobs = root.parent.parent / "blobs"  # snapshots/<sha>/x -> ../../blobs/<etag>
    in_cache = root.parent.name == "snapshots" and real.is_relative_to(cache_blobs)
    if not (real.is_relative_to(root) or in_cache):
        return None, "points outside the folder"
    if not stat.S_ISREG(info.st_mode):
        return None, "is not a regular file"
    return info.st_size, None


def read_texts(root: Path, files: list[RepoFile], evidence: Evidence) -> None:
    """Read README.md and the licence-like files into the evidence; what cannot be read in
    full is recorded as unread."""
    sizes = {file.path: file.size for file in files}
    wanted, dropped = select_texts(list(sizes))
    note_capped(evidence, dropped)
    for relative in wanted:
        size = sizes[relative]
        if size is not None and size > MAX_TEXT_BYTES:
            note_unread(evidence, relative, f"larger than {MAX_TEXT_BYTES // 1024} KiB")
            continue
        try:
            data = read_regular(root / relative, MAX_TEXT_BYTES)
        except OSError as error:
            note_unread(evidence, relative, f"could not be read ({error.strerror or error})")
            continue
        add_text(evidence, relative, data)


def note_gaps(evidence: Evidence, gaps: list[Gap]) -> None:
    """A licence-like file not opened, or a listing cut short, leaves the terms unknown."""
    for path, reason in gaps:
        evidence.unread_file(path, reason)


def fetch(target: Target) -> Evidence:
    """Evidence from a folder: README front matter and the files on disk."""
    assert target.path is not None
    root = target.path
    repo_id, revision = _identity(root)
    files, warnings, gaps = list_files(root)
    evidence = Evidence(
        repo_id=repo_id or target.repo_id,
        source="local",
        retrieved_at=datetime.now(timezone.utc),
        revision=revision or target.revision,
        location=str(root),
        files=files,
        files_complete=not gaps and not _in_hub_cache(root),
        warnings=warnings,
    )
    note_gaps(evidence, gaps)
    read_texts(root, files, evidence)
    if evidence.card_text is not None:
        evidence.card_data, card_warnings = parse_front_matter(evidence.card_text)
        evidence.warnings.extend(card_warnings)
    return evidence


def _in_hub_cache(root: Path) -> bool:
    """Whether root is a Hub cache `snapshots/<sha>/` folder: it holds only what was downloaded."""
    parts = root.parts
    return len(parts) >= 3 and parts[-2] == "snapshots" and parts[-3].startswith("models--")


def _identity(root: Path) -> tuple[str | None, str | None]:
    """(repo id, commit) from a Hub-cache snapshot path or a git checkout, when knowable."""
    parts = root.parts
    if _in_hub_cache(root):
        repo = parts[-3][len("models--") :].replace("--", "/")
        return repo, parts[-1] if _SHA.match(parts[-1]) else None
    return None, _git_head(root)


def _git_head(root: Path) -> str | None:
    git = root / ".git"
    try:
        head = read_regular(git / "HEAD", 4096).decode("utf-8", "replace").strip()
        if head.startswith("ref: ") and ".." not in head:
            head = read_regular(git / head[5:], 4096).decode("utf-8", "replace").strip()
    except OSError:
        return None
    return head if _SHA.match(head) else None
