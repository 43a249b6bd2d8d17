"""What is derived from shipped files and kept in the cache (license/knowledge.py): parsed YAML
under the sha256 of the file's bytes, the knowledge version under a stamp of the files. Each
gives what computing afresh gives, and a changed source is never answered from the store."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import openness.readers
from openness.data import packaged
from openness.license import knowledge
from openness.rubrics import registry


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The sources `readers.load` parses from now on."""
    seen: list[str] = []
    real = openness.readers.load

    def load(text: str, source: str, *args: Any, **kwargs: Any) -> Any:
        seen.append(source)
        return real(text, source, *args, **kwargs)

    monkeypatch.setattr(openness.readers, "load", load)
    return seen


def test_parsed_yaml_is_the_parse_and_is_parsed_once(parses: list[str]) -> None:
    for name, aliases in (("rubrics/osd.yaml", False), ("licenses/clauses.yaml", True)):
        path = packaged(name)
        expected = openness.readers.load(
            path.read_text(encoding="utf-8"), str(path), aliases=aliases
        )
        parses.clear()
        assert knowledge.parsed_yaml(path, aliases) == expected
        assert knowledge.parsed_yaml(path, aliases) == expected
        assert parses == [str(path)]


def test_a_changed_file_is_parsed_again(tmp_path: Path, parses: list[str]) -> None:
    path = tmp_path / "r.yaml"
    path.write_text("a: 1\nb: [x, y]\n", encoding="utf-8")
    assert knowledge.parsed_yaml(path) == {"a": 1, "b": ["x", "y"]}
    path.write_text("a: 2\nb: [x, y]\n", encoding="utf-8")  # same size
    assert knowledge.parsed_yaml(path) == {"a": 2, "b": ["x", "y"]}
    path.write_text("a: 1\nb: [x, y]\n", encoding="utf-8")  # back: its entry is still right
    assert knowledge.parsed_yaml(path) == {"a": 1, "b": ["x", "y"]}
    assert parses == [str(path)] * 2


def test_refusals_are_raised_every_time_and_aliases_are_part_of_the_key(tmp_path: Path) -> None:
    path = tmp_path / "r.yaml"
    path.write_text("a: &x [1]\nb: *x\n", encoding="utf-8")
    assert knowledge.parsed_yaml(path, aliases=True) == {"a": [1], "b": [1]}
    for _ in range(2):
        with pytest.raises(openness.readers.YamlError, match="anchors"):
            knowledge.parsed_yaml(path)


def test_data_json_would_change_is_not_stored(tmp_path: Path, parses: list[str]) -> None:
    path = tmp_path / "r.yaml"
    path.write_text("when: 2024-01-02\n1: one\n", encoding="utf-8")
    first = knowledge.parsed_yaml(path)
    assert knowledge.parsed_yaml(path) == first and set(first) == {"when", 1}
    assert len(parses) == 2


def test_a_damaged_entry_is_parsed_again(tmp_path: Path, parses: list[str]) -> None:
    path = tmp_path / "r.yaml"
    path.write_text("a: 1\n", encoding="utf-8")
    knowledge.parsed_yaml(path)
    (entry,) = (Path(os.environ["OPENNESS_CACHE_DIR"]) / "yaml").rglob("*.json")
    entry.write_text('{"a": ', encoding="utf-8")
    assert knowledge.parsed_yaml(path) == {"a": 1}
    assert len(parses) == 2


def test_an_edited_rubric_is_read_from_its_new_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "rubrics"
    shutil.copytree(packaged("rubrics"), folder)
    monkeypatch.setenv(registry.RUBRICS_DIR_ENV, str(folder))
    try:
        title = registry.registry().pass_fail["osd"].title
        osd = folder / "osd.yaml"
        text = osd.read_text(encoding="utf-8")
        osd.write_text(text.replace(f"title: {title}", "title: Edited", 1), encoding="utf-8")
        registry.load_registry.cache_clear()
        assert registry.registry().pass_fail["osd"].title == "Edited"
    finally:
        registry.load_registry.cache_clear()


@pytest.fixture
def licences(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A copy of the shipped licence knowledge, read as the shipped one."""
    copy = tmp_path / "licenses"
    shutil.copytree(packaged("licenses"), copy, ignore=shutil.ignore_patterns("training"))
    monkeypatch.setattr(knowledge, "packaged", lambda name: copy)
    knowledge.knowledge_version.cache_clear()
    yield copy
    knowledge.knowledge_version.cache_clear()


def _hashes(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    read: list[Path] = []
    real = Path.read_bytes

    def read_bytes(self: Path) -> bytes:
        read.append(self)
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    return read


def version() -> str:
    knowledge.knowledge_version.cache_clear()
    return knowledge.knowledge_version()


def test_the_version_is_the_hash_of_the_files_and_is_kept(
    licences: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = version()
    read = _hashes(monkeypatch)
    assert version() == first and read  # files just copied: hashed again, not trusted yet
    monkeypatch.setattr(knowledge, "SETTLED", 0.0)
    read.clear()
    assert version() == first and read  # hashed, and now kept
    read.clear()
    assert version() == first and not read  # from the store: no file read


def test_an_edit_of_the_same_size_changes_the_version(
    licences: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(knowledge, "SETTLED", 0.0)
    before = version()
    assert version() == before
    profile = licences / "mit.yaml"
    text = profile.read_text(encoding="utf-8")
    profile.write_text(text.replace("MIT", "MJT", 1), encoding="utf-8")
    after = version()
    assert after != before
    profile.write_text(text, encoding="utf-8")
    assert version() == before  # the same bytes: the same version, whatever their stamp


def test_a_new_file_changes_the_version(licences: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(knowledge, "SETTLED", 0.0)
    before = version()
    (licences / "spdx" / "extra.txt").write_text("x", encoding="utf-8")
    assert version() != before


def test_a_damaged_stored_version_is_hashed_again(
    licences: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(knowledge, "SETTLED", 0.0)
    first = version()
    (entry,) = (Path(os.environ["OPENNESS_CACHE_DIR"]) / "knowledge-version").rglob("*.json")
    entry.write_text("not a version", encoding="utf-8")
    assert version() == first
