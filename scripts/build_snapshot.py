"""Write `src/openness/data/snapshot.json`: public facts about well-known Hub model repos.

Usage: `python scripts/build_snapshot.py [HUB_CORPUS_DIR]`, by default the `shared/corpus/hub`
folder beside the project. Developers run it by hand when the corpus changes; the JSON it writes
is committed and read by `openness.sources.snapshot` when neither the Hub nor the local cache has
a repo. Nothing runs it at build or run time.

Each corpus folder holds `facts.json` (values annotated in prose, e.g. "text-generation
(INFERRED)", plus a machine-readable `normalized` block) and sometimes `README.md` (front matter
seen verbatim). Only facts are written: licence keywords, gating, machine tags, file names and
sizes, source URLs. Never licence texts or card prose.

Judgement calls, applied the same way to every repo:

* licence: the `normalized` tag, or the verbatim front matter when it has one. "unknown" or none
  becomes null. A tag that is not one of the Hub's licence keywords ("qwen", "mnpl") is what the
  Hub shows for `license: other` + `license_name: <tag>`, so it is stored that way, with the
  `license_link` when some front matter in the facts gives it for that same name.
* inferred: licence and gating use the `*_seen` flags plus any "INFERRED" mark in the value or
  its `*_note`; the other fields are flagged when their value or note says INFERRED or that it
  was seen on a copy, duplicate, derivative or sibling repo. File lists are flagged likewise.
* files: listed entries become `{path, size}` (sizes as the Hub shows them, decimal units:
  kB = 1000; approximate or ranged sizes become null). Placeholders are expanded only when
  unambiguous: `model-000NN-of-000163` when a listed shard confirms the digit width, and
  `name-0000[2-7]-...` ranges. Entries the facts mark INFERRED, directories and unparsable names
  are left out. Repos with only a prose note keep the files that note says were seen on the
  repo itself. `files_complete` is true only for an official tree listing kept whole.
* weights_seen: a listed folder whose shards are described, not named ("ckpt-0/ (770 tensor
  shards 'tensorNNNNN_000')"), as folder -> that description; shard names are not invented.
* card_quotes: the card lines stating the model's own lineage or licence (see
  scripts/snapshot_card_quotes.py); inferred when read in another repo's card.
* license_files_named: path -> licence name, where a card (a copy's or a derivative's) gives
  `license_name` with a `license_link` into the repo, kept only when the repo's own licence is
  unknown (an old copy must not override it); always inferred.
* papers: arXiv id -> title of each BibTeX citation in the card copies beside the facts (a
  short quoted fact telling the model's own paper from those its card cites); inferred when
  the copy is GitHub's rather than the Hub card.
"""

from __future__ import annotations

import csv
import json
import re
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal, TypedDict

import yaml
from snapshot_card_quotes import CardQuote, card_quotes, named_license_files

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "hub"
OUTPUT = ROOT / "src" / "openness" / "data" / "snapshot.json"

Gating = Literal[False, "auto", "manual"] | None


class FileEntry(TypedDict):
    path: str
    size: int | None


class ModelFacts(TypedDict):
    license: str | None
    license_name: str | None
    license_link: str | None
    gated: Gating
    pipeline_tag: str | None
    library_name: str | None
    tags: list[str]
    base_model: list[str]
    datasets: list[str]
    arxiv: list[str]
    files: list[FileEntry]
    files_complete: bool
    weights_seen: dict[str, str]
    papers: dict[str, str]
    card_quotes: list[CardQuote]
    license_files_named: dict[str, str]
    inferred: list[str]
    sources: list[str]


class Snapshot(TypedDict):
    as_of: str
    description: str
    models: dict[str, ModelFacts]


# Marks that a value was not observed on the repo itself.
_INFERRED = re.compile(r"INFERRED")
_ELSEWHERE = re.compile(r"INFERRED|\b(?:cop(?:y|ies)|duplicate|derivative|sibling|fork)\b", re.I)
_NOT_HERE = re.compile(r"\b(?:cop(?:y|ies)|duplicate|derivative|sibling|fork|not seen)\b", re.I)

