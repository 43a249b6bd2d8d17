"""A survey from its sources to its summary: read the export (or a live listing) into DuckDB,
judge every row as `audit` would, optionally read the licence texts, summarise, and write the
per-model table atomically."""

from __future__ import annotations

import re
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from openness.errors import UsageError
from openness.replacing import replacing
from openness.survey import export, judge

if TYPE_CHECKING:
    import duckdb

ODBL = "ODbL-1.0"
SNAPSHOTS = "hfmlsoc/hub_weekly_snapshots"
_SNAPSHOT_DATE = re.compile(r"models/(\d{4}-\d{2}-\d{2})/")
RESULT_FORMATS = {".parquet": "parquet", ".csv": "csv"}
# results columns in the order written; list columns are joined by ';' in CSV
RESULT_COLUMNS = ("id", "downloads", "last_modified", "declared", "declared_from",
                  "declared_state", "licence", "spdx_id", "osi_approved", "permissive",
                  "clause_kinds", "use_restricting", "licence_file", "licence_files",
                  "base_models", "parents", "g7_label", "file_licence", "file_clause_kinds",
                  "text_status")  # fmt: skip
_LISTS = {"clause_kinds", "licence_files", "base_models", "file_clause_kinds"}
_TEXTS = {"id", "last_modified", "declared", "declared_from", "declared_state", "licence",
          "spdx_id", "parents", "g7_label", "file_licence", "text_status"}  # fmt: skip


@dataclass
class SurveyOptions:
    sources: list[str] = field(default_factory=list)
    author: str | None = None
    search: str | None = None
    limit: int | None = None
    fetch_texts: bool = False
    state: Path | None = None
    jobs: int = 8
    timeout: float = 30.0
    source_name: str | None = None
    source_date: str | None = None
    source_licence: str | None = None
    memory_mib: int = export.MEMORY_MIB


@dataclass
class Survey:
    """A finished survey: the connection holding `results` and `edges`, and the summary."""

    con: duckdb.DuckDBPyConnection
    summary: dict[str, Any]
    export: export.Export
    judged: judge.Judged
    seconds: dict[str, float] = field(default_factory=dict)


def run(options: SurveyOptions, notice: Callable[[str], None] = lambda _: None) -> Survey:
    """The whole survey; UsageError for bad input, EvidenceUnavailable when a live listing
    cannot be obtained."""
    if not options.sources and not options.author and not options.search:
        raise UsageError("nothing to survey (give SOURCE files, --author or --search)")
    if options.limit and not (options.author or options.search):
        raise UsageError("--limit bounds a live listing: give --author or --search with it")
    if options.state is not None and not options.fetch_texts:
        raise UsageError("--state is the resume file of --fetch-texts: give --fetch-texts with it")
    if options.fetch_texts:
        check_state(_state_path(options))  # a wrong path costs no survey
    con = export.connect(options.memory_mib)
    seconds: dict[str, float] = {}
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="openness-survey-") as folder:
        listed = None
        listing = None
        if options.author or options.search:
            from openness.survey import listing as live

            listing = Path(folder) / "listing.jsonl"
            listed = live.write(listing, options.author, options.search, options.limit)
            if listed.skipped:
                notice(f"{listed.skipped} malformed entries of the listing skipped")
            seconds["listing"] = time.monotonic() - started
        read = export.read(con, options.sources, listing, judge.signal_values(),
                           judge.library_names())  # fmt: skip
    for note in read.notes:
        notice(note)
    seconds["read"] = time.monotonic() - started - seconds.get("listing", 0.0)
    mark = time.monotonic()
    judged = judge.fill(con)
    if judged.failures:
        notice(f"{judged.failures} declarations could not be analysed (counted unrecognised)")
    seconds["judge"] = time.monotonic() - mark
    if options.fetch_texts:
        mark = time.monotonic()
        _texts(con, options)
        seconds["texts"] = time.monotonic() - mark
    from openness.survey.figures import summarise

    summary = summarise(con, source_of(options, read, listed.query if listed else None))
    return Survey(con, summary, read, judged, seconds)


def _texts(con: duckdb.DuckDBPyConnection, options: SurveyOptions) -> None:
    from huggingface_hub import get_token

    from openness.sources.paths import hub_endpoint
    from openness.survey.texts import TextOptions, fill

    state = _state_path(options)
    fill(con, TextOptions(state=state, endpoint=hub_endpoint(), token=get_token(),
                          jobs=options.jobs, timeout=options.timeout))  # fmt: skip


