"""Find Hugging Face Hub model references in a codebase.

`scan_paths` walks files and directories and reports every literal Hub model
id it can attribute to a file and a 1-based line. Nothing scanned is ever
imported or executed: Python is parsed with `ast` (falling back to regexes on
syntax errors) and everything else is matched line by line with regexes.

Line numbers:

* ordinary files: the physical line holding the repo id literal (for a call
  split over several lines, the line of the string argument);
* notebooks (`.ipynb`): the line *within the code cell's source* (cell-relative,
  1-based); `cell` holds the 0-based index of the cell in the notebook's
  `cells` list, so `path`, `cell` and `line` together locate the reference.

Detected (see `kind`): ``from_pretrained`` (any class), ``hf_hub_download``,
``snapshot_download``, ``pipeline``, ``sentence-transformers``
(``SentenceTransformer``/``CrossEncoder``), ``cli`` (``vllm serve``,
``huggingface-cli download``/``hf download``, ``--model``/``--model-id``/
``--model-path``/``--tokenizer``..., llama.cpp ``-hf``/``--hf-repo``),
``config`` (model-ish keys in YAML/JSON/TOML/INI/env lines, Python assignments,
dict literals and keyword arguments, argparse defaults, ``os.getenv`` defaults),
``url`` (``hf.co/org/name`` and ``https://huggingface.co/org/name``),
``models-list`` (``models.txt``). Every reference found in a Dockerfile is
reported with kind ``dockerfile`` and in a notebook with kind ``notebook``.
"""

from __future__ import annotations

import ast
import json
import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import NamedTuple

from pydantic import BaseModel, ConfigDict

from openness.readers import read_regular

__all__ = ["ModelReference", "is_repo_id", "read_models_list", "scan_paths"]

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_DEPTH = 64  # folders below this depth are not scanned

SKIP_DIRS = frozenset(
    {".git", "node_modules", ".venv", "venv", "__pycache__", "site-packages", "dist-packages"}
)
TEXT_SUFFIXES = frozenset(
    {".yaml", ".yml", ".json", ".toml", ".cfg", ".ini", ".env", ".sh", ".bash"}
)
MODELS_LIST_NAMES = frozenset({"models.txt", "requirements-models.txt"})
SKIP_FILE_NAMES = frozenset({"package-lock.json"})


class ModelReference(BaseModel):
    """One literal Hub model id found in a file."""

    model_config = ConfigDict(frozen=True)

    repo_id: str
    revision: str | None = None
    path: str
    line: int
    kind: str
    cell: int | None = None  # notebooks only: 0-based cell index; `line` is cell-relative
    snippet: str = ""


# ---------------------------------------------------------------------------
# repo id validation

_REPO_RE = re.compile(r"^[A-Za-z0-9][\w.-]{0,95}/[A-Za-z0-9][\w.-]{0,95}$")
_MIME_TOPS = frozenset(
    {"text", "application", "image", "audio", "video", "multipart", "font", "message", "model"}
)
_FILE_EXTS = frozenset(
    {
        "py", "pyc", "js", "ts", "json", "yaml", "yml", "txt", "md", "rst", "toml", "cfg", "ini",
        "sh", "html", "htm", "css", "csv", "tsv", "bin", "pt", "pth", "ckpt", "safetensors",
        "onnx", "gguf", "zip", "tar", "gz", "tgz", "png", "jpg", "jpeg", "gif", "svg", "pdf",
        "ipynb", "parquet", "arrow", "pkl", "h5", "npz", "npy", "log", "lock", "whl", "so",
    }
)  # fmt: skip
_NUMERIC_RE = re.compile(r"^[\d.]+$")


def is_repo_id(value: str) -> bool:
    """True if `value` looks like a Hub model id (`org/name`) and not an obvious decoy."""
    if not _REPO_RE.match(value) or "--" in value or ".." in value:
        return False
    org, name = value.split("/")
    if org.lower() in _MIME_TOPS:
        return False
    if _NUMERIC_RE.match(org) and _NUMERIC_RE.match(name):  # dates, versions, fractions
        return False
    if name.endswith(".") or org.endswith("."):
        return False
    ext = name.rsplit(".", 1)[1].lower() if "." in name else ""
    return ext not in _FILE_EXTS


