"""The data shipped with the package, found one way: `packaged("licenses/clauses.yaml")`.

`licenses/` and `rubrics/` sit at the top of a source checkout and inside the wheel under
`openness/_resources/`; everything else (presets, the offline snapshot, the MOF licence table)
is package data under `openness/data/`.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
_TOP_LEVEL = ("licenses", "rubrics")


def packaged(name: str) -> Path:
    """A shipped file or folder by its path: `licenses/...`, `rubrics/...` or a data file."""
    home, _, rest = name.partition("/")
    if home not in _TOP_LEVEL:
        return _PACKAGE / "data" / name
    root = _top_level(home)
    return root / rest if rest else root


@cache
def _top_level(home: str) -> Path:
    """Where `licenses/` or `rubrics/` is: inside the wheel, else at the top of a checkout
    (looked up once: an audit asks for it many times)."""
    for root in (_PACKAGE / "_resources" / home, _PACKAGE.parents[1] / home):
        if root.is_dir():
            return root
    raise FileNotFoundError(f"openness data folder {home!r} is missing from this installation")
