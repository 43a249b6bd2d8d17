"""The survey's opt-in text pass (`--fetch-texts`): the main licence file of every row whose
file list has one, read from the Hub and analysed the way `audit` analyses a licence file.

Each GET is the project's capped download (`openness.sources.download.get`: at most
MAX_TEXT_BYTES, redirects followed by hand, a token only to the endpoint's origin) within a
deadline, at most `jobs` at a time. A 429 pauses every worker for Retry-After + 1 s (doubling
pauses up to the Hub's five-minute window when it gives none) before the row is asked again.
A text goes through `openness.license.analysis.analyse` as the only file of an evidence, so it
says what it says in an audit, and each distinct text is analysed once (the analysis memo).

Resumable: every outcome is appended to a JSON-lines state file with the row's
`last_modified` (`openness.survey.text_state`: a torn last line is skipped, a rerun reuses
the settled outcomes of unchanged rows, the file is compacted at the end). No repo id or file
name is ever part of a path on disk. A failed download is a status of its own, never "no
licence".
"""

from __future__ import annotations

import hashlib
import math
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote

import duckdb

from openness.license.analysis import analyse
from openness.license.knowledge import knowledge_version
from openness.sources.download import FileProblem, TooLarge, get, within
from openness.sources.evidence import Evidence, TextFile, hub_repo_id
from openness.sources.files import MAX_TEXT_BYTES, decode_text
from openness.sources.paths import hub_endpoint
from openness.survey.text_state import Outcome, StateLog, compact, load_state, reusable_sql

READ, NOT_FOUND, TOO_LARGE = "read", "not-found", "too-large"
RATE_LIMITED, NO_FILE = "rate-limited", "no-licence-file"
WINDOW = 300.0  # the Hub's rate-limit window (s): the longest pause a 429 without Retry-After gets
MAX_PAUSE = 2 * WINDOW  # a longer Retry-After is capped (the row then counts as rate-limited)
LIMITED_TRIES = 6  # 429s per row before it is left 'rate-limited' for a rerun
FAILED_TRIES = 3  # other transient failures per row (5xx, cut connection, timeout)
BACKOFF = (1.0, 2.0)
MAX_UNREACHABLE = 16  # consecutive connection failures that stop the pass
MAX_PATH = 512
MAX_LISTED = 64  # licence-like names looked at per row
MAX_STATUS = 160
MEMO_ENTRIES = 100_000
_MAIN_STEMS = ("license", "licence", "copying")
_TEXT_COLUMNS = {"file_licence": "VARCHAR", "file_clause_kinds": "VARCHAR[]",
                 "text_status": "VARCHAR"}  # fmt: skip


@dataclass
class TextOptions:
    """`state`: the resume file. `endpoint`: the Hub the files are read from. `token`: whether
    requests carry one (`get` attaches huggingface_hub's own, HF_TOKEN, and only to the
    endpoint's origin); rows refused (401/403) without one are asked again when it is set.
    `max_rows`: at most this many rows fetched in this run (most downloaded first)."""

    state: Path
    endpoint: str
    token: str | None
    jobs: int = 8
    timeout: float = 30.0
    max_rows: int | None = None


class Throttle:
    """One pause shared by every worker: a 429 stops them all until the Hub allows again."""

    def __init__(self, clock: Callable[[], float], sleep: Callable[[float], None]) -> None:
        self._clock, self._sleep, self._lock = clock, sleep, threading.Lock()
        self._until, self._strikes = 0.0, 0
        self.pauses: list[float] = []  # each pause taken, in seconds

    def ready(self) -> None:
        """Return once no pause is in force."""
        while True:
            with self._lock:
                delay = self._until - self._clock()
            if delay <= 0:
                return
            self._sleep(delay)

    def limited(self, retry_after: float | None) -> None:
        """A 429: pause for Retry-After + 1 s, else for 2, 4, 8... s (up to WINDOW)."""
        with self._lock:
            now = self._clock()
            if now < self._until:
                return  # asked before the pause began: it already covers this answer
            self._strikes += 1
            if retry_after is None or not math.isfinite(retry_after):
                pause = min(WINDOW, 2.0**self._strikes)
            else:
                pause = min(MAX_PAUSE, max(0.0, retry_after) + 1.0)
            self._until = now + pause
            self.pauses.append(pause)

    def passed(self) -> None:
        with self._lock:
            self._strikes = 0


def main_file(paths: list[Any]) -> str | None:
    """The file whose text is read: LICENSE/LICENCE/COPYING first, shallowest, shortest."""
    usable = [path for path in paths[:MAX_LISTED] if isinstance(path, str) and safe_path(path)]
    if not usable:
        return None
    return min(usable, key=lambda path: (not _is_main(path), path.count("/"), len(path), path))


