"""The `results` and `edges` tables from `scan`, judged by the rules `audit` uses.

Python sees each distinct declaration once: its card fields (or `license:` tags) become a
minimal Evidence that `openness.license.analysis.analyse` judges, so normalisation, the
knowledge base and clause conditions are exactly audit's. Each distinct pair (child
declaration, parent declaration, same publisher) is judged once by
`openness.license.compatibility.judge`, with placeholder repo ids that SQL replaces by the
real ones in each edge's reason. The G7 label comes from `openness.rubrics.g7.label_of` for
each of the few combinations of its conditions that metadata can decide. DuckDB joins the
answers back onto millions of rows.
"""

from __future__ import annotations

import itertools
import json
import os
import tempfile
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from openness.survey.export import quote

if TYPE_CHECKING:
    import duckdb

    from openness.license.analysis import LicenseAnalysis
    from openness.rubrics.fact import Fact

USE_RESTRICTING = frozenset({
    "acceptable-use-policy", "non-commercial", "research-only", "output-use-restriction",
    "territory-restriction", "user-threshold", "commercial-restriction", "no-derivatives",
    "distribution-prohibition", "downstream-restrictions",
})  # fmt: skip
WORST = {"incompatible": 3, "unknown": 2, "compatible": 1}
# Placeholder repo ids of a judged pair; each edge's reason gets its real ids back.
CHILD = "{child-org}/{child-name}"
PARENT_SAME, PARENT_OTHER = "{child-org}/{parent-name}", "{parent-org}/{parent-name}"
NOT_IN_EXPORT = "it is not in the export"
UNREAD = "its card in the export could not be read"
LINEAGE_NOT_TRACED = "its base models are not traced from metadata"
_WORK_TABLES = ("judged", "decls", "bases", "base_fix", "lookup", "edge_rows", "compat",
                "parents", "g7", "unsafe_files", "safe_files")  # fmt: skip
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_DECLARATION_COLUMNS = {
    "decl_key": "VARCHAR", "decl_id": "BIGINT", "declared": "VARCHAR", "declared_from": "VARCHAR",
    "declared_state": "VARCHAR", "licence": "VARCHAR", "spdx_id": "VARCHAR",
    "osi_approved": "BOOLEAN", "permissive": "BOOLEAN", "clause_kinds": "VARCHAR[]",
    "use_restricting": "BOOLEAN", "open_alone": "BOOLEAN", "open_lineage": "BOOLEAN",
}  # fmt: skip


@dataclass
class Judged:
    """How much Python judged: distinct declarations and distinct licence pairs."""

    declarations: int = 0
    pairs: int = 0
    failures: int = 0  # declarations whose analysis raised (judged unrecognised)


def signal_values() -> list[str]:
    """The tag values that decide whether a clause's condition is met (lower-case)."""
    from openness.license.clauses import clause_conditions

    return sorted({value.strip().lower() for condition in clause_conditions().values()
                   for value in [*condition.met_by, *condition.unmet_by]})  # fmt: skip


def library_names() -> list[str]:
    """The open-source libraries that run a model by its id (audit's deployment-code fact)."""
    from openness.rubrics.release import LIBRARIES

    return sorted(LIBRARIES)


def fill(con: duckdb.DuckDBPyConnection) -> Judged:
    """`results` and `edges` from `scan` (see the survey contract)."""
    judged = Judged()
    analyses = _declarations(con, judged)
    con.execute("CREATE OR REPLACE TEMP TABLE judged AS SELECT s.* EXCLUDE (decl_key), "
                "d.decl_id FROM scan s JOIN decls d USING (decl_key)")  # fmt: skip
    con.execute("DROP TABLE scan")
    _base_models(con)
    _edges(con, analyses, judged)
    _g7(con)
    _results(con)
    for table in _WORK_TABLES:  # only `results` and `edges` are kept
        con.execute(f"DROP TABLE IF EXISTS {table}")
    return judged


def table_from_rows(
    con: duckdb.DuckDBPyConnection, name: str, rows: list[dict[str, Any]], columns: dict[str, str]
) -> None:
    """A temporary table from Python rows, through a JSON-lines file DuckDB reads."""
    handle, path = tempfile.mkstemp(prefix="openness-survey-", suffix=".jsonl")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            for row in rows:
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
        spec = "{" + ", ".join(f"{quote(k)}: {quote(v)}" for k, v in columns.items()) + "}"
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM read_json({quote(path)}, "
            f"format = 'newline_delimited', columns = {spec}, maximum_object_size = 67108864)"
        )
    finally:
        os.unlink(path)


def _evidence(card: dict[str, Any], signals: list[str]) -> Any:
    from openness.sources.evidence import Evidence

    return Evidence(repo_id="survey/declaration", source="hub", retrieved_at=_EPOCH,
                    card_data=card, tags=signals)  # fmt: skip


