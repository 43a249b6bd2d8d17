"""The survey's summary against figures computed independently, in plain Python, from the
same hand-written rows: every declared state, unknown file lists and base models, missing and
hostile download counts, incompatible, compatible and unknown lineage edges."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Callable
from typing import Any

import pytest

duckdb = pytest.importorskip("duckdb")

from openness.survey.figures import FIGURES, TOP, summarise  # noqa: E402

RESULT_COLUMNS = {
    "id": "VARCHAR",
    "downloads": "BIGINT",
    "last_modified": "VARCHAR",
    "declared": "VARCHAR",
    "declared_from": "VARCHAR",
    "declared_state": "VARCHAR",
    "licence": "VARCHAR",
    "spdx_id": "VARCHAR",
    "osi_approved": "BOOLEAN",
    "permissive": "BOOLEAN",
    "clause_kinds": "VARCHAR[]",
    "use_restricting": "BOOLEAN",
    "licence_file": "BOOLEAN",
    "licence_files": "VARCHAR[]",
    "base_models": "VARCHAR[]",
    "parents": "VARCHAR",
    "g7_label": "VARCHAR",
    "file_licence": "VARCHAR",
    "file_clause_kinds": "VARCHAR[]",
    "text_status": "VARCHAR",
}
EDGE_COLUMNS = {
    "child": "VARCHAR",
    "parent": "VARCHAR",
    "child_licence": "VARCHAR",
    "parent_licence": "VARCHAR",
    "compatibility": "VARCHAR",
    "reason": "VARCHAR",
    "downloads": "BIGINT",
}
APACHE = {"licence": "apache-2.0", "spdx_id": "Apache-2.0", "osi_approved": True,
          "permissive": True, "clause_kinds": [], "use_restricting": False}  # fmt: skip
MIT = {"licence": "mit", "spdx_id": "MIT", "osi_approved": True, "permissive": True,
       "clause_kinds": [], "use_restricting": False}  # fmt: skip
LLAMA = {"licence": "llama3", "spdx_id": None, "osi_approved": False, "permissive": False,
         "clause_kinds": ["acceptable-use-policy", "user-threshold", "attribution-requirement"],
         "use_restricting": True}  # fmt: skip
NC = {"licence": "cc-by-nc-4.0", "spdx_id": "CC-BY-NC-4.0", "osi_approved": False,
      "permissive": False, "clause_kinds": ["non-commercial"], "use_restricting": True}  # fmt: skip
OPENRAIL = {"licence": "openrail", "spdx_id": None, "osi_approved": None, "permissive": None,
            "clause_kinds": ["acceptable-use-policy"], "use_restricting": None}  # fmt: skip
NOTHING = {"licence": None, "spdx_id": None, "osi_approved": None, "permissive": None,
           "clause_kinds": None, "use_restricting": None}  # fmt: skip


def row(id: str, downloads: int | None, state: str, declared: str | None, profile: dict[str, Any],
        files: list[str] | None, base: list[str] | None = None, parents: str | None = None,
        **extra: Any) -> dict[str, Any]:  # fmt: skip
    licence_files = None if files is None else [f for f in files if f.startswith("LICENSE")]
    values = {
        "id": id,
        "downloads": downloads,
        "last_modified": "2026-11-01T00:00:00.000Z",
        "declared": declared,
        "declared_from": None if declared is None else "card",
        "declared_state": state,
        **profile,
        "licence_file": None if licence_files is None else bool(licence_files),
        "licence_files": licence_files,
        "base_models": base,
        "parents": parents,
        "g7_label": None,
        "file_licence": None,
        "file_clause_kinds": None,
        "text_status": None,
    }
    values.update(extra)
    return values


ROWS = [
    row("org/apache-with-file", 1000, "known", "apache-2.0", APACHE, ["LICENSE", "a.bin"], []),
    row("org/apache-tag", 500, "known", "Apache-2.0", APACHE, ["model.bin"], []),
    row("org/mit-no-files", None, "known", "mit", MIT, None, None),
    row("meta/llama", 5000, "known", "llama3", LLAMA, ["LICENSE", "USE_POLICY.md"], []),
    row(
        "x/nc-child", 200, "known", "cc-by-nc-4.0", NC, ["LICENSE"], ["meta/llama"], "incompatible"
    ),
    row(
        "x/apache-child",
        300,
        "known",
        "apache-2.0",
        APACHE,
        ["w.bin"],
        ["meta/llama"],
        "incompatible",
    ),
    row(
        "x/mit-child", 40, "known", "mit", MIT, ["LICENSE.txt"], ["org/mit-no-files"], "compatible"
    ),
    row("x/orphan", 30, "known", "apache-2.0", APACHE, [], ["ghost/gone"], "unknown"),
    row(
        "x/two-llamas",
        900,
        "known",
        "apache-2.0",
        APACHE,
        None,
        ["meta/llama", "meta/llama-copy", "ghost/gone"],
        "incompatible",
    ),
    row("y/none", 10000, "none", None, NOTHING, ["README.md"], []),
    row("y/none-unknown-files", None, "none", None, NOTHING, None, None),
    row("y/other", 50, "other", "other", NOTHING, ["LICENSE"], []),
    row("y/unrecognised", 7, "unrecognised", "my-weird-licence", NOTHING, [], []),
    row("y/unknown", 3, "unknown", None, NOTHING, None, None),
    row("y/openrail", 20, "known", "openrail", OPENRAIL, ["LICENSE"], []),
    row("y/negative", -5, "known", "mit", MIT, ["x"], []),
]
EDGES = [
    # child, parent, child licence, parent licence, compatibility, reason, downloads
    ("x/nc-child", "meta/llama", "cc-by-nc-4.0", "llama3", "incompatible", "r-nc", 200),
    ("x/apache-child", "meta/llama", "apache-2.0", "llama3", "incompatible", "r-ap", 300),
    ("x/mit-child", "org/mit-no-files", "mit", "mit", "compatible", "same", 40),
    ("x/orphan", "ghost/gone", "apache-2.0", None, "unknown", "not in the export", 30),
    ("x/two-llamas", "meta/llama", "apache-2.0", "llama3", "incompatible", "r-ap", 900),
    ("x/two-llamas", "meta/llama-copy", "apache-2.0", "llama3", "incompatible", "r-ap", 900),
    ("x/two-llamas", "ghost/gone", "apache-2.0", None, "unknown", "not in the export", 900),
]
SOURCE = {"inputs": ["models.parquet"], "snapshot_date": None, "licence": None,
          "attribution": None, "rows": len(ROWS), "columns_missing": []}  # fmt: skip


def tables(rows: list[dict[str, Any]], edges: list[tuple[Any, ...]]) -> Any:
    """An in-memory connection holding `results` and `edges` with the contract's columns."""
    con = duckdb.connect()
    columns = ", ".join(f"{name} {kind}" for name, kind in RESULT_COLUMNS.items())
    con.execute(f"CREATE TABLE results ({columns})")
    columns = ", ".join(f"{name} {kind}" for name, kind in EDGE_COLUMNS.items())
    con.execute(f"CREATE TABLE edges ({columns})")
    if rows:
        marks = ", ".join("?" for _ in RESULT_COLUMNS)
        con.executemany(
            f"INSERT INTO results VALUES ({marks})",
            [[r[name] for name in RESULT_COLUMNS] for r in rows],
        )
    if edges:
        con.executemany("INSERT INTO edges VALUES (?, ?, ?, ?, ?, ?, ?)", edges)
    return con


