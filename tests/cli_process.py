"""The `openness` entry point run as a real process, stderr a pipe or a pseudo-terminal."""

from __future__ import annotations

import os
import pty
import subprocess
import sys


def run_cli(args: list[str], stderr_on_terminal: bool) -> tuple[int, str, bytes]:
    """(exit code, stdout, stderr bytes) of `openness ARGS` with stdout piped and stderr a
    pseudo-terminal (what a user's terminal would show) or a pipe."""
    command = [sys.executable, "-c", "import openness.cli as c; c.main()", *args]
    if not stderr_on_terminal:
        ran = subprocess.run(command, capture_output=True)
        return ran.returncode, ran.stdout.decode(), ran.stderr
    controller, terminal = pty.openpty()
    ran = subprocess.run(command, stdout=subprocess.PIPE, stderr=terminal)
    os.close(terminal)
    seen = b""
    while True:
        try:
            chunk = os.read(controller, 65536)
        except OSError:  # the terminal side is closed
            break
        if not chunk:
            break
        seen += chunk
    os.close(controller)
    return ran.returncode, ran.stdout.decode(), seen
