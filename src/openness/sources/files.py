"""Which repo files are worth reading, and reading them safely (size cap, encoding, binary)."""

from __future__ import annotations

import codecs
import re
from pathlib import PurePosixPath

from openness.sources.evidence import Evidence, TextFile

MAX_TEXT_BYTES = 1024 * 1024
MAX_TEXT_FILES = 24
CARD = "README.md"

_LICENSE_STEMS = re.compile(
    r"^(license|licence|copying|notice|use[_-]?policy|usage[_-]?policy|acceptable[_-]?use)",
    re.IGNORECASE,
)
_LICENSE_WORDS = re.compile(r"licen[cs]e|terms|policy|agreement|eula", re.IGNORECASE)
_TEXT_SUFFIXES = {"", ".md", ".txt", ".rst", ".markdown", ".html", ".htm"}
_BOMS = (  # longest first: the UTF-32 LE mark starts with the UTF-16 LE one
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def is_license_file(path: str) -> bool:
    """LICENSE*, COPYING*, NOTICE*, USE_POLICY* at any depth, or a text file whose name (or
    folder) says licence/terms/policy."""
    name = PurePosixPath(path)
    if _LICENSE_STEMS.match(name.name):
        return True
    if name.suffix.lower() not in _TEXT_SUFFIXES:
        return False
    in_license_folder = len(name.parts) > 1 and bool(_LICENSE_WORDS.search(name.parts[-2]))
    return in_license_folder or bool(_LICENSE_WORDS.search(name.stem))


def select_texts(paths: list[str]) -> tuple[list[str], list[str]]:
    """(files to read, licence-like files left out by the cap): README.md first, then
    licence-like files, shallowest first."""
    licenses = sorted(
        (path for path in paths if path != CARD and is_license_file(path)),
        key=lambda path: (path.count("/"), path),
    )
    card = [CARD] if CARD in paths else []
    return card + licenses[:MAX_TEXT_FILES], licenses[MAX_TEXT_FILES:]


def decode_text(data: bytes) -> tuple[str | None, str | None]:
    """(text, None), (text, warning) or (None, why it cannot be read as text)."""
    if len(data) > MAX_TEXT_BYTES:
        return None, f"larger than {MAX_TEXT_BYTES // 1024} KiB"
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(encoding), None
            except UnicodeDecodeError:
                return None, f"not valid {encoding.upper()} after its byte-order mark"
    if b"\x00" in data:
        return None, "a binary file (NUL bytes)"
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError:
        return data.decode("latin-1"), "not valid UTF-8; read as Latin-1"


def add_text(evidence: Evidence, path: str, data: bytes) -> None:
    """Decode a read file into the evidence: the card, a licence-like text, or an unread file."""
    text, problem = decode_text(data)
    if text is None:
        assert problem is not None
        if path == CARD:
            evidence.warnings.append(f"{path} not read: {problem}")
        else:
            evidence.unread_file(path, problem)
        return
    if problem:
        evidence.warnings.append(f"{path} is {problem}")
    if path == CARD:
        evidence.card_text = text
    else:
        evidence.texts.append(TextFile(path=path, text=text))


def note_unread(evidence: Evidence, path: str, reason: str) -> None:
    """A wanted file that could not be read at all: a warning for the card, unknown terms for
    a licence-like file."""
    if path == CARD:
        evidence.warnings.append(f"{path} not read: {reason}")
    else:
        evidence.unread_file(path, reason)


def check_card_metadata(evidence: Evidence) -> None:
    """Card metadata that came from a server answer is dropped when the README's own front
    matter is refused (duplicate keys, aliases, too large...): both speak for the same card."""
    from openness.sources.card import parse_front_matter

    if evidence.card_text is None:
        return
    _, problems = parse_front_matter(evidence.card_text)
    if problems:
        evidence.warnings += [f"{problem} (the Hub's card metadata too)" for problem in problems]
        evidence.card_data = {}


def note_capped(evidence: Evidence, dropped: list[str]) -> None:
    """Licence-like files beyond the cap are unread files too."""
    for path in dropped:
        evidence.unread_file(path, f"beyond the {MAX_TEXT_FILES}-file cap on licence-like files")
