"""What a Hub audit learnt about one commit, kept for warm and offline audits.

A record holds the metadata and, per wanted file, its bytes (at most the text cap) or the
reason it can never be read at that commit (too large, not found). Transient failures are
not recorded, so the next audit tries those files again. Paths come only from a validated
repo id and a 40-hex commit; every write is a unique temporary file moved into place, so
concurrent audits sharing a cache never leave a torn or mixed record.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from openness.sources.evidence import Evidence
from openness.sources.files import add_text, note_capped, note_unread, select_texts
from openness.sources.metadata import is_sha, valid_repo_id
from openness.sources.paths import records_dir


class Outcome(BaseModel):
    """A file's bytes as served, or why it cannot be read at this commit."""

    model_config = ConfigDict(ser_json_bytes="base64", val_json_bytes="base64")

    data: bytes | None = None
    reason: str | None = None


class Record(BaseModel):
    """Hub metadata (no texts) and the settled outcome of each file read at one commit."""

    evidence: Evidence
    files: dict[str, Outcome] = {}


Missing = Callable[[str, int | None], tuple[Outcome, bool]]


def read_texts(evidence: Evidence, settled: dict[str, Outcome], missing: Missing) -> None:
    """Fill in the wanted texts: from `settled`, else `missing(path, listed size)`, which also
    says whether its outcome is settled for this commit (it then joins `settled`)."""
    sizes = {file.path: file.size for file in evidence.files or []}
    wanted, dropped = select_texts(list(sizes))
    note_capped(evidence, dropped)
    for path in wanted:
        outcome = settled.get(path)
        if outcome is None:
            outcome, keep = missing(path, sizes[path])
            if keep:
                settled[path] = outcome
        if outcome.data is not None:
            add_text(evidence, path, outcome.data)
        else:
            note_unread(evidence, path, outcome.reason or "not read")


def all_settled(evidence: Evidence, settled: dict[str, Outcome]) -> bool:
    """Whether `read_texts` would find every wanted text in `settled` (and ask for none)."""
    wanted, _ = select_texts([file.path for file in evidence.files or []])
    return all(path in settled for path in wanted)


def location(repo_id: str, revision: str | None) -> str | None:
    path = _record_path(repo_id, revision)
    return str(path) if path else None


def _repo_dir(repo_id: str) -> Path | None:
    valid = valid_repo_id(repo_id)
    return records_dir() / valid.lower().replace("/", "--") if valid else None


def _record_path(repo_id: str, revision: str | None) -> Path | None:
    folder = _repo_dir(repo_id)
    return folder / f"{revision}.json" if folder and is_sha(revision) else None


def _ref_path(repo_id: str, revision: str | None) -> Path | None:
    folder = _repo_dir(repo_id)
    name = hashlib.sha256((revision or "").encode()).hexdigest()
    return folder / "refs" / name if folder else None


def save(record: Record, revision_asked: str | None = None) -> None:
    """Store the record, and which commit the revision asked for named; best effort."""
    evidence = record.evidence
    path = _record_path(evidence.repo_id, evidence.revision)
    if path is None or evidence.revision is None:
        return
    write_atomically(path, record.model_dump_json())
    save_ref(evidence, revision_asked)


def save_ref(evidence: Evidence, revision_asked: str | None) -> None:
    """Note which commit the branch or tag asked for named, unless that is already noted."""
    if is_sha(revision_asked) or evidence.revision is None:
        return
    ref = _ref_path(evidence.repo_id, revision_asked)
    if ref is not None and read_quietly(ref) != evidence.revision:
        write_atomically(ref, evidence.revision)


def load(repo_id: str, revision: str | None) -> Record | None:
    """The record of a commit, or of the commit a branch or tag named when last audited."""
    if not is_sha(revision):
        revision = read_quietly(_ref_path(repo_id, revision))
    text = read_quietly(_record_path(repo_id, revision))
    try:
        record = Record.model_validate_json(text) if text else None
    except ValueError:
        return None
    if record is None or record.evidence.revision != revision:
        return None
    return record if record.evidence.repo_id.lower() == repo_id.lower() else None


def read_quietly(path: Path | None) -> str | None:
    """The file's text, or None when it is absent or unreadable."""
    if path is None:
        return None
    with contextlib.suppress(OSError, UnicodeDecodeError):
        return path.read_text(encoding="utf-8")
    return None


def write_atomically(path: Path, text: str) -> None:
    """Best effort: a unique temporary file moved into place, never a torn file."""
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(text)
            os.replace(temporary, path)
        finally:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
