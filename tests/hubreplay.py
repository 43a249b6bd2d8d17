"""A loopback replay of the Hugging Face Hub HTTP API, for tests that run the real client.

`HubReplay` answers what huggingface_hub 2.4 asks (see ../shared/docs/hub-api.md):

* `GET /api/models/{repo}[/revision/{rev}]` -- model_info JSON; `?blobs=true` adds sibling sizes,
  blob ids and LFS info; repeated `?expand=` returns only `_id`, `id` and the requested keys.
* `HEAD|GET /{repo}/resolve/{rev}/{path}` -- small text files with `ETag` (git blob sha1),
  `X-Repo-Commit` and `Content-Length`; `Range: bytes=N-` is honoured so resumed downloads work.
* `GET /api/models?author=&search=&filter=` -- list_models, paginated with `Link: rel="next"`.
* `GET /api/datasets/{repo}` -- dataset_info JSON of a `FakeDataset` (card licence, gating,
  privacy); `?expand=` as for models; a missing or private dataset errs like a model.
* `GET /api/agent-harnesses` -- 404 (telemetry is off in tests anyway).

Errors carry `X-Error-Code` / `X-Error-Message` exactly as `hf_raise_for_status` dispatches on them.
Like the real Hub, an anonymous request for a missing or private repo gets 401 RepoNotFound, an
authenticated one 404. Every request is recorded in `.requests`; `Fault` rules inject failures.
"""

from __future__ import annotations

import hashlib
import json
import re
import socket
import struct
import sys
import threading
import uuid
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal
from urllib.parse import parse_qs, unquote, urlencode, urlsplit

import yaml

Gated = Literal[False, "auto", "manual"]
FaultKind = Literal[
    "respond", "delay", "reset", "truncate", "redirect_loop", "content", "headers", "trickle"
]

LFS_POINTER = "version https://git-lfs.github.com/spec/v1\noid sha256:{oid}\nsize {size}\n"
# What the Hub's default .gitattributes (plus images) sends to LFS; anything >= 10 MB must be LFS.
LFS_SUFFIXES = (".safetensors", ".bin", ".pt", ".pth", ".ckpt", ".gguf", ".onnx", ".h5", ".msgpack",
                ".model", ".npz", ".tflite", ".zip", ".parquet", ".jpg", ".png")  # fmt: skip
LFS_MIN_SIZE = 10_000_000