# Each figure, decided row by row: None (not in its population), "unknown", True or False.
Decision = Callable[[dict[str, Any]], Any]
KNOWN_STATES = {"none", "other", "known", "unrecognised"}


def _state_is(state: str) -> Decision:
    return lambda r: (
        "unknown" if r["declared_state"] not in KNOWN_STATES else (r["declared_state"] == state)
    )


def _osi(r: dict[str, Any]) -> Any:
    if r["declared_state"] in ("none", "other"):
        return False
    if r["declared_state"] == "known" and r["osi_approved"] is not None:
        return r["osi_approved"]
    return "unknown"


def _restricting(r: dict[str, Any]) -> Any:
    if r["declared_state"] == "none":
        return False
    if r["declared_state"] == "known" and r["use_restricting"] is not None:
        return r["use_restricting"]
    return "unknown"


def _permissive_without_file(r: dict[str, Any]) -> Any:
    if r["permissive"] is not True:
        return None
    return "unknown" if r["licence_file"] is None else not r["licence_file"]


def _with_base(r: dict[str, Any]) -> Any:
    return "unknown" if r["base_models"] is None else len(r["base_models"]) > 0


def _incompatible(r: dict[str, Any]) -> Any:
    if not r["base_models"]:
        return None
    return {"incompatible": True, "compatible": False}.get(r["parents"], "unknown")


