"""The bundled snapshot of public facts about well-known models (no licence texts)."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any

from openness.data import packaged
from openness.once import once
from openness.sources.evidence import Evidence, RepoFile


@once
def _snapshot() -> dict[str, Any]:
    with packaged("snapshot.json").open(encoding="utf-8") as handle:
        data: dict[str, Any] = json.load(handle)
    return data


def as_of() -> str:
    return str(_snapshot()["as_of"])


def fetch(repo_id: str) -> Evidence | None:
    """Evidence from the snapshot, or None when the repo is not in it."""
    models: dict[str, Any] = _snapshot()["models"]
    lowered = {key.lower(): key for key in models}
    key = lowered.get(repo_id.lower())
    if key is None:
        return None
    facts = models[key]
    card_data = {
        name: facts[name]
        for name in (
            "license",
            "license_name",
            "license_link",
            "base_model",
            "datasets",
            "pipeline_tag",
        )
        if facts.get(name)
    }
    warnings = [
        f"source: snapshot as of {as_of()} (public facts bundled with openness; "
        "no licence text was read)"
    ]
    if facts.get("inferred"):
        warnings.append("snapshot fields inferred, not seen: " + ", ".join(facts["inferred"]))
    if not facts.get("files_complete", False):
        warnings.append("snapshot file list is partial")
    quotes = facts.get("card_quotes") or []
    cards = sorted({quote["card"] for quote in quotes if quote["card"] != key})
    if cards:
        warnings.append(
            "card lines quoted from the card of " + ", ".join(cards) + " (the family's shared "
            "card; their line numbers are that card's)"
        )
    return Evidence(
        repo_id=key,
        source="snapshot",
        retrieved_at=datetime.fromisoformat(as_of()).replace(tzinfo=timezone.utc),
        revision=None,
        location="openness snapshot",
        card_data=card_data,
        card_text=_quoted_card(quotes),
        tags=list(facts.get("tags", [])),
        files=[RepoFile(path=f["path"], size=f.get("size")) for f in facts["files"]]
        if facts.get("files")
        else None,
        files_complete=bool(facts.get("files_complete", False)),
        weights_declared=dict(facts.get("weights_seen", {})),
        paper_titles=dict(facts.get("papers", {})),
        named_files=dict(facts.get("license_files_named", {})),
        pages=[url for url in facts.get("sources", []) if isinstance(url, str)][:20],
        gated=facts.get("gated"),
        warnings=warnings,
    )


def _quoted_card(quotes: list[dict[str, Any]]) -> str | None:
    """The card lines the snapshot quotes, each on its own line number; None without any."""
    lines: dict[int, str] = {}
    for quote in quotes:
        if isinstance(quote.get("line"), int) and 0 < quote["line"] <= 100_000:
            lines[quote["line"]] = str(quote.get("quote", ""))[:400]
    if not lines:
        return None
    return "\n".join(lines.get(number, "") for number in range(1, max(lines) + 1))