_EXPLICIT_KEYS = frozenset(
    {
        "repo_id", "repoid", "hf_repo", "hf_repo_id", "model_repo", "hub_repo", "name_or_path",
        "pretrained_model_name_or_path", "model_name_or_path", "checkpoint", "ckpt",
    }
)  # fmt: skip
_MODEL_TOKENS = frozenset({"model", "models", "tokenizer", "checkpoint", "llm"})
_NON_MODEL_TOKENS = frozenset(
    {
        "path", "dir", "directory", "folder", "file", "files", "cache", "output", "type",
        "class", "url", "dtype", "revision", "version", "format", "max", "len", "length",
        "kwargs", "args", "config", "size", "card", "index", "task", "served", "alias",
    }
)  # fmt: skip


def _modelish_key(key: str) -> bool:
    """Is this config key / variable / flag name one that holds a model id?"""
    snake = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", key).lower().strip("_-. ")
    snake = re.sub(r"[.\-]+", "_", snake)
    if snake in _EXPLICIT_KEYS:
        return True
    tokens = set(snake.split("_"))
    if tokens & _NON_MODEL_TOKENS and not snake.endswith("or_path"):
        return False
    return bool(tokens & _MODEL_TOKENS) or snake == "model_path"


def _clean_value(raw: str, *, strip_tag: bool = False) -> str | None:
    value = raw.strip().strip("\"'`").rstrip(".,;")
    if strip_tag and ":" in value:
        value = value.split(":", 1)[0]
    return value if is_repo_id(value) else None


# ---------------------------------------------------------------------------
# text (line) patterns

_VAL = r"""["'`]?(?P<value>[^\s"'`,;}\]\)#]+)"""
_URL_RE = re.compile(
    r"(?<![\w.-])(?:https?://)?(?:www\.)?(?:huggingface\.co|hf\.co)/"
    r"(?P<org>[A-Za-z0-9][\w.-]*)/(?P<name>[A-Za-z0-9][\w.-]*)"
    r"(?:/(?:resolve|tree|blob)/(?P<rev>[\w.-]+)(?![\w.%-]))?"
)
_URL_RESERVED = frozenset(
    {
        "datasets", "spaces", "docs", "blog", "api", "models", "settings", "papers",
        "organizations", "join", "login", "pricing", "collections", "tasks", "learn", "new",
        "posts", "chat", "enterprise", "courses", "changelog", "search", "notifications",
        "inference-endpoints", "autotrain", "hub", "front", "static", "terms-of-service",
        "privacy", "support", "oauth", "buckets",
    }
)  # fmt: skip
_SEP = r"""["']?(?:\s*,\s*|\s+)["']?"""  # shell words or JSON exec-form list items
_CLI_POSITIONAL_RE = re.compile(
    r"(?:\bvllm" + _SEP + r"serve|\b(?:huggingface-cli|hf)" + _SEP + r"download)" + _SEP + _VAL
)
_FLAG_RE = re.compile(
    r"""(?<![\w-])["']?--(?P<flag>[A-Za-z][\w-]*)["']?(?:\s*=\s*|\s*,\s*|\s+)""" + _VAL
)
_HF_FLAG_RE = re.compile(
    r"""(?<![\w-])["']?(?:-hf|-hfr|--hf-repo)["']?(?:\s*=\s*|\s*,\s*|\s+)""" + _VAL
)
_KV_RE = re.compile(
    r"""(?<![\w.$-])["']?(?P<key>[A-Za-z_][\w.-]*)["']?\s*(?:=|:(?!//))\s*""" + _VAL
)
_DOCKER_ENV_RE = re.compile(r"""^\s*(?:ENV|ARG)\s+(?P<key>[A-Za-z_]\w*)\s+""" + _VAL)
_YAML_KEY_ONLY_RE = re.compile(r"""^(?P<indent>\s*)["']?(?P<key>[\w.-]+)["']?\s*:\s*(?:#.*)?$""")
_YAML_ITEM_RE = re.compile(r"""^(?P<indent>\s*)-\s+""" + _VAL + r"""["']?\s*(?:#.*)?$""")
_CALL_RE = re.compile(
    r"""\b(?P<fn>from_pretrained|hf_hub_download|snapshot_download|SentenceTransformer|CrossEncoder)"""
    r"""\(\s*(?:(?:repo_id|pretrained_model_name_or_path|model_name_or_path)\s*=\s*)?"""
    r"""(?P<q>["'])(?P<value>[^"'\s]+)(?P=q)"""
)
_PIPELINE_RE = re.compile(
    r"""\bpipeline\((?:[^()]*?,\s*|\s*)(?:model\s*=\s*)?(?P<q>["'])(?P<value>[^"'\s]+)(?P=q)"""
)
_REVISION_RE = re.compile(r"""(?:--|\b)revision["']?(?:\s*[=:]\s*|\s+)["']?(?P<rev>[\w./-]+)""")