DECISIONS: dict[str, Decision] = {
    "no_licence": _state_is("none"),
    "other_licence": _state_is("other"),
    "unrecognised_licence": _state_is("unrecognised"),
    "osi_approved": _osi,
    "use_restricting": _restricting,
    "permissive_without_licence_file": _permissive_without_file,
    "with_base_model": _with_base,
    "incompatible_with_parent": _incompatible,
}


def weight(r: dict[str, Any]) -> int:
    downloads = r["downloads"]
    return downloads if downloads is not None and downloads >= 0 else 0


def expected_metric(rows: list[dict[str, Any]], decide: Decision, weighted: bool) -> dict[str, Any]:
    decided = [(decide(r), r) for r in rows]
    yes = [r for d, r in decided if d is True]
    sure = [r for d, r in decided if d is True or d is False]
    unknown = sum(1 for d, _ in decided if d == "unknown")
    downloads = sum(weight(r) for r in yes)
    of_downloads = sum(weight(r) for r in sure)
    return {
        "count": len(yes),
        "of": len(sure),
        "share": len(yes) / len(sure) if sure else None,
        "downloads": downloads if weighted else None,
        "of_downloads": of_downloads if weighted else None,
        "download_share": (downloads / of_downloads if of_downloads else None)
        if weighted
        else None,
        "unknown": unknown,
    }


def test_every_figure_matches_an_independent_count() -> None:
    summary = summarise(tables(ROWS, EDGES), dict(SOURCE))
    assert set(summary["figures"]) == set(DECISIONS) == set(FIGURES)
    for name, decide in DECISIONS.items():
        assert summary["figures"][name] == expected_metric(ROWS, decide, True), name


def test_pinned_figures_of_the_fixture() -> None:
    """A few figures written out by hand, so the independent count cannot drift with the code."""
    figures = summarise(tables(ROWS, EDGES), dict(SOURCE))["figures"]
    # 15 rows with a known declaration (y/unknown is not), 2 declaring none; y/none weighs
    # 10000 and the other none nothing, of 18047 downloads (y/negative weighs nothing).
    assert figures["no_licence"] == {"count": 2, "of": 15, "share": 2 / 15, "downloads": 10000,
                                     "of_downloads": 18047, "download_share": 10000 / 18047,
                                     "unknown": 1}  # fmt: skip
    # Permissive: 5 apache, 3 mit; unknown file list: org/mit-no-files and x/two-llamas;
    # without a licence file: org/apache-tag, x/apache-child, x/orphan, y/negative.
    permissive = figures["permissive_without_licence_file"]
    assert (permissive["count"], permissive["of"], permissive["unknown"]) == (4, 6, 2)
    # A file list that is unknown is never "without a licence file".
    incompatible = figures["incompatible_with_parent"]
    assert (incompatible["count"], incompatible["of"], incompatible["unknown"]) == (3, 4, 1)
    assert (figures["with_base_model"]["count"], figures["with_base_model"]["unknown"]) == (5, 3)
    osi = figures["osi_approved"]  # unrecognised, unknown and openrail's null status: unknown
    assert (osi["count"], osi["of"], osi["unknown"]) == (8, 13, 3)
    restricting = figures["use_restricting"]  # other is unknown too
    assert (restricting["count"], restricting["of"], restricting["unknown"]) == (2, 12, 4)


def test_download_figures_are_null_without_downloads() -> None:
    rows = [dict(r, downloads=None) for r in ROWS]
    summary = summarise(tables(rows, EDGES), dict(SOURCE, columns_missing=["downloads"]))
    for name, decide in DECISIONS.items():
        assert summary["figures"][name] == expected_metric(rows, decide, False), name
        assert summary["figures"][name]["downloads"] is None
    assert summary["downloads_unknown"] is None
    assert all(e["downloads"] is None and e["download_share"] is None
               for e in summary["top_licences"])  # fmt: skip
    assert all(p["downloads"] is None for p in summary["incompatible_pairs"])
    # Declared missing by the caller: download figures are null even if values are present.
    named_missing = summarise(tables(ROWS, EDGES), dict(SOURCE, columns_missing=["downloads"]))
    assert named_missing["figures"]["no_licence"]["download_share"] is None