def analyse_key(key: dict[str, Any]) -> tuple[dict[str, Any], LicenseAnalysis | None]:
    """One declaration judged: the declared licence of a card (else of the `license:` tags),
    as `audit` would read the card; the columns it gives every row that declares it."""
    from openness.license.analysis import _UNDECLARED, analyse

    state, tags, signals = key.get("c"), key.get("t"), key.get("s") or []
    fields = {"license": key.get("l"), "license_name": key.get("n"), "license_link": key.get("k")}
    card = {name: value for name, value in fields.items() if value is not None}
    analysis, source = None, None
    said = state == "ok" and "license" in card  # the card decides, as in an audit
    if said:
        analysis, source = analyse(_evidence(card, signals)), "card"
        if analysis.report.declared is None:  # not a licence name (a number, a mapping)
            analysis, source = None, None
    if not said and tags:
        analysis = analyse(_evidence({"license": tags[0] if len(tags) == 1 else tags}, signals))
        source = "tag" if analysis.report.declared is not None else None
        analysis = analysis if source else None
    if analysis is None:
        # no licence is known only from a card read whole, or from tags when there is no card
        # column (a card too large or malformed may declare what its tags do not show)
        known = state in ("ok", "absent") or (state is None and tags is not None)
        if not known:
            return {"declared_state": "unknown"}, None
        return {"declared_state": "none"}, analyse(_evidence({}, signals))  # as audit: no licence
    declared = analysis.report.declared or ""
    row: dict[str, Any] = {"declared": declared, "declared_from": source}
    conclusion = analysis.conclusion
    if conclusion is None:
        other = declared.strip().lower() in _UNDECLARED
        return {**row, "declared_state": "other" if other else "unrecognised"}, analysis
    kinds = sorted({clause.kind for clause in analysis.clauses})
    return {
        **row,
        "declared_state": "known",
        "licence": conclusion.id,
        "spdx_id": conclusion.spdx_id,
        "osi_approved": conclusion.osi_approved,
        "permissive": conclusion.osi_approved is True and not kinds,
        "clause_kinds": kinds,
        "use_restricting": bool(USE_RESTRICTING.intersection(kinds)),
        "open_alone": _open_licence(analysis, traced=True),
        "open_lineage": _open_licence(analysis, traced=False),
    }, analysis


def _open_licence(analysis: LicenseAnalysis, traced: bool) -> bool | None:
    """G7's open-licence condition from the declared licence alone; with base models whose
    terms the survey does not follow, consistency is unknown as in an audit with lineage gaps."""
    from dataclasses import replace

    from openness.rubrics.fact import Fact
    from openness.rubrics.facts import FACTS
    from openness.rubrics.g7 import conditions

    if not traced:
        analysis = replace(analysis, lineage_gaps=[LINEAGE_NOT_TRACED])
    evidence = _evidence({}, [])
    facts = {name: Fact(None, "") for name in _G7_FACTS}
    for name in ("license_osi_approved", "license_consistent"):
        facts[name] = FACTS[name](evidence, analysis)
    return conditions(facts, analysis.clauses)["open-licence"].value


_COMPAT_COLUMNS = {"child_decl": "BIGINT", "parent_decl": "BIGINT", "same_org": "BOOLEAN",
                   "compatibility": "VARCHAR", "reason": "VARCHAR"}  # fmt: skip
_G7_FACTS = ("released_free_of_charge", "license_osi_approved", "license_consistent",
             "weights_present", "deployment_code_published", "training_code_published",
             "training_data_open", "data_information_published")  # fmt: skip


def _declarations(con: duckdb.DuckDBPyConnection, judged: Judged) -> dict[int, LicenseAnalysis]:
    """Table `decls` (one row per distinct declaration); the analyses by declaration id."""
    keys = con.execute("SELECT DISTINCT decl_key FROM scan").fetchall()
    rows, analyses = [], {}
    for number, (text,) in enumerate(keys):
        key = json.loads(text)
        try:
            row, analysis = analyse_key(key)
        except Exception:  # contained: one hostile declaration never stops a survey
            judged.failures += 1
            row, analysis = {"declared_state": "unrecognised", "declared": "(unreadable)"}, None
        if analysis is not None:
            analyses[number] = analysis
        rows.append({**row, "decl_key": text, "decl_id": number})
    judged.declarations = len(rows)
    table_from_rows(con, "decls", rows, _DECLARATION_COLUMNS)
    return analyses


