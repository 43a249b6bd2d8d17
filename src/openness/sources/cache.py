"""What the huggingface_hub cache already holds for a repo, used offline or when the Hub fails."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from openness.inputs.target import Target
from openness.sources import records
from openness.sources.card import parse_front_matter
from openness.sources.evidence import Evidence
from openness.sources.files import check_card_metadata
from openness.sources.local import list_files, note_gaps, read_texts
from openness.sources.metadata import is_sha
from openness.sources.paths import hub_cache_dir, repo_folder_name


def fetch(target: Target) -> Evidence | None:
    """Evidence from openness's record of the target's revision, else from the Hub cache's
    snapshot folder; None when neither holds it."""
    record = records.load(target.repo_id, target.revision)
    if record is not None:
        return _from_record(record)
    repo_dir = hub_cache_dir() / repo_folder_name(target.repo_id)
    snapshot = _snapshot_dir(repo_dir, target.revision)
    if snapshot is None:
        return None
    files, warnings, gaps = list_files(snapshot)
    evidence = Evidence(
        repo_id=target.repo_id,
        source="cache",
        retrieved_at=_mtime(snapshot),
        revision=snapshot.name,
        location=str(snapshot),
        files=files,
        files_complete=False,  # the cache holds only the files someone downloaded
        warnings=[
            *warnings,
            "no Hub metadata saved for this revision: file list, tags and gating are "
            "only what the cache holds",
        ],
    )
    note_gaps(evidence, gaps)
    read_texts(snapshot, files, evidence)
    if evidence.card_text is not None:
        evidence.card_data, card_warnings = parse_front_matter(evidence.card_text)
        evidence.warnings.extend(card_warnings)
    return evidence


def _from_record(record: records.Record) -> Evidence:
    """The recorded metadata and texts; a file the Hub audit could not read stays unread."""
    evidence = record.evidence.model_copy(deep=True)
    evidence.source = "cache"
    evidence.location = records.location(evidence.repo_id, evidence.revision)

    def missing(path: str, size: int | None) -> tuple[records.Outcome, bool]:
        return records.Outcome(reason="not in the local cache (not read when last audited)"), False

    records.read_texts(evidence, dict(record.files), missing)
    check_card_metadata(evidence)
    return evidence


def _snapshot_dir(repo_dir: Path, revision: str | None) -> Path | None:
    snapshots = repo_dir / "snapshots"
    if not snapshots.is_dir():
        return None
    if is_sha(revision):
        candidate = snapshots / revision
        return candidate if candidate.is_dir() else None
    try:
        commit = (repo_dir / "refs" / (revision or "main")).read_text(encoding="utf-8").strip()
    except OSError:
        commit = ""
    if is_sha(commit) and (snapshots / commit).is_dir():
        return snapshots / commit
    if revision:
        return None
    candidates = [path for path in snapshots.iterdir() if path.is_dir()]
    return max(candidates, key=lambda path: path.stat().st_mtime, default=None)


def _mtime(path: Path) -> datetime:
    return datetime.fromtimestamp(path.stat().st_mtime, tz=timezone.utc)