_UNITS = {"B": 1, "Bytes": 1, "kB": 10**3, "KB": 10**3, "MB": 10**6, "GB": 10**9, "TB": 10**12}
_SIZE = re.compile(r"(\d+(?:\.\d+)?)\s*(Bytes|B|kB|KB|MB|GB|TB)\b")
_EXACT_SIZE = re.compile(rf"^{_SIZE.pattern}(?!\s*-)")
_ARXIV = re.compile(r"\b\d{4}\.\d{4,5}\b")
_REPO_ID = re.compile(r"^[\w.-]+/[\w.-]+")
_KEYWORD = re.compile(r"^[a-z0-9][a-z0-9.+-]*", re.I)
_URL = re.compile(r"https?://[^\s'\")]+")
_ISO_DATE = re.compile(r"(?<!\d)(\d{4}-\d{2}-\d{2})(?!\d)")
_FILE_NAME = re.compile(r"^[\w.+-]+(?:/[\w.+-]+)*$")
# A file name inside prose: `name.ext`, `.gitattributes`, `LICENSE`, then maybe a size.
_FILE_IN_TEXT = re.compile(
    r"(?<![\w./-])(\.git\w+|LICENSE|NOTICE|[A-Za-z_][\w.-]*\.[A-Za-z][A-Za-z0-9]*)(?![\w/-])"
    rf"(?:\s*\(?\s*{_SIZE.pattern})?"
)
_SHARD_PLACEHOLDER = re.compile(
    r"^(?P<head>.*-)(?P<index>0*N+)(?P<of>-of-)(?P<total>\d+)(?P<tail>.*)$"
)
_SHARD_RANGE = re.compile(r"^(?P<head>.*)\[(?P<first>\d+)-(?P<last>\d+)\](?P<tail>.*)$")
_NO_LICENSE = {"", "none", "null", "unknown"}
_SHARDS = re.compile(r"^\d+ [\w -]*shards? '[\w.-]+'$")
_BIBTEX = re.compile(r"@\w+\{[^@]*?\n\s*\}", re.S)
_BIB_TITLE = re.compile(r"\btitle\s*=\s*\{([^{}\n]{1,200})\}", re.I)
_BIB_ARXIV = re.compile(r"(?:eprint\s*=\s*\{|arxiv\.org/(?:abs|pdf)/|arXiv:)(\d{4}\.\d{4,5})", re.I)


def _text(value: object) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def hub_license_keywords(corpus: Path) -> frozenset[str]:
    """The Hub's `license:` keywords, from `hf_license_keywords.csv` beside the hub corpus."""
    with (corpus.parent / "hf_license_keywords.csv").open(encoding="utf-8", newline="") as handle:
        return frozenset(row["keyword"] for row in csv.DictReader(handle))


def front_matter(text: str) -> dict[str, Any]:
    """The YAML front matter of a card, or {} when it has none."""
    lines = text.splitlines()
    if not lines or lines[0].strip() != "---":
        return {}
    try:
        end = next(i for i, line in enumerate(lines[1:], 1) if line.strip() == "---")
    except StopIteration:
        return {}
    data = yaml.safe_load("\n".join(lines[1:end]))
    return data if isinstance(data, dict) else {}


def yaml_prefix(text: str) -> dict[str, Any]:
    """The longest parsable prefix of a possibly cut-off front matter quoted in the facts."""
    lines = [line for line in text.splitlines() if line.strip() != "---"]
    while lines:
        try:
            data = yaml.safe_load("\n".join(lines))
        except yaml.YAMLError:
            lines.pop()
            continue
        return data if isinstance(data, dict) else {}
    return {}


def leading_value(value: object, pattern: re.Pattern[str] = _KEYWORD) -> str | None:
    """The value before its annotation: "text-generation (INFERRED)" -> "text-generation"."""
    if not isinstance(value, str):
        return None
    match = pattern.match(value.strip())
    return match.group(0) if match else None


def parse_size(text: object) -> int | None:
    """Bytes from a Hub-displayed size ("1.06 kB", "171 Bytes"); None when approximate or ranged."""
    if not isinstance(text, str):
        return None
    match = _EXACT_SIZE.match(text.strip())
    if match is None:
        return None
    return int(Decimal(match.group(1)) * _UNITS[match.group(2)])


def _add_file(files: dict[str, FileEntry], path: str, size: int | None) -> None:
    known = files.get(path)
    if known is None:
        files[path] = {"path": path, "size": size}
    elif known["size"] is None:
        known["size"] = size


def _entry_name(raw: str) -> str:
    """A listed name without its annotation: "x.json ... (cut off in excerpt)" -> "x.json"."""
    return re.sub(r"\s*\.\.\.", "", re.sub(r"\s*\(.*\)\s*$", "", raw)).strip()


