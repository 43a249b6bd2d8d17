"""Survey fixtures: Parquet exports written from Python rows with DuckDB (no pyarrow).

`write_export(path, rows, types=None)` writes rows (dicts keyed by the Hub's model fields) as
one Parquet file. Columns are those the rows name, in the Hub's order; a column only exists
when some row names it, so a test leaves a column out by never naming it. By default the
columns have the types of the Hub's weekly snapshots: `cardData`, `config`, `safetensors` and
`gguf` are JSON strings (a dict given is JSON-encoded), `siblings` a list of
`{rfilename}` structs (file names given as strings are wrapped), `tags` and `baseModels`
lists of strings. `types` overrides a column's DuckDB type, e.g. a struct `cardData`:
`{"cardData": "STRUCT(license VARCHAR, base_model VARCHAR)"}`.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

HUB_TYPES = {
    "id": "VARCHAR", "createdAt": "VARCHAR", "lastModified": "VARCHAR", "cardData": "VARCHAR",
    "tags": "VARCHAR[]", "downloads": "BIGINT", "downloadsAllTime": "BIGINT", "likes": "BIGINT",
    "library_name": "VARCHAR", "pipeline_tag": "VARCHAR", "baseModels": "VARCHAR[]",
    "siblings": "STRUCT(rfilename VARCHAR)[]", "config": "VARCHAR", "safetensors": "VARCHAR",
    "gguf": "VARCHAR",
}  # fmt: skip


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _value(column: str, kind: str, value: Any) -> Any:
    if value is None:
        return None
    if kind == "VARCHAR" and not isinstance(value, str):
        return json.dumps(value)  # a JSON string column, as in the Hub's snapshots
    if column == "siblings" and kind.startswith("STRUCT") and isinstance(value, list):
        return [{"rfilename": name} if isinstance(name, str) else name for name in value]
    return value


def write_export(
    path: Path, rows: list[dict[str, Any]], types: dict[str, str] | None = None
) -> Path:
    """Write `rows` to the Parquet file `path` (see the module's docstring); returns `path`."""
    import duckdb

    kinds = {**HUB_TYPES, **(types or {})}
    named = {key for row in rows for key in row}
    columns = [name for name in kinds if name in named]
    columns += sorted(named - set(columns))
    handle, lines = tempfile.mkstemp(suffix=".jsonl")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            for row in rows:
                values = {c: _value(c, kinds.get(c, "VARCHAR"), row.get(c)) for c in columns}
                out.write(json.dumps(values) + "\n")
        spec = ", ".join(f"{_quote(c)}: {_quote(kinds.get(c, 'VARCHAR'))}" for c in columns)
        con = duckdb.connect()
        con.execute(
            f"COPY (SELECT * FROM read_json({_quote(lines)}, format = 'newline_delimited', "
            f"columns = {{{spec}}})) TO {_quote(str(path))} (FORMAT parquet)"
        )
        con.close()
    finally:
        os.unlink(lines)
    return path


@pytest.fixture
def export_file(tmp_path: Path) -> Callable[..., Path]:
    """`export_file(rows, types=None, name="models.parquet")`: a Parquet export in tmp_path."""

    def make(
        rows: list[dict[str, Any]],
        types: dict[str, str] | None = None,
        name: str = "models.parquet",
    ) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        return write_export(path, rows, types)

    return make


@dataclass
class Surveyed:
    """A survey's tables: `results` by id, `edges` as dicts, the connection, what was read."""

    con: Any
    results: dict[str, dict[str, Any]]
    edges: list[dict[str, Any]]
    export: Any


@pytest.fixture
def surveyed() -> Callable[..., Surveyed]:
    """`surveyed(*paths)`: the `results` and `edges` of a survey of these exports; the
    connection also keeps `scanned`, a copy of the export's `scan` table before judging."""

    def run(*paths: Path) -> Surveyed:
        from openness.survey import export, judge

        con = export.connect()
        read = export.read(con, [str(path) for path in paths], None, judge.signal_values(),
                           judge.library_names())  # fmt: skip
        con.execute("CREATE TEMP TABLE scanned AS SELECT * FROM scan")
        judge.fill(con)
        results = {row["id"]: row for row in rows_of(con, "results")}
        return Surveyed(con, results, rows_of(con, "edges"), read)

    return run


def rows_of(con: Any, table: str) -> list[dict[str, Any]]:
    """Every row of a table as a dict."""
    cursor = con.execute(f"SELECT * FROM {table}")
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