_CALL_KINDS = {
    "from_pretrained": "from_pretrained",
    "hf_hub_download": "hf_hub_download",
    "snapshot_download": "snapshot_download",
    "SentenceTransformer": "sentence-transformers",
    "CrossEncoder": "sentence-transformers",
}


class _Hit(NamedTuple):
    repo_id: str
    revision: str | None
    line: int
    kind: str


def _url_hits(text: str, lineno: int) -> Iterator[_Hit]:
    for m in _URL_RE.finditer(text):
        if m.group("org").lower() in _URL_RESERVED:
            continue
        value = _clean_value(f"{m.group('org')}/{m.group('name')}")
        if value:
            yield _Hit(value, m.group("rev"), lineno, "url")


def _scan_text(lines: list[str], *, dockerfile: bool = False) -> list[_Hit]:
    """Line-based scan for configs, shell scripts, Dockerfiles (and broken Python)."""
    hits: list[_Hit] = []
    list_indent: int | None = None  # inside `models:` followed by `- org/name` items
    for idx, line in enumerate(lines, start=1):
        found: list[tuple[str, str]] = []  # (value, kind)
        stripped = line.strip()
        if list_indent is not None:
            item = _YAML_ITEM_RE.match(line)
            if item and len(item.group("indent")) >= list_indent:
                found.append((item.group("value"), "config"))
            elif stripped and not stripped.startswith("#"):
                list_indent = None
        key_only = _YAML_KEY_ONLY_RE.match(line)
        if key_only and _modelish_key(key_only.group("key")):
            list_indent = len(key_only.group("indent"))

        found.extend(
            (m.group("value"), _CALL_KINDS[m.group("fn")]) for m in _CALL_RE.finditer(line)
        )
        found.extend((m.group("value"), "pipeline") for m in _PIPELINE_RE.finditer(line))
        found.extend((m.group("value"), "cli") for m in _CLI_POSITIONAL_RE.finditer(line))
        for m in _FLAG_RE.finditer(line):
            flag = m.group("flag")
            if _modelish_key(flag) or flag.lower() in {"model-path", "model_path"}:
                found.append((m.group("value"), "cli"))
        found.extend((m.group("value"), "cli-tag") for m in _HF_FLAG_RE.finditer(line))
        found.extend(
            (m.group("value"), "config")
            for m in _KV_RE.finditer(line)
            if _modelish_key(m.group("key"))
        )
        if dockerfile:
            m2 = _DOCKER_ENV_RE.match(line)
            if m2 and _modelish_key(m2.group("key")):
                found.append((m2.group("value"), "config"))

        rev_m = _REVISION_RE.search(line)
        revision = rev_m.group("rev") if rev_m else None
        for raw, kind in found:
            value = _clean_value(raw, strip_tag=kind == "cli-tag")
            if value:
                hits.append(_Hit(value, revision, idx, "cli" if kind == "cli-tag" else kind))
        hits.extend(_url_hits(line, idx))
    if dockerfile:
        hits = [h._replace(kind="dockerfile") for h in hits]
    return hits


# ---------------------------------------------------------------------------
# Python (ast)


