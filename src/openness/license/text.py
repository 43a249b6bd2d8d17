"""Text clean-up shared by licence identification and clause detection.

Licence files arrive as plain text, Markdown or HTML fragments, with typographic quotes and,
sometimes, terminal escapes. `normalise` reduces them all to one flat, comparable form.
"""

from __future__ import annotations

import html
import re
import unicodedata
from bisect import bisect_right

_ESCAPES = re.compile(
    r"\x1b\][^\x07\x1b\n]*(?:\x07|\x1b\\)?"  # OSC ... BEL / ST
    r"|\x1b\[[0-?]*[ -/]*[@-~]"  # CSI
    r"|\x1b[@-Z\\-_]"  # other two-byte escapes
)
_INVISIBLE = {"Cf", "Zl", "Zp", "Co", "Cs", "Cc"}  # format, separators, private use, controls
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")  # ASCII controls are `_CONTROLS`' job
_CONTROLS = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]"
)
_PUNCTUATION = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2015": "-",
        "\u2212": "-",
        "\u00a0": " ",
    }
)
# (trigger, pattern, replacement): each pattern stays within one line, so line numbers survive.
# Linear time on any input: a span never runs past the next opener of its own kind (`[`, `(`,
# `<`, `<!--`), so the scans started at successive openers never overlap.
_MARKUP = [
    ("\\", re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~<\"'])"), r"\1"),  # backslash escapes
    (">", re.compile(r"^[ \t]{0,3}(?:>[ \t]?)+", re.M), ""),  # blockquotes
    ("#", re.compile(r"^[ \t]{0,3}#{1,6}[ \t]+", re.M), ""),  # headings
    ("[", re.compile(r"!?\[([^\[\]\n]*)\](?:\([^()\n]*\)|\[[^\[\]\n]*\])"), r"\1"),  # links
    ("](", re.compile(r"\]\([^()\n]*\)"), ""),  # the tail of a link broken across lines
    ("<", re.compile(r"<((?:https?|mailto):[^<>\s]+)>"), r"\1"),  # autolinks
    ("<", re.compile(r"</?[A-Za-z][^<>\n]*>|<!--(?:(?!<!--|-->).)*-->"), " "),  # tags, comments
    ("_", re.compile(r"(?<![A-Za-z0-9])_+|_+(?![A-Za-z0-9])"), ""),  # _emphasis_, not snake_case
]
_EMPHASIS = str.maketrans("", "", "*`")
_SPACE = re.compile(r"\s+")


def strip_control(text: str) -> str:
    """Remove ANSI/OSC escapes and control or bidi characters, keeping newlines and tabs."""
    cleaned = _CONTROLS.sub("", _ESCAPES.sub("", text.replace("\r\n", "\n")))
    return cleaned if cleaned.isascii() else _NON_ASCII.sub(_visible, cleaned)


def _visible(match: re.Match[str]) -> str:
    return "".join(c for c in match.group() if unicodedata.category(c) not in _INVISIBLE)


def clean_lines(text: str) -> list[str]:
    """The text's lines (split at `\\n`), each flattened: Unicode-folded, ASCII punctuation,
    no markup, single spaces."""
    text = unicodedata.normalize("NFKC", strip_control(text)).translate(_PUNCTUATION)
    for trigger, pattern, replacement in _MARKUP:
        if trigger in text:
            text = pattern.sub(replacement, text)
    text = text.translate(_EMPHASIS)
    return [
        _SPACE.sub(" ", strip_control(html.unescape(line)) if "&" in line else line).strip()
        for line in text.split("\n")
    ]


def normalise_lines(text: str) -> tuple[str, list[int]]:
    """The text as one line (NFKC, ASCII quotes and dashes, no Markdown or HTML, single
    spaces), plus the offset at which each original line starts in it.

    A word hyphenated across a line break (`non-` / `commercial`) is rejoined.
    """
    parts: list[str] = []
    starts: list[int] = []
    size = 0
    for cleaned in clean_lines(text):
        if cleaned and parts:
            previous = parts[-1]
            hyphenated = len(previous) > 1 and previous[-1] == "-" and previous[-2].isalpha()
            if not (hyphenated and cleaned[0].isalpha()):
                parts.append(" ")
                size += 1
        starts.append(size)
        if cleaned:
            parts.append(cleaned)
            size += len(cleaned)
    return "".join(parts), starts


def line_of(starts: list[int], offset: int) -> int:
    """The 1-based original line holding `offset` of a `normalise_lines` text."""
    return bisect_right(starts, offset)
