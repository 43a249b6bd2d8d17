"""Find Hugging Face Hub model references in a codebase.

`scan_paths` walks files and directories and reports every literal Hub model
id it can attribute to a file and a 1-based line. Nothing scanned is ever
imported or executed: Python is parsed with `ast` (falling back to regexes on
syntax errors: `scan_python`), YAML/JSON/TOML configs are parsed for model-ish
keys at any depth (`scan_configs`) and also, like everything else, matched line
by line with regexes (`scan_lines`); models lists are read by `models_list`.

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
``models-list`` (``models.txt``, ``requirements-models.txt``: see `models_list`). Every
reference found in a Dockerfile is reported with kind ``dockerfile`` and in a notebook with
kind ``notebook``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from openness.inputs.model_ids import Hit, is_repo_id
from openness.inputs.models_list import parse_models_list
from openness.inputs.scan_configs import scan_config
from openness.inputs.scan_lines import scan_lines
from openness.inputs.scan_notebooks import scan_notebook
from openness.inputs.scan_python import scan_python
from openness.readers import read_regular

__all__ = ["ModelReference", "is_repo_id", "scan_paths"]

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_DEPTH = 64  # folders below this depth are not scanned

SKIP_DIRS = frozenset(
    {".git", "node_modules", ".venv", "venv", "__pycache__", "site-packages", "dist-packages"}
)
CONFIG_SUFFIXES = {".yaml": "yaml", ".yml": "yaml", ".json": "json", ".toml": "toml"}
TEXT_SUFFIXES = frozenset({".cfg", ".ini", ".env", ".sh", ".bash"})
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


def file_mode(path: Path) -> str | None:
    """How a file found in a folder is scanned (python, notebook, yaml, json, toml, dockerfile,
    models-list, text), or None: not scanned."""
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
    if suffix in CONFIG_SUFFIXES:
        return CONFIG_SUFFIXES[suffix]
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


def _hits(text: str, mode: str, source: str) -> list[tuple[int | None, Hit]]:
    """(notebook cell or None, reference) of each reference in a file's text."""
    if mode == "notebook":
        return [(cell, hit) for cell, hit in scan_notebook(text)]
    if mode == "python":
        hits = scan_python(text)
    elif mode == "models-list":
        entries, _ = parse_models_list(text)  # a line that is no entry is no reference
        hits = [Hit(e.repo_id, e.revision, e.line, "models-list") for e in entries]
    else:
        hits = scan_lines(text.splitlines(), dockerfile=mode == "dockerfile")
        if mode in CONFIG_SUFFIXES.values():
            hits += scan_config(text, mode, source, MAX_FILE_BYTES)
    return [(None, hit) for hit in hits]


def _scan_file(path: Path, mode: str) -> list[ModelReference]:
    text = _read_text(path)
    if text is None:
        return []
    display = _display_path(path)
    unique: dict[tuple[int | None, int, str], Hit] = {}  # the first hit; a later revision
    for cell, hit in _hits(text, mode, display):
        key = (cell, hit.line, hit.repo_id)
        first = unique.setdefault(key, hit)
        if first.revision is None and hit.revision is not None:
            unique[key] = first._replace(revision=hit.revision)
    lines = text.splitlines()
    refs: list[ModelReference] = []
    for (cell, line, repo_id), hit in unique.items():
        if _is_local_dir(repo_id, path.parent):
            continue
        snippet = lines[line - 1].strip()[:200] if cell is None and line <= len(lines) else ""
        refs.append(
            ModelReference(
                repo_id=repo_id,
                revision=hit.revision,
                path=display,
                line=line,
                kind=hit.kind,
                cell=cell,
                snippet=snippet,
            )
        )
    return refs


def scan_paths(paths: list[Path]) -> list[ModelReference]:
    """Scan files and directories (recursively, MAX_DEPTH deep) for Hub model references.

    A file named directly is scanned even if a folder scan would skip it (as text when its
    kind is unknown). Results are deduplicated on (repo_id, path, cell, line) keeping the
    first, most specific match (a revision found by a later match fills in a missing one) and
    sorted by path, cell, line and repo id.
    """
    seen: dict[tuple[str, str, int | None, int], ModelReference] = {}
    for given in paths:
        given = Path(given)
        if given.is_dir():
            files = [(f, file_mode(f)) for f in _iter_files(given)]
        elif given.is_file():
            files = [(given, file_mode(given) or "text")]
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
