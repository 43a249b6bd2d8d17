"""One capped GET through huggingface_hub's HTTP session, within a deadline.

The server may be hostile: the token goes only to the endpoint's own origin, redirects are
followed by hand (a few, http/https only), the body is streamed with a byte cap that also
bounds what a compressed body decodes to, and the deadline is checked between chunks. A
worker thread (`within`) bounds what per-read timeouts cannot: a server trickling bytes.

Plain http to this machine (a local mirror, a replay Hub) goes through a client of its own
that cannot speak TLS: making huggingface_hub's client loads the CA bundle for its TLS
context, the larger part of that client's cost, which such a request never uses.
"""

from __future__ import annotations

import contextlib
import ipaddress
import queue
import re
import threading
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urljoin, urlsplit

from openness.once import once
from openness.sources.paths import hub_endpoint, same_origin

_RESET = re.compile(r"(?:^|;)\s*t=(\d{1,7})(?![\d.])")  # RateLimit: seconds to the reset

T = TypeVar("T")
MAX_REDIRECTS = 5
CHUNK_BYTES = 64 * 1024


class TooLarge(Exception):
    """The body is longer than the cap."""


class FileProblem(Exception):
    """A GET that gave no usable body. `retry`: worth trying again (network, 408/429/5xx)."""

    def __init__(self, reason: str, status: int | None = None, retry: bool = False) -> None:
        super().__init__(reason)
        self.reason, self.status, self.retry = reason, status, retry
        self.retry_after: float | None = None
        self.code: str | None = None  # the Hub's X-Error-Code, e.g. RepoNotFound


@dataclass(frozen=True)
class Body:
    data: bytes
    url: str
    links: dict[Any, dict[str, str]]


def within(seconds: float, work: Callable[[], T]) -> T:
    """`work()` in a daemon thread, abandoned with TimeoutError after `seconds`.

    The threads are kept for later calls (starting one cost more CPU than a warm audit's whole
    request); one whose work was abandoned serves again once that work returns."""
    outcome: list[tuple[T | None, BaseException | None]] = []
    done = threading.Event()

    def run() -> None:
        try:
            outcome.append((work(), None))
        except BaseException as error:  # handed to the caller
            outcome.append((None, error))
        finally:
            done.set()

    _hand(run)
    if not done.wait(max(0.0, seconds)):
        raise TimeoutError(f"no answer within {seconds:.1f} s")
    value, error = outcome[0]
    if error is not None:
        raise error
    return value  # type: ignore[return-value]  # set whenever error is None


IDLE_KEPT = 64  # idle threads kept for `within`; more end when their work is done
_idle: list[queue.SimpleQueue[Callable[[], None]]] = []  # the inboxes of idle threads
_idle_lock = threading.Lock()


def _hand(job: Callable[[], None]) -> None:
    """Give `job` to an idle thread, or to a new one."""
    with _idle_lock:
        inbox = _idle.pop() if _idle else None
    if inbox is None:
        inbox = queue.SimpleQueue()
        thread = threading.Thread(target=_serve, args=(inbox,), name="openness-hub", daemon=True)
        thread.start()
    inbox.put(job)


def _serve(inbox: queue.SimpleQueue[Callable[[], None]]) -> None:
    while True:
        inbox.get()()  # never raises: `within`'s job keeps what its work raised
        with _idle_lock:
            if len(_idle) >= IDLE_KEPT:
                return
            _idle.append(inbox)


def get(url: str, deadline: float, cap: int) -> Body:
    """GET `url`: at most `cap` bytes (TooLarge beyond), by `deadline` (TimeoutError)."""
    import httpx2
    from huggingface_hub.utils._headers import build_hf_headers

    endpoint = hub_endpoint()
    for _ in range(MAX_REDIRECTS + 1):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError(url)
        headers = build_hf_headers(token=None if same_origin(url, endpoint) else False)
        headers["Accept-Encoding"] = "identity"
        session = _session(url)
        request = session.build_request("GET", url, headers=headers, timeout=remaining)
        try:
            response = session.send(request, stream=True, follow_redirects=False)
            try:
                if not response.has_redirect_location:
                    _check_status(response)
                    return Body(_read(response, deadline, cap), url, dict(response.links))
                url = _redirect(url, response.headers["Location"])
            finally:
                response.close()
        except httpx2.TimeoutException as error:
            raise TimeoutError(url) from error
        except httpx2.ConnectError:
            raise  # no connection at all: the caller decides whether the Hub is unreachable
        except (httpx2.RemoteProtocolError, httpx2.NetworkError) as error:
            raise FileProblem(
                f"incomplete download ({type(error).__name__})", retry=True
            ) from error
        except httpx2.HTTPError as error:
            raise FileProblem(f"could not be downloaded ({type(error).__name__})") from error
    raise FileProblem(f"more than {MAX_REDIRECTS} redirects")


