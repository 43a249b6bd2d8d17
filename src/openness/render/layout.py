"""Fitting terminal reports to the width they are shown at.

Lines break at spaces only: a word (a model id, a clause kind, a path) is never split across
lines; one longer than the width stays whole and the terminal folds it. Below `STACK_BELOW`
columns a table becomes stacked `header: value` lines instead of cells wrapping mid-word. When
stdout is not a terminal the width is `NO_WRAP`: nothing is hard-wrapped, so each warning stays
one line in a CI log. Print what this module builds with `crop=False`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence

from rich.console import Console, ConsoleOptions, Group, RenderableType
from rich.segment import Segment
from rich.table import Column, Table
from rich.text import Text

STACK_BELOW = 70  # narrower than this, tables are stacked
NO_WRAP = 100_000  # the width of a report that does not go to a terminal
MIN_WIDTH = 40  # the narrowest terminal laid out for

_WORD = re.compile(r"\S+")


def wrap(text: Text, width: int, indent: int = 0, hang: int | None = None) -> list[Text]:
    """`text` broken at spaces into lines of at most `width` columns (a longer word stays
    whole), the first indented by `indent`, the others by `hang` (default `indent`)."""
    later = indent if hang is None else hang
    spans: list[tuple[int, int]] = []
    start = end = -1
    for match in _WORD.finditer(text.plain):
        room = width - (indent if not spans else later)
        if start < 0:
            start, end = match.start(), match.end()
        elif len(text.plain[start : match.end()]) <= room:  # fmt: skip
            end = match.end()
        else:
            spans.append((start, end))
            start, end = match.start(), match.end()
    if start >= 0:
        spans.append((start, end))
    return [
        Text(" " * (indent if n == 0 else later)) + text[a:b] for n, (a, b) in enumerate(spans)
    ] or [Text("")]


class Words:
    """A renderable: text wrapped by `wrap` at the width it is drawn at."""

    def __init__(self, text: Text, indent: int = 0, hang: int | None = None) -> None:
        self.text, self.indent, self.hang = text, indent, hang

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterator[Segment]:
        for line in wrap(self.text, options.max_width, self.indent, self.hang):
            yield from line.render(console, end="")
            yield Segment.line()


def stacked(width: int) -> bool:
    """Whether tables are stacked at this width."""
    return width < STACK_BELOW


def grid(
    headers: Sequence[str],
    rows: Iterable[Sequence[Text]],
    width: int,
    keep: int = 1,
    title: Text | None = None,
) -> RenderableType:
    """A table of `rows`, or each row stacked (its first cell on a line, then `header: value`
    for the others) below `STACK_BELOW` columns or when the table could only fit by splitting a
    word. The first `keep` columns never wrap."""
    rows = list(rows)
    parts: list[RenderableType] = [title] if title is not None else []
    if not stacked(width) and _fits(headers, rows, width, keep):
        columns = [
            Column(header, no_wrap=index < keep, overflow="fold")
            for index, header in enumerate(headers)
        ]
        table = Table(*columns, expand=False)
        for row in rows:
            table.add_row(*row)
        return Group(*parts, table)
    for row in rows:
        parts.append(Words(Text.assemble("• ", row[0]), hang=2))
        for header, cell in zip(headers[1:], row[1:], strict=True):
            if cell.plain:
                parts.append(Words(Text.assemble((f"{header}: ", "dim"), cell), indent=2, hang=4))
    return Group(*parts)


def _fits(headers: Sequence[str], rows: list[Sequence[Text]], width: int, keep: int) -> bool:
    """Whether a table fits in `width` with no word split: each column at least as wide as
    its longest word (its longest cell when it does not wrap), plus the borders."""
    total = 3 * len(headers) + 1
    for index, header in enumerate(headers):
        cells = [header, *(row[index].plain for row in rows)]
        if index < keep:
            total += max(len(cell) for cell in cells)
        else:
            total += max(len(word) for cell in cells for word in [*cell.split(), ""])
    return total <= width
