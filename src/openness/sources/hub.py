"""The Hugging Face Hub through huggingface_hub's HTTP session: one metadata call, small texts.

The server may be the audited party's (an HF_ENDPOINT mirror): every answer comes from one
capped GET (`download`) and is checked before use (`metadata`), and one deadline per model
covers the metadata call and every file. The metadata is read as JSON rather than through
`HfApi.model_info`, whose module costs an audit more start-up time than all the rest.
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Callable
from functools import partial
from typing import Any, TypeVar
from urllib.parse import quote, urlencode, urljoin

from openness.inputs.target import Target
from openness.sources import records
from openness.sources.download import Body, FileProblem, TooLarge, get, within
from openness.sources.evidence import Evidence
from openness.sources.files import MAX_TEXT_BYTES, check_card_metadata
from openness.sources.metadata import Malformed, evidence_from
from openness.sources.paths import hub_endpoint, same_origin

T = TypeVar("T")
DEFAULT_TIMEOUT = 30.0
MAX_ATTEMPTS = 4
BACKOFF = (0.5, 1.0, 2.0)
TOO_LARGE = f"larger than {MAX_TEXT_BYTES // 1024} KiB"

# Quiet, no side requests: set before huggingface_hub is first imported.
for _name in ("HF_HUB_DISABLE_TELEMETRY", "HF_HUB_DISABLE_XET", "HF_HUB_DISABLE_PROGRESS_BARS"):
    os.environ.setdefault(_name, "1")


class HubNotFound(Exception):
    """The Hub says the repo (or revision) does not exist, or is private to us."""


class HubUnreachable(Exception):
    """The Hub could not answer: network, rate limit, server error, offline mode, garbage.

    `connection`: no connection or no answer at all (refused, DNS, unreachable, timed out),
    which later requests of the run would meet too.
    """

    def __init__(self, message: str, connection: bool = False) -> None:
        super().__init__(message)
        self.connection = connection


def quiet_library() -> None:
    """Silence huggingface_hub's own log lines on stderr (multi-line retry chatter): every
    failure it meets is reported by openness itself, as one line or as an audit warning."""
    if not _quieted:
        from huggingface_hub.utils import logging as hub_logging  # configures it when imported

        hub_logging.get_logger().setLevel(logging.CRITICAL)
        _quieted.append(True)  # once per process: the level stays set


_quieted: list[bool] = []


def fetch(target: Target, timeout: float = DEFAULT_TIMEOUT) -> Evidence:
    """Model metadata with one API call, then README/licence texts, all within `timeout` s."""
    quiet_library()
    deadline = time.monotonic() + timeout
    info = _model_info(target, deadline, timeout)
    try:
        evidence = evidence_from(info, target.repo_id, target.revision)
    except (Malformed, TypeError, ValueError, AttributeError) as error:
        raise malformed(error) from error
    return _read_texts(evidence, deadline, timeout, target.revision)


def complete(evidence: Evidence, timeout: float = DEFAULT_TIMEOUT) -> Evidence:
    """Read the texts of listed evidence (sizes unknown: the cap applies on reading)."""
    quiet_library()
    deadline = time.monotonic() + timeout
    return _read_texts(evidence.model_copy(deep=True), deadline, timeout, None)


LISTED_FIELDS = ("cardData", "siblings", "gated", "sha", "tags", "lastModified")
MAX_PAGES = 100
MAX_PAGE_BYTES = 32 * 1024 * 1024


def list_author(author: str, timeout: float = DEFAULT_TIMEOUT) -> tuple[list[Evidence], str | None]:
    """(every model of an organisation from paginated list calls, why the listing is
    incomplete or None). Texts are not read yet: pass each to `complete`.

    Pages are followed only within the endpoint's origin, at most MAX_PAGES of them, within
    `timeout` seconds; a page that fails after the first ends the listing early.
    """
    quiet_library()
    endpoint = hub_endpoint()
    deadline = time.monotonic() + timeout
    query = urlencode([("author", author), *(("expand", name) for name in LISTED_FIELDS)])
    url = f"{endpoint}/api/models?{query}"
    found: list[Evidence] = []
    gaps: list[str] = []
    for page in range(MAX_PAGES):
        try:
            body = retrying(partial(_page, url, deadline), deadline)
            items = json.loads(body.data)
            if not isinstance(items, list):
                raise Malformed("a page is not a list")
        except Exception as error:
            problem = _classify(error, Target(repo_id=author), timeout)
            if page == 0:
                raise problem from error
            gaps.append(f"page {page + 1} could not be read: {problem}")
            break
        found += _listed(items, author, gaps)
        link = body.links.get("next", {}).get("url")
        if not isinstance(link, str):
            break
        url = urljoin(body.url, link)
        if not same_origin(url, endpoint):
            gaps.append("the next page is on another site; not followed")
            break
    else:
        gaps.append(f"more than {MAX_PAGES} pages; not followed further")
    return found, "; ".join(gaps) or None


def _page(url: str, deadline: float, _remaining: float) -> Body:
    return get(url, deadline, MAX_PAGE_BYTES)


def _listed(items: list[Any], author: str, gaps: list[str]) -> list[Evidence]:
    """Evidence of each well-formed entry of the author's; the others are counted in the gaps."""
    found = []
    for item in items:
        try:
            evidence = evidence_from(item, None)
        except Exception:  # TypeError, ValueError, Malformed...: never used
            evidence = None
        if evidence and evidence.repo_id.lower().startswith(author.lower() + "/"):
            found.append(evidence)
    if len(found) < len(items):
        gaps.append(f"{len(items) - len(found)} malformed or foreign entries skipped")
    return found