def _expand(name: str, listed: set[str]) -> list[str] | None:
    """Shard names behind a placeholder, or None when the pattern is ambiguous."""
    if match := _SHARD_PLACEHOLDER.match(name):
        width, total = len(match["index"]), int(match["total"])
        names = [
            f"{match['head']}{i:0{width}d}{match['of']}{match['total']}{match['tail']}"
            for i in range(1, total + 1)
        ]
        return names if listed & set(names) else None  # a listed shard confirms the width
    if match := _SHARD_RANGE.match(name):
        first, last = match["first"], match["last"]
        if len(first) != len(last) or int(first) > int(last):
            return None
        return [
            f"{match['head']}{i:0{len(first)}d}{match['tail']}"
            for i in range(int(first), int(last) + 1)
        ]
    return None


def listed_files(entries: list[dict[str, Any]]) -> tuple[list[FileEntry], bool]:
    """Files of a structured listing, and whether every entry could be kept as seen."""
    files: dict[str, FileEntry] = {}
    whole = True
    plain = {_entry_name(str(entry.get("name", ""))) for entry in entries}
    for entry in entries:
        raw_name, raw_size = str(entry.get("name", "")), str(entry.get("size", ""))
        note = str(entry.get("note", ""))
        if _INFERRED.search(raw_name + raw_size + note):
            whole = False
            continue
        if "cut off" in raw_name + note:
            whole = False
        name = _entry_name(raw_name)
        contents = re.search(r"\(([^()]*)\)", raw_name)
        if name.endswith("/"):  # a folder: keep it only when its files are named
            whole = False
            if contents:
                for inner in re.split(r",\s*", contents.group(1).split(" -- ")[0]):
                    if _FILE_NAME.match(inner.strip()):
                        _add_file(files, name + inner.strip(), None)
            continue
        names = [part.strip() for part in re.split(r"\s*/\s+|,\s*", name)]
        if len(names) == 1 and (expanded := _expand(name, plain)):
            size = None if "~" in raw_size else parse_size(raw_size)  # "~4.3 GB each": unknown
            for shard in expanded:
                _add_file(files, shard, size)
            continue
        if not all(_FILE_NAME.match(part) for part in names):
            whole = False
            continue
        for part in names:
            _add_file(files, part, parse_size(raw_size) if len(names) == 1 else None)
    return sorted(files.values(), key=lambda item: item["path"]), whole


def noted_files(note: str) -> list[FileEntry]:
    """Files a prose note says were seen on the repo itself (none when it describes another)."""
    if _NOT_HERE.search(note):
        return []
    kept = re.sub(r"\([^()]*INFERRED[^()]*\)", "", note)
    files: dict[str, FileEntry] = {}
    for part in re.split(r";|\.\s", kept):
        if _INFERRED.search(part):
            continue
        for match in _FILE_IN_TEXT.finditer(part):
            size = f"{match.group(2)} {match.group(3)}" if match.group(2) else None
            _add_file(files, match.group(1), parse_size(size))
    return sorted(files.values(), key=lambda item: item["path"])


def repo_files(repo_id: str, seen: dict[str, Any]) -> tuple[list[FileEntry], bool, bool]:
    """(files, complete, inferred) from the `files_seen` block."""
    about = " ".join(_text(seen.get(key, "")) for key in ("tree", "note"))
    tree = str(seen.get("tree", ""))
    official = tree.startswith(f"https://huggingface.co/{repo_id}/tree/")
    entries = seen.get("files")
    if not isinstance(entries, list):
        return noted_files(str(seen.get("note", ""))), False, False
    files, whole = listed_files(entries)
    elsewhere = bool(_ELSEWHERE.search(about) or _NOT_HERE.search(about)) or not official
    kept = [entry for entry in entries if not _INFERRED.search(_text(entry))]
    inferred = elsewhere or any(_ELSEWHERE.search(_text(entry)) for entry in kept)
    return files, whole and not inferred and "note" not in seen, inferred


def seen_weights(entries: object) -> dict[str, str]:
    """Folder -> the weight shards a listing says it holds ("770 tensor shards 'tensorNNNNN_000'")
    when the files are not named one by one; parts marked INFERRED are left out."""
    seen: dict[str, str] = {}
    for entry in entries if isinstance(entries, list) else []:
        match = re.match(r"^([\w.-]+/)\s*\((.*)\)\s*$", str(entry.get("name", "")))
        if match is None:
            continue
        for part in re.split(r"\s+\+\s+|,\s*", match.group(2)):
            if _SHARDS.match(part.strip()) and not _INFERRED.search(part):
                seen[match.group(1)] = part.strip()
    return seen


