"""The Hugging Face Hub through the real huggingface_hub client: one metadata call, small texts."""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from openness.evidence import Evidence, RepoFile
from openness.sources import records
from openness.sources.files import MAX_TEXT_BYTES, add_text, note_capped, note_unread, select_texts
from openness.sources.paths import hub_cache_dir, hub_endpoint
from openness.target import Target

if TYPE_CHECKING:
    from huggingface_hub.hf_api import ExpandModelProperty_T

DEFAULT_TIMEOUT = 30.0
MAX_ATTEMPTS = 4
BACKOFF = (0.5, 1.0, 2.0)

# Quiet, no side requests: set before huggingface_hub is first imported.
for _name in ("HF_HUB_DISABLE_TELEMETRY", "HF_HUB_DISABLE_XET", "HF_HUB_DISABLE_PROGRESS_BARS"):
    os.environ.setdefault(_name, "1")


class HubNotFound(Exception):
    """The Hub says the repo (or revision) does not exist, or is private to us."""


class HubUnreachable(Exception):
    """The Hub could not answer: network, rate limit, server error, offline mode."""


def _quiet_library() -> None:
    """Silence huggingface_hub's own log lines on stderr (multi-line retry chatter): every
    failure it meets is reported by openness itself, as one line or as an audit warning."""
    from huggingface_hub.utils import logging as hub_logging  # configures it when imported

    hub_logging.get_logger().setLevel(logging.CRITICAL)


def fetch(target: Target, timeout: float = DEFAULT_TIMEOUT) -> Evidence:
    """Model metadata with one API call, then README/licence texts through the Hub cache."""
    _quiet_library()
    info = _model_info(target, timeout)
    evidence = _evidence(info, target.repo_id)
    records.save(evidence)
    _read_texts(evidence, timeout)
    return evidence


LISTED_FIELDS: list[ExpandModelProperty_T] = [
    "cardData", "siblings", "gated", "sha", "tags", "lastModified",
]  # fmt: skip


def list_author(author: str, timeout: float = DEFAULT_TIMEOUT) -> list[Evidence]:
    """Every model of an organisation, with metadata from paginated list calls (no per-model call).

    Texts are not read yet: pass each to `complete`.
    """
    from huggingface_hub import HfApi

    _quiet_library()
    try:
        listed = HfApi(endpoint=hub_endpoint()).list_models(author=author, expand=LISTED_FIELDS)
        return [_evidence(info, info.id) for info in listed]
    except Exception as error:
        raise _classify(error, Target(repo_id=author)) from error


def complete(evidence: Evidence, timeout: float = DEFAULT_TIMEOUT) -> Evidence:
    """Read the texts of listed evidence (sizes unknown: the 1 MiB cap applies on reading)."""
    _quiet_library()
    evidence = evidence.model_copy(deep=True)
    records.save(evidence)
    _read_texts(evidence, timeout)
    return evidence


def _evidence(info: Any, repo_id: str) -> Evidence:
    siblings = info.siblings
    files = [RepoFile(path=s.rfilename, size=s.size) for s in siblings] if siblings else None
    return Evidence(
        repo_id=info.id or repo_id,
        source="hub",
        retrieved_at=datetime.now(timezone.utc),
        revision=info.sha,
        location=hub_endpoint(),
        card_data=info.card_data.to_dict() if info.card_data else {},
        tags=list(info.tags or []),
        files=files,
        gated=info.gated if info.gated in (False, "auto", "manual") else None,
    )


def _model_info(target: Target, budget: float) -> Any:
    """`model_info`, retried with backoff on 429/5xx/network errors, within `budget` seconds.

    A Retry-After header is honoured when it fits in the budget; otherwise the Hub counts as
    unreachable at once (the audit then falls back to the cache or the snapshot).
    """
    from huggingface_hub import HfApi

    api = HfApi(endpoint=hub_endpoint())
    deadline = time.monotonic() + budget
    for attempt in range(MAX_ATTEMPTS):
        remaining = deadline - time.monotonic()
        try:
            return api.model_info(
                target.repo_id,
                revision=target.revision,
                files_metadata=True,
                timeout=max(0.1, min(remaining, budget)),
            )
        except Exception as error:
            problem = _classify(error, target)
            if isinstance(problem, HubNotFound) or attempt == MAX_ATTEMPTS - 1:
                raise problem from error
            wait = _retry_after(error)
            wait = BACKOFF[attempt] if wait is None else wait
            if time.monotonic() + wait >= deadline:
                raise problem from error
            time.sleep(wait)
    raise AssertionError("unreachable")


