"""A bulk export of Hub model metadata read into DuckDB: the `scan` table, one slim row a model.

The export's rows are untrusted. Each source's columns are detected (a column it lacks makes
its facts unknown, NULL, never a default), JSON strings and structs are read alike, and every
value is capped before anything reaches Python: `cardData` larger than CARD_CAP bytes or not a
JSON object is unknown, tag and file lists are cut to the audit's limits, strings to fixed
lengths. Only the licence fields of the card, the few tags that decide a clause's condition,
the candidate licence files and the base-model names leave DuckDB, as distinct values.

`scan` columns: id, downloads, last_modified, decl_key (JSON: card state `c`, the card's
`license` / `license_name` / `license_link` as JSON `l` / `n` / `k`, the `license:` tags `t`,
NULL when the export or the row has no tags, and the condition signals `s`), base_raw (base
models as written, NULL when unknown), files_known (the file list is known and complete: not cut at
MAX_FILES), licence_candidates (NULL when the file list is unknown; a cut list's may miss some),
weights, deploy, training.
"""

from __future__ import annotations

import atexit
import contextlib
import glob
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from openness.errors import UsageError

if TYPE_CHECKING:
    import duckdb

COLUMNS = ("id", "createdAt", "lastModified", "cardData", "tags", "downloads", "downloadsAllTime",
           "likes", "library_name", "pipeline_tag", "baseModels", "siblings", "config",
           "safetensors", "gguf")  # fmt: skip
CARD_CAP = 64 * 1024  # bytes of cardData JSON; larger is unknown
MEMORY_MIB = 3 * 1024  # DuckDB's memory limit; the process stays under 4 GiB on 3M rows
MAX_ID = 256
MAX_TAGS = 2_000  # openness.sources.evidence.MAX_CARD_ITEMS
MAX_TAG = 200
MAX_FILES = 20_000  # openness.sources.local.MAX_LISTED_FILES: more is an incomplete list
MAX_FILE_NAME = 1_024
MAX_BASES = 64
MAX_LICENCE_TAGS = 16
# Licence-like files of the survey (NOTICE is not one): LICENSE*, LICENCE*, COPYING*, USE_POLICY*.
LICENCE_FILE = r"(?:^|/)(?:licen[cs]e|copying|use[_-]?policy)[^/]*$"
_TEXT = ("VARCHAR", "JSON")
_PATHS = ["$.license", "$.license_name", "$.license_link", "$.pipeline_tag", "$.library_name",
          "$.tags", "$.base_model"]  # fmt: skip


def duckdb_module() -> Any:
    """The duckdb module, or a usage error naming the extra that installs it."""
    try:
        import duckdb
    except ImportError:
        raise UsageError(
            "openness survey needs DuckDB: install openness[survey] "
            "(pip install 'openness[survey]')"
        ) from None
    return duckdb


