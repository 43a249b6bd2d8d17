"""Models lists (`--from-file`): one `org/name[@revision]` per line, `#` starts a comment."""

from __future__ import annotations

from pathlib import Path

from openness.errors import UsageError

MAX_BYTES = 4 * 1024 * 1024


def read_models_list(path: Path) -> list[str]:
    """The entries of a models list, in order (a regular UTF-8 file of at most 4 MiB)."""
    from openness.readers import read_regular

    try:
        data = read_regular(path, MAX_BYTES)
        if len(data) > MAX_BYTES:
            raise UsageError(f"models list {path} is larger than {MAX_BYTES // 1024 // 1024} MiB")
        lines = data.decode("utf-8").splitlines()
    except OSError as error:
        raise UsageError(f"cannot read models list {path}: {error.strerror or error}") from None
    except UnicodeDecodeError:
        raise UsageError(f"cannot read models list {path}: not UTF-8 text") from None
    entries = (line.split("#", 1)[0].strip() for line in lines)
    return [entry for entry in entries if entry]
