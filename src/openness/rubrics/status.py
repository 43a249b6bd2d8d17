"""Criterion statuses and rubric verdicts: the one place that lists them and what they mean.

A new status is one entry in `report.Status` and one in `STATUSES`: the engine derives verdicts from
the table and renderers colour by tone, so neither names a status.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from openness.report import Status, Verdict

Tone = Literal["good", "bad", "review", "doubt"]


@dataclass(frozen=True)
class Meaning:
    label: str
    tone: Tone


@dataclass(frozen=True)
class StatusMeaning(Meaning):
    verdict: Verdict
    """The rubric's verdict when this is the most decisive status among its criteria."""


STATUSES: dict[Status, StatusMeaning] = {  # most decisive first
    "not_met": StatusMeaning("Not met", "bad", "fail"),
    # The evidence is there and a person must weigh it (a use policy that may serve safety, the
    # personal data a gate asks for): more decisive than unknown, where evidence is missing.
    "needs_review": StatusMeaning("Needs review", "review", "needs_review"),
    "unknown": StatusMeaning("Unknown", "doubt", "unknown"),
    "met": StatusMeaning("Met", "good", "pass"),
}
VERDICTS: dict[Verdict, Meaning] = {
    "pass": Meaning("Pass", "good"),
    "fail": Meaning("Fail", "bad"),
    "needs_review": Meaning("Needs review", "review"),
    "unknown": Meaning("Unknown", "doubt"),
}


def verdict_of(statuses: Iterable[Status]) -> Verdict:
    """The verdict of the most decisive status present; unknown when there are none."""
    present = set(statuses)
    return next((m.verdict for s, m in STATUSES.items() if s in present), "unknown")
