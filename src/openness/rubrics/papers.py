"""The model's own paper, told apart from the papers its card merely cites.

arXiv ids come from the Hub tags and the card text. A paper is the model's own when the card
presents it so: a citation whose title names the model or calls itself a technical report, or
words like "our paper" or "introduced in" beside the id. Anything else is cited, and an id
known only from a tag says nothing either way: then there is no own paper, never a guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from openness.sources.card import split_front_matter
from openness.sources.evidence import Evidence

_ARXIV = re.compile(
    r"(?:arxiv\.org/(?:abs|pdf)/|arxiv:\s?|eprint\s*=\s*[{\"]?)(\d{4}\.\d{4,5})", re.IGNORECASE
)
_TITLE = re.compile(r"\btitle\s*=\s*[{\"]+([^{}\"\n]{1,300})", re.IGNORECASE)
_OWN = re.compile(
    r"\b(?:our (?:technical )?(?:paper|report)|technical report|tech report|introduced in|"
    r"presented in|described in our|paper link)\b",
    re.IGNORECASE,
)
_REPORT = re.compile(r"\btechnical report\b", re.IGNORECASE)
_NAME_PART = re.compile(r"[a-z]{2,}[a-z0-9]*|[a-z]+\d+[a-z0-9]*", re.IGNORECASE)


@dataclass(frozen=True)
class Papers:
    """The model's own arXiv paper (with its title when known), and the ids merely cited."""

    own: str | None = None
    title: str | None = None
    cited: list[str] = field(default_factory=list)

    @property
    def seen(self) -> bool:
        return self.own is not None or bool(self.cited)


def papers(evidence: Evidence) -> Papers:
    """The papers of a release, from its tags, card text and quoted citation titles."""
    ids = list(dict.fromkeys(evidence.arxiv_ids))
    own: dict[str, str | None] = {}
    titles = dict(evidence.paper_titles)
    _, body = split_front_matter(evidence.card_text or "")
    for paragraph in re.split(r"\n\s*\n", body):
        found = list(dict.fromkeys(_ARXIV.findall(paragraph)))
        ids += [arxiv for arxiv in found if arxiv not in ids]
        title = _TITLE.search(paragraph)
        if title and len(found) == 1:
            titles.setdefault(found[0], title.group(1).strip())
        if _OWN.search(paragraph) and len(found) == 1:
            own.setdefault(found[0], None)
    own |= {
        arxiv: title
        for arxiv, title in titles.items()
        if arxiv in ids and (_names_model(title, evidence.repo_id) or _REPORT.search(title))
    }
    chosen = next((arxiv for arxiv in ids if arxiv in own), None)
    cited = [arxiv for arxiv in ids if arxiv != chosen]
    if chosen is None:
        return Papers(cited=cited)
    return Papers(chosen, own[chosen] or titles.get(chosen), cited)


def _names_model(title: str, repo_id: str) -> bool:
    """Whether a title names the model's family (the first word of its repo name)."""
    family = _NAME_PART.search(repo_id.rpartition("/")[2])
    if family is None:
        return False
    return _squeezed(family.group(0)) in _squeezed(title)


def _squeezed(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())
