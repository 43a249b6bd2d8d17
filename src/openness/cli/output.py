"""Where the command's text goes: diagnostics to stderr, the report to stdout or a file."""

from __future__ import annotations

import contextlib
import os
import stat
import sys
import tempfile
from pathlib import Path

from openness.errors import UsageError
from openness.render.untrusted import inert


def say(message: str) -> None:
    """One diagnostic line on stderr, `openness: ...`: no newline, control or command marker."""
    print(f"openness: {inert(message).strip()}", file=sys.stderr)


def write_report(text: str, output: Path | None) -> None:
    """Print the report to stdout, or write it whole to `output` (to the target of a link)."""
    if output is None:
        _to_stdout(text)
        return
    _to_file(text, output)
    say(f"report written to {output}")


def _to_stdout(text: str) -> None:
    """A reader that went away (`| head`) is not an error; a full disk is, reported once."""
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:  # the exit code stands
        _discard_stdout()
    except OSError as error:
        _discard_stdout()
        reason = error.strerror or type(error).__name__
        raise UsageError(f"cannot write the report to stdout: {reason}") from None


def _discard_stdout() -> None:
    """Point fd 1 at the null device: the interpreter's last flush must not fail again."""
    try:
        fd = sys.stdout.fileno()
    except (OSError, ValueError):  # not a real file (tests capture stdout)
        return
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, fd)
    os.close(null)


def _to_file(text: str, output: Path) -> None:
    """Replace the regular file at `output` (or its link's target) atomically; never a FIFO,
    device, socket or folder; no temporary file left behind, whatever interrupts the write."""
    try:
        target = output.resolve()
        mode = target.stat().st_mode if target.exists() else None
    except (OSError, RuntimeError) as error:  # RuntimeError: a symlink loop (Python < 3.13)
        reason = getattr(error, "strerror", None) or error
        raise UsageError(f"cannot write {output}: {reason}") from None
    if mode is not None and not stat.S_ISREG(mode):
        raise UsageError(f"cannot write {output}: not a regular file")
    try:
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".openness-", suffix=".tmp")
    except OSError as error:
        raise UsageError(f"cannot write {output}: {error.strerror}") from None
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(temporary, target)
    except BaseException as error:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        if isinstance(error, OSError):
            raise UsageError(f"cannot write {output}: {error.strerror}") from None
        raise
