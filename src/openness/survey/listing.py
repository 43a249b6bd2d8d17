"""A live Hub listing (`--author`, `--search`) as one paginated stream, written as JSON lines
that DuckDB reads like an export.

The pages are the Hub's `GET /api/models` with the expanded fields of an export (what
huggingface_hub's `list_models(expand=...)` asks for), read the way `openness.sources.hub`
reads the Hub: one capped GET per page through huggingface_hub's HTTP session, the token only
to the endpoint's own origin, `Link: rel="next"` followed only within that origin, transient
errors retried with the server's Retry-After. Each entry is written as it comes (the listing is
never held in memory); an entry whose id is not a repo id is skipped and counted.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urljoin

from openness.errors import EvidenceUnavailable

EXPANDED = ("cardData", "tags", "downloads", "downloadsAllTime", "likes", "library_name",
            "pipeline_tag", "baseModels", "siblings", "lastModified", "createdAt",
            "safetensors", "gguf", "config")  # fmt: skip
PAGE_SIZE = 1000
MAX_PAGES = 10_000
PAGE_TIMEOUT = 60.0  # seconds per page, retries included
MAX_PAGE_BYTES = 64 * 1024 * 1024
_JSON_FIELDS = ("cardData", "baseModels", "safetensors", "gguf", "config")


@dataclass
class Listed:
    """What the listing gave: models written, entries skipped, the query shown to people."""

    models: int
    skipped: int
    query: str


def describe(author: str | None, search: str | None) -> str:
    parts = [f"author={author}" if author else "", f"search={search}" if search else ""]
    return "Hub listing (" + ", ".join(part for part in parts if part) + ")"


def write(
    path: Path,
    author: str | None,
    search: str | None,
    limit: int | None = None,
    page_timeout: float = PAGE_TIMEOUT,
) -> Listed:
    """Write every listed model to `path` (JSON lines); EvidenceUnavailable (exit 3) when the
    listing cannot be obtained in full."""
    from openness.sources import hub
    from openness.sources.paths import hub_endpoint, same_origin

    hub.quiet_library()
    endpoint = hub_endpoint()
    query = [*(("author", author),) * bool(author), *(("search", search),) * bool(search)]
    size = min(PAGE_SIZE, limit) if limit else PAGE_SIZE
    params = [*query, *(("expand", name) for name in EXPANDED), ("limit", str(size))]
    url = f"{endpoint}/api/models?{urlencode(params)}"
    shown = describe(author, search)
    written = skipped = 0
    with path.open("w", encoding="utf-8") as out:
        for page in range(MAX_PAGES):
            items, link = _page(url, page_timeout, shown, page)
            for item in items:
                line = _line(item)
                if line is None:
                    skipped += 1
                    continue
                out.write(line)
                written += 1
                if limit and written >= limit:
                    return Listed(written, skipped, shown)
            if link is None:
                return Listed(written, skipped, shown)
            url = urljoin(url, link)
            if not same_origin(url, endpoint):
                raise EvidenceUnavailable(
                    f"{shown}: the next page is on another site; not followed (listing incomplete)"
                )
    raise EvidenceUnavailable(f"{shown}: more than {MAX_PAGES} pages; listing incomplete")


def _page(url: str, timeout: float, shown: str, page: int) -> tuple[list[Any], str | None]:
    """One page's entries and its next link, or EvidenceUnavailable naming the page."""
    from openness.inputs.target import Target
    from openness.sources import hub
    from openness.sources.metadata import Malformed

    deadline = time.monotonic() + timeout
    try:
        body = hub.retrying(partial(_get, url, deadline), deadline)
        items = json.loads(body.data)
        if not isinstance(items, list):
            raise Malformed("a page is not a list")
    except Exception as error:
        problem = hub._classify(error, Target(repo_id="models"), timeout)
        where = "" if page == 0 else f" page {page + 1}"
        raise EvidenceUnavailable(f"{shown}{where}: {problem}") from None
    link = body.links.get("next", {}).get("url")
    return items, link if isinstance(link, str) else None


def _get(url: str, deadline: float, _remaining: float) -> Any:
    from openness.sources.download import get

    return get(url, deadline, MAX_PAGE_BYTES)


def _text(value: Any) -> str | None:
    """A string as UTF-8 can hold it (a lone surrogate from a JSON escape becomes '?')."""
    if not isinstance(value, str):
        return None
    return value.encode("utf-8", "replace").decode("utf-8")


def _line(item: Any) -> str | None:
    """One entry as a JSON line with the types the export reader expects, or None."""
    from openness.sources.metadata import valid_repo_id

    if not isinstance(item, dict) or valid_repo_id(item.get("id")) is None:
        return None
    row: dict[str, Any] = {"id": item["id"]}
    for name in ("lastModified", "createdAt", "library_name", "pipeline_tag"):
        row[name] = _text(item.get(name))
    for name in ("downloads", "downloadsAllTime", "likes"):
        value = item.get(name)
        row[name] = value if isinstance(value, int) and not isinstance(value, bool) else None
    for name in _JSON_FIELDS:
        value = item.get(name)
        row[name] = None if value is None else json.dumps(value)  # escapes stay escaped
    tags = item.get("tags")
    row["tags"] = (
        [_text(tag) for tag in tags if isinstance(tag, str)] if isinstance(tags, list) else None
    )
    siblings = item.get("siblings")
    row["siblings"] = (
        [name for name in (_file_name(entry) for entry in siblings) if name is not None]
        if isinstance(siblings, list)
        else None
    )
    return json.dumps(row, ensure_ascii=False) + "\n"


def _file_name(entry: Any) -> str | None:
    name = entry.get("rfilename") if isinstance(entry, dict) else entry
    return _text(name)
