"""The shipped licence knowledge's version, and what is derived from it kept in the cache.

The version is a sha256 over every file under `licenses/` an audit reads, openness's version
and licenseclassifier's release: anything derived from the knowledge (parsed profiles, the
analysis of a text) is stored under it, so an upgrade or an edited profile is never answered
from an older store.
"""

from __future__ import annotations

import hashlib
from importlib.util import find_spec
from pathlib import Path

from openness import __version__
from openness.data import packaged
from openness.once import once
from openness.sources.paths import records_dir

_NOT_KNOWLEDGE = ("training",)  # shipped with the licences, never read by an audit


@once
def knowledge_version() -> str:
    """sha256 over the shipped licence knowledge, openness's version and licenseclassifier's."""
    digest = hashlib.sha256(f"openness {__version__}\n".encode())
    root = packaged("licenses")
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if path.is_file() and relative.parts[0] not in _NOT_KNOWLEDGE:
            digest.update(f"{relative.as_posix()}\n".encode())
            digest.update(path.read_bytes())
    digest.update(_classifier_release().encode())
    return digest.hexdigest()


def _classifier_release() -> str:
    """licenseclassifier's installed release, read from its metadata folder's name (importing
    the library or importlib.metadata would cost more than the whole lookup)."""
    spec = find_spec("licenseclassifier")
    if spec is None or spec.origin is None:
        return "licenseclassifier absent"
    found = sorted(Path(spec.origin).parents[1].glob("licenseclassifier-*.dist-info"))
    return found[-1].name if found else "licenseclassifier unknown"


def derived_path(kind: str, key: str) -> Path:
    """Where something derived from the knowledge is stored: `<cache>/<kind>/<key>.json`."""
    return records_dir() / kind / key[:2] / f"{key}.json"
