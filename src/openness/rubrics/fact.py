"""A tri-state fact about a release, with the evidence that decided it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from openness.report import Citation
from openness.sources.evidence import Evidence

if TYPE_CHECKING:
    from openness.license.analysis import LicenseAnalysis
    from openness.license.names import Resolved


@dataclass(frozen=True)
class Fact:
    value: bool | None
    reason: str
    evidence: list[Citation] = field(default_factory=list)


def line_of(text: str | None, offset: int) -> int | None:
    """1-based line of a character offset in `text`."""
    return (text or "").count("\n", 0, offset) + 1 if text else None


def files_complete(evidence: Evidence) -> bool:
    """Whether the file list is the whole repo: only then does a file's absence count."""
    return evidence.files is not None and evidence.files_complete is True


def concluded(license: LicenseAnalysis) -> tuple[Resolved, list[Citation]] | Fact:
    """The concluded licence and where it was read, or the unknown fact saying why there is none."""
    cited = [license.citation] if license.citation else []
    if license.unknown_because:
        return Fact(None, license.unknown_because)
    if license.conclusion is None:
        return Fact(None, "no licence could be determined", cited)
    return license.conclusion, cited