def _state_path(options: SurveyOptions) -> Path:
    from openness.sources.paths import records_dir

    return options.state or records_dir() / "survey-texts.jsonl"


def check_state(path: Path) -> None:
    """The text pass's resume file can be read and appended to (created if need be), or a
    usage error naming it."""
    try:
        if path.exists() and not path.is_file():
            raise UsageError(f"cannot use {path} as --state: not a regular file")
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("ab"), path.open("rb"):
            pass
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise UsageError(f"cannot use {path} as --state: {reason}") from None


def source_of(
    options: SurveyOptions, read: export.Export, listing: str | None = None
) -> dict[str, Any]:
    """Where the rows come from, their date and licence: options first, then what a path of
    the Hub's weekly snapshots says (ODbL-1.0), then today's date for a live listing."""
    from openness.sources.paths import hub_endpoint, public_url

    inputs = [*options.sources]
    if listing:
        inputs.append(f"{listing} from {public_url(hub_endpoint())}")
    snapshot_date, licence, attribution = None, None, None
    for source in options.sources:
        found = _SNAPSHOT_DATE.search(source.replace("\\", "/"))
        if "hub_weekly_snapshots" in source:
            licence = ODBL
            attribution = (f"Hugging Face Hub model metadata from the {SNAPSHOTS} dataset, "
                           f"available under the Open Database License ({ODBL})")  # fmt: skip
            snapshot_date = found.group(1) if found else snapshot_date
    if listing and not options.sources:
        snapshot_date = datetime.now(timezone.utc).date().isoformat()
        attribution = f"Hugging Face Hub API, {listing}"
    return {
        "inputs": inputs,
        "snapshot_date": options.source_date or snapshot_date,
        "licence": options.source_licence or licence,
        "attribution": options.source_name or attribution,
        "rows": read.rows,
        "columns_missing": read.columns_missing,
    }


def check_date(value: str) -> str:
    """An ISO date (YYYY-MM-DD), or a usage error."""
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise UsageError(f"{value!r} is not a date (YYYY-MM-DD)") from None


def results_format(path: Path) -> str:
    """parquet or csv, from the file's suffix; a usage error for anything else, or when the
    path could not be written (asked before a survey, so a wrong path costs none)."""
    kind = RESULT_FORMATS.get(path.suffix.lower())
    if kind is None:
        raise UsageError(f"--results {path}: the file must end in .parquet or .csv")
    try:
        target = path.resolve()
        regular = not target.exists() or target.is_file()
        folder = target.parent.is_dir()
    except (OSError, RuntimeError) as error:
        raise UsageError(
            f"cannot write {path}: {getattr(error, 'strerror', None) or error}"
        ) from None
    if not regular:
        raise UsageError(f"cannot write {path}: not a regular file")
    if not folder:
        raise UsageError(f"cannot write {path}: no such folder")
    return kind


def write_results(con: duckdb.DuckDBPyConnection, path: Path) -> int:
    """The per-model table, replacing `path` atomically (never half-written); the rows written.
    CSV joins list columns with ';' and defuses cells a spreadsheet would run as a formula."""
    kind = results_format(path)
    columns = ", ".join(_csv_column(name) if kind == "csv" else name for name in RESULT_COLUMNS)
    options = "FORMAT parquet" if kind == "parquet" else "FORMAT csv, HEADER true"
    with replacing(path, suffix=f".{kind}") as temporary:
        try:
            con.execute(f"COPY (SELECT {columns} FROM results ORDER BY id) "
                        f"TO {export.quote(str(temporary))} ({options})")  # fmt: skip
        except export.duckdb_module().Error as error:
            reason = " ".join(str(error).split())[:160]
            raise UsageError(f"cannot write {path}: {reason}") from None
    rows = con.execute("SELECT count(*) FROM results").fetchone()
    return int(rows[0]) if rows else 0


def _csv_column(name: str) -> str:
    value = f"array_to_string({name}, ';')" if name in _LISTS else name
    if name in _LISTS or name in _TEXTS:  # =, +, -, @, tab or CR first: a formula to Excel
        value = (f"CASE WHEN regexp_matches({value}, '^[=+\\-@\\t\\r]') THEN '''' || {value} "
                 f"ELSE {value} END")  # fmt: skip
    return f"{value} AS {name}"
