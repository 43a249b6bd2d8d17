"""Golden reports: JSON, Markdown, SARIF and CycloneDX for fixed audits, compared byte for byte.

The audits come from the bundled snapshot (offline) plus a model folder written here, so the
inputs never change; run-dependent values (times, serial numbers, folder paths) are replaced by
placeholders before comparing. After an intended change, regenerate and review the diff:

    OPENNESS_UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest

GOLDEN = Path(__file__).resolve().parent / "golden"
MODELS = ("meta-llama/Llama-3.1-8B", "deepseek-ai/DeepSeek-R1")
FORMATS = {"json": "json", "markdown": "md", "sarif": "sarif.json", "cyclonedx": "cdx.json"}
LICENSE = "Acme Model Licence\n\nYou may use the model for non-commercial purposes only.\n"
_VARIABLE = [
    (re.compile(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:\.\d+)?(?:\+00:00|Z)?"), "<time>"),
    (re.compile(r"urn:uuid:[0-9a-f-]{36}"), "urn:uuid:<serial>"),
]


def stable(text: str, folder: Path) -> str:
    """The output with what differs between runs replaced by placeholders."""
    text = text.replace(str(folder), "<folder>").replace(folder.name, "<folder>")
    for pattern, placeholder in _VARIABLE:
        text = pattern.sub(placeholder, text)
    return text


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("golden") / "acme-model"
    path.mkdir()
    (path / "README.md").write_text("---\nlicense: other\n---\n# Acme\n", encoding="utf-8")
    (path / "LICENSE").write_text(LICENSE, encoding="utf-8")
    (path / "model.safetensors").write_bytes(b"")
    return path


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_report_matches_its_golden_file(
    cli: Any, folder: Path, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    result = cli("audit", *MODELS, str(folder), "--offline", "--format", fmt)
    assert result.exit_code == 0, result.stderr
    produced = stable(result.stdout, folder)
    golden = GOLDEN / f"audit.{FORMATS[fmt]}"
    if os.environ.get("OPENNESS_UPDATE_GOLDEN"):
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(produced, encoding="utf-8")
    assert golden.exists(), f"{golden} missing: run with OPENNESS_UPDATE_GOLDEN=1"
    assert produced == golden.read_text(encoding="utf-8"), (
        f"{golden.name} differs: if intended, regenerate with OPENNESS_UPDATE_GOLDEN=1 and "
        "review the diff"
    )