def git_blob_sha1(data: bytes) -> str:
    """The git object id of a file: what the Hub sends as ETag for regular (non-LFS) files."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


# --------------------------------------------------------------------------------------------
# Repos
# --------------------------------------------------------------------------------------------


@dataclass
class FakeRepo:
    """One model repo as the Hub would show it.

    `files` are served byte for byte. `listed` maps other files to their size: they appear in
    `siblings` (as LFS files when `is_lfs`) and answer HEAD, but a GET on them is refused: tests
    never download weights. README.md is generated from `card_data` (YAML front matter) and
    `readme_body` unless `files` holds one. Files in `refuse_files` answer GatedRepo (401
    anonymous, 403 with a token) unless the caller's token is in `approved_tokens`; the same
    tokens unlock a `private` repo (others get RepoNotFound).
    """

    repo_id: str
    sha: str = ""
    card_data: dict[str, Any] = field(default_factory=dict)
    readme_body: str = ""
    files: dict[str, bytes] = field(default_factory=dict)
    listed: dict[str, int] = field(default_factory=dict)
    gated: Gated = False
    private: bool = False
    tags: list[str] = field(default_factory=list)
    pipeline_tag: str | None = None
    library_name: str | None = None
    last_modified: str = "2025-01-20T14:49:22.000Z"
    created_at: str = "2025-01-20T09:00:00.000Z"
    branches: tuple[str, ...] = ("main",)
    refuse_files: frozenset[str] = frozenset()
    approved_tokens: frozenset[str] = frozenset()
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.sha:
            self.sha = hashlib.sha1(self.repo_id.encode()).hexdigest()
        if not re.fullmatch(r"[0-9a-f]{40}", self.sha):
            raise ValueError(f"sha must be 40 lowercase hex digits, got {self.sha!r}")

    @property
    def author(self) -> str | None:
        return self.repo_id.split("/")[0] if "/" in self.repo_id else None

    def readme(self) -> bytes | None:
        if "README.md" in self.files:
            return self.files["README.md"]
        if not self.card_data and not self.readme_body:
            return None
        if not self.card_data:
            return self.readme_body.encode()
        front = yaml.safe_dump(self.card_data, sort_keys=False, allow_unicode=True)
        return f"---\n{front}---\n{self.readme_body}".encode()

    def served_files(self) -> dict[str, bytes]:
        readme = self.readme()
        return {**self.files, **({"README.md": readme} if readme is not None else {})}

    def resolves(self, revision: str) -> bool:
        return revision == self.sha or revision in self.branches

    def visible_to(self, token: str | None) -> bool:
        return not self.private or token in self.approved_tokens

    def refusal(self, path: str, token: str | None) -> int | None:
        """401/403 when this file is gated for this caller, else None."""
        if path not in self.refuse_files or token in self.approved_tokens:
            return None
        return 401 if token is None else 403

    def is_lfs(self, path: str) -> bool:
        return path.endswith(LFS_SUFFIXES) or self.listed.get(path, 0) >= LFS_MIN_SIZE

    def listed_etag(self, path: str) -> str:
        """Made-up but stable: the LFS sha256, or a git blob id for a plain listed file."""
        digest = hashlib.sha256 if self.is_lfs(path) else hashlib.sha1
        return digest(f"{self.repo_id}/{path}".encode()).hexdigest()

    def siblings(self, blobs: bool) -> list[dict[str, Any]]:
        entries: list[dict[str, Any]] = []
        for path, data in self.served_files().items():
            blob = {"blobId": git_blob_sha1(data), "size": len(data)}
            entries.append({"rfilename": path, **(blob if blobs else {})})
        for path, size in self.listed.items():
            entry: dict[str, Any] = {"rfilename": path}
            if blobs and self.is_lfs(path):
                oid = self.listed_etag(path)
                pointer = LFS_POINTER.format(oid=oid, size=size).encode()
                lfs = {"sha256": oid, "size": size, "pointerSize": len(pointer)}
                entry |= {"blobId": git_blob_sha1(pointer), "size": size, "lfs": lfs}
            elif blobs:
                entry |= {"blobId": self.listed_etag(path), "size": size}
            entries.append(entry)
        return sorted(entries, key=lambda entry: entry["rfilename"])

    def hub_tags(self) -> list[str]:
        """Tags as the Hub computes them: library, own tags, card tags, licence, datasets, base."""
        card = self.card_data
        tags = [*_as_list(card.get("library_name") or self.library_name), *self.tags]
        tags += [str(tag) for tag in _as_list(card.get("tags"))]
        tags += [f"dataset:{name}" for name in _as_list(card.get("datasets"))]
        adapter = "adapter_config.json" in {**self.files, **self.listed}
        relation = card.get("base_model_relation", "adapter" if adapter else "finetune")
        for base in _as_list(card.get("base_model")):
            tags += [f"base_model:{base}", f"base_model:{relation}:{base}"]
        tags += [f"license:{name}" for name in _as_list(card.get("license"))]
        return list(dict.fromkeys([*tags, "region:us"]))

    def config(self) -> dict[str, Any]:
        try:
            loaded = json.loads(self.files.get("config.json", b"{}"))
        except ValueError:
            return {}
        if not isinstance(loaded, dict):
            return {}
        return {key: loaded[key] for key in ("architectures", "model_type") if key in loaded}

    def info(self, blobs: bool = False) -> dict[str, Any]:
        """The model_info JSON, keys in the order the Hub serves them."""
        card = self.card_data
        return {
            "_id": hashlib.sha1(self.repo_id.encode()).hexdigest()[:24],
            "id": self.repo_id,
            "private": self.private,
            "pipeline_tag": card.get("pipeline_tag") or self.pipeline_tag,
            "library_name": card.get("library_name") or self.library_name,
            "tags": self.hub_tags(),
            "downloads": 1000,
            "likes": 10,
            "modelId": self.repo_id,
            "author": self.author,
            "sha": self.sha,
            "lastModified": self.last_modified,
            "gated": self.gated,
            "disabled": False,
            "model-index": card.get("model-index"),
            "config": self.config(),
            "cardData": card,
            "siblings": self.siblings(blobs),
            "spaces": [],
            "createdAt": self.created_at,
            "usedStorage": sum(self.listed.values()),
            **self.extra,
        }


@dataclass
class FakeDataset:
    """One dataset repo as the Hub's `/api/datasets/{id}` shows it: its card's licence (a
    keyword, a list of them, or None), its gate and whether it is private (then visible only
    to `approved_tokens`, like a private model)."""

    repo_id: str
    license: str | list[str] | None = "cc-by-4.0"
    gated: Gated = False
    private: bool = False
    card_data: dict[str, Any] = field(default_factory=dict)
    tags: list[str] = field(default_factory=list)
    sha: str = ""
    approved_tokens: frozenset[str] = frozenset()
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.sha:
            self.sha = hashlib.sha1(f"dataset:{self.repo_id}".encode()).hexdigest()

    def visible_to(self, token: str | None) -> bool:
        return not self.private or token in self.approved_tokens

    def info(self) -> dict[str, Any]:
        card = {**({"license": self.license} if self.license is not None else {}),
                **self.card_data}  # fmt: skip
        licences = [f"license:{name}" for name in _as_list(card.get("license"))]
        return {
            "_id": hashlib.sha1(self.repo_id.encode()).hexdigest()[:24],
            "id": self.repo_id,
            "author": self.repo_id.split("/")[0] if "/" in self.repo_id else None,
            "sha": self.sha,
            "lastModified": "2025-01-20T14:49:22.000Z",
            "private": self.private,
            "gated": self.gated,
            "disabled": False,
            "tags": list(dict.fromkeys([*self.tags, *licences, "region:us"])),
            "cardData": card,
            "siblings": [{"rfilename": "README.md"}, {"rfilename": "data/train.parquet"}],
            "downloads": 100,
            "likes": 1,
            **self.extra,
        }


# --------------------------------------------------------------------------------------------
# Replies, requests and faults
# --------------------------------------------------------------------------------------------


@dataclass
class Reply:
    """An HTTP answer. `length` overrides Content-Length (HEAD on a large LFS file, or a lie);
    -1 sends none and ends the body by closing the connection. `close` drops the connection
    after the body (so a Content-Length larger than the body ends in a cut)."""

    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    length: int | None = None
    close: bool = False


def json_reply(payload: Any, status: int = 200, headers: dict[str, str] | None = None) -> Reply:
    body = json.dumps(payload).encode()
    return Reply(
        status, {"Content-Type": "application/json; charset=utf-8", **(headers or {})}, body
    )


def error_reply(
    status: int, message: str, code: str | None = None, headers: dict[str, str] | None = None
) -> Reply:
    """An error the way the Hub sends it: JSON body plus X-Error-Code / X-Error-Message."""
    extra = {"X-Error-Message": message, **({"X-Error-Code": code} if code else {})}
    return json_reply({"error": message}, status, {**extra, **(headers or {})})


def gated_message(repo_id: str, status: int) -> str:
    if status == 401:
        return (
            f"Access to model {repo_id} is restricted. You must have access to it and be "
            "authenticated to access it. Please log in."
        )
    return (
        f"Access to model {repo_id} is restricted and you are not in the authorized list. "
        f"Visit https://huggingface.co/{repo_id} to ask for access."
    )


@dataclass(frozen=True)
class Request:
    """One request as the replay hub saw it; header names are lower-case."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]

    @property
    def token(self) -> str | None:
        auth = self.headers.get("authorization", "")
        return auth[len("Bearer ") :] if auth.startswith("Bearer ") else None


