"""Parse a MODEL argument: a Hub repo id, a Hub URL or a local folder."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlparse

from openness.errors import UsageError

_REPO_PART = r"[A-Za-z0-9](?:[A-Za-z0-9._-]{0,94}[A-Za-z0-9_])?"
_REPO_ID = re.compile(rf"^(?:{_REPO_PART}/)?{_REPO_PART}$")
_HUB_HOSTS = {"huggingface.co", "www.huggingface.co", "hf.co"}
_REVISION = re.compile(r"^[A-Za-z0-9_][\w.+/-]{0,254}$")


@dataclass(frozen=True)
class Target:
    """What to audit: a Hub repo (with an optional revision) or a local folder."""

    repo_id: str
    revision: str | None = None
    path: Path | None = None

    @property
    def is_local(self) -> bool:
        return self.path is not None


def parse_target(spec: str, revision: str | None = None) -> Target:
    """Turn a MODEL argument into a Target, or raise UsageError with a one-line reason."""
    spec = spec.strip()
    if not spec:
        raise UsageError("empty model reference")
    if "://" in spec:
        return _from_url(spec, revision)
    folder = Path(spec).expanduser()
    if folder.is_dir():
        return Target(repo_id=folder.resolve().name, revision=revision, path=folder.resolve())
    if spec.startswith((".", "/", "~")) or folder.exists():
        raise UsageError(f"{spec!r} is not a folder")
    if "--" in spec or ".." in spec or not _REPO_ID.match(spec):
        raise UsageError(f"{spec!r} is not a Hub repo id (org/name), a Hub URL or a folder")
    return Target(repo_id=spec, revision=revision)


def parse_hub_model(spec: str) -> Target:
    """A Hub model named without a folder: `org/name[@revision]` or a huggingface.co model URL
    (UsageError with a one-line reason otherwise)."""
    if "://" in spec:
        return _from_url(spec, None)
    repo_id, at, revision = spec.partition("@")
    if "--" in repo_id or ".." in repo_id or not _REPO_ID.match(repo_id):
        raise UsageError(f"{spec!r} is not a Hub repo id (org/name[@revision]) or a Hub URL")
    if at and (".." in revision or not _REVISION.match(revision)):
        raise UsageError(f"{spec!r} does not end in a valid @revision")
    return Target(repo_id=repo_id, revision=revision or None)


def _from_url(url: str, revision: str | None) -> Target:
    parsed = urlparse(url)
    if parsed.scheme not in {"http", "https"} or parsed.hostname not in _HUB_HOSTS:
        raise UsageError(f"{url!r} is not a huggingface.co model URL")
    parts = [unquote(part) for part in parsed.path.split("/") if part]
    if parts and parts[0] in {"datasets", "spaces"}:
        raise UsageError(f"{url!r} is a {parts[0][:-1]}, not a model")
    if len(parts) < 2:
        raise UsageError(f"{url!r} does not name a model repo")
    repo_id = "/".join(parts[:2])
    if not _REPO_ID.match(repo_id):
        raise UsageError(f"{url!r} does not name a model repo")
    url_revision = parts[3] if len(parts) >= 4 and parts[2] in {"tree", "blob", "resolve"} else None
    if revision and url_revision and revision != url_revision:
        raise UsageError(f"--revision {revision} contradicts the URL's revision {url_revision}")
    return Target(repo_id=repo_id, revision=revision or url_revision)
