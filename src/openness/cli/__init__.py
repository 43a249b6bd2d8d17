"""Command line: parse arguments, run the library, pick a renderer, decide the exit code.

One module per command; `common` holds what they share, `application` the Typer application, `entry`
the registration of every command and the exit codes. `openness --version` answers before any
of them is imported.
"""

from __future__ import annotations

import sys
from typing import Any

__all__ = ["app", "main"]


def main() -> None:
    """Console entry point."""
    if sys.argv[1:] == ["--version"]:
        from openness import __version__

        print(f"openness {__version__}")
        return
    from openness.cli.entry import run

    run()


def __getattr__(name: str) -> Any:
    """`openness.cli.app`, the Typer application, with every command registered."""
    if name == "app":
        import openness.cli.entry  # noqa: F401  (registers every command)
        from openness.cli.application import app

        return app
    raise AttributeError(name)
