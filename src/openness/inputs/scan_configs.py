"""The structured scan of YAML, JSON and TOML configs: model ids under model-ish keys at any
depth, with the line of the value.

A string counts when its key names a model (`model`, `model_id`, `base_model`,
`model_name_or_path`, `pretrained_model_name_or_path`, `tokenizer_name`, `pretrained`...), when
it is an item of a list under such a key (`models: [a/b, c/d]`), or when it sits under one of
the `MODEL_FIELDS` keys (`name`, `id`, `path`, `repo`, `repo_id`...) of a mapping under such a
key (`model: {name: org/name}`). A `revision` or `model_revision` beside it is its revision.

Lines: YAML from the composed nodes' marks (each `---` document on its own), JSON from the
decoder's position of the string, TOML by finding the quoted value in the text (the n-th use
of a value at its n-th quoted place). A file that does not parse, or that the YAML reader
refuses (aliases, duplicate keys, too deep), gives nothing here; the line scan still reads it.
"""

from __future__ import annotations

import bisect
import json
import re
import sys
from collections.abc import Iterator
from json.decoder import scanstring  # type: ignore[attr-defined]  # not in typeshed
from json.scanner import py_make_scanner  # type: ignore[attr-defined]  # not in typeshed
from typing import Any

import yaml

from openness.inputs.model_ids import MODEL_FIELDS, Hit, is_repo_id, modelish_key, snake_key
from openness.readers import YamlError, load_node

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

MAX_DOCUMENTS = 1000  # YAML `---` documents read in one file
_REVISION_KEYS = ("revision", "model_revision")
_YAML_STR = "tag:yaml.org,2002:str"
_DOCUMENT_MARKER = re.compile(r"^(?:---|\.\.\.)(?:[ \t].*)?\r?$", re.MULTILINE)
_QUOTED_ID = re.compile(r"""(["'])([A-Za-z0-9][\w.-]{0,95}/[A-Za-z0-9][\w.-]{0,95})\1""")


class _Located(str):
    """A string value that knows where it is: `line` (YAML) or `end` offset (JSON)."""

    line = 0
    end = -1


def _model_values(tree: Any) -> Iterator[tuple[str, str | None]]:
    """(value, revision) of the model ids in a parsed config, in document order."""
    stack: list[tuple[Any, bool, str | None]] = [(tree, False, None)]
    while stack:
        node, in_model, revision = stack.pop()
        if isinstance(node, str):
            if in_model and node == node.strip() and is_repo_id(node):
                yield node, revision
        elif isinstance(node, dict):
            found = (node.get(key) for key in _REVISION_KEYS)
            rev = next((r.strip() for r in found if isinstance(r, str) and r.strip()), None)
            children = [
                (value, modelish_key(key) or (in_model and snake_key(key) in MODEL_FIELDS), rev)
                for key, value in node.items()
                if isinstance(key, str)
            ]
            stack.extend(reversed(children))
        elif isinstance(node, list):
            stack.extend((item, in_model, None) for item in reversed(node))


def _yaml_tree(root: yaml.Node, first_line: int) -> Any:
    """A composed YAML node as dicts, lists and `_Located` strings (other scalars: None)."""

    def convert(node: yaml.Node) -> Any:
        if isinstance(node, yaml.MappingNode):
            return {}
        if isinstance(node, yaml.SequenceNode):
            return []
        if isinstance(node, yaml.ScalarNode) and node.tag == _YAML_STR:
            located = _Located(node.value)
            located.line = node.start_mark.line + first_line
            return located
        return None

    top = convert(root)
    stack = [(root, top)]
    while stack:
        node, out = stack.pop()
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode):
                    out[key.value] = child = convert(value)
                    stack.append((value, child))
        elif isinstance(node, yaml.SequenceNode):
            for item in node.value:
                out.append(child := convert(item))
                stack.append((item, child))
    return top


def _yaml_documents(text: str) -> Iterator[tuple[str, int]]:
    """(text, first line) of each `---` document, at most MAX_DOCUMENTS of them."""
    start, line = 0, 1
    for count, marker in enumerate(_DOCUMENT_MARKER.finditer(text)):
        if count >= MAX_DOCUMENTS:
            return
        yield text[start : marker.start()], line
        line += text.count("\n", start, marker.end()) + 1
        start = marker.end() + 1
    yield text[start:], line


def _scan_yaml(text: str, source: str, limit: int) -> list[Hit]:
    hits: list[Hit] = []
    for document, first_line in _yaml_documents(text):
        try:
            _, node = load_node(document, source, limit=limit, first_line=first_line)
        except YamlError:
            continue
        if node is not None:
            tree = _yaml_tree(node, first_line)
            hits.extend(Hit(v, r, getattr(v, "line", 1), "config") for v, r in _model_values(tree))
    return hits


def _located_string(text: str, end: int, strict: bool) -> tuple[str, int]:
    value, stop = scanstring(text, end, strict)
    located = _Located(value)
    located.end = stop
    return located, stop


class _LocatingDecoder(json.JSONDecoder):
    """The pure-Python JSON decoder, its string values carrying their end offset."""

    def __init__(self) -> None:
        super().__init__()
        self.parse_string = _located_string
        self.scan_once = py_make_scanner(self)


def _scan_json(text: str) -> list[Hit]:
    try:
        tree = _LocatingDecoder().decode(text)
    except (ValueError, RecursionError):
        return []
    newlines = [m.start() for m in re.finditer("\n", text)]
    return [
        Hit(value, revision, bisect.bisect_left(newlines, getattr(value, "end", 0)) + 1, "config")
        for value, revision in _model_values(tree)
    ]


def _scan_toml(text: str) -> list[Hit]:
    try:
        tree = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, RecursionError):
        return []
    lines: dict[str, list[int]] = {}  # quoted value -> the lines it is on, in order
    line, last = 1, 0
    for match in _QUOTED_ID.finditer(text):
        line += text.count("\n", last, match.start())
        last = match.start()
        lines.setdefault(match.group(2), []).append(line)
    seen: dict[str, int] = {}
    hits = []
    for value, revision in _model_values(tree):
        found = lines.get(value, [1])  # written with escapes: the file's first line
        index = seen[value] = seen.get(value, -1) + 1
        hits.append(Hit(value, revision, found[min(index, len(found) - 1)], "config"))
    return hits


def scan_config(text: str, kind: str, source: str, limit: int) -> list[Hit]:
    """The model ids under model-ish keys of a `yaml`, `json` or `toml` file's text."""
    if kind == "yaml":
        return _scan_yaml(text, source, limit)
    if kind == "json":
        return _scan_json(text)
    return _scan_toml(text)