def card_papers(folder: Path) -> tuple[dict[str, str], bool]:
    """(arXiv id -> title of each BibTeX citation in the card copies, whether any came from a
    GitHub copy rather than the Hub card): short quoted facts, no prose."""
    papers: dict[str, str] = {}
    copied = False
    for card in sorted([*folder.glob("README*.md"), *folder.glob("MODEL_CARD*.md")]):
        for entry in _BIBTEX.findall(card.read_text(encoding="utf-8")):
            title, arxiv = _BIB_TITLE.search(entry), _BIB_ARXIV.search(entry)
            if title and arxiv and arxiv.group(1) not in papers:
                papers[arxiv.group(1)] = title.group(1).strip()
                copied = copied or ".github" in card.name
    return papers, copied


def _license(
    facts: dict[str, Any], card: dict[str, Any], keywords: frozenset[str]
) -> tuple[str | None, str | None, str | None]:
    """(license, license_name, license_link) as the Hub API would report them."""
    normalized = facts.get("normalized") or {}
    raw = card.get("license") or normalized.get("license_tag") or facts.get("license_tag_on_hub")
    tag = leading_value(re.sub(r"^license:\s*", "", str(raw or ""), flags=re.I))
    if tag is None or tag.lower() in _NO_LICENSE:
        return None, None, None
    tag = tag.lower()
    if tag != "other" and tag in keywords:
        return tag, None, None
    name = tag if tag != "other" else card.get("license_name")
    for metadata in _license_metadata(facts, card):
        if metadata.get("license") == "other" and metadata.get("license_name") == name:
            return "other", name, metadata.get("license_link")
    return "other", name, None


def _license_metadata(facts: dict[str, Any], card: dict[str, Any]) -> list[dict[str, Any]]:
    """Front-matter-like blocks about this repo: the card, then those quoted in the facts."""
    blocks = [card]
    for key, value in facts.items():
        if key.startswith("license_metadata") and isinstance(value, dict):
            blocks.append(value)
        elif key.startswith("front_matter") and isinstance(value, str) and "\n" in value:
            blocks.append(yaml_prefix(value))
    return blocks


def _flagged(facts: dict[str, Any], field: str, marks: re.Pattern[str]) -> bool:
    return any(marks.search(_text(facts.get(key))) for key in (field, f"{field}_note"))


def _gating(facts: dict[str, Any]) -> Gating:
    value = (facts.get("normalized") or {}).get("gated", facts.get("gated"))
    return value if value in (False, "auto", "manual") else None


def model_facts(folder: Path, keywords: frozenset[str]) -> tuple[str, ModelFacts]:
    """The snapshot record of one corpus folder, keyed by its exact repo id."""
    facts: dict[str, Any] = json.loads((folder / "facts.json").read_text(encoding="utf-8"))
    readme = folder / "README.md"
    card = front_matter(readme.read_text(encoding="utf-8")) if readme.is_file() else {}
    repo_id: str = facts["repo_id"]
    normalized = facts.get("normalized") or {}

    license, license_name, license_link = _license(facts, card, keywords)
    base = card.get("base_model") or facts.get("base_model")
    bases = [b for b in (base if isinstance(base, list) else [base]) if isinstance(b, str)]
    base_models = [found for b in bases if (found := leading_value(b, _REPO_ID))]
    datasets = card.get("datasets") or facts.get("datasets") or []
    datasets = [d for d in ([datasets] if isinstance(datasets, str) else datasets) if d]
    arxiv = list(dict.fromkeys(i for item in facts.get("arxiv", []) for i in _ARXIV.findall(item)))
    files, complete, files_inferred = repo_files(repo_id, facts.get("files_seen") or {})
    weights_seen = seen_weights((facts.get("files_seen") or {}).get("files"))
    papers, papers_copied = card_papers(folder)
    # only where the repo's own licence is unknown: a copy's old card must not override it
    facts_text = (folder / "facts.json").read_text(encoding="utf-8")
    named = {} if license else named_license_files(facts_text, repo_id)

    tags = [f"arxiv:{i}" for i in arxiv] + [f"dataset:{d}" for d in datasets]
    tags += [f"base_model:{b}" for b in base_models]
    tags += [f"license:{license}"] if license else []

    inferred = {
        "license": normalized.get("license_tag_seen") is False
        or _flagged(facts, "license_tag_on_hub", _INFERRED),
        "gated": normalized.get("gated_seen") is False or _flagged(facts, "gated", _INFERRED),
        "pipeline_tag": _flagged(facts, "pipeline_tag", _ELSEWHERE),
        "library_name": _flagged(facts, "library_name", _ELSEWHERE),
        "base_model": bool(base_models) and _flagged(facts, "base_model", _ELSEWHERE),
        "datasets": bool(datasets) and _flagged(facts, "datasets", _ELSEWHERE),
        "arxiv": bool(arxiv) and _flagged(facts, "arxiv", _ELSEWHERE),
        "files": bool(files) and files_inferred,
        "weights_seen": bool(weights_seen) and files_inferred,
        "papers": papers_copied,
        "license_files_named": bool(named),
    }
    sources = [
        url for item in facts.get("sources", []) for url in _URL.findall(item.get("url", ""))
    ]
    record: ModelFacts = {
        "license": license,
        "license_name": license_name,
        "license_link": license_link,
        "gated": _gating(facts),
        "pipeline_tag": leading_value(card.get("pipeline_tag") or facts.get("pipeline_tag")),
        "library_name": leading_value(card.get("library_name") or facts.get("library_name")),
        "tags": sorted(set(tags)),
        "base_model": base_models,
        "datasets": datasets,
        "arxiv": arxiv,
        "files": files,
        "files_complete": complete,
        "weights_seen": weights_seen,
        "papers": papers,
        "card_quotes": [],
        "license_files_named": named,
        "inferred": [field for field, flagged in inferred.items() if flagged],
        "sources": list(dict.fromkeys(sources)),
    }
    return repo_id, record