def safe_path(path: str) -> bool:
    """A repo-relative file name that can be put in a URL as it is meant."""
    return (
        0 < len(path) <= MAX_PATH
        and "\\" not in path
        and not any(ord(char) < 32 or ord(char) == 0x7F for char in path)
        and all(part not in ("", ".", "..") for part in path.split("/"))
    )


def _is_main(path: str) -> bool:
    return PurePosixPath(path).name.lower().startswith(_MAIN_STEMS)


def _status(text: str) -> str:
    """A status line from text that may quote a server: printable, one line, bounded."""
    return "".join(char if char.isprintable() else " " for char in text)[:MAX_STATUS]


class _Analyser:
    """The licence a text is and its clause kinds, as `analyse` finds them, once per text."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._known: dict[tuple[str, bool], Outcome] = {}

    def __call__(self, repo_id: str, path: str, data: bytes) -> Outcome:
        text, problem = decode_text(data)
        if text is None:
            return Outcome(_status(f"error: {problem}"))
        key = (hashlib.sha256(text.encode("utf-8")).hexdigest(), _is_main(path))
        with self._lock:  # analysis is CPU-bound: one at a time, each distinct text once
            known = self._known.get(key)
            if known is not None:
                return known
            evidence = Evidence(
                repo_id=repo_id, source="hub", retrieved_at=datetime.now(timezone.utc),
                texts=[TextFile(path=path, text=text)],
            )  # fmt: skip
            analysis = analyse(evidence)
            if analysis.unknown_because:
                return Outcome(_status(f"error: {analysis.unknown_because}"), transient=True)
            kinds = tuple(sorted({clause.kind for clause in analysis.clauses}))
            found = Outcome(READ, analysis.conclusion.id if analysis.conclusion else None, kinds)
            if len(self._known) < MEMO_ENTRIES:
                self._known[key] = found
            return found


class _Fetcher:
    """One row's file through the capped GET, with the shared throttle and a few retries."""

    def __init__(self, options: TextOptions, throttle: Throttle, sleep: Callable[[float], None]):
        self.options, self.throttle, self.sleep = options, throttle, sleep
        self.endpoint, self.analyser = options.endpoint.rstrip("/"), _Analyser()
        self.stop, self._lock = threading.Event(), threading.Lock()
        self._unreachable = self.requests = 0

    def __call__(self, repo_id: str, paths: list[Any]) -> Outcome:
        path = main_file(paths)
        if hub_repo_id(repo_id) != repo_id:
            return Outcome("error: not a Hub repo id")
        if path is None:
            return Outcome("error: no licence file name that can be asked for safely")
        url = f"{self.endpoint}/{repo_id}/resolve/main/{quote(path)}"
        limited = failed = 0
        while True:
            self.throttle.ready()
            try:
                data = self._get(url)
            except FileProblem as problem:
                if problem.status == 429 and (limited := limited + 1) < LIMITED_TRIES:
                    self.throttle.limited(problem.retry_after)
                    continue
                outcome, again = self._failed(problem)
            except Exception as error:  # TooLarge, TimeoutError, no connection, offline mode
                outcome, again = self._failed(error)
            else:
                self.throttle.passed()
                with self._lock:
                    self._unreachable = 0
                try:
                    return self.analyser(repo_id, path, data)
                except Exception as error:  # contained per row: its terms stay unknown
                    return Outcome(f"error: not analysed ({type(error).__name__})", transient=True)
            failed += 1
            if not again or failed >= FAILED_TRIES:
                return outcome
            self.sleep(BACKOFF[failed - 1])

    def _failed(self, error: Exception) -> tuple[Outcome, bool]:
        """(the row's outcome if this is the last try, whether to try again)."""
        import httpx2

        if isinstance(error, TooLarge):
            return Outcome(TOO_LARGE), False
        if isinstance(error, TimeoutError):
            late = f"error: no answer within {self.options.timeout:g} s"
            return Outcome(late, transient=True), True
        if not isinstance(error, FileProblem):
            with self._lock:  # consecutive connections refused: the Hub is unreachable
                self._unreachable += isinstance(error, httpx2.ConnectError)
                if self._unreachable >= MAX_UNREACHABLE:
                    self.stop.set()
            name = type(error).__name__
            return Outcome(f"error: the Hub could not be reached ({name})", transient=True), False
        if error.status == 429:
            return Outcome(RATE_LIMITED, transient=True), False
        if error.status == 404 or error.code in ("RepoNotFound", "EntryNotFound"):
            return Outcome(NOT_FOUND), False  # an anonymous ask for a gone repo gets 401
        if error.status in (401, 403):
            status = f"error: refused (HTTP {error.status}, gated?)"
            return Outcome(status, refused=self.options.token is None), False
        return Outcome(_status(f"error: {error.reason}"), transient=error.retry), error.retry

    def _get(self, url: str) -> bytes:
        with self._lock:
            self.requests += 1
        timeout = max(0.1, self.options.timeout)
        deadline = time.monotonic() + timeout
        return within(timeout, lambda: get(url, deadline, MAX_TEXT_BYTES)).data


