"""Every command with every format name: it writes that format, or exits 2 naming the formats
it has. The table below is written out, not read from the registry, so that a registry that
drifts (or falls back to another format) fails here."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from openness.render import FORMATS, OutputFormat

LLAMA, R1 = "meta-llama/Llama-3.1-8B", "deepseek-ai/DeepSeek-R1"
REPORT = {"table", "json", "jsonl", "markdown", "sarif", "cyclonedx", "spdx3", "mof", "html"}
SUPPORTED = {
    "audit": REPORT,
    "check": REPORT,
    "compare": REPORT - {"mof", "jsonl"},
    "tree": {"table", "json"},
    "scan": {"table", "json"},
    "mof": {"table", "json"},
    "licenses list": {"table", "json"},
    "licenses show": {"table", "json"},
    "snapshot info": {"table", "json"},
}
CHOICES = {
    "audit": "table, json, jsonl, markdown, sarif, cyclonedx, spdx3, mof or html",
    "check": "table, json, jsonl, markdown, sarif, cyclonedx, spdx3, mof or html",
    "compare": "table, json, markdown, sarif, cyclonedx, spdx3 or html",
}


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[str]]:
    """Arguments for each command that make it succeed."""
    folder = tmp_path_factory.mktemp("formats")
    (folder / "app.py").write_text(f'from_pretrained("{R1}")\n', encoding="utf-8")
    draft = folder / "draft.yml"
    draft.write_text(
        "release:\n  name: m\n  license: {distribution: {name: MIT}}\n"
        "  components: [{name: Model card}]\n",
        encoding="utf-8",
    )
    return {
        "audit": [R1, "--offline"],
        "check": [R1, "--preset", "osi", "--offline"],
        "compare": [LLAMA, R1, "--offline"],
        "tree": [R1, "--offline"],
        "scan": [str(folder)],
        "mof": [str(draft)],
        "licenses list": [],
        "licenses show": ["mit"],
        "snapshot info": [],
    }


def assert_writes(cli: Any, command: str, fmt: str, args: list[str]) -> None:
    """`command --format fmt` writes fmt when the command has it, else refuses it in one line."""
    result = cli(*command.split(), *args, "--format", fmt)
    if fmt not in SUPPORTED[command]:
        choices = CHOICES.get(command, "table or json")
        expected = f"openness: error: {command} cannot write {fmt} (choose {choices})\n"
        assert (result.exit_code, result.stdout, result.stderr) == (2, "", expected)
        return
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip()
    if fmt in ("json", "sarif", "cyclonedx", "spdx3"):
        document = json.loads(result.stdout)
        if fmt == "spdx3":
            assert document.get("@context") == "https://spdx.org/rdf/3.0.1/spdx-context.jsonld"
        if fmt == "sarif":
            assert document.get("version") == "2.1.0"
        if fmt == "cyclonedx":
            assert document.get("bomFormat") == "CycloneDX"
    elif fmt == "jsonl":
        lines = [json.loads(line) for line in result.stdout.splitlines()]
        assert [line["type"] for line in lines][-1] == "summary"
        assert lines[0]["type"] == "audit" and "model" in lines[0]
    elif fmt == "mof":
        assert all("release" in doc for doc in yaml.safe_load_all(result.stdout))
    elif fmt == "html":
        assert result.stdout.startswith("<!DOCTYPE html>") and "</html>" in result.stdout
    else:  # table and markdown are text, not a document of another format
        with pytest.raises(json.JSONDecodeError):
            json.loads(result.stdout)
        if fmt == "markdown":
            assert "|" in result.stdout


@pytest.mark.parametrize("fmt", [f.value for f in OutputFormat])
@pytest.mark.parametrize("command", list(SUPPORTED))
def test_every_command_writes_or_refuses_every_format(
    cli: Any, inputs: dict[str, list[str]], command: str, fmt: str
) -> None:
    assert_writes(cli, command, fmt, inputs[command])


def test_the_table_covers_every_command_and_the_registry_agrees() -> None:
    assert {command: {f.value for f in formats} for command, formats in FORMATS.items()} == (
        SUPPORTED
    )


@pytest.mark.parametrize("command", list(SUPPORTED))
def test_help_lists_only_the_formats_a_command_writes(cli: Any, command: str) -> None:
    names = [f.value for f in OutputFormat if f.value in SUPPORTED[command]]
    help_text = cli(*command.split(), "--help").stdout
    assert f"[{'|'.join(names)}]" in help_text
    for other in REPORT - SUPPORTED[command]:
        assert other not in help_text.split("Options:")[1].split("--help")[0]


def test_a_format_name_that_does_not_exist_is_a_usage_error(cli: Any) -> None:
    result = cli("scan", ".", "--format", "xml")
    assert result.exit_code == 2 and "'xml' is not a format (choose table or json)" in result.stderr


@pytest.mark.parametrize(
    ("command", "fmt", "stand_in"),
    [("scan", "sarif", "table"), ("mof", "markdown", "table"), ("audit", "sarif", "json")],
)
def test_the_check_catches_a_silent_fallback(
    cli: Any,
    inputs: dict[str, list[str]],
    monkeypatch: pytest.MonkeyPatch,
    command: str,
    fmt: str,
    stand_in: str,
) -> None:
    """A registry answering one format with another's renderer (the old `table` fallback)."""
    registry = {**FORMATS[command]}
    registry[OutputFormat(fmt)] = FORMATS[command][OutputFormat(stand_in)]
    monkeypatch.setitem(FORMATS, command, registry)
    with pytest.raises(AssertionError):
        assert_writes(cli, command, fmt, inputs[command])


def test_scan_json_lists_the_references(cli: Any, inputs: dict[str, list[str]]) -> None:
    found = cli("scan", *inputs["scan"], "-f", "json").json()
    assert [ref["repo_id"] for ref in found] == [R1]
    assert f": {R1} (" in cli("scan", *inputs["scan"]).stdout


def test_compare_only_differences_reaches_every_comparison_format(cli: Any) -> None:
    every = cli("compare", LLAMA, R1, "--offline", "-f", "json").json()
    differing = cli("compare", LLAMA, R1, "--offline", "-f", "json", "--only-differences").json()
    assert 0 < len(differing["rows"]) < len(every["rows"])
    assert all(row["differs"] for row in differing["rows"])
    table = cli("compare", LLAMA, R1, "--offline", "--only-differences").stdout
    markdown = cli("compare", LLAMA, R1, "--offline", "-f", "markdown", "--only-differences")
    assert markdown.stdout.count("\n") == len(differing["rows"]) + 2
    assert table.count("≠") == len(differing["rows"])


def test_mof_reads_a_file_path_argument(cli: Any, tmp_path: Path) -> None:
    absent = cli("mof", str(tmp_path / "absent.yml"), "-f", "json")
    assert absent.exit_code == 2 and "cannot read" in absent.stderr
