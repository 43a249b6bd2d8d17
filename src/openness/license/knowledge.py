"""The shipped licence knowledge's version, and what is derived from it kept in the cache.

The version is a sha256 over every file under `licenses/` an audit reads, openness's version
and licenseclassifier's release: anything derived from the knowledge (parsed profiles, the
analysis of a text) is stored under it, so an upgrade or an edited profile is never answered
from an older store. Hashing the 2 MB of those files cost a warm audit more than the rest of
the knowledge's loading, so the version itself is stored too, under a stamp of the files (each
one's path, size, modification and change times and inode): an edit changes the change time,
which no program sets back, and the version is then hashed again (files changed in the last
`SETTLED` seconds are hashed every time, their stamp not trusted yet).

Shipped YAML (rubrics, clause kinds) is parsed once as well (`parsed_yaml`): its data is
stored as JSON under the sha256 of the file's bytes.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import time
from importlib.util import find_spec
from pathlib import Path
from typing import Any

from openness import __version__
from openness.data import packaged
from openness.once import once
from openness.sources.paths import records_dir

_NOT_KNOWLEDGE = ("training",)  # shipped with the licences, never read by an audit
_SHA256 = re.compile(r"[0-9a-f]{64}")
# Seconds since the last change to any file before their version is stored under their stamp:
# file times come from a coarse clock, so a file changed again within the same tick as the
# hashing could keep its stamp (git's "racy clean" entries); such a version is not stored.
SETTLED = 2.0


@once
def knowledge_version() -> str:
    """sha256 over the shipped licence knowledge, openness's version and licenseclassifier's."""
    from openness.sources.records import read_quietly, write_atomically

    files = _knowledge_files(packaged("licenses"))
    stamp = hashlib.sha256(f"openness {__version__}\n{_classifier_release()}\n".encode())
    latest = 0
    for relative, path in files:
        found = os.stat(path)
        latest = max(latest, found.st_mtime_ns, found.st_ctime_ns)
        stamp.update(
            f"{relative}\0{found.st_size} {found.st_mtime_ns} {found.st_ctime_ns} "
            f"{found.st_ino}\n".encode()
        )
    stored = derived_path("knowledge-version", stamp.hexdigest())
    known = (read_quietly(stored) or "").strip()
    if _SHA256.fullmatch(known):
        return known
    digest = hashlib.sha256(f"openness {__version__}\n".encode())
    for relative, path in files:
        digest.update(f"{relative}\n".encode())
        digest.update(path.read_bytes())
    digest.update(_classifier_release().encode())
    version = digest.hexdigest()
    if latest < time.time_ns() - SETTLED * 1e9:
        write_atomically(stored, version)
    return version


def _knowledge_files(root: Path) -> list[tuple[str, Path]]:
    """(path relative to `root` in POSIX form, path) of every knowledge file, in the order of
    their paths' parts."""
    found: list[tuple[tuple[str, ...], Path]] = []
    folders: list[tuple[Path, tuple[str, ...]]] = [(root, ())]
    while folders:
        folder, parts = folders.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                here = (*parts, entry.name)
                if not parts and entry.name in _NOT_KNOWLEDGE:
                    continue
                if entry.is_dir():
                    folders.append((Path(entry.path), here))
                elif entry.is_file():
                    found.append((here, Path(entry.path)))
    return [("/".join(parts), path) for parts, path in sorted(found)]


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


def parsed_yaml(path: Path, aliases: bool = False) -> Any:
    """`readers.load` of a shipped YAML file (`YamlError`, `OSError` as it raises them), kept
    as JSON under the sha256 of the file's bytes, openness's version (the reader's rules) and
    `aliases`. Data JSON would not give back unchanged (dates, keys that are not strings) is
    not kept; neither is a stored entry that does not parse."""
    from openness.readers import load
    from openness.sources.records import read_quietly, write_atomically

    data = path.read_bytes()
    key = hashlib.sha256(f"openness {__version__} yaml aliases={aliases}\n".encode() + data)
    stored = derived_path("yaml", key.hexdigest())
    known = read_quietly(stored)
    if known is not None:
        try:
            return json.loads(known)
        except ValueError:
            pass
    text = data.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")  # as read_text
    parsed = load(text, str(path), aliases=aliases)
    try:
        kept = json.dumps(parsed, ensure_ascii=False)
        same = json.loads(kept) == parsed
    except (TypeError, ValueError):  # not JSON data
        same = False
    if same:
        write_atomically(stored, kept)
    return parsed
