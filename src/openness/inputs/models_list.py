"""Models lists: the one parser behind `--from-file` and the scan of `models.txt`.

One entry per line: a Hub repo id with an optional revision (`org/name`, `org/name@v1.0`) or
a huggingface.co model URL. `#` starts a comment only at the start of a line or after
whitespace, so `org/name  # pinned` is `org/name` while `org/name#x` is one (invalid) entry.
Blank lines are skipped. A line holding anything else is an invalid entry: `--from-file`
refuses the list naming `file:line`, a scan reports nothing for that line.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import NamedTuple

from openness.errors import UsageError
from openness.inputs.target import parse_hub_model

MAX_BYTES = 4 * 1024 * 1024
_COMMENT = re.compile(r"(?:^|(?<=\s))#")


class Entry(NamedTuple):
    """One model of a models list, at a 1-based line."""

    repo_id: str
    revision: str | None
    line: int

    @property
    def model(self) -> str:
        """`org/name[@revision]`, as a MODEL argument."""
        return self.repo_id + (f"@{self.revision}" if self.revision else "")


class Invalid(NamedTuple):
    """A line that is not a models-list entry, and why."""

    line: int
    reason: str


def parse_models_list(text: str) -> tuple[list[Entry], list[Invalid]]:
    """(the entries in order, the invalid lines) of a models list's text."""
    entries: list[Entry] = []
    invalid: list[Invalid] = []
    for number, raw in enumerate(text.removeprefix("\ufeff").splitlines(), start=1):
        comment = _COMMENT.search(raw)
        words = (raw[: comment.start()] if comment else raw).split()
        if not words:
            continue
        if len(words) > 1:
            invalid.append(Invalid(number, f"{' '.join(words)[:80]!r} is not one model"))
            continue
        try:
            target = parse_hub_model(words[0])
        except UsageError as error:
            invalid.append(Invalid(number, str(error)))
        else:
            entries.append(Entry(target.repo_id, target.revision, number))
    return entries, invalid


def read_models_list(path: Path) -> list[Entry]:
    """The entries of a models list file (a regular UTF-8 file of at most 4 MiB); UsageError
    if it is unreadable or a line is not an entry (`file:line: reason`)."""
    from openness.readers import read_regular

    try:
        data = read_regular(path, MAX_BYTES)
        if len(data) > MAX_BYTES:
            raise UsageError(f"models list {path} is larger than {MAX_BYTES // 1024 // 1024} MiB")
        text = data.decode("utf-8")
    except OSError as error:
        raise UsageError(f"cannot read models list {path}: {error.strerror or error}") from None
    except UnicodeDecodeError:
        raise UsageError(f"cannot read models list {path}: not UTF-8 text") from None
    entries, invalid = parse_models_list(text)
    if invalid:
        more = f" (and {len(invalid) - 1} more invalid lines)" if len(invalid) > 1 else ""
        raise UsageError(f"{path}:{invalid[0].line}: {invalid[0].reason}{more}")
    return entries
