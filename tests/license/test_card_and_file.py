"""The card and the files together: a card that states no terms leaves the files to speak."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import fixtures_hub
import pytest


def audit(cli: Any, folder: Path, card: str, licence: bytes) -> dict[str, Any]:
    folder.mkdir()
    (folder / "README.md").write_text(f"---\n{card}---\n# Model\n", encoding="utf-8")
    (folder / "LICENSE").write_bytes(licence)
    result = cli("audit", str(folder), "--format", "json")
    assert result.exit_code == 0, result.stderr
    found: dict[str, Any] = result.json()["audits"][0]
    return found


@pytest.mark.parametrize("card", ["license: other\n", "license: unknown\n", ""])
def test_a_card_that_states_no_terms_concludes_the_files_licence(
    cli: Any, tmp_path: Path, card: str
) -> None:
    found = audit(cli, tmp_path / "m", card, fixtures_hub.license("mit"))
    assert found["license"]["conclusion"] == "mit"
    assert found["rubrics"]["osd"]["verdict"] == "pass"


def test_a_card_naming_terms_of_its_own_is_not_overruled(cli: Any, tmp_path: Path) -> None:
    card = "license: other\nlicense_name: acme-community-terms\n"
    found = audit(cli, tmp_path / "m", card, fixtures_hub.license("mit"))
    assert found["license"]["conclusion"] is None  # the named terms may differ from the file