@dataclass
class Fault:
    """A failure injected into matching requests; build one with the functions below.

    `where` is "[METHOD ]regex": the regex is searched in the percent-decoded path (no query),
    e.g. "HEAD /resolve/.*/LICENSE$" or "/api/models/". The rule fires at most `times` times
    (None: always); the first live rule that matches a request wins. `hits` counts firings.
    """

    where: str
    kind: FaultKind = "respond"
    times: int | None = None
    reply: Reply | None = None
    seconds: float = 0.0
    keep: int = 0
    hits: int = 0

    def matches(self, method: str, path: str) -> bool:
        if self.times is not None and self.hits >= self.times:
            return False
        wanted, _, pattern = self.where.rpartition(" ")
        return wanted in ("", method) and re.search(pattern, path) is not None


def respond(where: str, reply: Reply, times: int | None = None) -> Fault:
    """Answer `reply` instead of the real response."""
    return Fault(where, "respond", times, reply=reply)


def http_error(
    where: str,
    status: int,
    code: str | None = None,
    message: str | None = None,
    headers: dict[str, str] | None = None,
    times: int | None = None,
) -> Fault:
    """Any error status, e.g. 500/502/503, or 404 with code="EntryNotFound"."""
    return respond(
        where, error_reply(status, message or f"replay fault {status}", code, headers), times
    )