def malformed(error: Exception) -> HubUnreachable:
    return HubUnreachable(f"the Hub answered malformed metadata ({str(error)[:160]})")


def _model_info(target: Target, deadline: float, timeout: float) -> Any:
    """The Hub's model metadata as parsed JSON (with file sizes), at most MAX_PAGE_BYTES."""
    url = f"{hub_endpoint()}/api/models/{target.repo_id}"
    if target.revision is not None:
        url += f"/revision/{quote(target.revision, safe='')}"
    url += "?blobs=true"
    try:
        body = retrying(lambda _: get(url, deadline, MAX_PAGE_BYTES), deadline)
        return json.loads(body.data)
    except Exception as error:
        raise _classify(error, target, timeout) from error


def retrying(call: Callable[[float], T], deadline: float) -> T:
    """`call(remaining seconds)` in a worker thread, retried with backoff on transient errors
    (429, 5xx, a connection cut short) while the deadline allows; a Retry-After that does not
    fit gives up. A connection that cannot be made at all is not retried."""
    for attempt in range(MAX_ATTEMPTS):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("the deadline has passed")
        try:
            return within(remaining, partial(call, max(0.1, remaining)))
        except Exception as error:
            if attempt == MAX_ATTEMPTS - 1 or not _transient(error):
                raise
            wait = _retry_after(error)
            wait = BACKOFF[attempt] if wait is None else wait
            if time.monotonic() + wait >= deadline:
                raise
            time.sleep(wait)
    raise AssertionError("unreachable")


def _transient(error: Exception) -> bool:
    import httpx2

    if isinstance(error, FileProblem):
        return error.retry
    status = _status(error)
    if isinstance(error, httpx2.ConnectError | httpx2.ConnectTimeout):
        return False  # refused, DNS, unreachable: the same again after a back-off
    return isinstance(error, httpx2.TransportError) or status in (408, 429) or (status or 0) >= 500


def _retry_after(error: Exception) -> float | None:
    if isinstance(error, FileProblem):
        return error.retry_after
    response: Any = getattr(error, "response", None)
    value = getattr(response, "headers", {}).get("retry-after") if response is not None else None
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None


def _read_texts(evidence: Evidence, deadline: float, timeout: float, asked: str | None) -> Evidence:
    """Read the wanted texts (the settled ones from the record of this commit) and record them;
    a warm audit, finding them all there, only notes which commit the revision asked named."""
    known = records.load(evidence.repo_id, evidence.revision)
    settled = known.files if known else {}

    def missing(path: str, size: int | None) -> tuple[records.Outcome, bool]:
        return _download(evidence, path, size, deadline, timeout)

    if known is not None and records.all_settled(evidence, settled):  # a warm audit
        records.read_texts(evidence, settled, missing)  # which asks for none
        records.save_ref(evidence, asked)
        check_card_metadata(evidence)
        return evidence
    record = records.Record(evidence=evidence.model_copy(deep=True), files=settled)
    records.read_texts(evidence, record.files, missing)
    if known is None or record.files != known.files:  # a warm audit writes nothing
        records.save(record, asked)
    else:
        records.save_ref(evidence, asked)
    check_card_metadata(evidence)
    return evidence