def _retry_after(error: Exception) -> float | None:
    response: Any = getattr(error, "response", None)
    value = getattr(response, "headers", {}).get("retry-after") if response is not None else None
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None


def _read_texts(evidence: Evidence, timeout: float) -> None:
    """Download and read the wanted texts, all within `timeout` seconds (the files in the cache
    are still read once it is spent)."""
    sizes = {file.path: file.size for file in evidence.files or []}
    deadline = time.monotonic() + timeout
    wanted, dropped = select_texts(list(sizes))
    note_capped(evidence, dropped)
    for path in wanted:
        size = sizes[path]
        if size is not None and size > MAX_TEXT_BYTES:
            note_unread(evidence, path, f"larger than {MAX_TEXT_BYTES // 1024} KiB")
            continue
        try:
            local = _download(evidence, path, deadline - time.monotonic())
            data = _read_capped(Path(str(local)))
        except TimeoutError:
            note_unread(evidence, path, f"not downloaded within the {timeout:g} s timeout")
            continue
        except Exception as error:
            note_unread(evidence, path, _download_warning(path, evidence, error))
            continue
        add_text(evidence, path, data)


def _download(evidence: Evidence, path: str, budget: float) -> str:
    """`hf_hub_download`, given up (TimeoutError) after `budget` seconds: its own retries of a
    slow or broken download can take a minute. Out of budget, only the cache is looked at."""
    from huggingface_hub import hf_hub_download

    def download(local_only: bool) -> str:
        return str(
            hf_hub_download(
                evidence.repo_id,
                path,
                revision=evidence.revision,
                endpoint=hub_endpoint(),
                cache_dir=hub_cache_dir(),
                etag_timeout=max(0.1, budget),
                local_files_only=local_only,
            )
        )

    if budget <= 0:
        try:
            return download(local_only=True)
        except Exception as error:
            raise TimeoutError(path) from error
    outcome: list[str | Exception] = []

    def work() -> None:
        try:
            outcome.append(download(local_only=False))
        except Exception as error:
            outcome.append(error)

    worker = threading.Thread(target=work, name=f"openness-download-{path}", daemon=True)
    worker.start()
    worker.join(budget)
    if not outcome:
        raise TimeoutError(path)
    if isinstance(outcome[0], Exception):
        raise outcome[0]
    return outcome[0]


def _read_capped(path: Path) -> bytes:
    with path.open("rb") as handle:
        return handle.read(MAX_TEXT_BYTES + 1)


def _status(error: Exception) -> int | None:
    response: Any = getattr(error, "response", None)
    status = getattr(response, "status_code", None)
    return status if isinstance(status, int) else None


def _classify(error: Exception, target: Target) -> Exception:
    from huggingface_hub.errors import (
        GatedRepoError,
        RepositoryNotFoundError,
        RevisionNotFoundError,
    )

    if isinstance(error, RevisionNotFoundError):
        return HubNotFound(f"revision {target.revision!r} of {target.repo_id} not found on the Hub")
    if isinstance(error, GatedRepoError):
        return HubNotFound(f"{target.repo_id} is gated and its metadata was refused")
    if isinstance(error, RepositoryNotFoundError) or _status(error) in (401, 403, 404):
        return HubNotFound(
            f"{target.repo_id} not found on the Hub (if it is private, set HF_TOKEN)"
        )
    status = _status(error)
    if isinstance(error, json.JSONDecodeError):
        return HubUnreachable("the Hub answered with something that is not JSON (a proxy page?)")
    if status == 429:
        return HubUnreachable("the Hub is rate-limiting requests (HTTP 429)")
    if status is not None:
        return HubUnreachable(f"the Hub answered HTTP {status}")
    return HubUnreachable(f"the Hub could not be reached ({type(error).__name__})")


def _download_warning(path: str, evidence: Evidence, error: Exception) -> str:
    from huggingface_hub.errors import EntryNotFoundError, GatedRepoError

    if isinstance(error, GatedRepoError) or _status(error) in (401, 403):
        return (
            f"{path} not readable: {evidence.repo_id} is gated; accept its terms at "
            f"https://huggingface.co/{evidence.repo_id} and set HF_TOKEN"
        )
    if isinstance(error, EntryNotFoundError):
        return f"{path} is listed but could not be downloaded (not found)"
    status = _status(error)
    reason = f"HTTP {status}" if status else type(error).__name__
    return f"{path} could not be downloaded ({reason})"