def _session(url: str) -> Any:
    """huggingface_hub's shared client, or for plain http to this machine `_local_session`."""
    if _loopback_http(url):
        return _local_session()
    from huggingface_hub import get_session

    return get_session()


def _loopback_http(url: str) -> bool:
    """Whether `url` is plain http to this machine: localhost, 127.0.0.0/8 or ::1."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
    except ValueError:
        return False
    if parts.scheme.lower() != "http":
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@once
def _local_session() -> Any:
    """The client for plain http to this machine: huggingface_hub's own settings and request
    hook (offline mode, request id), but no CA bundle loaded (its TLS context trusts no
    certificate: it could not complete a TLS handshake if it were ever asked to) and no proxy
    from the environment (a proxy elsewhere would not reach this machine's loopback)."""
    import ssl

    import httpx2
    from huggingface_hub.utils._http import hf_request_event_hook

    no_tls = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)  # verifies certificates, trusts none
    return httpx2.Client(
        event_hooks={"request": [hf_request_event_hook]},
        follow_redirects=True,
        timeout=None,
        verify=no_tls,
        trust_env=False,
    )


def _redirect(url: str, location: str) -> str:
    target = urljoin(url, location)
    if urlsplit(target).scheme not in ("http", "https"):
        raise FileProblem("redirect to a non-HTTP URL refused")
    return target


def _check_status(response: Any) -> None:
    status = response.status_code
    if status < 300:
        return
    problem = FileProblem(f"HTTP {status}", status, retry=status in (408, 429) or status >= 500)
    problem.retry_after = _wait_asked(response.headers)
    problem.code = response.headers.get("x-error-code", "")[:40] or None
    raise problem


def _wait_asked(headers: Any) -> float | None:
    """Seconds the server asks to wait: `Retry-After`, else the `t=` (seconds to the window's
    reset) of the Hub's `RateLimit` header (`"api";r=0;t=55`); None when it says neither."""
    with contextlib.suppress(ValueError):
        return max(0.0, float(headers.get("retry-after", "")))
    found = _RESET.search(headers.get("ratelimit", "")[:200])
    return float(found.group(1)) if found else None


def _read(response: Any, deadline: float, cap: int) -> bytes:
    """The body, decoded if the server compressed it anyway, never more than cap + 1 bytes."""
    encoding = response.headers.get("content-encoding", "identity").strip().lower()
    if encoding not in ("identity", "gzip", "x-gzip", "deflate"):
        raise FileProblem(f"served with an unsupported Content-Encoding ({encoding[:40]!r})")
    inflate = None if encoding == "identity" else zlib.decompressobj(zlib.MAX_WBITS | 32)
    declared = response.headers.get("content-length", "")
    if inflate is None and declared.isdigit() and int(declared) > cap:
        raise TooLarge(declared)
    body = bytearray()
    for chunk in response.iter_raw(CHUNK_BYTES):
        if time.monotonic() > deadline:
            raise TimeoutError(str(response.url))
        body += _inflated(inflate, chunk, cap + 1 - len(body))
        if len(body) > cap:
            raise TooLarge(str(len(body)))
    if inflate is not None and not inflate.eof:
        raise FileProblem("incomplete download (compressed body cut short)", retry=True)
    return bytes(body)


def _inflated(inflate: Any, chunk: bytes, room: int) -> bytes:
    """The chunk as decoded, at most `room` bytes plus one when more is pending."""
    if inflate is None:
        return chunk
    try:
        data: bytes = inflate.decompress(chunk, max(room, 1))
    except zlib.error as error:
        raise FileProblem(f"could not be decompressed ({error})") from error
    return data + (b"+" if inflate.unconsumed_tail else b"")
