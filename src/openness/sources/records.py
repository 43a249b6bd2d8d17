"""Hub metadata saved after each Hub audit, so the cache source knows the file list and gating."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from openness.evidence import Evidence
from openness.sources.paths import records_dir


def _record_path(repo_id: str, revision: str) -> Path:
    return records_dir() / repo_id.replace("/", "--") / f"{revision}.json"


def save(evidence: Evidence) -> None:
    """Store the evidence minus its texts (those live in the Hub cache); best effort."""
    if not evidence.revision:
        return
    path = _record_path(evidence.repo_id, evidence.revision)
    payload = evidence.model_copy(update={"texts": [], "card_text": None})
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(payload.model_dump_json())
        os.replace(temporary, path)


def load(repo_id: str, revision: str) -> Evidence | None:
    path = _record_path(repo_id, revision)
    try:
        return Evidence.model_validate_json(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
