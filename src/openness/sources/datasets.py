"""The training datasets a card names, and what the Hub says of each (licence, gating, public).

Names come from the card's `datasets:` metadata, the Hub's `dataset:` tags and dataset links in
the card text; each must be a plain Hub repo id, and at most MAX_DATASETS are looked up per
model. Each dataset costs one capped GET of `/api/datasets/{id}` per run, whatever the number
of models naming it: a `DatasetLookup` is shared by a batch, and threads asking for a dataset
already being fetched wait for that answer. The server may be hostile: the answer is checked
field by field (`dataset_answer`). Offline, or when the Hub cannot answer, the last answer
saved in the openness cache is used, else the dataset is `unknown` with a reason: only a
successful public answer makes a dataset public.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlencode

from pydantic import BaseModel

from openness.inputs.target import Target
from openness.report import DatasetEntry
from openness.sources import records
from openness.sources.dataset_answer import Answer, parse_answer
from openness.sources.download import TooLarge, get
from openness.sources.evidence import Evidence, hub_repo_id
from openness.sources.gather import Connectivity
from openness.sources.paths import hub_endpoint, offline_requested, records_dir

MAX_DATASETS = 20  # looked up per model; the others are named in a warning
DATASETS_KEPT = 4096  # answers a lookup keeps for the run (the most recently used)
MAX_DATASET_BYTES = 4 * 1024 * 1024
MIN_REQUEST_TIME = 0.5  # below this, a dataset comes from the cache only
FIELDS = ("cardData", "gated", "private", "sha", "tags")
_LINK = re.compile(
    r"https?://(?:www\.)?(?:huggingface\.co|hf\.co)/datasets/([A-Za-z0-9][\w.-]{0,95})"
    r"(?:/([A-Za-z0-9][\w.-]{0,95}))?",
    re.IGNORECASE,
)


class Named(BaseModel):
    """A dataset id as the card gives it, and where (`card:datasets`, `hub:tags`, `README.md:7`)."""

    id: str
    named_in: str


def dataset_id(value: object) -> str | None:
    """A plain Hub dataset id (`org/name`, or a legacy `name`), or one from a dataset URL."""
    if not isinstance(value, str) or len(value) > 300:
        return None
    value = value.strip()
    link = _LINK.fullmatch(value.rstrip("/"))
    if link:
        value = "/".join(part for part in link.groups() if part)
    return hub_repo_id(value) if "://" not in value else None


def named_datasets(evidence: Evidence) -> tuple[list[Named], list[str]]:
    """(the datasets named, each once; notes on names skipped: invalid, or beyond the cap)."""
    found: dict[str, Named] = {}
    invalid: list[str] = []

    def add(value: object, where: str) -> None:
        valid = dataset_id(value)
        if valid is None:
            invalid.append(repr(value)[:80])
        elif valid.lower() not in found:
            found[valid.lower()] = Named(id=valid, named_in=where)

    declared = evidence.card_data.get("datasets")
    for value in declared if isinstance(declared, list) else [declared] if declared else []:
        add(value, "card:datasets")
    for tag in evidence.tags:
        if tag.startswith("dataset:"):
            add(tag[len("dataset:") :], "hub:tags")
    text = evidence.card_text or ""
    for number, match in enumerate(_LINK.finditer(text)):
        if number >= 10 * MAX_DATASETS:
            break
        if match.group(2):
            line = text.count("\n", 0, match.start()) + 1
            add(match.group(0).rstrip(".-"), f"README.md:{line}")
    notes = []
    if invalid:
        shown = ", ".join(invalid[:5]) + (", ..." if len(invalid) > 5 else "")
        notes.append(
            f"{len(invalid)} dataset name(s) in the card are not Hub ids, ignored: " + shown
        )
    named = list(found.values())
    if len(named) > MAX_DATASETS:
        notes.append(
            f"the card names {len(named)} datasets; only the first {MAX_DATASETS} were looked up"
        )
    return named[:MAX_DATASETS], notes


class DatasetLookup:
    """One run's dataset answers, shared by every audit of a batch (at most DATASETS_KEPT).

    An answer missed for want of time is not kept, so a later audit with time left asks again.
    After the run's first connection-level failure (`connectivity`), lookups use the cache.
    """

    def __init__(self, offline: bool = False, connectivity: Connectivity | None = None) -> None:
        self.offline = offline
        self.connectivity = connectivity or Connectivity()
        self._known: OrderedDict[str, Future[Answer]] = OrderedDict()
        self._lock = threading.Lock()

    def look_up(self, named: list[Named], deadline: float) -> list[DatasetEntry]:
        """An entry per named dataset, each fetched at most once per run, by `deadline`."""
        return [self._one(item.id, deadline).entry(item.id, item.named_in) for item in named]

    def _one(self, name: str, deadline: float) -> Answer:
        key = name.lower()
        with self._lock:
            pending = self._known.get(key)
            mine = pending is None
            if pending is None:
                pending = self._known[key] = Future()
                if len(self._known) > DATASETS_KEPT:
                    self._known.popitem(last=False)
            else:
                self._known.move_to_end(key)
        if not mine:  # fetched, or being fetched by another audit: its answer
            try:
                return pending.result(timeout=max(0.0, deadline - time.monotonic()))
            except FutureTimeout:
                return Answer(reason="another audit's lookup of it did not end within the timeout")
        try:
            answer, keep = self._fetch(name, deadline)
        except Exception as error:  # one dataset never breaks an audit
            answer, keep = Answer(reason=f"could not be looked up ({type(error).__name__})"), True
        if not keep:
            with self._lock:
                if self._known.get(key) is pending:
                    del self._known[key]
        pending.set_result(answer)
        return answer

    def _fetch(self, name: str, deadline: float) -> tuple[Answer, bool]:
        """(the answer, whether to keep it for the run)."""
        from openness.sources import hub

        remaining = deadline - time.monotonic()
        if self.offline or offline_requested():
            return _cached(name, "offline mode"), True
        if self.connectivity.down:
            return _cached(name, f"{self.connectivity.down} earlier in this run"), True
        if remaining < MIN_REQUEST_TIME:
            return _cached(name, "no time left within the model's timeout"), False
        query = urlencode([("expand", field) for field in FIELDS])
        url = f"{hub_endpoint()}/api/datasets/{name}?{query}"
        hub.quiet_library()
        try:
            body = hub.retrying(lambda _: get(url, deadline, MAX_DATASET_BYTES), deadline)
            answer = parse_answer(json.loads(body.data), name, now())
        except Exception as error:
            timed_out = isinstance(error, TimeoutError) or "Timeout" in type(error).__name__
            problem = hub._classify(error, Target(repo_id=name), remaining)
            if isinstance(problem, hub.HubNotFound):  # a definite answer: no public dataset
                return Answer(reason=str(problem)), True
            if isinstance(problem, hub.HubUnreachable) and problem.connection and not timed_out:
                self.connectivity.fail(str(problem))
            reason = str(problem)
            if isinstance(error, TooLarge):
                reason = f"the Hub's answer is larger than {MAX_DATASET_BYTES // 2**20} MiB"
            return _cached(name, reason), not timed_out
        _save(name, answer)
        return answer, True


def _cache_path(name: str) -> Path | None:
    valid = hub_repo_id(name)
    if valid is None:
        return None
    return records_dir() / "datasets" / (valid.lower().replace("/", "--") + ".json")


def _save(name: str, answer: Answer) -> None:
    """Keep the answer for offline audits; a warm run that learnt nothing new writes nothing."""
    path = _cache_path(name)
    known = _load(name)
    if path is None or (known is not None and _same(known, answer)):
        return
    records.write_atomically(path, answer.model_dump_json())


def _same(one: Answer, other: Answer) -> bool:
    unstamped = {"source": None, "as_of": None}
    return one.model_copy(update=unstamped) == other.model_copy(update=unstamped)


def _load(name: str) -> Answer | None:
    text = records.read_quietly(_cache_path(name))
    try:
        return Answer.model_validate_json(text) if text else None
    except ValueError:
        return None


def _cached(name: str, why: str) -> Answer:
    """The last answer saved for the dataset, noting why the Hub was not used; else unknown."""
    known = _load(name)
    if known is None:
        return Answer(reason=f"{why}, and it is not in the local cache")
    seen = f"as the Hub answered on {known.as_of[:10]}" if known.as_of else "as last seen"
    note = "; ".join(filter(None, [f"Hub not used ({why}); {seen}", known.reason]))
    return known.model_copy(update={"source": "cache", "reason": note})


def now() -> str:
    return datetime.now(timezone.utc).isoformat()


Look = Callable[[list[Named]], list[DatasetEntry]]


def describe(evidence: Evidence, look: Look | None) -> tuple[list[DatasetEntry], list[str]]:
    """(an entry per dataset the card names, looked up when `look` is given; notes on names
    skipped). Without `look`, each is unknown: not looked up."""
    named, notes = named_datasets(evidence)
    if look is not None:
        return look(named), notes
    unlooked = Answer(reason="not looked up (no Hub lookup in this audit)")
    return [unlooked.entry(item.id, item.named_in) for item in named], notes