def fill(
    con: duckdb.DuckDBPyConnection,
    options: TextOptions,
    *,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> dict[str, int]:
    """Fill `file_licence`, `file_clause_kinds` and `text_status` of `results`; returns the rows
    by status ('error' for every 'error: ...'), plus 'fetched' (rows asked of the Hub in this
    run), 'reused' (stored outcomes of unchanged rows), 'not-fetched' (rows with a licence
    file and no outcome: beyond max_rows or after the Hub became unreachable) and 'requests'."""
    hub_endpoint()  # a malformed HF_ENDPOINT is a usage error before any request
    for name, kind in _TEXT_COLUMNS.items():
        con.execute(f"ALTER TABLE results ADD COLUMN IF NOT EXISTS {name} {kind}")
    con.execute("UPDATE results SET file_licence = NULL, file_clause_kinds = NULL, text_status = "
                "CASE WHEN len(licence_files) = 0 THEN 'no-licence-file' END")  # fmt: skip
    knowledge, run = knowledge_version(), uuid.uuid4().hex
    params = {"knowledge": knowledge}
    last_seq = load_state(con, options.state)
    reusable = reusable_sql(options.token is not None)
    limit = "" if options.max_rows is None else f"LIMIT {max(0, int(options.max_rows))}"
    todo = con.execute(
        "SELECT r.id, r.last_modified, r.licence_files FROM results r "
        "LEFT JOIN text_state s ON s.id = r.id WHERE len(r.licence_files) > 0 AND r.id IS NOT "
        f"NULL AND NOT coalesce({reusable}, false) "
        f"ORDER BY r.downloads DESC NULLS LAST, r.id {limit}",
        params,
    )
    throttle = Throttle(clock, sleep)
    fetcher = _Fetcher(options, throttle, sleep)
    state = StateLog(options.state, run, knowledge, last_seq)
    try:
        _fetch_all(todo, fetcher, state, max(1, options.jobs))
    finally:
        state.close()
    if state.written:  # this run's outcomes join the stored ones, one line per repo id
        load_state(con, options.state)
        compact(con, options.state)
    con.execute(
        "UPDATE results AS r SET file_licence = s.licence, file_clause_kinds = s.kinds, "
        "text_status = s.status FROM text_state s WHERE s.id = r.id "
        f"AND len(r.licence_files) > 0 AND (s.run = $run OR {reusable})",
        {**params, "run": run},
    )
    counts = _counts(con, state.written, fetcher.requests)
    con.execute("DROP TABLE text_state")
    return counts


def _fetch_all(
    todo: duckdb.DuckDBPyConnection, fetcher: _Fetcher, state: StateLog, jobs: int
) -> None:
    """Ask for every listed row, at most `jobs` at a time, a bounded number queued."""

    def one(repo_id: str, last_modified: str | None, paths: list[Any]) -> None:
        if not fetcher.stop.is_set():  # the Hub became unreachable: the rest is not asked
            state.write(repo_id, last_modified, main_file(paths), fetcher(repo_id, paths))

    pending: set[Future[None]] = set()
    pool = ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="openness-texts")
    try:
        while not fetcher.stop.is_set() and (batch := todo.fetchmany(256)):
            for repo_id, last_modified, paths in batch:
                if fetcher.stop.is_set():
                    break
                pending.add(pool.submit(one, repo_id, last_modified, list(paths)))
                while len(pending) >= 4 * jobs:
                    done, pending = wait(pending, return_when=FIRST_COMPLETED)
                    for future in done:
                        future.result()
        for future in pending:
            future.result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _counts(con: duckdb.DuckDBPyConnection, fetched: int, requests: int) -> dict[str, int]:
    rows = con.execute(
        "SELECT CASE WHEN text_status LIKE 'error:%' THEN 'error' "
        "ELSE coalesce(text_status, 'not-fetched') END AS status, count(*) FROM results "
        "WHERE text_status IS NOT NULL OR len(licence_files) > 0 GROUP BY ALL"
    ).fetchall()
    counts = {str(status): int(count) for status, count in rows}
    listed = sum(n for status, n in counts.items() if status not in (NO_FILE, "not-fetched"))
    return {**counts, "fetched": fetched, "reused": max(0, listed - fetched),
            "requests": requests}  # fmt: skip
