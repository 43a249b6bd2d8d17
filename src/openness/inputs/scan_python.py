"""The Python scan: references read from the syntax tree (`ast`), never by running the code.

Calls (`from_pretrained`, `hf_hub_download`, `pipeline`, sentence-transformers...), model-ish
assignments, dict literals, keyword arguments, argparse and `os.getenv` defaults; a file that
does not parse falls back to the line scan.
"""

from __future__ import annotations

import ast

from openness.inputs.model_ids import Hit, clean_value, modelish_key, url_hits
from openness.inputs.scan_lines import scan_lines


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
        self.hits: list[Hit] = []

    def add(self, node: ast.AST | None, kind: str, revision: str | None = None) -> None:
        text = _str_value(node)
        if text is None or node is None or text != text.strip():
            return
        value = clean_value(text)
        if value:
            self.hits.append(Hit(value, revision, getattr(node, "lineno", 0), kind))

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
            self.other_call(name, args, kwargs, revision)

    def other_call(
        self, name: str, args: list[ast.expr], kwargs: dict[str, ast.expr], revision: str | None
    ) -> None:
        for key, value in kwargs.items():
            if modelish_key(key):
                self.add(value, "config", revision)
        flags = [c for c in map(_str_value, args) if c is not None]
        if "default" in kwargs and any(
            f.startswith("-") and modelish_key(f.lstrip("-")) for f in flags
        ):
            self.add(kwargs["default"], "config")  # argparse add_argument("--model", ...)
        if name in ("getenv", "get", "setdefault") and len(args) >= 2:
            key_name = _str_value(args[0])
            if key_name is not None and modelish_key(key_name):
                self.add(args[1], "config")

    def visit(self, tree: ast.AST) -> list[Hit]:
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                self.call(node)
            elif isinstance(node, ast.Assign):
                if any(modelish_key(_last_name(t)) for t in node.targets):
                    self.add(node.value, "config")
            elif isinstance(node, ast.AnnAssign):
                if modelish_key(_last_name(node.target)):
                    self.add(node.value, "config")
            elif isinstance(node, ast.Dict):
                for key, value in zip(node.keys, node.values, strict=False):
                    key_name = _str_value(key)
                    if key_name is not None and modelish_key(key_name):
                        self.add(value, "config")
        return self.hits


def scan_python(source: str) -> list[Hit]:
    """References in Python source (the line scan when it does not parse), URLs included."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return scan_lines(source.splitlines())
    hits = _PyVisitor().visit(tree)
    for idx, line in enumerate(source.splitlines(), start=1):
        hits.extend(url_hits(line, idx))
    return hits
