"""Locate the data shipped with the package: licence profiles, rubrics, the offline snapshot."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def resource_dir(name: str) -> Path:
    """`licenses` or `rubrics`: inside the wheel, else at the top of a source checkout."""
    for candidate in (_PACKAGE / "_resources" / name, _PACKAGE.parents[1] / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"openness data folder {name!r} is missing from this installation")


def data_file(name: str) -> Path:
    """A file of `openness/data/` (shipped as package data)."""
    return _PACKAGE / "data" / name
