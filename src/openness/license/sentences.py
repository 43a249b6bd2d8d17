"""A licence text as the units clause detection reads: sentences, headings and list items.

Hard-wrapped lines are joined into paragraphs; a paragraph is cut into sentences (at `.`, `!`,
`?` and `;`, not after common abbreviations) and into list items, whether the list is laid out
on its own lines (`-`, `*`, `(a)`, `1.`, `ii)`) or run inline (`... to: (a) X; (b) Y`). A list's
lead-in (the paragraph's last sentence, when it ends open: in a colon or mid-phrase) is carried
onto each item, so that "You will not use the Model to:" followed by "(c) train other models" reads
as one statement. A question leads into its answer the same way ("Can I sell outputs?" + "No."),
so that an FAQ's answer is read with what it answers. Each unit keeps the line on which its own
words start. Linear time: every line and character is visited a bounded number of times; long
runs without punctuation are cut into pieces of at most `PIECE` characters.
"""

from __future__ import annotations

import re
import sys
from bisect import bisect_right
from dataclasses import dataclass

from openness.license.text import clean_lines, strip_control

PIECE = 600  # longest unit, in characters (a text with no punctuation is still read in pieces)
LEAD_LIMIT = 300  # characters of a lead-in carried onto each item

_MARKER = re.compile(r"(?:[-*+\u2022\u25cf\u25aa]|\(?(?:[a-z]|[ivx]{1,5}|\d{1,2})[.)])\s+", re.I)
_SECTION = re.compile(r"\d{1,3}(?:\.\d{1,3})*\.?\s+(?=[A-Z])")
_INLINE = re.compile(r"(?:(?<=\s)|^)\((?:[a-z]|[ivx]{1,5}|\d{1,2})\)\s")
_END = re.compile(r"[.!?](?=\s+[\"'(\[]?[A-Z0-9(])")
_NUMBERING = re.compile(r"\s*(?:\d{1,3}(?:\.\d{1,3})*|[ivx]{1,5}|[a-z])\.", re.I)
_ABBREVIATION = re.compile(
    r"\b(?:e\.g|i\.e|etc|inc|ltd|co|corp|no|nos|vs|art|sec|cf|mr|ms|dr|st|u\.s|u\.k|e\.u)\.$",
    re.I,
)
_CLOSED = re.compile(r"[.!?][\"')\]]?$")


@dataclass(frozen=True)
class Unit:
    """One statement: its words (lead-in included), its own words, and the lines they span."""

    text: str
    own: str
    line: int
    last_line: int


@dataclass
class _Block:
    parts: list[str]  # its lines, each with the space that joins it to the one before
    item: bool
    heading: bool
    starts: list[tuple[int, int]]  # (offset in text, line number) where each line begins
    size: int = 0
    text: str = ""  # the parts joined, once the block is complete

    def add(self, line: str, number: int) -> None:
        previous = self.parts[-1] if self.parts else ""
        hyphenated = len(previous) > 1 and previous[-1] == "-" and previous[-2].isalpha()
        glue = "" if not self.parts or (hyphenated and line[0].isalpha()) else " "
        self.starts.append((self.size + len(glue), number))
        self.parts.append(glue + line)
        self.size += len(glue) + len(line)

    def line_at(self, offset: int) -> int:
        index = bisect_right(self.starts, (offset, sys.maxsize)) - 1
        return self.starts[max(0, index)][1]


def _is_heading(original: str, line: str, following: str) -> bool:
    """A line standing alone as a title: Markdown `#`, or short, unpunctuated and followed by
    a blank line, or short and in capitals."""
    if original.lstrip().startswith("#"):
        return True
    if len(line) > 80 or re.search(r"[.;:,]$", line):
        return False
    return not following or (line.isupper() and len(line) <= 60)


def _blocks(text: str) -> list[_Block]:
    """Paragraphs, list items and headings, with hard-wrapped lines joined."""
    raw = strip_control(text).split("\n")
    cleaned = clean_lines(text)
    blocks: list[_Block] = []
    current: _Block | None = None
    for index, (original, line) in enumerate(zip(raw, cleaned, strict=True)):
        number = index + 1
        if not line:
            current = None
            continue
        following = cleaned[index + 1] if index + 1 < len(cleaned) else ""
        marker = _MARKER.match(line)
        section = _SECTION.match(line)
        heading = current is None and _is_heading(original, line, following)
        if marker and not section and not heading:
            current = _Block([], True, False, [])
            blocks.append(current)
            line = line[marker.end() :]
        elif current is None or heading or section or current.heading:
            current = _Block([], False, heading, [])
            blocks.append(current)
        current.add(line, number)
    for block in blocks:  # joined once: joining line by line would be quadratic
        block.text = "".join(block.parts)
    return blocks


