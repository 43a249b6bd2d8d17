"""Hub metadata checked before use: the server may be the audited party's (an HF_ENDPOINT mirror).

A commit id must be 40 lowercase hex digits before it names a cache record or a download; a
repo id must be a plain `org/name`; file names must be short relative POSIX paths. Anything
else is malformed: a bad commit or id rejects the answer, a bad file name is dropped with a
warning (and leaves the licence terms unknown when it looks like a licence file).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime, timezone
from typing import Any, TypeGuard

from openness.sources.evidence import Evidence, RepoFile, hub_repo_id
from openness.sources.files import is_license_file
from openness.sources.local import MAX_LISTED_FILES
from openness.sources.paths import hub_endpoint, public_url

SHA = re.compile(r"[0-9a-f]{40}")
MAX_PATH_LENGTH = 1024


class Malformed(ValueError):
    """The Hub's answer does not have the shape openness relies on."""


def is_sha(value: object) -> TypeGuard[str]:
    return isinstance(value, str) and SHA.fullmatch(value) is not None


def valid_repo_id(value: object) -> str | None:
    """The value when it is a plain Hub repo id (`org/name`), else None."""
    return value if isinstance(value, str) and hub_repo_id(value) == value else None


def safe_path(value: object) -> str | None:
    """The value when it is a relative POSIX path safe to name a file, else None."""
    if not isinstance(value, str) or not 0 < len(value) <= MAX_PATH_LENGTH:
        return None
    if value.startswith("/") or "\\" in value:
        return None
    if any(unicodedata.category(char) in ("Cc", "Cf", "Cs", "Zl", "Zp") for char in value):
        return None
    if any(part in ("", ".", "..") for part in value.split("/")):
        return None
    return value


def evidence_from(info: Any, requested: str | None, revision: str | None = None) -> Evidence:
    """Evidence from the Hub's model metadata (parsed JSON), or Malformed.

    `requested` is the repo id asked for (None for a listing entry); `revision` the revision
    asked for, which the answer's commit must equal when it is a commit id.
    """
    if not isinstance(info, dict):
        raise Malformed("the metadata is not an object")
    repo_id, sha = valid_repo_id(info.get("id")), info.get("sha")
    if repo_id is None:
        raise Malformed(f"repo id {str(info.get('id'))[:80]!r}")
    if requested is not None and repo_id.lower() != requested.lower():
        raise Malformed(f"metadata of {repo_id} when {requested} was asked for")
    if not is_sha(sha) or (is_sha(revision) and sha != revision):
        raise Malformed(f"commit id {str(sha)[:80]!r}")
    tags = info.get("tags") or []
    if not isinstance(tags, list):
        raise Malformed("tags are not a list")
    gated = info.get("gated")
    evidence = Evidence(
        repo_id=repo_id,
        source="hub",
        retrieved_at=datetime.now(timezone.utc),
        revision=sha,
        location=public_url(hub_endpoint()),
        card_data=_card_data(info),
        tags=tags,
        gated=gated if gated in (False, "auto", "manual") else None,
    )
    siblings = info.get("siblings")
    if siblings is not None:
        evidence.files = _files(evidence, siblings)
        evidence.files_complete = len(evidence.files) == len(siblings)
    evidence.weights_declared = _declared_weights(info)
    return evidence


def _declared_weights(info: dict[str, Any]) -> dict[str, str]:
    """The Hub's `safetensors` and `gguf` metadata, when present: weights it has indexed."""
    declared: dict[str, str] = {}
    safetensors = info.get("safetensors")
    total = safetensors.get("total") if isinstance(safetensors, dict) else None
    if isinstance(total, int) and not isinstance(total, bool) and total > 0:
        declared["hub:safetensors"] = f"{total} parameters"
    gguf = info.get("gguf")
    if isinstance(gguf, dict) and gguf:
        total = gguf.get("total")
        counted = isinstance(total, int) and not isinstance(total, bool) and total > 0
        declared["hub:gguf"] = f"{total} parameters" if counted else "GGUF metadata"
    return declared


def _card_data(info: dict[str, Any]) -> dict[str, Any]:
    """The card's metadata, with the Hub's pipeline tag when the card gives none (modality)."""
    given = info.get("cardData") or {}
    if not isinstance(given, dict):
        raise Malformed("the card metadata is not an object")
    card = {key: value for key, value in given.items() if value is not None}
    pipeline_tag = info.get("pipeline_tag")
    if not card.get("pipeline_tag") and isinstance(pipeline_tag, str):
        card["pipeline_tag"] = pipeline_tag[:100]
    return card


def _files(evidence: Evidence, siblings: Any) -> list[RepoFile]:
    if not isinstance(siblings, list):
        raise Malformed("the file list is not a list")
    files: list[RepoFile] = []
    for sibling in siblings[:MAX_LISTED_FILES]:
        name = sibling.get("rfilename") if isinstance(sibling, dict) else None
        path = safe_path(name)
        if path is None:
            shown = repr(name)[:120]
            evidence.warnings.append(f"the Hub listed a malformed file name, ignored: {shown}")
            if not isinstance(name, str):  # it could name anything, a licence included
                raise Malformed(f"a file name in the listing is not a string: {shown}")
            if is_license_file(name.replace("\\", "/")[-200:]):
                evidence.unread_file(shown, "its name is malformed")
            continue
        size = sibling.get("size")
        valid_size = isinstance(size, int) and not isinstance(size, bool) and size >= 0
        files.append(RepoFile(path=path, size=size if valid_size else None))
    if len(siblings) > MAX_LISTED_FILES:
        evidence.unread_file(".", f"more than {MAX_LISTED_FILES} files listed; the rest ignored")
    return files