def connect(memory_mib: int = MEMORY_MIB, threads: int | None = None) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection bounded in memory (at most half the machine's): beyond
    that it spills to a temporary folder of its own, removed when the process exits. No
    extension is installed or loaded unasked (a column type or a path never fetches one)."""
    con: duckdb.DuckDBPyConnection = duckdb_module().connect(":memory:")
    with contextlib.suppress(ValueError, OSError, AttributeError):
        memory_mib = min(memory_mib, os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
                         // 2 // 2**20)  # fmt: skip
    spill = tempfile.mkdtemp(prefix="openness-survey-")
    atexit.register(shutil.rmtree, spill, True)
    con.execute(f"SET memory_limit = '{max(memory_mib, 256)}MB'")
    con.execute(f"SET temp_directory = {quote(spill)}")
    con.execute("SET preserve_insertion_order = false")
    # nothing fetched or loaded behind the survey's back: hf:// loads httpfs itself (_remote)
    con.execute("SET autoinstall_known_extensions = false")
    con.execute("SET autoload_known_extensions = false")
    con.execute("SET allow_community_extensions = false")
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    return con


@dataclass
class Export:
    """What was read: the inputs as given, the rows kept, the columns some source lacked."""

    inputs: list[str]
    rows: int = 0
    columns_missing: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def quote(text: str) -> str:
    """A SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def literal_list(values: list[str]) -> str:
    return "[" + ", ".join(quote(value) for value in values) + "]::VARCHAR[]"


def glob_literal(path: str) -> str:
    """A file's path as DuckDB reads it literally: its glob characters (`*`, `?`, `[`) each in
    a class of its own, so `a[1].parquet` is that file, not `a1.parquet`."""
    return re.sub(r"[\[*?]", lambda found: f"[{found.group()}]", path)


def _files_of(source: str) -> list[str]:
    """The local files a source names (a file by its name, else a glob), or a usage error."""
    if any(char in source for char in "*?[") and not os.path.isfile(os.path.expanduser(source)):
        found = sorted(glob.glob(os.path.expanduser(source), recursive=True))
        found = [path for path in found if os.path.isfile(path)]
        if not found:
            raise UsageError(f"no file matches {source!r}")
        return found
    path = Path(source).expanduser()
    if not path.exists():
        raise UsageError(f"cannot read {source}: no such file")
    if not path.is_file():
        raise UsageError(f"cannot read {source}: not a file")
    if not os.access(path, os.R_OK):
        raise UsageError(f"cannot read {source}: permission denied")
    return [str(path)]


def _remote(con: duckdb.DuckDBPyConnection, source: str) -> None:
    """hf:// and http(s):// need DuckDB's httpfs extension, which is fetched on first use."""
    try:
        con.execute("LOAD httpfs")
    except Exception:
        try:
            con.execute("INSTALL httpfs")
            con.execute("LOAD httpfs")
        except Exception as error:
            reason = str(error).splitlines()[0][:160]
            raise UsageError(
                f"cannot read {source}: DuckDB's httpfs extension is not available ({reason}); "
                "download the Parquet file and give its path"
            ) from None


def _describe(con: duckdb.DuckDBPyConnection, relation: str, shown: str) -> dict[str, str]:
    """Column name -> DuckDB type of a relation, or a one-line usage error."""
    try:
        rows = con.execute(f"DESCRIBE SELECT * FROM {relation}").fetchall()
    except Exception as error:
        raise UsageError(
            f"cannot read {shown}: not a readable Parquet file ({_reason(error)})"
        ) from None
    return {str(name): str(kind) for name, kind, *_ in rows}


def read(
    con: duckdb.DuckDBPyConnection,
    sources: list[str],
    listing: Path | None = None,
    signals: list[str] | None = None,
    libraries: list[str] | None = None,
) -> Export:
    """Read every source into `scan`; `listing` is a live listing written as JSON lines.
    `signals`: the tag values that decide a clause's condition; `libraries`: the libraries
    that run a model (both lower-case)."""
    exported = Export(inputs=list(sources))
    relations: list[tuple[str, str]] = []  # (relation SQL, how it is shown)
    groups: dict[tuple[tuple[str, str], ...], list[str]] = {}
    for source in sources:
        if source.startswith(("hf://", "http://", "https://", "s3://")):
            _remote(con, source)
            relations.append((f"read_parquet({quote(source)}, union_by_name = true)", source))
            continue
        for path in _files_of(source):
            columns = _describe(con, f"read_parquet({quote(glob_literal(path))})", path)
            groups.setdefault(tuple(columns.items()), []).append(path)
    for paths in groups.values():
        shown = paths[0] if len(paths) == 1 else f"{paths[0]} (and {len(paths) - 1} more)"
        literal = literal_list([glob_literal(path) for path in paths])
        relations.append((f"read_parquet({literal})", shown))
    if listing is not None:
        relations.append((_listing_relation(listing), "the Hub listing"))
    con.execute(f"CREATE OR REPLACE TEMP TABLE scan_all AS {_EMPTY}")
    missing: set[str] = set()
    for relation, shown in relations:
        types = _describe(con, relation, shown)
        if "id" not in types:
            raise UsageError(f"cannot read {shown}: no id column (not an export of Hub models)")
        select, lacking = scan_select(relation, types, signals or [], libraries or [])
        missing |= lacking
        try:
            con.execute(f"INSERT INTO scan_all {select}")
        except Exception as error:
            raise UsageError(f"cannot read {shown}: {_reason(error)}") from None
    exported.columns_missing = [name for name in COLUMNS if name in missing]
    exported.rows, exported.notes = _deduplicated(con)
    return exported


def _reason(error: Exception) -> str:
    """DuckDB's message, its first line only (not the query it quotes)."""
    lines = str(error).strip().splitlines()
    return " ".join(lines[0].split())[:200] if lines else type(error).__name__


def _deduplicated(con: duckdb.DuckDBPyConnection) -> tuple[int, list[str]]:
    """`scan` from `scan_all`: one row per id (the last modified one), rows without id dropped."""
    total, ids, blank = con.execute(
        "SELECT count(*), count(DISTINCT id), count(*) FILTER (WHERE id IS NULL) FROM scan_all"
    ).fetchone() or (0, 0, 0)
    notes = [f"{blank} rows without an id skipped"] if blank else []
    if ids + blank == total:
        con.execute("ALTER TABLE scan_all RENAME TO scan")
        con.execute("DELETE FROM scan WHERE id IS NULL")
    else:
        con.execute(
            "CREATE TEMP TABLE scan AS SELECT * FROM scan_all WHERE id IS NOT NULL QUALIFY "
            "row_number() OVER (PARTITION BY id ORDER BY last_modified DESC NULLS LAST) = 1"
        )
        con.execute("DROP TABLE scan_all")
        notes.append(f"{total - blank - ids} duplicate rows of the same model skipped "
                     "(the last modified one kept)")  # fmt: skip
    return int(ids), notes


_EMPTY = """SELECT NULL::VARCHAR AS id, NULL::BIGINT AS downloads, NULL::VARCHAR AS last_modified,
  NULL::VARCHAR AS decl_key, NULL::VARCHAR[] AS base_raw, NULL::BOOLEAN AS files_known,
  NULL::VARCHAR[] AS licence_candidates, NULL::BOOLEAN AS weights, NULL::BOOLEAN AS deploy,
  NULL::BOOLEAN AS training WHERE false"""


def _listing_relation(path: Path) -> str:
    """The live listing's JSON lines, with the types `listing.py` writes."""
    columns = {"id": "VARCHAR", "lastModified": "VARCHAR", "cardData": "VARCHAR",
               "tags": "VARCHAR[]", "downloads": "BIGINT", "downloadsAllTime": "BIGINT",
               "likes": "BIGINT", "library_name": "VARCHAR", "pipeline_tag": "VARCHAR",
               "baseModels": "VARCHAR", "siblings": "VARCHAR[]", "safetensors": "VARCHAR",
               "gguf": "VARCHAR", "createdAt": "VARCHAR", "config": "VARCHAR"}  # fmt: skip
    spec = "{" + ", ".join(f"{quote(k)}: {quote(v)}" for k, v in columns.items()) + "}"
    return (f"read_json({quote(str(path))}, format = 'newline_delimited', columns = {spec}, "
            "maximum_object_size = 67108864)")  # fmt: skip


def _column(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _as_json(name: str, kind: str) -> str | None:
    """A column as JSON text: a JSON string as it is, a struct, map or list rendered."""
    column = _column(name)
    if kind in _TEXT:
        return f"CAST({column} AS VARCHAR)"
    if kind == "BLOB":  # not UTF-8: a value that is no JSON, so it reads as invalid
        return f"CASE WHEN {column} IS NOT NULL THEN coalesce(TRY(decode({column})), '<?>') END"
    if kind.startswith(("STRUCT", "MAP")) or kind.endswith("]"):
        return f"CAST(to_json({column}) AS VARCHAR)"
    return None


def _fields(kind: str) -> dict[str, str]:
    """The top-level fields of a STRUCT type (`STRUCT(a VARCHAR, b STRUCT(c INT)[])`)."""
    if not (kind.startswith("STRUCT(") and kind.endswith(")")):
        return {}
    parts, depth, current = [], 0, ""
    for char in kind[len("STRUCT(") : -1]:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
    parts.append(current)
    fields = {}
    for part in parts:
        name, _, field_type = part.strip().partition(" ")
        fields[name.strip('"')] = field_type.strip()
    return fields


def _string_list(name: str, kind: str, field_name: str | None = None) -> str | None:
    """A list of strings from VARCHAR[], STRUCT(field ...)[] or a JSON array (of strings, or
    of objects with `field_name`)."""
    column = _column(name)
    if kind in ("VARCHAR[]", "JSON[]"):
        return f"CAST({column} AS VARCHAR[])"
    if field_name and kind.endswith("[]") and _fields(kind[:-2]).get(field_name) == "VARCHAR":
        return f"[CAST(x.{_column(field_name)} AS VARCHAR) FOR x IN {column}]"
    text = _as_json(name, kind) if kind in _TEXT or kind == "BLOB" else None
    if text is None:
        return None
    objects = f"json_extract_string({text}, '$[*].{field_name}')" if field_name else "NULL"
    return (f"CASE WHEN NOT json_valid({text}) OR json_type({text}) <> 'ARRAY' THEN NULL "
            f"WHEN json_type({text}, '$[0]') = 'OBJECT' THEN {objects} "
            f"ELSE json_extract_string({text}, '$[*]') END")  # fmt: skip


def _base_list(kind: str) -> str | None:
    """`baseModels`: strings, `{"models": [{"id": ...}], "relation": ...}` (or a list of
    those), or objects with an id; as a struct or a JSON string."""
    column = _column("baseModels")
    single, listed = _fields(kind).get("models", ""), _fields(kind[:-2]).get("models", "")
    if single.endswith("[]") and _fields(single[:-2]).get("id") == "VARCHAR":
        return f"[CAST(m.id AS VARCHAR) FOR m IN {column}.models]"
    if listed.endswith("[]") and _fields(listed[:-2]).get("id") == "VARCHAR":
        return f"flatten([[CAST(m.id AS VARCHAR) FOR m IN x.models] FOR x IN {column}])"
    plain = _string_list("baseModels", kind, "id")
    if kind not in _TEXT or plain is None:
        return plain
    text = f"CAST({column} AS VARCHAR)"
    return (f"CASE WHEN NOT json_valid({text}) THEN NULL "
            f"WHEN json_type({text}) = 'OBJECT' THEN json_extract_string({text}, '$.models[*].id') "
            f"WHEN json_type({text}, '$[0].models') = 'ARRAY' "
            f"THEN json_extract_string({text}, '$[*].models[*].id') ELSE {plain} END")  # fmt: skip


def scan_select(
    relation: str, types: dict[str, str], signals: list[str], libraries: list[str]
) -> tuple[str, set[str]]:
    """The SELECT filling `scan` from one source, and the columns it lacks (or whose type is
    not one openness reads, which counts as lacking)."""
    from openness.rubrics import facts, release

    lacking = {name for name in COLUMNS if name not in types}

    def use(name: str, expression: str | None, kind: str) -> str:
        if name in types and expression is not None:
            return expression
        lacking.add(name)
        return f"NULL::{kind}"

    card = use("cardData", _as_json("cardData", types.get("cardData", "")), "VARCHAR")
    tags = use("tags", _string_list("tags", types.get("tags", "")), "VARCHAR[]")
    files = use("siblings", _string_list("siblings", types.get("siblings", ""), "rfilename"),
                "VARCHAR[]")  # fmt: skip
    bases = use("baseModels", _base_list(types.get("baseModels", "")), "VARCHAR[]")
    safetensors = use("safetensors", _as_json("safetensors", types.get("safetensors", "")),
                      "VARCHAR")  # fmt: skip
    gguf = use("gguf", _as_json("gguf", types.get("gguf", "")), "VARCHAR")
    pipeline = use("pipeline_tag", 'CAST("pipeline_tag" AS VARCHAR)', "VARCHAR")
    downloads = use("downloads", 'TRY_CAST("downloads" AS BIGINT)', "BIGINT")
    modified = use("lastModified", 'CAST("lastModified" AS VARCHAR)', "VARCHAR")
    ident = use("id", f'left(CAST("id" AS VARCHAR), {MAX_ID})', "VARCHAR")
    card_known = "cardData" not in lacking
    suffixes = "|".join(re.escape(suffix[1:]) for suffix in sorted(facts.WEIGHT_SUFFIXES))
    weight_file = f"(?:^|/)[^/]+\\.(?:{suffixes})$|{facts._SHARD.pattern}"
    licence_tags = f"[left(substr(t, 9), {MAX_TAG}) FOR t IN tags IF starts_with(t, 'license:')]"
    select = f"""
WITH raw AS (
  SELECT {ident} AS id, {downloads} AS downloads, left({modified}, 64) AS last_modified,
    {card} AS card, {tags} AS tags_in, {files} AS files_in, {bases} AS bases_in,
    left({pipeline}, 100) AS pipeline, {safetensors} AS safetensors, {gguf} AS gguf
  FROM {relation}
), checked AS (
  SELECT *,
    CASE WHEN NOT {card_known} THEN NULL WHEN card IS NULL THEN 'absent'
      WHEN strlen(card) > {CARD_CAP} THEN 'too-large' WHEN NOT json_valid(card) THEN 'invalid'
      WHEN json_type(card) = 'NULL' THEN 'absent'
      WHEN json_type(card) <> 'OBJECT' THEN 'invalid' ELSE 'ok' END AS card_state,
    [left(t, {MAX_TAG}) FOR t IN list_slice(coalesce(tags_in, []), 1, {MAX_TAGS})
      IF t IS NOT NULL] AS tags,
    [f FOR f IN list_slice(files_in, 1, {MAX_FILES}) IF f IS NOT NULL] AS files
  FROM raw
), parts AS (
  SELECT *, CASE WHEN card_state = 'ok' THEN json_extract(card, {literal_list(_PATHS)}) END AS p
  FROM checked
), facts AS (
  SELECT *,
    CASE WHEN json_type(p[4]) = 'VARCHAR' AND p[4] ->> '$' <> '' THEN p[4] ->> '$'
      WHEN p[4] IS NULL OR json_type(p[4]) = 'NULL' OR p[4] ->> '$' = '' THEN pipeline
    END AS pipeline_signal,
    CASE WHEN json_type(p[6]) = 'ARRAY' THEN json_extract_string(p[6], '$[*]') END AS card_tags,
    CASE WHEN json_type(p[7]) = 'VARCHAR' THEN [p[7] ->> '$']
      WHEN json_type(p[7]) = 'ARRAY' THEN json_extract_string(p[7], '$[*]') END AS card_bases
  FROM parts
)
SELECT id, downloads, last_modified,
  to_json({{'c': card_state, 'l': p[1], 'n': p[2], 'k': p[3],
    't': CASE WHEN tags_in IS NOT NULL THEN list_slice({licence_tags}, 1, {MAX_LICENCE_TAGS}) END,
    's': list_sort(list_distinct([x FOR x IN [lower(trim(v)) FOR v IN
      list_concat([pipeline_signal], card_tags, tags) IF v IS NOT NULL]
      IF list_contains({literal_list(signals)}, x)]))}})::VARCHAR AS decl_key,
  [left(b, {MAX_ID}) FOR b IN list_slice(CASE
      WHEN bases_in IS NOT NULL THEN bases_in
      WHEN card_bases IS NOT NULL AND len(card_bases) > 0 THEN card_bases
      WHEN tags_in IS NOT NULL THEN [string_split(t, ':')[-1] FOR t IN tags
        IF starts_with(t, 'base_model:')]
      WHEN card_state IN ('ok', 'absent') OR {"baseModels" not in lacking} THEN []
    END, 1, {MAX_BASES}) IF b IS NOT NULL] AS base_raw,
  files_in IS NOT NULL AND len(files_in) <= {MAX_FILES} AS files_known,
  CASE WHEN files_in IS NOT NULL THEN [f FOR f IN files IF strlen(f) <= {MAX_FILE_NAME}
    AND regexp_matches(f, {quote(LICENCE_FILE)}, 'i')] END AS licence_candidates,
  CASE WHEN len([f FOR f IN files IF regexp_matches(f, {quote(weight_file)}, 'i')]) > 0
      THEN TRUE
    WHEN TRY(json_extract(safetensors, '$.total')::BIGINT) > 0 THEN TRUE
    WHEN json_valid(gguf) AND json_type(gguf) = 'OBJECT' AND gguf <> '{{}}' THEN TRUE
    WHEN files_in IS NOT NULL AND len(files_in) <= {MAX_FILES} THEN FALSE
  END AS weights,
  CASE WHEN len([f FOR f IN files IF regexp_matches(f, {quote(release._CODE.pattern)}, 'i')]) > 0
      OR list_contains({literal_list(libraries)}, lower(trim(p[5] ->> '$')))
      OR len([t FOR t IN tags IF list_contains({literal_list(libraries)}, lower(t))]) > 0
    THEN TRUE END AS deploy,
  CASE WHEN len([f FOR f IN files IF regexp_matches(f, {quote(facts.CODE.pattern)}, 'i')
      AND regexp_matches(f, {quote(facts._TRAINING_CODE.pattern)}, 'i')]) > 0
    THEN TRUE END AS training
FROM facts"""
    return select, lacking
