"""The project's errors; each carries the exit code the CLI reports."""

from __future__ import annotations

EXIT_POLICY_FAILED = 1
EXIT_USAGE = 2
EXIT_UNOBTAINABLE = 3
EXIT_INTERNAL = 4  # a bug: never lowered by any flag
EXIT_INTERRUPTED = 130


class OpennessError(Exception):
    """Base error: a one-line message for the user and an exit code."""

    exit_code = EXIT_USAGE


class UsageError(OpennessError):
    """Bad input: a malformed model reference, an unknown format, an unreadable file."""

    exit_code = EXIT_USAGE


class EvidenceUnavailable(OpennessError):
    """A model, or its evidence, could not be obtained from any source."""

    exit_code = EXIT_UNOBTAINABLE
