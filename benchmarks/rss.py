"""A running process's resident memory, read from /proc, for the benchmarks that watch a child."""

from __future__ import annotations

import re
from pathlib import Path


def rss_mb(pid: int) -> float | None:
    """The resident set of `pid` in MB; None once it has exited (or off Linux)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    match = re.search(r"^VmRSS:\s+(\d+) kB", status, re.MULTILINE)
    return int(match[1]) / 1024 if match else None
