"""Which repo files are worth reading, and reading them safely (size cap, encoding, binary)."""

from __future__ import annotations

import re
from pathlib import PurePosixPath

from openness.evidence import Evidence, TextFile

MAX_TEXT_BYTES = 1024 * 1024
MAX_TEXT_FILES = 12

_LICENCE_STEMS = re.compile(
    r"^(license|licence|copying|notice|use[_-]?policy|usage[_-]?policy|acceptable[_-]?use)",
    re.IGNORECASE,
)
_LICENCE_WORDS = re.compile(r"licen[cs]e|terms|policy|agreement|eula", re.IGNORECASE)
_TEXT_SUFFIXES = {"", ".md", ".txt", ".rst", ".markdown", ".html", ".htm"}


def is_licence_file(path: str) -> bool:
    """LICENSE*, COPYING*, NOTICE*, USE_POLICY*, or any text file whose name says licence/terms."""
    name = PurePosixPath(path)
    if len(name.parts) > 2:
        return False
    if name.suffix.lower() not in _TEXT_SUFFIXES and not _LICENCE_STEMS.match(name.name):
        return False
    if _LICENCE_STEMS.match(name.name):
        return True
    in_licence_folder = len(name.parts) == 2 and bool(_LICENCE_WORDS.search(name.parts[0]))
    return in_licence_folder or bool(_LICENCE_WORDS.search(name.stem))


def wanted_files(paths: list[str]) -> list[str]:
    """README.md first, then licence-ish files, capped in number."""
    chosen = [path for path in paths if path == "README.md"]
    chosen += sorted(path for path in paths if path != "README.md" and is_licence_file(path))
    return chosen[:MAX_TEXT_FILES]


def decode_text(data: bytes, path: str) -> tuple[str | None, str | None]:
    """Decode a small file: (text, None), or (None, warning) when it is binary or too big."""
    if len(data) > MAX_TEXT_BYTES:
        return None, f"{path} is larger than {MAX_TEXT_BYTES // 1024} KiB; not read"
    if b"\x00" in data[:8192]:
        return None, f"{path} is a binary file; not read as text"
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError:
        return data.decode("latin-1"), f"{path} is not valid UTF-8; read as Latin-1"


def add_text(evidence: Evidence, path: str, data: bytes) -> None:
    """Decode a read file into the evidence: the card, a licence-ish text, or a warning."""
    text, warning = decode_text(data, path)
    if warning:
        evidence.warnings.append(warning)
    if text is None:
        return
    if path == "README.md":
        evidence.card_text = text
    else:
        evidence.texts.append(TextFile(path=path, text=text))