def _iso_date(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def newest_source_date(all_facts: list[dict[str, Any]]) -> tuple[date, str, str]:
    """The newest date written in any facts source entry, with that entry's date text and URL."""
    found = [
        (day, str(source["date"]), str(source.get("url", "")))
        for facts in all_facts
        for source in facts.get("sources", [])
        for text in _ISO_DATE.findall(str(source.get("date", "")))
        if (day := _iso_date(text)) is not None
    ]
    if not found:
        raise SystemExit("no dated source in the corpus: cannot set as_of")
    return max(found)


def build(corpus: Path) -> Snapshot:
    """The snapshot of every `*/facts.json` under `corpus`."""
    keywords = hub_license_keywords(corpus)
    folders = sorted(path.parent for path in corpus.glob("*/facts.json"))
    models = dict(sorted(model_facts(folder, keywords) for folder in folders))
    for repo_id, quotes in card_quotes(corpus, list(models)).items():
        models[repo_id]["card_quotes"] = quotes
        if any(quote["card"] != repo_id for quote in quotes):
            models[repo_id]["inferred"].append("card_quotes")
    all_facts = [json.loads((f / "facts.json").read_text(encoding="utf-8")) for f in folders]
    newest, dated, where = newest_source_date(all_facts)
    description = (
        f"Public facts about {len(models)} well-known Hugging Face model repos, for offline "
        "audits: licence keyword (license: other + license_name for licences the Hub has no "
        "keyword for), gating, machine tags, base models, datasets, arXiv ids, file names and "
        "sizes, weight shards described but not named, the titles of the card's own BibTeX "
        "citations, the card lines stating the model's lineage or licence, and the pages they "
        "were read from. No licence texts or card prose. "
        "as_of is the newest date parsed from the sources of these facts "
        f"({dated}: {where}); the Hub pages themselves were read from stored copies whose "
        "crawl dates are unknown, so individual facts may be older. 'inferred' lists the fields "
        "the sources did not show for the repo itself (deduced, or seen on a copy or sibling); "
        "files_complete is false when the file list is partial. Sizes are the Hub's rounded "
        "decimal displays."
    )
    return {"as_of": newest.isoformat(), "description": description, "models": models}


def render(snapshot: Snapshot) -> str:
    """Indented JSON with one line per file entry (short, diff-friendly, deterministic)."""
    text = json.dumps(snapshot, indent=2, ensure_ascii=False)
    one_line = re.compile(r'\{\n\s+("path": .*),\n\s+("size": .*)\n\s+\}')
    return one_line.sub(r"{\1, \2}", text) + "\n"


def main() -> None:
    corpus = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_CORPUS
    if not corpus.is_dir():
        sys.exit(f"hub corpus folder not found: {corpus}")
    snapshot = build(corpus)
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(render(snapshot), encoding="utf-8")
    models, size = len(snapshot["models"]), OUTPUT.stat().st_size
    print(f"wrote {OUTPUT}: {models} models, as of {snapshot['as_of']}, {size} bytes")


if __name__ == "__main__":
    main()