def test_rows_without_downloads_are_counted() -> None:
    summary = summarise(tables(ROWS, EDGES), dict(SOURCE))
    assert summary["downloads_unknown"] == sum(
        1 for r in ROWS if r["downloads"] is None or r["downloads"] < 0
    )


def test_empty_tables_give_null_shares() -> None:
    summary = summarise(tables([], []), dict(SOURCE, rows=0))
    for metric in summary["figures"].values():
        assert metric["count"] == metric["of"] == metric["unknown"] == 0
        assert metric["share"] is None and metric["download_share"] is None
    assert summary["top_licences"] == [] and summary["incompatible_pairs"] == []
    assert summary["text_pass"] is None


def test_envelope() -> None:
    source = dict(SOURCE, snapshot_date="2026-11-23", licence="ODbL-1.0", attribution="a")
    summary = summarise(tables(ROWS, EDGES), source)
    assert summary["schema_version"] == "1" and summary["kind"] == "survey"
    assert summary["source"] == source
    assert summary["openness_version"] and summary["generated_at"].startswith("20")


def test_top_licences_by_normalised_id() -> None:
    summary = summarise(tables(ROWS, EDGES), dict(SOURCE))
    named = [r for r in ROWS if r["declared_state"] in ("known", "other", "unrecognised")]
    key = [(r["licence"] if r["declared_state"] == "known" else r["declared"],
            r["declared_state"]) for r in named]  # fmt: skip
    counts = Counter(key)
    weights: dict[tuple[str, str], int] = defaultdict(int)
    spellings: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for k, r in zip(key, named, strict=True):
        weights[k] += weight(r)
        spellings[k][r["declared"]] += 1
    of = sum(1 for r in ROWS if r["declared_state"] in KNOWN_STATES)
    of_downloads = sum(weight(r) for r in ROWS if r["declared_state"] in KNOWN_STATES)
    order = sorted(counts, key=lambda k: (-counts[k], -weights[k], k[0], k[1]))
    expected = [
        {
            "licence": k[0],
            "state": k[1],
            "declared_as": sorted(spellings[k], key=lambda s: (-spellings[k][s], s)),
            "count": counts[k],
            "share": counts[k] / of,
            "downloads": weights[k],
            "download_share": weights[k] / of_downloads,
        }
        for k in order
    ]
    assert summary["top_licences"] == expected
    first = summary["top_licences"][0]
    assert (first["licence"], first["count"], first["declared_as"]) == (
        "apache-2.0", 5, ["apache-2.0", "Apache-2.0"],
    )  # fmt: skip
    assert {"licence": "my-weird-licence", "state": "unrecognised"}.items() <= (
        next(e for e in summary["top_licences"] if e["state"] == "unrecognised").items()
    )


def test_top_licences_keep_25() -> None:
    rows = [
        row(f"m/{n}-{i}", n, "unrecognised", f"licence-{n:02d}", NOTHING, [], [])
        for n in range(30)
        for i in range(n + 1)
    ]
    top = summarise(tables(rows, []), dict(SOURCE))["top_licences"]
    assert len(top) == TOP == 25
    assert [e["licence"] for e in top] == [f"licence-{n:02d}" for n in range(29, 4, -1)]


def test_incompatible_pairs_count_children_once() -> None:
    pairs = summarise(tables(ROWS, EDGES), dict(SOURCE))["incompatible_pairs"]
    children: dict[tuple[str, str], dict[str, int]] = defaultdict(dict)
    parents: dict[tuple[str, str, str], str] = {}
    for child, parent, child_licence, parent_licence, compatibility, _, downloads in EDGES:
        if compatibility == "incompatible":
            children[child_licence, parent_licence][child] = downloads
            key = (child, child_licence, parent_licence)
            parents[key] = min(parents.get(key, parent), parent)
    expected = []
    for (child_licence, parent_licence), found in children.items():
        example = min(found, key=lambda c: (-found[c], c))
        expected.append({
            "child_licence": child_licence, "parent_licence": parent_licence,
            "count": len(found), "downloads": sum(found.values()),
            "reason": {"cc-by-nc-4.0": "r-nc", "apache-2.0": "r-ap"}[child_licence],
            "example_child": example,
            "example_parent": parents[example, child_licence, parent_licence],
        })  # fmt: skip
    expected.sort(key=lambda p: (-p["count"], -p["downloads"], p["child_licence"]))
    assert pairs == expected
    assert pairs[0]["count"] == 2 and pairs[0]["example_child"] == "x/two-llamas"