def _str_value(node: ast.AST | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _last_name(node: ast.expr) -> str:
    """`x` of `x` or `a.b.x` (a called function, an assigned variable); else ""."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


class _PyVisitor:
    def __init__(self) -> None:
        self.hits: list[_Hit] = []

    def add(self, node: ast.AST | None, kind: str, revision: str | None = None) -> None:
        text = _str_value(node)
        if text is None or node is None or text != text.strip():
            return
        value = _clean_value(text)
        if value:
            self.hits.append(_Hit(value, revision, getattr(node, "lineno", 0), kind))

    def call(self, node: ast.Call) -> None:
        name = _last_name(node.func)
        kwargs = {kw.arg: kw.value for kw in node.keywords if kw.arg}
        revision = _str_value(kwargs.get("revision"))
        args = node.args
        first = args[0] if args else None
        repo_type = _str_value(kwargs.get("repo_type"))
        if repo_type is not None and repo_type not in ("model", ""):
            return  # datasets / spaces
        if name == "from_pretrained":
            target = first or next(
                (
                    kwargs[k]
                    for k in ("pretrained_model_name_or_path", "model_name_or_path", "model_id")
                    if k in kwargs
                ),
                None,
            )
            self.add(target, "from_pretrained", revision)
        elif name in ("hf_hub_download", "snapshot_download"):
            self.add(first or kwargs.get("repo_id"), name, revision)
        elif name == "pipeline":
            model = kwargs.get("model") or (args[1] if len(args) > 1 else None)
            self.add(model, "pipeline", revision)
            self.add(kwargs.get("tokenizer"), "pipeline", revision)
        elif name in ("SentenceTransformer", "CrossEncoder", "SparseEncoder"):
            target = first or kwargs.get("model_name_or_path") or kwargs.get("model_name")
            self.add(target, "sentence-transformers", revision)
        else:
            for key, value in kwargs.items():
                if key and _modelish_key(key):
                    self.add(value, "config", revision)
            flags = [c for c in map(_str_value, args) if c is not None]
            if "default" in kwargs and any(
                f.startswith("-") and _modelish_key(f.lstrip("-")) for f in flags
            ):
                self.add(kwargs["default"], "config")  # argparse add_argument("--model", ...)
            if name in ("getenv", "get", "setdefault") and len(args) >= 2:
                key_name = _str_value(args[0])
                if key_name is not None and _modelish_key(key_name):
                    self.add(args[1], "config")

    def visit(self, tree: ast.AST) -> list[_Hit]:
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                self.call(node)
            elif isinstance(node, ast.Assign):
                if any(_modelish_key(_last_name(t)) for t in node.targets):
                    self.add(node.value, "config")
            elif isinstance(node, ast.AnnAssign):
                if _modelish_key(_last_name(node.target)):
                    self.add(node.value, "config")
            elif isinstance(node, ast.Dict):
                for key, value in zip(node.keys, node.values, strict=False):
                    key_name = _str_value(key)
                    if key_name is not None and _modelish_key(key_name):
                        self.add(value, "config")
        return self.hits


def _scan_python(source: str) -> list[_Hit]:
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return _scan_text(source.splitlines())
    hits = _PyVisitor().visit(tree)
    for idx, line in enumerate(source.splitlines(), start=1):
        hits.extend(_url_hits(line, idx))
    return hits


def _scan_notebook(text: str) -> list[tuple[int, _Hit]]:
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        return []
    cells = data.get("cells") if isinstance(data, dict) else None
    if not isinstance(cells, list):
        return []
    out: list[tuple[int, _Hit]] = []
    for index, cell in enumerate(cells):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        src = cell.get("source", "")
        if isinstance(src, list):
            src = "".join(s for s in src if isinstance(s, str))
        if not isinstance(src, str):
            continue
        lines = src.splitlines()
        if lines and lines[0].lstrip().startswith("%%"):
            hits = _scan_text(lines)
        else:
            magic = [ln if ln.lstrip().startswith(("!", "%")) else "" for ln in lines]
            python = [("" if m else ln) for ln, m in zip(lines, magic, strict=True)]
            hits = _scan_python("\n".join(python)) + _scan_text(magic)
        out.extend((index, h._replace(kind="notebook")) for h in hits)
    return out


# ---------------------------------------------------------------------------
# models.txt


def _parse_models_lines(lines: Iterable[str]) -> Iterator[_Hit]:
    for idx, raw in enumerate(lines, start=1):
        line = raw.split(" #", 1)[0].split("\t#", 1)[0].strip()
        if not line or line.startswith("#"):
            continue
        token = line.split()[0]
        url_hits = list(_url_hits(token, idx))
        if url_hits:
            yield url_hits[0]._replace(kind="models-list")
            continue
        repo, _, revision = token.partition("@")
        value = _clean_value(repo)
        if value:
            yield _Hit(value, revision or None, idx, "models-list")


def read_models_list(path: Path | str) -> list[ModelReference]:
    """Parse a plain models file: `org/name` or `org/name@revision` per line, `#` comments."""
    lines = read_regular(Path(path), MAX_FILE_BYTES).decode("utf-8", "replace").splitlines()
    return [
        ModelReference(
            repo_id=h.repo_id,
            revision=h.revision,
            path=str(path),
            line=h.line,
            kind=h.kind,
            snippet=lines[h.line - 1].strip()[:200],
        )
        for h in _parse_models_lines(lines)
    ]


# ---------------------------------------------------------------------------
# walking


def _file_mode(path: Path) -> str | None:
    name = path.name
    lower = name.lower()
    if lower in SKIP_FILE_NAMES:
        return None
    if name.startswith(("Dockerfile", "Containerfile")) or lower.endswith(
        (".dockerfile", ".containerfile")
    ):
        return "dockerfile"
    if lower in MODELS_LIST_NAMES:
        return "models-list"
    suffix = path.suffix.lower()
    if suffix == ".py":
        return "python"
    if suffix == ".ipynb":
        return "notebook"
    if suffix in TEXT_SUFFIXES or lower.startswith(("docker-compose", ".env")):
        return "text"
    return None


def _iter_files(root: Path) -> Iterator[Path]:
    """Files under `root`, iteratively, at most MAX_DEPTH folders deep; symlinks are never
    followed (no loops, nothing outside the tree) and skipped folders are not entered."""
    stack = [(root, 0)]
    while stack:
        folder, depth = stack.pop()
        try:
            entries = sorted(os.scandir(folder), key=lambda entry: entry.name, reverse=True)
        except OSError:
            continue
        for entry in entries:
            if entry.is_symlink():
                continue
            if entry.is_dir(follow_symlinks=False):
                name = entry.name
                if name not in SKIP_DIRS and not name.startswith(".") and depth < MAX_DEPTH:
                    stack.append((Path(entry.path), depth + 1))
            else:
                yield Path(entry.path)


def _display_path(path: Path) -> str:
    if path.is_absolute():
        try:
            return str(path.relative_to(Path.cwd()))
        except ValueError:
            return str(path)
    return str(path)


def _read_text(path: Path) -> str | None:
    """The file's text, or None: not a regular file (a FIFO never blocks), too large, binary."""
    try:
        data = read_regular(path, MAX_FILE_BYTES)
    except OSError:
        return None
    if len(data) > MAX_FILE_BYTES or b"\0" in data[:8192]:
        return None
    return data.decode("utf-8", errors="replace")


def _is_local_dir(value: str, base: Path) -> bool:
    try:
        return (base / value).exists() or Path(value).exists()
    except OSError:
        return False


def _scan_file(path: Path, mode: str) -> list[ModelReference]:
    text = _read_text(path)
    if text is None:
        return []
    lines = text.splitlines()
    display = _display_path(path)
    located: list[tuple[int | None, _Hit]]
    if mode == "python":
        located = [(None, h) for h in _scan_python(text)]
    elif mode == "notebook":
        located = [(c, h) for c, h in _scan_notebook(text)]
    elif mode == "models-list":
        located = [(None, h) for h in _parse_models_lines(lines)]
    else:
        located = [(None, h) for h in _scan_text(lines, dockerfile=mode == "dockerfile")]
    refs: list[ModelReference] = []
    for cell, hit in located:
        if _is_local_dir(hit.repo_id, path.parent):
            continue
        snippet = (
            lines[hit.line - 1].strip()[:200] if cell is None and hit.line <= len(lines) else ""
        )
        refs.append(
            ModelReference(
                repo_id=hit.repo_id,
                revision=hit.revision,
                path=display,
                line=hit.line,
                kind=hit.kind,
                cell=cell,
                snippet=snippet,
            )
        )
    return refs


def scan_paths(paths: list[Path]) -> list[ModelReference]:
    """Scan files and directories (recursively, MAX_DEPTH deep) for Hub model references.

    Results are deduplicated on (repo_id, path, cell, line) keeping the first, most
    specific match (a revision found by a later match fills in a missing one) and
    sorted by path, cell, line and repo id.
    """
    seen: dict[tuple[str, str, int | None, int], ModelReference] = {}
    for given in paths:
        given = Path(given)
        if given.is_dir():
            files = [(f, _file_mode(f)) for f in _iter_files(given)]
        elif given.is_file():
            files = [(given, _file_mode(given) or "text")]
        else:
            continue
        for fpath, mode in files:
            if mode is None:
                continue
            for ref in _scan_file(fpath, mode):
                key = (ref.repo_id, ref.path, ref.cell, ref.line)
                prev = seen.get(key)
                if prev is None:
                    seen[key] = ref
                elif prev.revision is None and ref.revision is not None:
                    seen[key] = prev.model_copy(update={"revision": ref.revision})
    return sorted(seen.values(), key=lambda r: (r.path, r.cell or 0, r.line, r.repo_id))
