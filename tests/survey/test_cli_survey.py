"""`openness survey` as a command: summary and per-model table, exit codes, atomic outputs, the
source and its licence in every format, and a live listing from the replay Hub."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hubreplay import FakeRepo, HubReplay, json_reply, not_json, respond

pytest.importorskip("duckdb")

ROWS: list[dict[str, Any]] = [
    {"id": "a/mit", "cardData": {"license": "mit"}, "downloads": 100,
     "siblings": ["README.md", "model.safetensors"], "tags": ["license:mit"]},
    {"id": "a/apache", "cardData": {"license": "apache-2.0", "base_model": "meta/llama"},
     "downloads": 50, "siblings": ["LICENSE", "model.safetensors"], "tags": []},
    {"id": "meta/llama", "cardData": {"license": "llama3"}, "downloads": 1000,
     "siblings": ["LICENSE", "USE_POLICY.md"], "tags": []},
    {"id": "a/none", "cardData": {}, "downloads": 7, "siblings": ["README.md"], "tags": []},
    {"id": "a/none-too", "cardData": None, "downloads": 3, "siblings": [], "tags": []},
    {"id": "a/formula", "cardData": {"license": "=HYPERLINK(\"http://x\")"}, "downloads": 1,
     "siblings": [], "tags": []},
]  # fmt: skip


def survey_json(cli: Any, *args: str) -> dict[str, Any]:
    result = cli("survey", *args, "--format", "json")
    assert result.exit_code == 0, result.stderr
    summary: dict[str, Any] = json.loads(result.stdout)
    return summary


def test_summary_and_results_of_an_export(
    cli: Any, export_file: Callable[..., Path], tmp_path: Path
) -> None:
    import duckdb

    export = export_file(ROWS)
    results = tmp_path / "results.parquet"
    summary = survey_json(cli, str(export), "--results", str(results))
    assert (summary["schema_version"], summary["kind"]) == ("1", "survey")
    assert summary["source"]["rows"] == len(ROWS)
    assert summary["source"]["inputs"] == [str(export)]
    no_licence = [row for row in ROWS if not (row["cardData"] or {}).get("license")]
    figure = summary["figures"]["no_licence"]
    assert (figure["count"], figure["of"]) == (len(no_licence), len(ROWS))
    assert figure["downloads"] == sum(row["downloads"] for row in no_licence)
    pairs = summary["incompatible_pairs"]
    assert [(p["child_licence"], p["parent_licence"]) for p in pairs] == [("apache-2.0", "llama3")]
    written = duckdb.connect().execute(f"SELECT id, licence FROM '{results}' ORDER BY id")
    assert written.fetchall()[:2] == [("a/apache", "apache-2.0"), ("a/formula", None)]


def test_csv_results_join_lists_and_defuse_formulas(
    cli: Any, export_file: Callable[..., Path], tmp_path: Path
) -> None:
    results = tmp_path / "results.csv"
    assert cli("survey", str(export_file(ROWS)), "--results", str(results)).exit_code == 0
    with results.open(encoding="utf-8", newline="") as handle:
        rows = {row["id"]: row for row in csv.DictReader(handle)}
    assert rows["meta/llama"]["licence_files"] == "LICENSE;USE_POLICY.md"
    assert rows["a/apache"]["base_models"] == "meta/llama"
    assert rows["a/apache"]["parents"] == "incompatible"
    assert rows["a/formula"]["declared"].startswith("'=")  # never run as a formula
    assert rows["a/none"]["licence_files"] == "" and rows["a/none"]["declared_state"] == "none"


def test_every_format_names_the_source_and_its_licence(
    cli: Any, export_file: Callable[..., Path]
) -> None:
    export = export_file(ROWS, name="hub_weekly_snapshots/models/2026-11-23/models.parquet")
    source = survey_json(cli, str(export))["source"]
    assert (source["snapshot_date"], source["licence"]) == ("2026-11-23", "ODbL-1.0")
    assert "hfmlsoc/hub_weekly_snapshots" in source["attribution"]
    for output_format in ("table", "markdown", "html", "json"):
        result = cli("survey", str(export), "--format", output_format)
        assert result.exit_code == 0, result.stderr
        assert "ODbL-1.0" in result.stdout and "2026-11-23" in result.stdout, output_format
    options = ("--source-name", "Example dump", "--source-date", "2026-01-02",
               "--source-licence", "CC-BY-4.0")  # fmt: skip
    given = survey_json(cli, str(export), *options)["source"]
    assert (given["attribution"], given["snapshot_date"], given["licence"]) == (
        "Example dump", "2026-01-02", "CC-BY-4.0",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "nothing to survey"),
        (("{missing}",), "no such file"),
        (("{folder}/*.parquet",), "no file matches"),
        (("{folder}",), "not a file"),
        (("{corrupt}",), "not a readable Parquet file"),
        (("{no_id}",), "no id column"),
        (("{export}", "--limit", "3"), "--limit bounds a live listing"),
        (("{export}", "--format", "xml"), "is not a format"),
        (("{export}", "--results", "{folder}/out.txt"), ".parquet or .csv"),
        (("{export}", "--source-date", "yesterday"), "not a date"),
        (("{export}", "--results", "{folder}/dir.csv"), "not a regular file"),
        (("{export}", "--results", "{folder}/no/such.csv"), "no such folder"),
        (("{export}", "--fetch-texts", "--state", "{folder}"), "not a regular file"),
        (("{export}", "--fetch-texts", "--state", "{corrupt}/state.jsonl"), "as --state"),
        (("{export}", "--state", "{folder}/state.jsonl"), "give --fetch-texts"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    export_file: Callable[..., Path], tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    """As a real process: the entry point's one line, never a traceback."""
    from cli_process import run_cli

    corrupt = tmp_path / "corrupt.parquet"
    corrupt.write_bytes(b"PAR1" + b"\x00" * 64 + b"PAR1")
    folder = tmp_path / "empty"
    folder.mkdir()
    (folder / "dir.csv").mkdir()
    names = {"missing": tmp_path / "missing.parquet", "folder": folder, "corrupt": corrupt,
             "export": export_file(ROWS),
             "no_id": export_file([{"cardData": {}}], name="no-id.parquet")}  # fmt: skip
    code, stdout, stderr = run_cli(["survey", *(arg.format(**names) for arg in args)], False)
    text = stderr.decode()
    assert code == 2 and stdout == ""
    assert message in text and "Traceback" not in text
    assert len(text.strip().splitlines()) == 1, text