def _base_models(con: duckdb.DuckDBPyConnection) -> None:
    """Table `bases` (id, base_models): base models written as Hub repo ids, each once, in
    order, never the model itself; a name that is no repo id is dropped (as `audit` does)."""
    from openness.sources.evidence import hub_repo_id

    names = con.execute("SELECT DISTINCT unnest(base_raw) FROM judged").fetchall()
    fixes = [{"raw": raw, "fixed": hub_repo_id(raw)} for (raw,) in names if hub_repo_id(raw) != raw]
    table_from_rows(con, "base_fix", fixes, {"raw": "VARCHAR", "fixed": "VARCHAR"})
    con.execute("""
CREATE OR REPLACE TEMP TABLE bases AS
WITH e AS (SELECT id, unnest(base_raw) AS raw, unnest(range(len(base_raw))) AS pos
           FROM judged WHERE len(base_raw) > 0),
f AS (SELECT e.id, e.pos, CASE WHEN x.raw IS NULL THEN e.raw ELSE x.fixed END AS parent
      FROM e LEFT JOIN base_fix x ON e.raw = x.raw),
g AS (SELECT id, parent, min(pos) AS pos FROM f
      WHERE parent IS NOT NULL AND lower(parent) <> lower(id) GROUP BY id, parent)
SELECT id, list(parent ORDER BY pos) AS base_models FROM g GROUP BY id""")


def _party(repo_id: str, analysis: LicenseAnalysis | None, prefix: bool, why: str = "") -> Any:
    from openness.license.compatibility import party

    return party(repo_id, analysis, prefix, why)


def judge_pair(
    child: LicenseAnalysis | None, parent: LicenseAnalysis | None, in_export: bool, same_org: bool
) -> tuple[str, str]:
    """(verdict, reason with placeholder ids) of one child -> parent edge."""
    from openness.license.compatibility import judge

    parent_id = PARENT_SAME if same_org else PARENT_OTHER
    why = f"{parent_id}: {UNREAD if in_export else NOT_IN_EXPORT}"
    verdict = judge(_party(CHILD, child, False, f"{CHILD}: {UNREAD}"),
                    _party(parent_id, parent, True, why))  # fmt: skip
    return verdict.verdict, verdict.reason


def _edges(
    con: duckdb.DuckDBPyConnection, analyses: dict[int, LicenseAnalysis], judged: Judged
) -> None:
    """Table `edges` (one row per child -> parent) and `parents` (each child's worst edge)."""
    con.execute("""
CREATE OR REPLACE TEMP TABLE lookup AS
SELECT lower(id) AS key, arg_min(decl_id, id) AS decl_id FROM judged GROUP BY lower(id)""")
    con.execute("""
CREATE OR REPLACE TEMP TABLE edge_rows AS
WITH e AS (SELECT b.id AS child, unnest(b.base_models) AS parent FROM bases b)
SELECT e.child, e.parent, j.decl_id AS child_decl, l.decl_id AS parent_decl, j.downloads,
  contains(e.child, '/') AND contains(e.parent, '/')
    AND lower(split_part(e.child, '/', 1)) = lower(split_part(e.parent, '/', 1)) AS same_org
FROM e JOIN judged j ON j.id = e.child LEFT JOIN lookup l ON l.key = lower(e.parent)""")
    pairs = con.execute(
        "SELECT DISTINCT child_decl, parent_decl, same_org FROM edge_rows"
    ).fetchall()
    rows = []
    for child, parent, same_org in pairs:
        verdict, reason = judge_pair(
            analyses.get(child), analyses.get(parent), parent is not None, bool(same_org)
        )
        key = {"child_decl": child, "parent_decl": -1 if parent is None else parent}
        rows.append({**key, "same_org": bool(same_org), "compatibility": verdict, "reason": reason})
    judged.pairs = len(rows)
    table_from_rows(con, "compat", rows, _COMPAT_COLUMNS)
    reason = "c.reason"
    for placeholder, real in ((CHILD, "e.child"), (PARENT_SAME, "e.parent"),
                              (PARENT_OTHER, "e.parent"),
                              ("{child-org}", "split_part(e.parent, '/', 1)")):  # fmt: skip
        reason = f"replace({reason}, {quote(placeholder)}, {real})"
    con.execute(f"""
CREATE OR REPLACE TABLE edges AS
SELECT e.child, e.parent, dc.licence AS child_licence, dp.licence AS parent_licence,
  c.compatibility, {reason} AS reason, e.downloads
FROM edge_rows e
JOIN compat c ON c.child_decl = e.child_decl AND c.parent_decl = coalesce(e.parent_decl, -1)
  AND c.same_org = coalesce(e.same_org, false)
LEFT JOIN decls dc ON dc.decl_id = e.child_decl
LEFT JOIN decls dp ON dp.decl_id = e.parent_decl""")
    ranks = " ".join(f"WHEN {quote(k)} THEN {v}" for k, v in WORST.items())
    names = " ".join(f"WHEN {v} THEN {quote(k)}" for k, v in WORST.items())
    con.execute(f"""
CREATE OR REPLACE TEMP TABLE parents AS
SELECT child AS id, CASE max(CASE compatibility {ranks} END) {names} END AS parents
FROM edges GROUP BY child""")


def _g7(con: duckdb.DuckDBPyConnection) -> None:
    """Table `g7` of every combination of the conditions metadata decides: the open licence
    (true, false, unknown), weights (true, false, unknown), deployment and training code
    (true, unknown); the label, or NULL when no label is established."""
    from openness.rubrics.fact import Fact
    from openness.rubrics.g7 import UNKNOWN, label_of

    def fact(value: bool | None) -> Fact:
        return Fact(value, "from the export's metadata")

    rows = []
    for licence, weights, deploy, training in itertools.product(
        (True, False, None), (True, False, None), (True, None), (True, None)
    ):
        facts = {name: fact(None) for name in _G7_FACTS}
        facts.update(released_free_of_charge=fact(True), license_osi_approved=fact(licence),
                     license_consistent=fact(True), weights_present=fact(weights),
                     deployment_code_published=fact(deploy),
                     training_code_published=fact(training))  # fmt: skip
        label = label_of(facts, []).label
        shown = None if label == UNKNOWN else label
        rows.append({"o": _tri(licence), "w": _tri(weights), "d": _tri(deploy),
                     "t": _tri(training), "label": shown})  # fmt: skip
    table_from_rows(con, "g7", rows, {"o": "INTEGER", "w": "INTEGER", "d": "INTEGER",
                                      "t": "INTEGER", "label": "VARCHAR"})  # fmt: skip


def _tri(value: bool | None) -> int:
    return -1 if value is None else int(value)


def _results(con: duckdb.DuckDBPyConnection) -> None:
    """Table `results` per the contract (the text pass columns NULL). A file list cut at the
    audit's cap decides "a licence file" only when one was seen: its absence is unknown."""
    from openness.sources.metadata import safe_path

    names = con.execute("SELECT DISTINCT unnest(licence_candidates) FROM judged").fetchall()
    unsafe = [{"name": name} for (name,) in names if safe_path(name) is None]
    files, safe_join = "j.licence_candidates", ""
    if unsafe:  # dropped by a join: the export's names never become SQL text
        table_from_rows(con, "unsafe_files", unsafe, {"name": "VARCHAR"})
        con.execute("""
CREATE OR REPLACE TEMP TABLE safe_files AS
WITH c AS (SELECT id, unnest(licence_candidates) AS f,
             unnest(range(len(licence_candidates))) AS pos
           FROM judged WHERE len(licence_candidates) > 0)
SELECT c.id, list(c.f ORDER BY c.pos) FILTER (WHERE u.name IS NULL) AS files
FROM c LEFT JOIN unsafe_files u ON u.name = c.f GROUP BY c.id""")
        files = "CASE WHEN j.licence_candidates IS NOT NULL THEN coalesce(sf.files, []) END"
        safe_join = "LEFT JOIN safe_files sf ON sf.id = j.id"
    tri = "coalesce(CAST({} AS INTEGER), -1)"
    has_base = "(j.base_raw IS NULL OR len(coalesce(b.base_models, [])) > 0)"
    licence = f"CASE WHEN {has_base} THEN d.open_lineage ELSE d.open_alone END"
    con.execute(f"""
CREATE OR REPLACE TABLE results AS
SELECT j.id, j.downloads, j.last_modified, d.declared, d.declared_from, d.declared_state,
  d.licence, d.spdx_id, d.osi_approved, d.permissive, d.clause_kinds, d.use_restricting,
  CASE WHEN len({files}) > 0 THEN TRUE WHEN j.files_known THEN FALSE END AS licence_file,
  CASE WHEN len({files}) > 0 OR j.files_known THEN {files} END AS licence_files,
  CASE WHEN j.base_raw IS NOT NULL THEN coalesce(b.base_models, []) END AS base_models,
  p.parents, g.label AS g7_label,
  NULL::VARCHAR AS file_licence, NULL::VARCHAR[] AS file_clause_kinds,
  NULL::VARCHAR AS text_status
FROM judged j JOIN decls d ON d.decl_id = j.decl_id
LEFT JOIN bases b ON b.id = j.id
LEFT JOIN parents p ON p.id = j.id {safe_join}
LEFT JOIN g7 g ON g.o = {tri.format(licence)}
  AND g.w = {tri.format("j.weights")} AND g.d = {tri.format("j.deploy")}
  AND g.t = {tri.format("j.training")}""")
