"""License analysis: profiles, name resolution, text identification, clauses, conclusion."""
