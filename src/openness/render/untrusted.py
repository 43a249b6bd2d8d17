"""Text written by the audited party, made safe for every output format.

Model repos are written by the party being audited: their licence names, file names, card
fields and quotes (and the warnings that embed them) must not steer a terminal, a CI log or a
reader. Some characters are *hidden*: C0 and C1 controls (newlines and tabs included), DEL,
Unicode format characters (bidi overrides and isolates, zero-width characters, the BOM, tag
characters), line and paragraph separators, and lone surrogates.

- `one_line`, for people: runs of line breaks, tabs and other whitespace controls become one
  space and every other hidden character is shown as a visible escape (`\\u202e`, `\\x1b`), so a
  reader sees that `MIT\\u200b` is not `MIT` and no value can start a new line.
- `inert`: `one_line` for line-oriented output (terminal tables, diagnostics) that may be a CI
  log, where rich can wrap any word to the start of a line: GitHub Actions workflow-command
  markers are broken with a backslash (`:\\:`, `##\\[`).
- `escape_serialised` and `json_document`, for JSON and YAML: the value is kept (newlines
  included) and its hidden characters, and `##[`, are written as escape sequences.
"""

from __future__ import annotations

import json
import re
import unicodedata

_HIDDEN = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs"})
_BREAK = "\t\n\v\f\r\x1c-\x1f\x85\u2028\u2029"
_BREAKS = re.compile(f"[ {_BREAK}]*[{_BREAK}][ {_BREAK}]*")
_NOT_PRINTABLE_ASCII = re.compile(r"[^\x20-\x7e]")
_COLONS = re.compile(r":(?=:)")
# In serialised JSON or YAML, newlines are structure: escapes already stand for those in values.
_SERIAL = re.compile(r"[^\x20-\x7e\n]|##\[")


def hidden(char: str) -> bool:
    """Whether one character is a control, format, separator or surrogate character."""
    return unicodedata.category(char) in _HIDDEN


def _visible(match: re.Match[str]) -> str:
    char = match.group()
    return ascii(char)[1:-1] if hidden(char) else char


def one_line(value: object) -> str:
    """Untrusted text on one line, hidden characters shown as escapes (`None` is empty)."""
    text = _BREAKS.sub(" ", "" if value is None else str(value))
    return _NOT_PRINTABLE_ASCII.sub(_visible, text)


def inert(value: object) -> str:
    """`one_line`, with `::` and `##[` broken so no value can be a workflow command."""
    return _COLONS.sub(":\\\\", one_line(value)).replace("##[", "##\\[")


def _escape(match: re.Match[str], yaml: bool) -> str:
    found = match.group()
    if found == "##[":
        return "##\\u005b"
    if not hidden(found):
        return found
    code = ord(found)
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    if yaml:
        return f"\\U{code:08x}"
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def escape_serialised(text: str, yaml: bool = False) -> str:
    """Serialised JSON (or a YAML double-quoted scalar) with hidden characters and `##[` as
    escape sequences; they can only occur inside strings there, so the meaning is unchanged."""
    return _SERIAL.sub(lambda match: _escape(match, yaml), text)


def json_document(payload: object) -> str:
    """`payload` as indented JSON text: readable non-ASCII, hidden characters escaped."""
    return escape_serialised(json.dumps(payload, indent=2, ensure_ascii=False)) + "\n"