def test_without_duckdb_the_extra_is_named(
    cli: Any, export_file: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    export = export_file(ROWS)
    monkeypatch.setitem(sys.modules, "duckdb", None)  # import duckdb now fails
    result = cli("survey", str(export))
    assert result.exit_code == 2 and "install openness[survey]" in result.stderr


def test_outputs_are_replaced_whole_or_not_at_all(
    cli: Any, export_file: Callable[..., Path], tmp_path: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    summary, results = out / "summary.md", out / "results.parquet"
    summary.write_text("old summary")
    results.write_bytes(b"old results")
    corrupt = tmp_path / "corrupt.parquet"
    corrupt.write_bytes(b"not parquet at all")
    failed = cli("survey", str(export_file(ROWS)), str(corrupt), "-o", str(summary),
                 "--results", str(results))  # fmt: skip
    assert failed.exit_code == 2
    assert summary.read_text() == "old summary" and results.read_bytes() == b"old results"
    assert sorted(path.name for path in out.iterdir()) == ["results.parquet", "summary.md"]
    done = cli("survey", str(export_file(ROWS)), "-f", "markdown", "-o", str(summary),
               "--results", str(results))  # fmt: skip
    assert done.exit_code == 0, done.stderr
    assert summary.read_text().startswith("#") and results.read_bytes()[:4] == b"PAR1"
    assert sorted(path.name for path in out.iterdir()) == ["results.parquet", "summary.md"]
    assert done.stdout == ""


# Live listings from the replay Hub


def _acme(hub: HubReplay) -> None:
    from fixtures_hub import license

    hub.add(FakeRepo("acme/one", card_data={"license": "mit"},
                     files={"LICENSE": license("mit")}))  # fmt: skip
    hub.add(FakeRepo("acme/two", card_data={"license": "llama3", "base_model": "acme/one"}))
    hub.add(FakeRepo("acme/three", card_data={}))
    hub.add(FakeRepo("other/four", card_data={"license": "mit"}))


@pytest.mark.usefixtures("hf_env")
def test_a_live_listing_is_one_paginated_stream(hub: HubReplay, cli: Any) -> None:
    _acme(hub)
    hub.page_size = 2
    summary = survey_json(cli, "--author", "acme")
    assert summary["source"]["rows"] == 3
    assert "author=acme" in summary["source"]["inputs"][0]
    assert summary["source"]["snapshot_date"] is not None
    assert summary["figures"]["no_licence"]["count"] == 1
    listing = [request for request in hub.requests if request.path == "/api/models"]
    assert len(listing) == 2  # two pages of two
    assert {"cardData", "siblings", "tags", "baseModels"} <= set(listing[0].query["expand"])
    assert not [request for request in hub.requests if request.path.startswith("/api/models/")]
    limited = survey_json(cli, "--author", "acme", "--limit", "1")
    assert limited["source"]["rows"] == 1


@pytest.mark.usefixtures("fake_token")
def test_the_token_goes_to_the_endpoint_only(hub: HubReplay, cli: Any) -> None:
    from fixtures_hub import FAKE_TOKEN

    _acme(hub)
    result = cli("survey", "--search", "acme/t", "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["source"]["rows"] == 2
    assert all(request.token == FAKE_TOKEN for request in hub.requests)
    assert FAKE_TOKEN not in result.stdout + result.stderr
    foreign = '<http://127.0.0.2:9/api/models?cursor=1>; rel="next"'
    hub.inject(respond("/api/models$", json_reply([], headers={"Link": foreign})))
    refused = cli("survey", "--author", "acme")
    assert refused.exit_code == 3 and "another site" in refused.stderr


@pytest.mark.usefixtures("hf_env")
def test_a_listing_that_cannot_be_obtained_exits_3(
    hub: HubReplay, cli: Any, tmp_path: Path
) -> None:
    _acme(hub)
    hub.inject(not_json("/api/models$"))
    never = tmp_path / "never.parquet"
    result = cli("survey", "--author", "acme", "--results", str(never))
    assert result.exit_code == 3
    assert "Hub listing" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert not never.exists()


@pytest.mark.usefixtures("hf_env")
def test_the_text_pass_reads_the_listed_licence_files(
    hub: HubReplay, cli: Any, tmp_path: Path
) -> None:
    import duckdb

    _acme(hub)
    results, state = tmp_path / "results.parquet", tmp_path / "texts.jsonl"
    args = ("--author", "acme", "--fetch-texts", "--state", str(state), "--results", str(results))
    summary = survey_json(cli, *args)
    assert summary["text_pass"] is not None and state.exists()
    query = f"SELECT id, file_licence, text_status FROM '{results}' ORDER BY id"
    rows = {row[0]: row[1:] for row in duckdb.connect().execute(query).fetchall()}
    assert rows["acme/one"] == ("mit", "read")
    assert rows["acme/three"][1] == "no-licence-file"
