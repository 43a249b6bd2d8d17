"""The survey's summary: its headline figures, top licences and incompatible lineage pairs,
computed with SQL over the `results` and `edges` tables of one DuckDB connection.

Every figure is a METRIC counted twice, over models and over downloads, with the rows where
the fact cannot be decided from the export counted apart (`unknown`), never folded into either
side. Each figure has a population (the rows it speaks of), a test of whether its fact is
decidable for a row, and the fact itself:

- `no_licence`, `other_licence`, `unrecognised_licence`: every row; decidable unless the
  export lacks both cardData and tags (`declared_state` 'unknown').
- `osi_approved` (the declared licence is OSI-approved): every row; decided for rows declaring
  no licence or `other` (no OSI-approved licence is declared) and for resolved licences whose
  OSI status is known; unknown for unrecognised declarations and unknown states.
- `use_restricting` (the declared licence restricts use): every row; decided for rows
  declaring none (no such licence) and for resolved licences; unknown for `other` (terms not
  known), unrecognised declarations and unknown states.
- `permissive_without_licence_file`: the permissive rows (resolved, OSI-approved, no clause
  kind); unknown when the row's file list is unknown (never "without a licence file").
- `with_base_model`: every row; unknown when the export says nothing of base models.
- `incompatible_with_parent`: the rows with a base model; decided when some edge is
  incompatible or every edge is compatible, unknown otherwise.

Download figures are sums of each row's `downloads` (a row with no or a negative count weighs
nothing; `downloads_unknown` says how many); they are all null when the export has no
downloads at all. Shares are computed from the integer counts, null when the base is 0.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import duckdb

from openness import __version__

SCHEMA_VERSION = "1"
TOP = 25  # entries in top_licences, incompatible_pairs and text-pass conflicts
DECLARED_AS = 10  # declared spellings kept per top licence

_KNOWN_STATES = "('none', 'other', 'known', 'unrecognised')"
_HAS_BASE = "(coalesce(len(base_models), 0) > 0 OR parents IS NOT NULL)"

# name: (population, decidable, fact), SQL predicates over `results` (NULL counts as false).
FIGURES: dict[str, tuple[str, str, str]] = {
    "no_licence": ("TRUE", f"declared_state IN {_KNOWN_STATES}", "declared_state = 'none'"),
    "other_licence": ("TRUE", f"declared_state IN {_KNOWN_STATES}", "declared_state = 'other'"),
    "unrecognised_licence": (
        "TRUE",
        f"declared_state IN {_KNOWN_STATES}",
        "declared_state = 'unrecognised'",
    ),
    "osi_approved": (
        "TRUE",
        "declared_state IN ('none', 'other') "
        "OR (declared_state = 'known' AND osi_approved IS NOT NULL)",
        "declared_state = 'known' AND osi_approved",
    ),
    "use_restricting": (
        "TRUE",
        "declared_state = 'none' OR (declared_state = 'known' AND use_restricting IS NOT NULL)",
        "declared_state = 'known' AND use_restricting",
    ),
    "permissive_without_licence_file": (
        "permissive",
        "licence_file IS NOT NULL",
        "NOT licence_file",
    ),
    "with_base_model": ("TRUE", "base_models IS NOT NULL", "len(base_models) > 0"),
    "incompatible_with_parent": (
        _HAS_BASE,
        "parents IN ('incompatible', 'compatible')",
        "parents = 'incompatible'",
    ),
}

# A row's weight: its downloads when known and not negative.
_WEIGHT = "(CASE WHEN downloads >= 0 THEN downloads END)"


def _share(part: int | None, whole: int | None) -> float | None:
    return None if part is None or not whole else part / whole


def metric(count: int, of: int, unknown: int, downloads: int | None, of_downloads: int | None,
           weighted: bool) -> dict[str, Any]:  # fmt: skip
    """One METRIC; the download fields are null unless the export has downloads."""
    return {
        "count": count,
        "of": of,
        "share": _share(count, of),
        "downloads": downloads if weighted else None,
        "of_downloads": of_downloads if weighted else None,
        "download_share": _share(downloads, of_downloads) if weighted else None,
        "unknown": unknown,
    }


def _ints(row: tuple[Any, ...] | None) -> list[int]:
    return [int(value or 0) for value in (row or ())]


def _weighted(con: duckdb.DuckDBPyConnection, source: dict[str, Any]) -> tuple[bool, int]:
    """Whether download figures can be given, and how many rows weigh nothing."""
    if "downloads" in (source.get("columns_missing") or []):
        return False, 0
    known, unknown = _ints(
        con.execute(f"SELECT count({_WEIGHT}), count(*) - count({_WEIGHT}) FROM results").fetchone()
    )
    return known > 0, unknown


def _figures(con: duckdb.DuckDBPyConnection, weighted: bool) -> dict[str, dict[str, Any]]:
    parts = []
    for population, decidable, fact in FIGURES.values():
        inside = f"coalesce(({population}), FALSE)"
        sure = f"coalesce(({decidable}), FALSE)"
        yes = f"{inside} AND {sure} AND coalesce(({fact}), FALSE)"
        parts += [
            f"count(*) FILTER (WHERE {yes})",
            f"count(*) FILTER (WHERE {inside} AND {sure})",
            f"count(*) FILTER (WHERE {inside} AND NOT {sure})",
            f"sum({_WEIGHT}) FILTER (WHERE {yes})",
            f"sum({_WEIGHT}) FILTER (WHERE {inside} AND {sure})",
        ]
    values = _ints(con.execute(f"SELECT {', '.join(parts)} FROM results").fetchone())
    figures = {}
    for index, name in enumerate(FIGURES):
        count, of, unknown, downloads, of_downloads = values[index * 5 : index * 5 + 5]
        figures[name] = metric(count, of, unknown, downloads, of_downloads, weighted)
    return figures


def _top_licences(
    con: duckdb.DuckDBPyConnection, weighted: bool, base: dict[str, Any]
) -> list[dict[str, Any]]:
    """The TOP licences by models: resolved ones by normalised id, the others (`other`,
    unrecognised) by the value declared; shares are of the rows whose declaration is known."""
    rows = con.execute(
        f"""
        WITH spellings AS (
            SELECT declared_state AS state,
                   CASE WHEN declared_state = 'known' THEN licence ELSE declared END AS name,
                   declared, count(*) AS n, coalesce(sum({_WEIGHT}), 0) AS weight
            FROM results
            WHERE declared_state IN ('known', 'other', 'unrecognised')
              AND (licence IS NOT NULL OR declared_state <> 'known')
            GROUP BY ALL
        )
        SELECT state, name, sum(n) AS n, sum(weight) AS weight,
               list(declared ORDER BY n DESC, declared) FILTER (WHERE declared IS NOT NULL)
        FROM spellings GROUP BY state, name
        ORDER BY n DESC, weight DESC, name NULLS LAST, state
        LIMIT {TOP}
        """
    ).fetchall()
    of, of_downloads = base["of"], base["of_downloads"]
    return [
        {
            "licence": name,
            "state": state,
            "declared_as": list(spellings or [])[:DECLARED_AS],
            "count": int(count),
            "share": _share(int(count), of),
            "downloads": int(weight) if weighted else None,
            "download_share": _share(int(weight), of_downloads) if weighted else None,
        }
        for state, name, count, weight, spellings in rows
    ]


def _incompatible_pairs(con: duckdb.DuckDBPyConnection, weighted: bool) -> list[dict[str, Any]]:
    """The TOP child-licence <- parent-licence pairs judged incompatible, by children (a child
    counts once per pair however many of its parents share that licence)."""
    rows = con.execute(
        f"""
        WITH pairs AS (
            SELECT child, child_licence, parent_licence,
                   max({_WEIGHT}) AS weight, min(parent) AS parent,
                   arg_min(reason, parent) AS reason
            FROM edges WHERE compatibility = 'incompatible'
            GROUP BY child, child_licence, parent_licence
        )
        SELECT child_licence, parent_licence, count(*) AS n, coalesce(sum(weight), 0) AS w,
               first(reason ORDER BY weight DESC NULLS LAST, child),
               first(child ORDER BY weight DESC NULLS LAST, child),
               first(parent ORDER BY weight DESC NULLS LAST, child)
        FROM pairs GROUP BY child_licence, parent_licence
        ORDER BY n DESC, w DESC, child_licence NULLS LAST, parent_licence NULLS LAST
        LIMIT {TOP}
        """
    ).fetchall()
    return [
        {
            "child_licence": child_licence,
            "parent_licence": parent_licence,
            "count": int(count),
            "downloads": int(weight) if weighted else None,
            "reason": reason,
            "example_child": child,
            "example_parent": parent,
        }
        for child_licence, parent_licence, count, weight, reason, child, parent in rows
    ]


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> set[str]:
    return {str(row[0]) for row in con.execute(f"DESCRIBE {table}").fetchall()}


def _text_pass(con: duckdb.DuckDBPyConnection, weighted: bool) -> dict[str, Any] | None:
    """Null unless the text pass ran; else what it read and the "tag says X, file says Y"
    conflicts (the declared licence's normalised id against the file's, both known)."""
    if not {"text_status", "file_licence", "licence_file"} <= _columns(con, "results"):
        return None
    with_files, read, not_read, ran = _ints(
        con.execute(
            "SELECT count(*) FILTER (WHERE licence_file), "
            "count(*) FILTER (WHERE text_status = 'read'), "
            "count(*) FILTER (WHERE licence_file AND text_status IS DISTINCT FROM 'read'), "
            "count(text_status) FROM results"
        ).fetchone()
    )
    if not ran:
        return None
    rows = con.execute(
        f"""
        SELECT licence, file_licence, count(*) AS n, coalesce(sum({_WEIGHT}), 0) AS w,
               first(id ORDER BY {_WEIGHT} DESC NULLS LAST, id)
        FROM results
        WHERE licence IS NOT NULL AND file_licence IS NOT NULL AND licence <> file_licence
        GROUP BY licence, file_licence
        ORDER BY n DESC, w DESC, licence, file_licence
        LIMIT {TOP}
        """
    ).fetchall()
    conflicts = [
        {
            "declared": declared,
            "file_licence": found,
            "count": int(count),
            "downloads": int(weight) if weighted else None,
            "example": example,
        }
        for declared, found, count, weight, example in rows
    ]
    return {"rows_with_files": with_files, "read": read, "not_read": not_read,
            "conflicts": conflicts}  # fmt: skip


def summarise(con: duckdb.DuckDBPyConnection, source: dict[str, Any]) -> dict[str, Any]:
    """The survey's summary (the JSON output) from the `results` and `edges` tables; `source`
    (inputs, snapshot date, licence, attribution, rows, columns missing) is the caller's."""
    weighted, downloads_unknown = _weighted(con, source)
    figures = _figures(con, weighted)
    return {
        "schema_version": SCHEMA_VERSION,
        "kind": "survey",
        "openness_version": __version__,
        "generated_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "source": source,
        "figures": figures,
        "downloads_unknown": downloads_unknown if weighted else None,
        "top_licences": _top_licences(con, weighted, figures["no_licence"]),
        "incompatible_pairs": _incompatible_pairs(con, weighted),
        "text_pass": _text_pass(con, weighted),
    }
