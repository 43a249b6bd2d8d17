"""The command line's entry: every command registered, and errors turned into exit codes."""

from __future__ import annotations

import os
import sys
from importlib import import_module

import typer

from openness.cli.application import app
from openness.cli.common import say
from openness.errors import EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_USAGE, OpennessError

# the order `--help` lists
COMMANDS = ("audit", "compare", "check", "tree", "scan", "mof", "licenses", "snapshot", "survey")
for _command in COMMANDS:
    import_module(f"openness.cli.{_command}")  # each module registers its command


def _exit_now(code: int) -> None:
    """Exit without waiting for audits still in flight (worker threads, slow servers)."""
    sys.stderr.flush()
    os._exit(code)


def run() -> None:
    """Run the command line: usage errors exit 2 with one line, never a traceback."""
    try:
        code = app(standalone_mode=False)
    except typer.TyperException as error:  # the argument parser's usage errors
        message = error.format_message()
        if message.startswith("Usage:"):  # a command given no arguments: its help
            sys.stderr.write(message + "\n")
        else:
            name = " ".join(["openness", *sys.argv[1:2]]) if len(sys.argv) > 1 else "openness"
            say(f"error: {' '.join(message.split())} (see `{name} --help`)")
        sys.exit(EXIT_USAGE)
    except typer.Abort:
        say("aborted")
        sys.exit(EXIT_USAGE)
    except OpennessError as error:
        say(f"error: {error}")
        sys.exit(error.exit_code)
    except KeyboardInterrupt:
        say("interrupted")
        _exit_now(EXIT_INTERRUPTED)
    except Exception as error:  # never a traceback for the user
        if os.environ.get("OPENNESS_DEBUG"):
            raise
        say(f"error: internal error ({type(error).__name__}); set OPENNESS_DEBUG=1 for details")
        sys.exit(EXIT_INTERNAL)
    if code == EXIT_INTERRUPTED:  # the command parser's answer to Ctrl-C
        say("interrupted")
        _exit_now(EXIT_INTERRUPTED)
    sys.exit(code if isinstance(code, int) else 0)
