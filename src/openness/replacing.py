"""Files written whole or not at all: a temporary file beside the target, moved into place."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

from openness.errors import UsageError


@contextlib.contextmanager
def replacing(output: Path, suffix: str = ".tmp") -> Iterator[Path]:
    """A temporary file beside `output` (or its link's target) that replaces it when the block
    ends; never a FIFO, device, socket or folder; no temporary file left behind, whatever
    interrupts the block. OS errors become one-line usage errors naming `output`."""
    try:
        target = output.resolve()
        mode = target.stat().st_mode if target.exists() else None
    except (OSError, RuntimeError) as error:  # RuntimeError: a symlink loop (Python < 3.13)
        reason = getattr(error, "strerror", None) or error
        raise UsageError(f"cannot write {output}: {reason}") from None
    if mode is not None and not stat.S_ISREG(mode):
        raise UsageError(f"cannot write {output}: not a regular file")
    try:
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".openness-", suffix=suffix)
        os.close(handle)
    except OSError as error:
        raise UsageError(f"cannot write {output}: {error.strerror}") from None
    try:
        yield Path(temporary)
        os.replace(temporary, target)
    except BaseException as error:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        if isinstance(error, OSError):
            raise UsageError(f"cannot write {output}: {error.strerror}") from None
        raise