def gated(where: str, repo_id: str, status: int = 403, times: int | None = None) -> Fault:
    """The Hub's GatedRepo refusal: 401 for anonymous callers, 403 for unapproved tokens."""
    return http_error(where, status, "GatedRepo", gated_message(repo_id, status), times=times)


def rate_limited(where: str, retry_after: int | None = 0, times: int | None = None) -> Fault:
    """429, with `Retry-After` unless None. Clients sleep Retry-After + 1 s between retries."""
    headers = {} if retry_after is None else {"Retry-After": str(retry_after)}
    return http_error(where, 429, message="rate limited", headers=headers, times=times)


def delay(where: str, seconds: float, times: int | None = None) -> Fault:
    """Answer normally, but only after `seconds` (to trip the client's timeout)."""
    return Fault(where, "delay", times, seconds=seconds)


def reset(where: str, keep: int = 0, times: int | None = None) -> Fault:
    """Drop the connection: a GET after the headers and `keep` body bytes, a HEAD unanswered."""
    return Fault(where, "reset", times, keep=keep)


def truncate(where: str, keep: int, times: int | None = None) -> Fault:
    """Cut the body to `keep` bytes, with an honest Content-Length (half a JSON document)."""
    return Fault(where, "truncate", times, keep=keep)


def not_json(where: str, times: int | None = None) -> Fault:
    """200 with an HTML page where JSON was expected (captive portal, proxy error page)."""
    page = b"<html><body>Proxy error</body></html>"
    return respond(where, Reply(200, {"Content-Type": "text/html"}, page), times)


def redirect_loop(where: str, times: int | None = None) -> Fault:
    """302 back to the very same URL."""
    return Fault(where, "redirect_loop", times)


def content(where: str, data: bytes, times: int | None = None) -> Fault:
    """Serve `data` as the file; ETag and Content-Length follow, so HEAD and GET agree."""
    return Fault(where, "content", times, reply=Reply(200, body=data))


def extra_headers(where: str, headers: dict[str, str], times: int | None = None) -> Fault:
    """The real answer with these headers added or replaced (hostile ETag, X-Repo-Commit...)."""
    return Fault(where, "headers", times, reply=Reply(200, headers))


def trickle(where: str, seconds: float, size: int = 1, times: int | None = None) -> Fault:
    """The real answer, its body sent `size` bytes every `seconds` (defeats per-read timeouts)."""
    return Fault(where, "trickle", times, seconds=seconds, keep=size)


