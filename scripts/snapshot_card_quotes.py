"""Short quoted card facts for the snapshot: each model's own lineage and licence statements,
and the licence files that cards name by licence (`license_name` + a `license_link` into the
repo) without the snapshot holding their text.

`openness.lineage_card.read_card` picks, in every card copy of the hub corpus, the lines whose
subject is the model ("DeepSeek-R1-Distill-Llama-8B is derived from Llama3.1-8B-Base and is
originally licensed under ..."). They are short quoted facts with the card and line they come
from; a line read in another repo's card (a family's shared card) is marked as inferred.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from pathlib import Path
from typing import TypedDict

from openness.lineage_card import read_card
from openness.sources.evidence import Evidence


class CardQuote(TypedDict):
    card: str
    line: int
    quote: str


def card_quotes(corpus: Path, repo_ids: list[str]) -> dict[str, list[CardQuote]]:
    """Repo id -> the lines about it in the corpus's card copies, in card and line order."""
    found: dict[str, list[CardQuote]] = {}
    now = datetime.now(timezone.utc)
    for facts in sorted(corpus.glob("*/facts.json")):
        card_repo = facts.parent.name.replace("__", "/", 1)
        for card in sorted(facts.parent.glob("README*.md")):
            text = card.read_text(encoding="utf-8")
            for repo_id in repo_ids:
                evidence = Evidence(repo_id=repo_id, source="snapshot", retrieved_at=now,
                                    card_text=text)  # fmt: skip
                prose = read_card(evidence)
                citations = [*prose.bases.values(), *(found.citation for found in prose.licences)]
                lines = {c.line: c.quote for c in citations if c.line}
                quotes = found.setdefault(repo_id, [])
                for line, quote in sorted(lines.items()):
                    entry = CardQuote(card=card_repo, line=line, quote=quote)
                    if entry not in quotes:
                        quotes.append(entry)
    return {repo_id: quotes for repo_id, quotes in found.items() if quotes}


_NAMED_FILE = re.compile(
    r"license_name: ([\w.-]{1,80})\s*(?:/|\\n|\n)\s*license_link: "
    r"https://huggingface\.co/([\w.-]{1,96}/[\w.-]{1,96})/(?:raw|blob|resolve)/[\w.-]{1,64}/"
    r"([\w./-]{1,120})"
)


def named_license_files(facts_text: str, repo_id: str) -> dict[str, str]:
    """path -> licence name, for each `license_name` whose `license_link` points into `repo_id`
    (as the repo's derivatives or copies declare it): inferred, the text itself unseen."""
    return {
        match.group(3): match.group(1)
        for match in _NAMED_FILE.finditer(facts_text)
        if match.group(2).lower() == repo_id.lower()
    }