def test_text_pass_null_unless_it_ran() -> None:
    assert summarise(tables(ROWS, EDGES), dict(SOURCE))["text_pass"] is None


def test_text_pass_conflicts() -> None:
    texts = {
        "org/apache-with-file": ("apache-2.0", "read"),
        "meta/llama": ("mit", "read"),  # tag says llama3, file says mit
        "x/nc-child": ("mit", "read"),  # tag says cc-by-nc-4.0, file says mit
        "x/mit-child": (None, "rate-limited"),
        "y/other": ("bsd-3-clause", "read"),  # declared other: no licence to conflict with
        "y/openrail": ("mit", "read"),
        "y/none": (None, "no-licence-file"),
    }
    rows = [
        dict(r, file_licence=texts[r["id"]][0], text_status=texts[r["id"]][1])
        if r["id"] in texts
        else r
        for r in ROWS
    ]
    passed = summarise(tables(rows, EDGES), dict(SOURCE))["text_pass"]
    with_files = [r for r in rows if r["licence_file"]]
    assert passed["rows_with_files"] == len(with_files) == 6
    assert passed["read"] == 5
    assert passed["not_read"] == sum(1 for r in with_files if r["text_status"] != "read") == 1
    conflicts: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        if r["licence"] and r["file_licence"] and r["licence"] != r["file_licence"]:
            conflicts[r["licence"], r["file_licence"]].append(r)
    expected = [
        {
            "declared": declared,
            "file_licence": found,
            "count": len(group),
            "downloads": sum(weight(r) for r in group),
            "example": min(group, key=lambda r: (-weight(r), r["id"]))["id"],
        }
        for (declared, found), group in conflicts.items()
    ]
    expected.sort(key=lambda c: (-c["count"], -c["downloads"], c["declared"], c["file_licence"]))
    assert passed["conflicts"] == expected
    assert [c["declared"] for c in expected] == ["llama3", "cc-by-nc-4.0", "openrail"]


# --- end to end: `openness survey` on a Parquet export --------------------------------------

# What openness's knowledge says of the licences declared below (OSI-approved, restricts use,
# permissive), and of the child <- parent pairs between different publishers.
LICENCE_FACTS = {
    "mit": (True, False, True),
    "apache-2.0": (True, False, True),
    "llama3": (False, True, False),
    "cc-by-nc-4.0": (False, True, False),
}
PAIR_FACTS = {("apache-2.0", "llama3"): "incompatible", ("mit", "mit"): "compatible"}
EXPORT = [
    {"id": "a/mit", "cardData": {"license": "mit"}, "downloads": 100,
     "siblings": ["README.md", "model.safetensors"], "tags": []},
    {"id": "b/apache", "cardData": {"license": "apache-2.0", "base_model": "meta/llama"},
     "downloads": 50, "siblings": ["LICENSE"], "tags": []},
    {"id": "meta/llama", "cardData": {"license": "llama3"}, "downloads": 1000,
     "siblings": ["LICENSE", "USE_POLICY.md"], "tags": []},
    {"id": "c/none", "cardData": {}, "downloads": 7, "siblings": ["README.md"], "tags": []},
    {"id": "c/none-no-files", "cardData": None, "downloads": None, "siblings": None,
     "tags": []},
    {"id": "c/tag-apache", "cardData": None, "downloads": 20, "siblings": ["LICENSE.txt"],
     "tags": ["license:apache-2.0"]},
    {"id": "c/other", "cardData": {"license": "other"}, "downloads": 5, "siblings": [],
     "tags": []},
    {"id": "c/weird", "cardData": {"license": "my-weird-licence"}, "downloads": 3,
     "siblings": [], "tags": []},
    {"id": "c/nc", "cardData": {"license": "cc-by-nc-4.0"}, "downloads": 40,
     "siblings": ["LICENSE"], "tags": []},
    {"id": "d/mit-child", "cardData": {"license": "mit", "base_model": "a/mit"},
     "downloads": 30, "siblings": [], "tags": []},
    {"id": "d/orphan", "cardData": {"license": "apache-2.0", "base_model": "ghost/gone"},
     "downloads": 10, "siblings": None, "tags": []},
    {"id": "d/two-parents", "cardData": {"license": "apache-2.0",
                                         "base_model": ["meta/llama", "ghost/gone"]},
     "downloads": 900, "siblings": ["model.bin"], "tags": []},
    {"id": "e/llama-child", "cardData": {"license": "apache-2.0", "base_model": "meta/llama"},
     "downloads": 70, "siblings": ["LICENSE.md"], "tags": []},
]  # fmt: skip
LICENCE_LIKE = ("LICENSE", "LICENCE", "COPYING", "USE_POLICY")


