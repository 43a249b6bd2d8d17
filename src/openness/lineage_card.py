"""What the card's own prose says about where the model comes from and its original licence.

"X is derived from Llama3.1-8B-Base and is originally licensed under the llama3.1 license":
a base model named in prose is followed like `base_model`, and a licence the prose names is
compared with the model's own. Only statements about this model count (their subject names it,
or names no model), and a name becomes a Hub id only when that is unambiguous: an `org/name`, a
huggingface.co URL, or a name matching exactly one model of the bundled snapshot (a `-Base`
suffix is dropped only for another organisation's family: Meta and Qwen name their base models
without it, while an organisation naming its own `X-Base` publishes it apart from `X`). Every
regular expression runs on a bounded window around a phrase, at most MAX_PHRASES per card:
linear time.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from openness.data import packaged
from openness.license.names import Resolved, resolve
from openness.once import once
from openness.report import Citation
from openness.sources.evidence import Evidence, hub_repo_id
from openness.sources.files import CARD

MAX_PHRASES = 64
WINDOW = 200

_LINEAGE = re.compile(
    r"\b(?:derived|fine-?tuned|distilled|trained|built)\s+(?:from|on\s+top\s+of)\b"
    r"|\bbased\s+on\b|\bfine-?tuned\s+version\s+of\b",
    re.IGNORECASE,
)
_LICENCE = re.compile(
    r"\boriginally\s+licen[cs]ed\s+under\b|\bsubject\s+to\s+the\b(?=[^.]{0,80}licen[cs]e)",
    re.IGNORECASE,
)
_LINK = re.compile(r"\[([^\]\n]{1,120})\]\((https?://[^)\s]{1,200})\)")
_NAME = re.compile(r"[A-Za-z0-9][\w.-]*(?:/[A-Za-z0-9][\w.-]*)?")
_MODEL_NAME = re.compile(r"[A-Za-z]{2,}[\w.-]*\d[\w.-]*")
_OBJECT_END = re.compile(r"[.!?](?:\s|$)|[;,(]|\s(?:and|which|with|by|using|under)\s", re.I)
_ARTICLE = re.compile(r"^(?:the|a|an)\s+", re.IGNORECASE)
_SENTENCE_START = re.compile(r"(?:[.!?;|]\s|^\s*[-*]\s)")
_BASE_SUFFIX = re.compile(r"[-_ ]base$", re.IGNORECASE)
_LICENCE_WORDS = re.compile(r"\s*\b(?:the|licen[cs]e|agreement)\b\s*", re.IGNORECASE)


@dataclass(frozen=True)
class CardLicence:
    """A licence the prose says the model is (or was) under."""

    term: str
    resolved: Resolved | None
    citation: Citation


@dataclass
class CardProse:
    bases: dict[str, Citation] = field(default_factory=dict)
    licences: list[CardLicence] = field(default_factory=list)


def read_card(evidence: Evidence) -> CardProse:
    """The lineage and licence statements of the card's prose about this model."""
    prose = CardProse()
    if not evidence.card_text:
        return prose
    org, _, name = evidence.repo_id.rpartition("/")
    own = _squash(name)
    phrases = 0
    for number, line in enumerate(evidence.card_text.splitlines(), start=1):
        matches = [
            (match, kind)
            for pattern, kind in ((_LINEAGE, "base"), (_LICENCE, "licence"))
            for match in pattern.finditer(line)
        ]
        if not matches:
            continue
        # the subject is what comes before the line's first statement, whatever follows it
        first = min(match.start() for match, _ in matches)
        if not _about(line[max(0, first - WINDOW) : first], own):
            phrases += len(matches)
            if phrases > MAX_PHRASES:
                return prose
            continue
        for match, kind in matches:
            phrases += 1
            if phrases > MAX_PHRASES:
                return prose
            after = line[match.end() : match.end() + WINDOW]
            citation = Citation(source=CARD, line=number, quote=line.strip())
            if kind == "base":
                base = _base(after, org)
                if base and _squash(base.rsplit("/", 1)[-1]) != own:
                    prose.bases.setdefault(base, citation)
            else:
                prose.licences.append(_licence(after, citation))
    return prose


def _about(before: str, own: str) -> bool:
    """Whether the sentence's subject is this model: it names it, or names no model at all."""
    starts = [m.end() for m in _SENTENCE_START.finditer(before)]
    subject = before[starts[-1] :] if starts else before
    names = {_squash(name) for name in _MODEL_NAME.findall(subject)}
    return not names or own in names


def _object(after: str) -> str:
    """The phrase's object: up to the end of the clause (links kept whole)."""
    link = _LINK.match(after.lstrip())
    if link:
        return link.group(0)
    end = _OBJECT_END.search(after)
    return after[: end.start()] if end else after


def _base(after: str, org: str) -> str | None:
    """A Hub id for the object, when it names exactly one model."""
    link = _LINK.match(after.lstrip())
    if link:
        return hub_repo_id(link.group(2)) or _known(link.group(1), org)
    words = _ARTICLE.sub("", _object(after).strip()).split(maxsplit=1)
    text = words[0].strip("`*_\"'").rstrip(".-:") if words else ""
    if _NAME.fullmatch(text) is None:  # a local path, a URL that is not the Hub's, prose
        return None
    if "/" in text:
        repo = hub_repo_id(text)
        return repo if repo and re.search(r"[A-Za-z]", repo.split("/")[0]) else None
    return _known(text, org)


def _licence(after: str, citation: Citation) -> CardLicence:
    link = _LINK.match(after.lstrip())
    term = link.group(1) if link else _object(after)
    term = _LICENCE_WORDS.sub(" ", term).strip(" *_`\"'")
    resolved = resolve(term) if term else None
    if resolved is None and link:
        resolved = resolve(link.group(2))
    return CardLicence(term=term[:80], resolved=resolved, citation=citation)


def _squash(name: str) -> str:
    """A model name compared loosely: no case, no separators."""
    return re.sub(r"[^a-z0-9]", "", name.strip().lower())


def _known(name: str, org: str) -> str | None:
    """The one snapshot model a bare name (`Llama-3.1-8B`, `Llama3.1-8B-Base`) stands for."""
    name = name.strip()
    if _MODEL_NAME.fullmatch(name) is None:
        return None
    found = _families().get(_squash(name), [])
    if not found and _BASE_SUFFIX.search(name):
        bare = _families().get(_squash(_BASE_SUFFIX.sub("", name)), [])
        found = [repo for repo in bare if repo.split("/")[0].lower() != org.lower()]
    return found[0] if len(found) == 1 else None


@once
def _families() -> dict[str, list[str]]:
    with packaged("snapshot.json").open(encoding="utf-8") as handle:
        models = json.load(handle)["models"]
    names: dict[str, list[str]] = {}
    for repo_id in models:
        names.setdefault(_squash(repo_id.split("/")[-1]), []).append(repo_id)
    return names
