"""`openness survey`: the openness of many models at once, from a bulk export of Hub metadata.

DuckDB scans, groups, joins and aggregates; Python judges each distinct declaration (and each
distinct child/parent licence pair) once, with the same analysis, knowledge base and lineage
rules as `audit`. DuckDB is an optional extra (`pip install 'openness[survey]'`): nothing here
imports it at module level.

Modules: `export` (sources into the `scan` table), `listing` (a live Hub listing as a source),
`judge` (the `results` and `edges` tables), `texts` (the opt-in text pass), `text_state` (the
text pass's resumable state file), `figures` (the summary), `run` (the whole survey).
"""
