"""Models lists: one parser for `--from-file` and for the scan of `models.txt`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from openness.errors import UsageError
from openness.inputs.models_list import Entry, parse_models_list, read_models_list
from openness.inputs.scan import scan_paths

LIST = """\
\ufeff# models we ship

org-a/plain
org-b/pinned@0123abc  # pinned commit
   org-c/indented@refs/pr/1\t# tab before the comment
https://huggingface.co/org-d/from-url/tree/v2
gpt2
"""


def test_entries_with_their_lines_and_revisions() -> None:
    entries, invalid = parse_models_list(LIST)
    assert entries == [
        Entry("org-a/plain", None, 3),
        Entry("org-b/pinned", "0123abc", 4),
        Entry("org-c/indented", "refs/pr/1", 5),
        Entry("org-d/from-url", "v2", 6),
        Entry("gpt2", None, 7),
    ]
    assert invalid == []
    assert [entry.model for entry in entries][:2] == ["org-a/plain", "org-b/pinned@0123abc"]


@pytest.mark.parametrize(
    ("line", "entry"),
    [
        ("#org/name", None),  # a comment at the start of a line
        ("  # org/name", None),
        ("org/name # x", "org/name"),  # after whitespace
        ("org/name\t#x", "org/name"),
        ("org/name@v1 #x", "org/name@v1"),
    ],
)
def test_hash_starts_a_comment_at_line_start_or_after_whitespace(
    line: str, entry: str | None
) -> None:
    entries, invalid = parse_models_list(line + "\n")
    assert [e.model for e in entries] == ([entry] if entry else [])
    assert invalid == []


@pytest.mark.parametrize(
    "line",
    [
        "org/name#x",  # `#` inside a token is no comment: the token is no model
        "org/name@v1#x",
        "not a model",
        "org-a/one org-b/two",
        "./local/path",
        "/abs/path",
        "a/b/c",
        "org--x/name",
        "org/name@",
        "org/name@../x",
        "hf.co/org/name",
        "https://example.com/org/name",
        "https://huggingface.co/datasets/org/data",
    ],
)
def test_anything_else_is_an_invalid_entry(line: str) -> None:
    entries, invalid = parse_models_list(f"org/ok\n{line}\n")
    assert [e.model for e in entries] == ["org/ok"]
    assert [i.line for i in invalid] == [2]
    assert "\n" not in invalid[0].reason


def test_reading_a_file_names_the_first_invalid_line(tmp_path: Path) -> None:
    path = tmp_path / "models.txt"
    path.write_text("org/ok\n\norg/name#x\nnot a model\n", encoding="utf-8")
    with pytest.raises(UsageError, match=r"models\.txt:3: .*org/name#x.*\(and 1 more"):
        read_models_list(path)
    path.write_text(LIST, encoding="utf-8")
    assert read_models_list(path) == parse_models_list(LIST)[0]


def test_unreadable_lists_are_usage_errors(tmp_path: Path) -> None:
    (tmp_path / "latin1.txt").write_bytes(b"org/caf\xe9\n")
    with pytest.raises(UsageError, match="not UTF-8"):
        read_models_list(tmp_path / "latin1.txt")
    with pytest.raises(UsageError, match="cannot read"):
        read_models_list(tmp_path / "missing.txt")
    with pytest.raises(UsageError, match="cannot read"):
        read_models_list(tmp_path)


def test_from_file_and_scan_read_a_list_alike(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("models.txt").write_text(LIST, encoding="utf-8")
    scanned = [(r.repo_id, r.revision, r.line) for r in scan_paths([Path("models.txt")])]
    listed = [(e.repo_id, e.revision, e.line) for e in read_models_list(Path("models.txt"))]
    assert scanned == listed


@pytest.mark.parametrize("command", ["audit", "check"])
def test_from_file_with_an_invalid_line_is_a_usage_error(
    cli: Any, command: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("models.txt").write_text("org/ok\norg/name#pinned\n", encoding="utf-8")
    preset = ["--preset", "osi"] if command == "check" else []
    result = cli(command, "--from-file", "models.txt", "--offline", *preset)
    assert result.exit_code == 2
    assert "models.txt:2:" in result.stderr
