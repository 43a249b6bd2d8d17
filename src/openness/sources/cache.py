"""What the huggingface_hub cache already holds for a repo, used offline or when the Hub fails."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from pathlib import Path

from openness.card import parse_front_matter
from openness.evidence import Evidence
from openness.sources import records
from openness.sources.local import list_files, note_gaps, read_texts
from openness.sources.paths import hub_cache_dir, repo_folder_name
from openness.target import Target

_SHA = re.compile(r"^[0-9a-f]{40}$")


def fetch(target: Target) -> Evidence | None:
    """Evidence from the Hub cache for the target's revision, or None when nothing is cached."""
    repo_dir = hub_cache_dir() / repo_folder_name(target.repo_id)
    snapshot = _snapshot_dir(repo_dir, target.revision)
    if snapshot is None:
        return None
    record = records.load(target.repo_id, snapshot.name)
    files, warnings, gaps = list_files(snapshot)
    evidence = Evidence(
        repo_id=target.repo_id,
        source="cache",
        retrieved_at=record.retrieved_at if record else _mtime(snapshot),
        revision=snapshot.name,
        location=str(snapshot),
        files=record.files if record else files,
        warnings=warnings,
    )
    if record:
        evidence.card_data, evidence.tags, evidence.gated = (
            record.card_data,
            record.tags,
            record.gated,
        )
    else:
        evidence.warnings.append(
            "no Hub metadata saved for this revision: file list, tags and gating are "
            "only what the cache holds"
        )
    note_gaps(evidence, gaps)
    read_texts(snapshot, files, evidence)
    if not record and evidence.card_text is not None:
        evidence.card_data, card_warnings = parse_front_matter(evidence.card_text)
        evidence.warnings.extend(card_warnings)
    return evidence


def _snapshot_dir(repo_dir: Path, revision: str | None) -> Path | None:
    snapshots = repo_dir / "snapshots"
    if not snapshots.is_dir():
        return None
    if revision and _SHA.match(revision):
        candidate = snapshots / revision
        return candidate if candidate.is_dir() else None
    try:
        commit = (repo_dir / "refs" / (revision or "main")).read_text(encoding="utf-8").strip()
    except OSError:
        commit = ""
    if _SHA.match(commit) and (snapshots / commit).is_dir():
        return snapshots / commit
    if revision:
        return None
    candidates = [path for path in snapshots.iterdir() if path.is_dir()]
    return max(candidates, key=lambda path: path.stat().st_mtime, default=None)


def _mtime(path: Path) -> datetime:
    return datetime.fromtimestamp(path.stat().st_mtime, tz=timezone.utc)