def _download(
    evidence: Evidence, path: str, size: int | None, deadline: float, timeout: float
) -> tuple[records.Outcome, bool]:
    """(what became of the file, whether that is settled for this commit)."""
    if size is not None and size > MAX_TEXT_BYTES:
        return records.Outcome(reason=TOO_LARGE), True
    url = f"{hub_endpoint()}/{evidence.repo_id}/resolve/{evidence.revision}/{quote(path)}"
    try:
        body = retrying(lambda _: get(url, deadline, MAX_TEXT_BYTES), deadline)
    except TooLarge:
        return records.Outcome(reason=TOO_LARGE), True
    except TimeoutError:
        return records.Outcome(reason=f"not downloaded within the {timeout:g} s timeout"), False
    except FileProblem as problem:
        return records.Outcome(reason=_refusal(evidence, problem)), problem.status == 404
    except Exception as error:  # offline mode, a malformed redirect URL, ...
        return records.Outcome(reason=f"could not be downloaded ({type(error).__name__})"), False
    return records.Outcome(data=body.data), True


def _refusal(evidence: Evidence, problem: FileProblem) -> str:
    if problem.status in (401, 403):
        return (
            f"HTTP {problem.status}: {evidence.repo_id} is gated or private; accept its terms "
            f"at https://huggingface.co/{evidence.repo_id} and set HF_TOKEN"
        )
    if problem.status == 404:
        return "not found on the Hub (HTTP 404)"
    return problem.reason


def _status(error: Exception) -> int | None:
    if isinstance(error, FileProblem):
        return error.status
    response: Any = getattr(error, "response", None)
    status = getattr(response, "status_code", None)
    return status if isinstance(status, int) else None


def _classify(error: Exception, target: Target, timeout: float) -> Exception:
    import httpx2

    status = _status(error)
    code = error.code if isinstance(error, FileProblem) else None  # the Hub's X-Error-Code
    if code == "RevisionNotFound":
        return HubNotFound(f"revision {target.revision!r} of {target.repo_id} not found on the Hub")
    if code == "GatedRepo":
        return HubNotFound(f"{target.repo_id} is gated and its metadata was refused")
    if code == "RepoNotFound" or status in (401, 403, 404):
        return HubNotFound(
            f"{target.repo_id} not found on the Hub (if it is private, set HF_TOKEN)"
        )
    if isinstance(error, json.JSONDecodeError | UnicodeDecodeError):
        return HubUnreachable("the Hub answered with something that is not JSON (a proxy page?)")
    if status == 429:
        return HubUnreachable("the Hub is rate-limiting requests (HTTP 429)")
    if status is not None:
        return HubUnreachable(f"the Hub answered HTTP {status}")
    if isinstance(error, TimeoutError) or "Timeout" in type(error).__name__:
        return HubUnreachable(f"the Hub gave no answer within {timeout:g} s", connection=True)
    if isinstance(error, FileProblem):  # no status: redirects, encoding, a cut-short body
        return HubUnreachable(f"the Hub's answer could not be read ({error.reason})")
    if isinstance(error, TooLarge):
        return HubUnreachable(f"the Hub's answer is larger than {MAX_PAGE_BYTES // 2**20} MiB")
    if isinstance(error, TypeError | KeyError | ValueError | AttributeError):
        return malformed(error)
    return HubUnreachable(
        f"the Hub could not be reached ({_network_reason(error)})",
        connection=isinstance(error, httpx2.ConnectError),
    )


def _network_reason(error: Exception) -> str:
    """`ConnectError: [Errno 111] Connection refused`, cut short (no URL, no credentials)."""
    detail = str(error).split("\n", 1)[0][:80]
    return (
        f"{type(error).__name__}: {detail}" if detail.startswith("[Errno") else type(error).__name__
    )
