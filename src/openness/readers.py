"""Reading what may be hostile: regular files only, size-capped, and the one YAML loader that
every card, policy, MOF file, rubric and licence profile goes through.

YAML from an audited party must not cost more than its size: anchors and aliases (the "billion
laughs"), nesting deeper than MAX_DEPTH, more than MAX_NODES values and inputs over a size cap
are refused, and so are
duplicate mapping keys, which PyYAML would silently resolve to the last one (evidence would then
cite the wrong line). Every problem, PyYAML's odd exceptions included, is one `YamlError` whose
message is one line: `source:line: reason`.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.resolver import Resolver

try:  # libyaml's parser when installed: the composing (and checking) stays in Python
    from yaml._yaml import CParser as _Parser
except ImportError:  # pragma: no cover - PyYAML without libyaml
    from yaml.parser import Parser as _Parser  # type: ignore[assignment]

MAX_BYTES = 1024 * 1024
MAX_DEPTH = 64
MAX_NODES = 100_000  # a policy, card or profile has hundreds; a hostile list of dashes, millions
_PROBLEMS = (ValueError, TypeError, AttributeError, OverflowError, RecursionError)


class YamlError(Exception):
    """A YAML document refused or unreadable: `source:line: reason`, on one line."""

    def __init__(self, source: str, line: int | None, reason: str) -> None:
        self.source, self.line = source, line
        self.reason = " ".join(reason.split()) or "not valid YAML"
        super().__init__(f"{self.where}: {self.reason}")

    @property
    def where(self) -> str:
        """`source:line`, or the source alone."""
        return self.source if self.line is None else f"{self.source}:{self.line}"


class _Refused(yaml.MarkedYAMLError):
    """A document this loader does not accept, at a position."""


class _Loader(Composer, _Parser, SafeConstructor, Resolver):
    """SafeLoader semantics, plus the refusals above (checked while composing, before any
    value is built)."""

    def __init__(self, text: str, aliases: bool) -> None:
        _Parser.__init__(self, text)
        SafeConstructor.__init__(self)
        Resolver.__init__(self)
        Composer.__init__(self)
        self.aliases = aliases
        self.depth = 0
        self.nodes = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.peek_event()
        mark = getattr(event, "start_mark", None)
        anchored = isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None
        if anchored and not self.aliases:
            raise _Refused(problem="YAML anchors and aliases are not accepted", problem_mark=mark)
        if self.depth >= MAX_DEPTH:
            raise _Refused(problem=f"nested deeper than {MAX_DEPTH} levels", problem_mark=mark)
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise _Refused(problem=f"more than {MAX_NODES} values", problem_mark=mark)
        self.depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep)
        except _PROBLEMS:  # a bad timestamp, int or float: name it and its line
            value = node.value if isinstance(node, yaml.ScalarNode) else "a value"
            kind = node.tag.rsplit(":", 1)[-1]
            raise _Refused(problem=f"cannot read {value[:40]!r} as {kind}",
                           problem_mark=node.start_mark) from None  # fmt: skip

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        mapping = super().construct_mapping(node, deep)
        if len(mapping) < len(node.value):
            seen: set[Any] = set()
            for key_node, _ in node.value:
                key = self.construct_object(key_node)
                if key in seen:
                    raise _Refused(problem=f"duplicate key {repr(key)[:60]}",
                                   problem_mark=key_node.start_mark)  # fmt: skip
                seen.add(key)
        return mapping


def load_node(
    text: str, source: str, *, limit: int = MAX_BYTES, first_line: int = 1, aliases: bool = False
) -> tuple[Any, yaml.Node | None]:
    """(the data, its node tree for line numbers) of one YAML document.

    `first_line` is the line of `source` the text starts on (front matter starts on line 2);
    `aliases` lets the data shipped with openness share values.
    """
    loader = _loader(text, source, limit, aliases)
    with _reading(loader, source, first_line):
        node = loader.get_single_node()
        return (loader.construct_document(node) if node is not None else None), node


def load_all(text: str, source: str, *, limit: int = MAX_BYTES) -> list[Any]:
    """The data of every document of a YAML stream (documents separated by `---`)."""
    loader = _loader(text, source, limit, aliases=False)
    documents = []
    with _reading(loader, source, 1):
        while loader.check_node():
            documents.append(loader.construct_document(loader.get_node()))
    return documents


def _loader(text: str, source: str, limit: int, aliases: bool) -> _Loader:
    if len(text.encode("utf-8", "replace")) > limit:
        raise YamlError(source, None, f"larger than {limit // 1024} KiB")
    return _Loader(text, aliases)


@contextmanager
def _reading(loader: _Loader, source: str, first_line: int) -> Iterator[None]:
    """Every problem while loading as one `YamlError`; the loader disposed of afterwards."""
    try:
        yield
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + first_line if mark is not None else None
        problem = str(error.problem or error.context)
        reason = problem if isinstance(error, _Refused) else f"not valid YAML ({problem})"
        raise YamlError(source, line, reason) from None
    except (yaml.YAMLError, *_PROBLEMS) as error:
        first = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise YamlError(source, None, f"not valid YAML ({first})") from None
    finally:
        loader.dispose()


def load(
    text: str, source: str, *, limit: int = MAX_BYTES, first_line: int = 1, aliases: bool = False
) -> Any:
    """The data of one YAML document (see `load_node`)."""
    return load_node(text, source, limit=limit, first_line=first_line, aliases=aliases)[0]


def read_regular(path: Path, limit: int) -> bytes:
    """At most `limit` + 1 bytes of a regular file; never blocks on a FIFO or device (OSError)."""
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(descriptor, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            raise OSError(0, "not a regular file")
        return handle.read(limit + 1)


def read(path: Path, limit: int = MAX_BYTES) -> str:
    """A regular file's UTF-8 text, never blocking on a FIFO or device; OSError (its `strerror`
    says why, a file over `limit` bytes included) or UnicodeDecodeError."""
    data = read_regular(path, limit)
    if len(data) > limit:
        raise OSError(0, f"larger than {limit // 1024} KiB")
    return data.decode("utf-8")