def oversized(where: str, size: int, times: int | None = None) -> Fault:
    """A text file of at least `size` bytes."""
    return content(where, b"Lorem ipsum dolor sit amet. " * (size // 28 + 1), times)


def binary(where: str, times: int | None = None) -> Fault:
    """A PNG header with NUL bytes where text was expected."""
    return content(where, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), times)


def non_utf8(where: str, times: int | None = None) -> Fault:
    """Latin-1 text that is not valid UTF-8."""
    return content(where, "Licence accordée à © Société Générale\n".encode("latin-1"), times)


# --------------------------------------------------------------------------------------------
# The server
# --------------------------------------------------------------------------------------------

_MODEL_API = re.compile(r"^/api/models/(?P<repo>[^/]+(?:/[^/]+)?)(?:/revision/(?P<rev>[^/]+))?$")
_DATASET_API = re.compile(r"^/api/datasets/(?P<repo>[^/]+(?:/[^/]+)?)$")
_RESOLVE = re.compile(r"^/(?P<repo>[^/]+(?:/[^/]+)?)/resolve/(?P<rev>[^/]+)/(?P<file>.+)$")
_LIST_KEYS = ("_id", "id", "likes", "downloads", "private", "tags", "pipeline_tag",
              "library_name", "createdAt", "modelId")  # fmt: skip
_FULL_KEYS = ("author", "sha", "lastModified", "gated", "disabled", "siblings")


class HubReplay:
    """A replay Hub on 127.0.0.1 (random port), served from a daemon thread.

    Use as a context manager; `.endpoint` is the base URL. Repos are added with `.add()`,
    faults with `.inject()`; `.latency` delays every request (benchmarks); `.page_size` bounds
    list_models pages.
    """

    def __init__(self, *repos: FakeRepo, latency: float = 0.0, page_size: int = 100) -> None:
        self.repos: dict[str, FakeRepo] = {}
        self.datasets: dict[str, FakeDataset] = {}
        self.requests: list[Request] = []
        self.faults: list[Fault] = []
        self.latency = latency
        self.page_size = page_size
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server = _Server(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        for repo in repos:
            self.add(repo)

    @property
    def endpoint(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def add(self, repo: FakeRepo) -> FakeRepo:
        """Serve this repo (replacing any with the same id) and return it."""
        self.repos[repo.repo_id] = repo
        return repo

    def add_dataset(self, dataset: FakeDataset) -> FakeDataset:
        """Serve this dataset at `/api/datasets/{id}` (replacing any with the same id)."""
        self.datasets[dataset.repo_id] = dataset
        return dataset

    def inject(self, *faults: Fault) -> Fault:
        """Add fault rules (first matching rule wins); returns the last one, to read `.hits`."""
        with self._lock:
            self.faults.extend(faults)
        return faults[-1]

    def calls(self, method: str | None = None, path: str = "") -> list[Request]:
        """Recorded requests, filtered by method and a regex searched in the path."""
        with self._lock:
            seen = list(self.requests)
        return [r for r in seen if method in (None, r.method) and re.search(path, r.path)]

    def clear(self) -> None:
        """Forget recorded requests and fault rules."""
        with self._lock:
            self.requests.clear()
            self.faults.clear()

    def start(self) -> HubReplay:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> HubReplay:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def stopping(self) -> bool:
        return self._stopping.is_set()

    def sleep(self, seconds: float) -> None:
        """Sleep, but wake up when the server stops."""
        self._stopping.wait(seconds)

    # -- request handling (called from server threads) --------------------------------------

    def record(self, request: Request) -> Fault | None:
        """Log the request and claim the first fault rule that matches it."""
        with self._lock:
            self.requests.append(request)
            for fault in self.faults:
                if fault.matches(request.method, request.path):
                    fault.hits += 1
                    return fault
        return None

    def answer(self, request: Request, raw_path: str) -> Reply:
        if request.method not in ("GET", "HEAD"):
            return error_reply(405, "method not supported by the replay hub")
        if raw_path == "/api/agent-harnesses":
            return error_reply(404, "Not Found")
        if raw_path == "/api/models":
            return self._list_models(request)
        if match := _MODEL_API.match(raw_path):
            rev = unquote(match["rev"]) if match["rev"] else None
            return self._model_info(request, unquote(match["repo"]), rev)
        if match := _DATASET_API.match(raw_path):
            return self._dataset_info(request, unquote(match["repo"]))
        if match := _RESOLVE.match(raw_path):
            repo_id, rev, path = (unquote(match[key]) for key in ("repo", "rev", "file"))
            return self._resolve(request, repo_id, rev, path)
        return error_reply(404, "Not Found")

    def _repo(self, repo_id: str, token: str | None) -> FakeRepo | Reply:
        repo = self.repos.get(repo_id)
        if repo is not None and repo.visible_to(token):
            return repo
        if token is None:
            return error_reply(401, "Invalid username or password.", "RepoNotFound")
        return error_reply(404, "Repository not found", "RepoNotFound")

    def _model_info(self, request: Request, repo_id: str, rev: str | None) -> Reply:
        repo = self._repo(repo_id, request.token)
        if isinstance(repo, Reply):
            return repo
        if rev is not None and not repo.resolves(rev):
            return error_reply(404, f"Invalid rev id: {rev}", "RevisionNotFound")
        info = repo.info(blobs=_flag(request.query, "blobs"))
        if expand := request.query.get("expand"):
            info = {key: info[key] for key in ("_id", "id", *expand) if key in info}
        if _flag(request.query, "securityStatus"):
            info["securityRepoStatus"] = {"scansDone": True, "filesWithIssues": []}
        return json_reply(info)

    def _dataset_info(self, request: Request, repo_id: str) -> Reply:
        dataset = self.datasets.get(repo_id)
        if dataset is None or not dataset.visible_to(request.token):
            if request.token is None:
                return error_reply(401, "Invalid username or password.", "RepoNotFound")
            return error_reply(404, "Repository not found", "RepoNotFound")
        info = dataset.info()
        if expand := request.query.get("expand"):
            info = {key: info[key] for key in ("_id", "id", *expand) if key in info}
        return json_reply(info)

    def _list_models(self, request: Request) -> Reply:
        query = request.query
        author, search = query.get("author", [None])[0], query.get("search", [""])[0]
        wanted_tags = set(query.get("filter", []))
        found = [
            repo
            for repo in sorted(self.repos.values(), key=lambda repo: repo.repo_id)
            if repo.visible_to(request.token)
            and author in (None, repo.author)
            and search.lower() in repo.repo_id.lower()
            and wanted_tags <= set(repo.hub_tags())
        ]
        start = int(query.get("cursor", ["0"])[0])
        size = min(self.page_size, int(query.get("limit", [str(self.page_size)])[0]))
        page = [self._list_entry(repo, query) for repo in found[start : start + size]]
        headers = {}
        if start + size < len(found):
            params = [(k, v) for k, vs in query.items() if k != "cursor" for v in vs]
            url = f"{self.endpoint}/api/models?{urlencode([*params, ('cursor', start + size)])}"
            headers["Link"] = f'<{url}>; rel="next"'
        return json_reply(page, headers=headers)

    @staticmethod
    def _list_entry(repo: FakeRepo, query: dict[str, list[str]]) -> dict[str, Any]:
        info = repo.info()
        info["siblings"] = [{"rfilename": s["rfilename"]} for s in info["siblings"]]
        if expand := query.get("expand"):
            keys = ["_id", "id", *expand]
        else:
            keys = [*_LIST_KEYS, *(_FULL_KEYS if _flag(query, "full") else ())]
            keys += [name for name in ("cardData", "config") if _flag(query, name)]
        return {key: info[key] for key in keys if key in info}

    def _resolve(self, request: Request, repo_id: str, rev: str, path: str) -> Reply:
        repo = self._repo(repo_id, request.token)
        if isinstance(repo, Reply):
            return repo
        if not repo.resolves(rev):
            return error_reply(404, f"Invalid rev id: {rev}", "RevisionNotFound")
        commit = {"X-Repo-Commit": repo.sha}
        if status := repo.refusal(path, request.token):
            return error_reply(status, gated_message(repo_id, status), "GatedRepo", commit)
        if path in repo.listed:
            return self._listed_metadata(request, repo, path)
        data = repo.served_files().get(path)
        if data is None:
            return error_reply(404, "Entry not found", "EntryNotFound", commit)
        name = path.rsplit("/", 1)[-1]
        headers = {
            **commit,
            "ETag": f'"{git_blob_sha1(data)}"',
            "Content-Type": "text/plain; charset=utf-8",
            "Accept-Ranges": "bytes",
            "Content-Disposition": f"inline; filename*=UTF-8''{name}; filename=\"{name}\";",
        }
        return Reply(200, headers, data)

    @staticmethod
    def _listed_metadata(request: Request, repo: FakeRepo, path: str) -> Reply:
        if request.method != "HEAD":
            return error_reply(403, f"replay hub: {path} is listed only and never served")
        etag, size = f'"{repo.listed_etag(path)}"', repo.listed[path]
        headers = {"X-Repo-Commit": repo.sha, "ETag": etag, "Content-Type": "text/plain"}
        if repo.is_lfs(path):
            headers |= {"X-Linked-Etag": etag, "X-Linked-Size": str(size)}
            headers["Content-Type"] = "application/octet-stream"
        return Reply(200, headers, length=size)


class _Server(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that closed or reset its connection (it gave up on a body) is no error."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def _flag(query: dict[str, list[str]], name: str) -> bool:
    return query.get(name, [""])[0].lower() in ("true", "1")


def _apply(fault: Fault | None, reply: Reply, target: str) -> Reply:
    """Rewrite the reply as the fault says (the connection-level faults are the handler's)."""
    if fault is None:
        return reply
    if fault.kind == "respond" and fault.reply is not None:
        return fault.reply
    if fault.kind == "redirect_loop":
        return Reply(302, {"Location": target})
    if fault.kind == "truncate":
        return replace(reply, body=reply.body[: fault.keep], length=None)
    if fault.kind == "headers" and fault.reply is not None:
        return replace(reply, headers={**reply.headers, **fault.reply.headers})
    if fault.kind == "content" and fault.reply is not None and reply.status == 200:
        data = fault.reply.body
        headers = {k: v for k, v in reply.headers.items() if not k.startswith("X-Linked")}
        if "ETag" in headers:
            headers["ETag"] = f'"{git_blob_sha1(data)}"'
        return Reply(200, headers, data)
    return reply


def _apply_range(reply: Reply, header: str | None) -> Reply:
    """Honour `Range: bytes=N-[M]` on served files, as the client asks when it resumes."""
    match = re.fullmatch(r"bytes=(\d+)-(\d*)", header or "")
    if match is None or reply.status != 200 or "Accept-Ranges" not in reply.headers:
        return reply
    total = len(reply.body)
    start, end = int(match[1]), int(match[2] or total - 1)
    if start >= total:
        return Reply(416, {"Content-Range": f"bytes */{total}"})
    headers = {**reply.headers, "Content-Range": f"bytes {start}-{end}/{total}"}
    return Reply(206, headers, reply.body[start : end + 1])


def _handler_for(hub: HubReplay) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        timeout = 15  # close idle keep-alive connections
        # Headers and body go out as separate writes; with Nagle's algorithm on, the client's
        # delayed ACK would add ~40 ms to every response, which no real Hub does.
        disable_nagle_algorithm = True

        def do_GET(self) -> None:
            self._serve()

        do_HEAD = do_POST = do_PUT = do_DELETE = do_GET

        def _serve(self) -> None:
            url = urlsplit(self.path)
            if length := int(self.headers.get("Content-Length") or 0):
                self.rfile.read(length)
            request = Request(
                method=self.command,
                path=unquote(url.path),
                query=parse_qs(url.query, keep_blank_values=True),
                headers={name.lower(): value for name, value in self.headers.items()},
            )
            fault = hub.record(request)
            waits = fault is not None and fault.kind != "trickle"
            hub.sleep(hub.latency + (fault.seconds if fault and waits else 0.0))
            if fault and fault.kind == "reset" and self.command == "HEAD":
                return self._drop()
            reply = _apply(fault, hub.answer(request, url.path), self.path)
            if self.command == "GET":
                reply = _apply_range(reply, self.headers.get("Range"))
            try:
                if fault and fault.kind == "trickle":
                    self._trickle(reply, fault)
                else:
                    self._send(reply, fault.keep if fault and fault.kind == "reset" else None)
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True  # the client gave up (e.g. its timeout fired)

        def _send(self, reply: Reply, cut: int | None) -> None:
            self._headers(reply)
            if self.command != "HEAD":
                self.wfile.write(reply.body if cut is None else reply.body[:cut])
            if cut is not None or reply.close or reply.length == -1:
                self._drop()

        def _headers(self, reply: Reply) -> None:
            self.send_response(reply.status)
            self.send_header("X-Request-Id", f"Root=1-{uuid.uuid4().hex}")
            for name, value in reply.headers.items():
                self.send_header(name, value)
            size = len(reply.body) if reply.length is None else reply.length
            if size >= 0:
                self.send_header("Content-Length", str(size))
            self.end_headers()

        def _trickle(self, reply: Reply, fault: Fault) -> None:
            """Headers at once, then `fault.keep` body bytes every `fault.seconds`."""
            self._headers(reply)
            body = reply.body if self.command != "HEAD" else b""
            for start in range(0, len(body), max(fault.keep, 1)):
                if hub.stopping:
                    break
                self.wfile.write(body[start : start + max(fault.keep, 1)])
                self.wfile.flush()
                hub.sleep(fault.seconds)
            self._drop()

        def _drop(self) -> None:
            """Close the connection without lingering once the handler returns (SO_LINGER 0)."""
            linger = struct.pack("ii", 1, 0)
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, linger)
            self.close_connection = True

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler
