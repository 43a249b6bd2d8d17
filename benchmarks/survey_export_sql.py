"""The synthetic export's constants as DuckDB tables and macros, and its per-model plan."""

from __future__ import annotations

import time
from typing import Any

from survey_export_data import DOMAINS, LIBRARIES, ORIGINAL_DOMAINS, QUANTISERS, STEMS
from survey_export_licences import BASES, GENERAL, IMAGE, Base, Choice

SNAPSHOT = "2026-11-23"  # the synthetic snapshot's date: nothing is modified after it
SLOTS = 100_000  # resolution of weighted draws (a weight of 0.001% still gets a slot)


def sql_list(items: Any) -> str:
    """A SQL list literal of constants (written here, never taken from input)."""
    return (
        "["
        + ", ".join("NULL" if x is None else "'" + str(x).replace("'", "''") + "'" for x in items)
        + "]"
    )


def _allocate(weights: list[float], total: int) -> list[int]:
    """Whole slot counts in proportion to the weights, summing to `total`, none below one."""
    whole = sum(weights)
    exact = [weight / whole * total for weight in weights]
    counts = [max(1, int(x)) for x in exact]
    by_remainder = sorted(range(len(weights)), key=lambda k: int(exact[k]) - exact[k])
    for k in by_remainder[: max(0, total - sum(counts))]:
        counts[k] += 1
    while sum(counts) > total:
        counts[counts.index(max(counts))] -= 1
    return counts


def case_index(u: str, weights: list[float]) -> str:
    """SQL for the 1-based index of the weight whose share of [0, 1) holds `u`."""
    whole, acc, parts = sum(weights), 0.0, []
    for k, weight in enumerate(weights[:-1], 1):
        acc += weight / whole
        parts.append(f"WHEN {u} < {acc!r} THEN {k}")
    return f"(CASE {' '.join(parts)} ELSE {len(weights)} END)"


def _slot_table(con: Any, name: str, values: list[int], weights: list[float]) -> None:
    """Table `name(slot, value)`: SLOTS slots shared out by weight (an equi-join draws)."""
    ranges, lo = [], 0
    for value, count in zip(values, _allocate(weights, SLOTS), strict=True):
        ranges.append((lo, lo + count, value))
        lo += count
    con.execute(f"CREATE TEMP TABLE {name}_ranges (lo INTEGER, hi INTEGER, value INTEGER)")
    con.executemany(f"INSERT INTO {name}_ranges VALUES (?, ?, ?)", ranges)
    con.execute(
        f"CREATE TEMP TABLE {name} AS SELECT unnest(range(lo, hi))::INTEGER AS slot, value "
        f"FROM {name}_ranges"
    )


def epoch(day: str) -> int:
    return int(time.mktime(time.strptime(day + " 12:00", "%Y-%m-%d %H:%M")) - time.timezone)


def _library(base: Base) -> str:
    if base.id.startswith("sentence-transformers/"):
        return "sentence-transformers"
    return "diffusers" if base.domain == "image" else "transformers"


def create_tables(con: Any, seed: int) -> None:
    """The constants as small tables and macros of one connection."""
    choices: dict[Choice, int] = {}
    for choice, _ in (*GENERAL, *IMAGE):
        choices.setdefault(choice, len(choices))
    for base in BASES:
        if base.licence is not None:
            choices.setdefault(base.licence, len(choices))
    con.execute(
        "CREATE TEMP TABLE choices (key INTEGER, license VARCHAR, name VARCHAR, link VARCHAR, "
        "keyword VARCHAR)"
    )
    con.executemany(
        "INSERT INTO choices VALUES (?, ?, ?, ?, ?)",
        [(key, c.license, c.name, c.link, c.keyword) for c, key in choices.items()],
    )
    for name, table in (("general_slots", GENERAL), ("image_slots", IMAGE)):
        _slot_table(con, name, [choices[c] for c, _ in table], [w for _, w in table])
    _slot_table(con, "base_slots", list(range(len(BASES))), [b.weight for b in BASES])
    con.execute(
        "CREATE TEMP TABLE bases (b INTEGER, id VARCHAR, key INTEGER, dom INTEGER, "
        "model_type VARCHAR, pipeline VARCHAR, library VARCHAR, downloads BIGINT, "
        "created BIGINT, files VARCHAR[], alias VARCHAR, short VARCHAR, params BIGINT)"
    )
    con.executemany(
        "INSERT INTO bases VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                b,
                base.id,
                None if base.licence is None else choices[base.licence],
                DOMAINS.index(base.domain),
                base.model_type,
                base.pipeline,
                _library(base),
                base.downloads,
                epoch(base.created),
                list(base.files),
                base.alias,
                base.id.split("/")[1],
                int(base.billions * 1e9),
            )
            for b, base in enumerate(BASES)
        ],
    )
    stems = "[" + ", ".join(sql_list(STEMS[d]) for d in DOMAINS) + "]"
    orgs = sql_list(("user", "lab", "team", "ai", "studio", "dev", "research", "org"))
    con.execute(
        f"""
        CREATE TEMP MACRO uni(i, salt) AS
            (hash(xor(hash(i), hash(salt || ':{int(seed)}'))) >> 11)::DOUBLE
            / 9007199254740992.0;
        CREATE TEMP MACRO draw(i, salt, n) AS floor(uni(i, salt) * n)::BIGINT;
        CREATE TEMP MACRO org_of(i) AS
            list_element({orgs}, 1 + draw(i, 'org', 8)::INTEGER) || '-'
            || floor(pow(uni(i, 'orgk'), 2.5) * 40000)::BIGINT::VARCHAR;
        CREATE TEMP MACRO stem_of(i, dom) AS
            list_element({stems}[dom + 1], 1 + draw(i, 'stem', len({stems}[dom + 1]))::INTEGER);
        CREATE TEMP MACRO id_of(i, dom, short) AS
            org_of(i) || '/'
            || CASE WHEN short IS NOT NULL AND uni(i, 'named') < 0.5 THEN short || '-' ELSE '' END
            || stem_of(i, dom) || '-' || i::VARCHAR;
        """
    )


def plan_sql(rows: int) -> str:
    """One row per model, ordered by row number: who it is, its family, parents, licence."""
    nb = len(BASES)
    kind = (
        "CASE WHEN uk < 0.62 THEN 'original' WHEN uk < 0.83 THEN 'finetune' "
        "WHEN uk < 0.93 THEN 'adapter' WHEN uk < 0.985 THEN 'quantized' ELSE 'merge' END"
    )
    odom = case_index("uni(i, 'dom')", [w for _, w in ORIGINAL_DOMAINS])
    assert [d for d, _ in ORIGINAL_DOMAINS] == list(DOMAINS)
    libs, pipes, cases = [], [], []
    for d, domain in enumerate(DOMAINS):
        options = LIBRARIES[domain]
        libs.append(sql_list(lib for lib, _, _ in options))
        pipes.append(sql_list(pipe for _, pipe, _ in options))
        weights = [w for *_, w in options]
        index = case_index("uni(i, 'lib')", weights)
        cases.append(f"WHEN {d} THEN {index}")
    lib_index = f"(CASE dom {' '.join(cases)} END)"
    qkind = (
        "CASE WHEN uni(i, 'qk') < 0.6 THEN 'gguf' WHEN uni(i, 'qk') < 0.9 THEN 'hf' ELSE 'mlx' END"
    )
    none_p = (
        "CASE kind WHEN 'original' THEN 0.80 WHEN 'finetune' THEN 0.55 WHEN 'adapter' THEN 0.62 "
        "WHEN 'quantized' THEN 0.42 ELSE 0.50 END"
    )
    inherit_p = (
        "CASE kind WHEN 'finetune' THEN 0.40 WHEN 'adapter' THEN 0.35 WHEN 'quantized' THEN 0.80 "
        "ELSE 0.35 END"
    )
    snapshot = epoch(SNAPSHOT) - 3 * 86400
    start = epoch("2022-03-02")
    n = max(1, rows - nb)
    return f"""
    CREATE TEMP TABLE plan AS
    WITH kinds AS (
        SELECT i, CASE WHEN i < {nb} THEN 'base' ELSE {kind} END AS kind
        FROM (SELECT i, uni(i, 'kind') AS uk FROM range({rows}) r(i))
    ), rooted AS (
        SELECT k.i, k.kind, CASE WHEN k.kind = 'base' THEN k.i::INTEGER ELSE s.value END AS root
        FROM kinds k LEFT JOIN base_slots s ON s.slot = CASE
            WHEN k.kind NOT IN ('base', 'original') THEN draw(k.i, 'root', {SLOTS}) END
    ), ft AS (
        SELECT i, root, row_number() OVER (PARTITION BY root ORDER BY i) - 1 AS r
        FROM rooted WHERE kind IN ('finetune', 'adapter')
    ), fam AS (
        SELECT root, count(*) AS n FROM ft GROUP BY root
    ), typed AS (
        SELECT r.i, r.kind, r.root, coalesce(f.n, 0) AS fam_n, m.r AS my_rank,
            CASE r.kind
                WHEN 'finetune' THEN CASE WHEN up < 0.66 OR m.r = 0 THEN 'base'
                    WHEN up < 0.94 THEN 'ft' ELSE 'outside' END
                WHEN 'adapter' THEN CASE WHEN up < 0.66 OR m.r = 0 THEN 'base'
                    WHEN up < 0.94 THEN 'ft' ELSE 'outside' END
                WHEN 'quantized' THEN CASE WHEN up < 0.55 AND coalesce(f.n, 0) > 0 THEN 'ft'
                    WHEN up < 0.95 THEN 'base' ELSE 'outside' END
                WHEN 'merge' THEN CASE WHEN coalesce(f.n, 0) > 0 THEN 'ft' ELSE 'base2' END
            END AS ptype
        FROM (SELECT *, uni(i, 'ptype') AS up FROM rooted) r
        LEFT JOIN ft m ON m.i = r.i LEFT JOIN fam f ON f.root = r.root
    ), wanted AS (
        SELECT *,
            CASE WHEN ptype = 'ft' THEN CASE WHEN kind IN ('finetune', 'adapter')
                THEN draw(i, 'pick', my_rank) ELSE draw(i, 'pick', fam_n) END END AS want,
            CASE WHEN ptype = 'base2' THEN draw(i, 'root2', {SLOTS}) END AS slot2
        FROM typed
    ), linked AS (
        SELECT w.*, p.i AS parent_i, s2.value AS root2
        FROM wanted w
        LEFT JOIN ft p ON p.root = w.root AND p.r = w.want
        LEFT JOIN base_slots s2 ON s2.slot = w.slot2
    ), drawn AS (
        SELECT l.*, rb.id AS root_id, rb.short, rb.alias, rb.files AS root_files,
            rb.key AS root_key, rb.model_type AS root_type, rb.pipeline AS root_pipe,
            rb.library AS root_lib, rb.downloads AS root_downloads, rb.created AS root_created,
            rb.params AS root_params, b2.id AS root2_id,
            coalesce(rb.dom, {odom} - 1) AS dom,
            uni(i, 'nolic') < {none_p} AS no_licence,
            uni(i, 'inherit') < {inherit_p} AS inherit,
            draw(i, 'lic', {SLOTS}) AS lic_slot
        FROM linked l LEFT JOIN bases rb ON rb.b = l.root LEFT JOIN bases b2 ON b2.b = l.root2
    ), licensed AS (
        SELECT d.*,
            CASE WHEN kind = 'base' THEN root_key WHEN no_licence THEN NULL
                WHEN inherit AND root_key IS NOT NULL THEN root_key
                WHEN dom = 1 THEN gi.value ELSE gs.value END AS key
        FROM drawn d
        LEFT JOIN general_slots gs ON gs.slot = d.lic_slot
        LEFT JOIN image_slots gi ON gi.slot = d.lic_slot
    ), named AS (
        SELECT l.*, c.license, c.name AS license_name, c.link AS license_link, c.keyword,
            CASE WHEN kind = 'quantized' THEN {qkind} END AS qkind,
            CASE kind WHEN 'finetune' THEN 'finetune' WHEN 'adapter' THEN 'adapter'
                WHEN 'quantized' THEN 'quantized' WHEN 'merge' THEN 'merge' END AS relation
        FROM licensed l LEFT JOIN choices c ON c.key = l.key
    )
    SELECT i, kind, dom, relation, qkind, license, license_name, license_link, keyword,
        inherit AND license IS NOT NULL AS inherited, short, root_files,
        CASE kind
            WHEN 'base' THEN root_id
            WHEN 'original' THEN id_of(i, dom, NULL)
            WHEN 'quantized' THEN
                CASE WHEN qkind = 'mlx' AND uni(i, 'qorg') < 0.8 THEN 'mlx-community'
                    WHEN uni(i, 'qorg') < 0.6 THEN list_element({sql_list(QUANTISERS)},
                        1 + draw(i, 'qo', {len(QUANTISERS)})::INTEGER)
                    ELSE org_of(i) END
                || '/' || short || '-' || i::VARCHAR || CASE qkind WHEN 'gguf' THEN '-GGUF'
                    WHEN 'mlx' THEN '-mlx-4bit'
                    ELSE list_element(['-4bit', '-AWQ', '-GPTQ', '-bnb-4bit'],
                        1 + draw(i, 'qs', 4)::INTEGER) END
            WHEN 'merge' THEN org_of(i) || '/' || short || '-slerp-' || i::VARCHAR
            ELSE id_of(i, dom, short)
        END AS id,
        CASE WHEN kind IN ('base', 'original') THEN NULL
            WHEN kind = 'merge' THEN [root_id, CASE WHEN ptype = 'ft'
                THEN id_of(parent_i, dom, short) ELSE root2_id END]
            WHEN ptype = 'ft' THEN [id_of(parent_i, dom, short)]
            WHEN ptype = 'base' THEN [root_id]
            ELSE [CASE WHEN alias IS NOT NULL AND uni(i, 'alias') < 0.6 THEN alias
                ELSE 'removed-user-' || draw(i, 'gone', 5000)::VARCHAR || '/' || short
                    || '-ft-' || draw(i, 'gone2', 100000)::VARCHAR END]
        END AS parents,
        CASE
            WHEN kind = 'base' THEN root_lib
            WHEN kind = 'adapter' THEN CASE WHEN dom = 1 THEN 'diffusers' ELSE 'peft' END
            WHEN kind = 'quantized' THEN CASE qkind WHEN 'gguf' THEN 'gguf' WHEN 'mlx' THEN 'mlx'
                ELSE root_lib END
            WHEN root_lib IS NOT NULL THEN root_lib
            ELSE list_element({"[" + ", ".join(libs) + "]"}[dom + 1], {lib_index})
        END AS library,
        CASE WHEN root_pipe IS NOT NULL THEN root_pipe
            ELSE list_element({"[" + ", ".join(pipes) + "]"}[dom + 1], {lib_index}) END AS pipeline,
        coalesce(root_type, list_element(['llama', NULL, 'bert', 'whisper', NULL, NULL],
            dom + 1)) AS model_type,
        CASE WHEN root_params IS NOT NULL THEN (root_params * (0.95 + 0.1 * uni(i, 'pm')))::BIGINT
            ELSE (list_element([8e9, 1e9, 1.1e8, 2.4e8, 1e5, 1e7], dom + 1)
                * (0.05 + pow(uni(i, 'pm'), 2)))::BIGINT END AS params,
        CASE WHEN kind = 'base' THEN root_downloads
            WHEN uni(i, 'dz') < CASE WHEN license IS NULL THEN 0.65 ELSE 0.45 END THEN 0
            ELSE least(20000000, floor(pow(greatest(uni(i, 'dl'), 1e-12),
                -1.0 / CASE WHEN license IS NULL THEN 0.65 ELSE 0.48 END)) - 1)::BIGINT
        END AS downloads,
        CASE WHEN kind = 'base' THEN root_created
            WHEN root_created IS NOT NULL THEN (root_created + ({snapshot} - root_created)
                * sqrt((i - {nb} + uni(i, 'tj')) / {n}))::BIGINT
            ELSE ({start} + ({snapshot} - {start}) * sqrt((i - {nb} + uni(i, 'tj')) / {n}))::BIGINT
        END AS created,
        kind = 'base' OR license IS NOT NULL OR kind <> 'original' OR uni(i, 'card') < 0.55
            AS has_card
    FROM named
    ORDER BY i
    """