def _declared(export_row: dict[str, Any]) -> str | None:
    card = export_row["cardData"] or {}
    if card.get("license"):
        return str(card["license"])
    tags = [t[len("license:") :] for t in export_row["tags"] if t.startswith("license:")]
    return tags[0] if tags else None


def contract_row(export_row: dict[str, Any]) -> dict[str, Any]:
    """What the results table should say of an export row, worked out here from the row."""
    declared = _declared(export_row)
    facts = LICENCE_FACTS.get(declared or "")
    state = ("none" if declared is None else "other" if declared == "other"
             else "known" if facts else "unrecognised")  # fmt: skip
    osi, restricting, permissive = facts or (None, None, None)
    files = export_row["siblings"]
    has_file = None if files is None else any(f.upper().startswith(LICENCE_LIKE) for f in files)
    base = (export_row["cardData"] or {}).get("base_model") or []
    base = [base] if isinstance(base, str) else base
    ids = {r["id"]: _declared(r) for r in EXPORT}
    verdicts = [
        PAIR_FACTS[declared, ids[parent]] if parent in ids else "unknown" for parent in base
    ]
    parents = next((v for v in ("incompatible", "unknown", "compatible") if v in verdicts), None)
    return {
        "id": export_row["id"], "downloads": export_row["downloads"],
        "declared_state": state, "osi_approved": osi, "use_restricting": restricting,
        "permissive": permissive, "licence": declared if facts else None,
        "licence_file": has_file, "base_models": base, "parents": parents,
    }  # fmt: skip


def test_survey_command_figures_match_the_export(cli: Any, export_file: Callable[..., Any]) -> None:
    result = cli("survey", str(export_file(EXPORT)), "--format", "json")
    assert result.exit_code == 0, result.stderr
    summary = json.loads(result.stdout)
    rows = [contract_row(r) for r in EXPORT]
    assert summary["source"]["rows"] == len(EXPORT)
    for name, decide in DECISIONS.items():
        assert summary["figures"][name] == expected_metric(rows, decide, True), name
    no_licence = summary["figures"]["no_licence"]  # c/none weighs 7, c/none-no-files nothing
    assert (no_licence["count"], no_licence["of"], no_licence["downloads"]) == (2, 13, 7)
    incompatible = summary["figures"]["incompatible_with_parent"]
    assert (incompatible["count"], incompatible["of"], incompatible["unknown"]) == (3, 4, 1)
    # apache-2.0 has 5 rows (one declared by tag), then mit 2 and llama3, cc-by-nc-4.0 ...
    top = [(e["licence"], e["count"]) for e in summary["top_licences"]]
    assert top[:2] == [("apache-2.0", 5), ("mit", 2)]
    assert ("my-weird-licence", 1) in top and ("other", 1) in top
    pairs = summary["incompatible_pairs"]
    assert [(p["child_licence"], p["parent_licence"], p["count"], p["downloads"],
             p["example_child"], p["example_parent"]) for p in pairs] == [
        ("apache-2.0", "llama3", 3, 50 + 900 + 70, "d/two-parents", "meta/llama"),
    ]  # fmt: skip
    assert summary["text_pass"] is None
