"""The resume file of the survey's text pass: one JSON object a line per outcome, appended
and flushed line by line with the row's `last_modified`, the knowledge base and the run.

Reading keeps the latest outcome per repo id and skips a torn or damaged line (a run killed
mid-line). A rerun reuses the settled outcomes of unchanged rows and asks again for the rows
that changed, failed transiently, were refused without a token when one is given now, or were
read with another knowledge base. Compaction writes one line per repo id beside the file,
then renames it over it. No repo id or file name is ever part of a path on disk.
"""

from __future__ import annotations

import json
import os
import threading
from dataclasses import dataclass
from pathlib import Path

import duckdb

_COLUMNS = {
    "id": "VARCHAR", "last_modified": "VARCHAR", "path": "VARCHAR", "status": "VARCHAR",
    "licence": "VARCHAR", "kinds": "VARCHAR[]", "transient": "BOOLEAN", "refused": "BOOLEAN",
    "knowledge": "VARCHAR", "run": "VARCHAR", "seq": "BIGINT",
}  # fmt: skip


@dataclass(frozen=True)
class Outcome:
    """What became of one row's file. `transient`: worth asking again on a rerun."""

    status: str
    licence: str | None = None
    kinds: tuple[str, ...] | None = None
    transient: bool = False
    refused: bool = False


class StateLog:
    """The append-only outcome log of one run (one JSON object a line, flushed each line)."""

    SYNC_EVERY = 64

    def __init__(self, path: Path, run: str, knowledge: str, first_seq: int) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._handle, self._lock = path.open("ab"), threading.Lock()
        self._run, self._knowledge, self._seq = run, knowledge, first_seq
        self._unsynced = self.written = 0
        with path.open("rb") as reader:  # a run killed mid-line: that line stays apart, unread
            if reader.seek(0, os.SEEK_END) and reader.seek(-1, os.SEEK_END) >= 0:
                self._handle.write(b"" if reader.read(1) == b"\n" else b"\n")

    def write(self, repo_id: str, changed: str | None, path: str | None, got: Outcome) -> None:
        with self._lock:
            self._seq += 1
            self.written += 1
            record = {
                "id": repo_id, "last_modified": changed, "path": path,
                "status": got.status, "licence": got.licence,
                "kinds": None if got.kinds is None else list(got.kinds),
                "transient": got.transient, "refused": got.refused,
                "knowledge": self._knowledge, "run": self._run, "seq": self._seq,
            }  # fmt: skip
            self._handle.write(json.dumps(record, ensure_ascii=True).encode() + b"\n")
            self._handle.flush()  # in the OS's hands: a killed process loses nothing
            self._unsynced += 1
            if self._unsynced >= self.SYNC_EVERY:
                os.fsync(self._handle.fileno())
                self._unsynced = 0

    def close(self) -> None:
        with self._lock:
            self._handle.flush()
            os.fsync(self._handle.fileno())
            self._handle.close()


def load_state(con: duckdb.DuckDBPyConnection, path: Path) -> int:
    """The latest outcome per repo id as the temporary table text_state; returns the last seq."""
    columns = ", ".join(f"{name} {kind}" for name, kind in _COLUMNS.items())
    con.execute(f"CREATE OR REPLACE TEMP TABLE text_state ({columns})")
    if path.is_file() and path.stat().st_size > 0:  # a torn or damaged line reads as NULLs
        con.execute(
            "INSERT INTO text_state SELECT * FROM read_json($path, format='newline_delimited', "
            "columns=$columns, ignore_errors=true) WHERE id IS NOT NULL AND status IS NOT NULL "
            "AND seq IS NOT NULL QUALIFY row_number() OVER (PARTITION BY id ORDER BY seq DESC) = 1",
            {"path": str(path), "columns": _COLUMNS},
        )
    row = con.execute("SELECT coalesce(max(seq), 0) FROM text_state").fetchone()
    return int(row[0]) if row else 0


def compact(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    """Rewrite the state file with one line per repo id (beside it, then renamed over it)."""
    if not path.is_file():
        return
    spare = path.with_name(path.name + ".compacting")
    con.execute("COPY (SELECT * FROM text_state ORDER BY seq) TO $spare (FORMAT json)",
                {"spare": str(spare)})  # fmt: skip
    with spare.open("rb") as handle:
        os.fsync(handle.fileno())
    os.replace(spare, path)


def reusable_sql(token: bool) -> str:
    """SQL: the stored outcome `s` still stands for the result row `r`."""
    refused = " AND NOT coalesce(s.refused, false)" if token else ""
    return (
        "(s.last_modified = r.last_modified AND NOT coalesce(s.transient, false)"
        f"{refused} AND (s.status <> 'read' OR s.knowledge = $knowledge))"
    )
