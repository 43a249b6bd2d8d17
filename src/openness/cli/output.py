"""Where the command's text goes: diagnostics to stderr, the report to stdout or a file."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TextIO

from openness.errors import UsageError
from openness.render.untrusted import inert
from openness.replacing import replacing


def say(message: str) -> None:
    """One diagnostic line on stderr, `openness: ...`: no newline, control or command marker."""
    print(f"openness: {inert(message).strip()}", file=sys.stderr)


def write_report(text: str, output: Path | None) -> None:
    """Print the report to stdout, or write it whole to `output` (to the target of a link)."""
    if output is None:
        _to_stdout(text)
        return
    with _replacing(output) as out:
        out.write(text)
    say(f"report written to {output}")


def write_lines(lines: Iterable[str], output: Path | None) -> None:
    """Write each line as it comes: to stdout, flushed at once; or to `output`, which is
    replaced only when the last line is written (nothing half-written is ever left there).

    A reader of stdout that goes away (`| head`) stops nothing: the rest is discarded and the
    lines are still consumed to the end, so the run and its exit code are as they would be."""
    if output is None:
        reading = True
        for line in lines:
            reading = reading and _to_stdout(line)
        return
    with _replacing(output) as out:
        for line in lines:
            out.write(line)
    say(f"report written to {output}")


def _to_stdout(text: str) -> bool:
    """A reader that went away (`| head`) is not an error (False: it is gone); a full disk
    is, reported once."""
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:  # the exit code stands
        _discard_stdout()
        return False
    except OSError as error:
        _discard_stdout()
        reason = error.strerror or type(error).__name__
        raise UsageError(f"cannot write the report to stdout: {reason}") from None
    return True


def _discard_stdout() -> None:
    """Point fd 1 at the null device: the interpreter's last flush must not fail again."""
    try:
        fd = sys.stdout.fileno()
    except (OSError, ValueError):  # not a real file (tests capture stdout)
        return
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, fd)
    os.close(null)


@contextlib.contextmanager
def _replacing(output: Path) -> Iterator[TextIO]:
    """A text file that replaces `output` whole when the block ends (see `replacing`)."""
    with replacing(output) as temporary:
        descriptor = os.open(temporary, os.O_WRONLY | os.O_TRUNC | os.O_NOFOLLOW)
        with os.fdopen(descriptor, "w", encoding="utf-8") as out:
            yield out