def _sentences(block: str) -> list[tuple[int, str]]:
    """(offset, sentence) pieces of a paragraph, cut at sentence ends."""
    pieces: list[tuple[int, str]] = []
    start = 0
    for end in _END.finditer(block):
        if end.group() == "." and (
            _ABBREVIATION.search(block, max(start, end.start() - 6), end.end())
            or _NUMBERING.fullmatch(block, start, end.end())
        ):
            continue
        pieces.append((start, block[start : end.end()]))
        start = end.end()
    pieces.append((start, block[start:]))
    return [(offset + len(s) - len(s.lstrip()), s.strip()) for offset, s in pieces if s.strip()]


def _chunks(text: str) -> list[tuple[int, str]]:
    """(offset, piece) of `text` in pieces of at most `PIECE` characters, cut at spaces."""
    chunks: list[tuple[int, str]] = []
    offset = 0
    while len(text) - offset > PIECE:
        cut = text.rfind(" ", offset + PIECE // 2, offset + PIECE)
        cut = cut if cut > 0 else offset + PIECE
        chunks.append((offset, text[offset:cut]))
        offset = cut
    chunks.append((offset, text[offset:]))
    return [(at + len(c) - len(c.lstrip()), c.strip()) for at, c in chunks if c.strip()]


def _lead(text: str) -> str:
    return text[-LEAD_LIMIT:]


def _split_at(text: str, cuts: list[tuple[int, int]], base: int) -> list[tuple[int, str]]:
    """The (offset, piece) pieces of `text` between the (start, end) spans `cuts`."""
    bounds = [(0, 0), *cuts, (len(text), len(text))]
    return [
        (base + previous[1], text[previous[1] : following[0]])
        for previous, following in zip(bounds, bounds[1:], strict=False)
        if text[previous[1] : following[0]].strip(" ;,")
    ]


def _parts(sentence: str) -> tuple[str, list[tuple[int, str]]]:
    """A sentence as a lead-in and (offset, part) pieces: the items of a list run inline
    (`to: (a) X; (b) Y`, or `shall not: X; Y`) each carry the lead-in; other clauses joined by
    semicolons are cut apart with no lead-in."""
    markers = [(found.start(), found.end()) for found in _INLINE.finditer(sentence)]
    if len(markers) >= 2:
        first = markers[0][1]
        cuts = [(start - first, end - first) for start, end in markers[1:]]
        return sentence[: markers[0][0]].strip(), _split_at(sentence[first:], cuts, first)
    colon = sentence.find(": ")
    semicolons = [(found.start(), found.end()) for found in re.finditer(";", sentence)]
    if colon > 0 and semicolons and semicolons[0][0] > colon:
        rest = sentence[colon + 2 :]
        cuts = [(start - colon - 2, end - colon - 2) for start, end in semicolons]
        return sentence[: colon + 1], _split_at(rest, cuts, colon + 2)
    return "", _split_at(sentence, semicolons, 0)


def units(text: str) -> list[Unit]:
    """The text's sentences, headings and list items, each with its lead-in carried."""
    found: list[Unit] = []
    lead = ""
    question = _Question()
    for block in _blocks(text):
        if not block.item:
            lead = ""
        question.expire(found, block.heading)
        sentences = _sentences(block.text)
        for offset, sentence in sentences:
            if sentence.endswith("?") and len(sentence) <= LEAD_LIMIT:
                lines = block.line_at(offset), block.line_at(offset + len(sentence) - 1)
                question.ask(found, Unit(sentence, sentence, *lines))
                continue
            inline_lead, pieces = _parts(sentence)
            prefix = " ".join(part for part in (question.lead(), lead, _lead(inline_lead)) if part)
            for at, piece in pieces:
                at += len(piece) - len(piece.lstrip(" ;,"))
                for within, chunk in _chunks(piece.strip(" ;,")):
                    whole = f"{prefix} {chunk}" if prefix else chunk
                    start = offset + at + within
                    lines = block.line_at(start), block.line_at(start + len(chunk) - 1)
                    found.append(Unit(whole, chunk, *lines))
        if not (block.item or block.heading or _CLOSED.search(block.text)) and sentences:
            lead = _lead(sentences[-1][1])  # an open last sentence leads into what follows
        question.blocks_left -= 1
    question.expire(found, True)
    return found


class _Question:
    """A question ("Can I sell what the model generates?") is read with its answer: it leads
    into the rest of its paragraph and the next one, up to a heading or the next question. A
    question nothing answers is a statement of its own."""

    def __init__(self) -> None:
        self.asked: Unit | None = None
        self.answered = False
        self.blocks_left = 0

    def ask(self, found: list[Unit], question: Unit) -> None:
        self.expire(found, True)
        self.asked, self.answered, self.blocks_left = question, False, 2

    def lead(self) -> str:
        if self.asked is None:
            return ""
        self.answered = True
        return self.asked.text

    def expire(self, found: list[Unit], now: bool) -> None:
        if self.asked is not None and (now or self.blocks_left <= 0):
            if not self.answered:
                found.append(self.asked)
            self.asked = None
