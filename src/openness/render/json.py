"""The machine-readable report (schema_version "1").

Values are kept as found; hidden characters in them are written as JSON escape sequences.

The text is `escape_serialised(json.dumps(model.model_dump(mode="json"), ensure_ascii=False))`
(indented by two spaces, or compact for a line). A large batch spent most of its CPU building
that copy of the report as Python objects (and collecting them) and encoding it, so pydantic
writes the text itself from the models whenever that gives the same characters: it escapes
strings exactly as `json` does and writes every finite float the same way except the ones `json`
writes with an exponent or as `0.0000...`, which are found in its text; those, a value it
cannot write (a lone surrogate) and a float that is not finite (only the licence files'
confidence and the MOF progress are floats) are written by `json`.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from pydantic_core import to_json

from openness.render import RenderOptions
from openness.render.untrusted import escape_serialised, hidden

if TYPE_CHECKING:
    from pydantic import BaseModel

    from openness.report import Audit, Report

# Where pydantic and `json` write a float apart: with an exponent (`1e16`, `1.5e-7`: an `e`
# after a number's digits, not inside a string) or below 1e-4 (`0.00001`; the text matching
# inside a string only costs the slower path).
_EXPONENT = re.compile(r"e-?[0-9]")
_SMALL = "0.0000"
_LONGEST = 40  # characters of a float's digits, more than any has
_PLAIN_BYTES = bytes(range(0x20, 0x7F)) + b"\n"  # what escaping never changes


def render_json(report: Report, options: RenderOptions) -> str:
    text = _written(lambda: report.model_dump_json(indent=2)) if finite(report.audits) else None
    if text is None:
        return json_text(report.model_dump(mode="json"), indent=2) + "\n"
    return _escaped(text) + "\n"


def json_line(payload: object) -> str:
    """`payload` as one line of JSON: the values as in `render_json`, hidden characters (line
    separators included) escaped, so no value can start another line."""
    return json_text(payload) + "\n"


def model_line(kind: str, model: BaseModel, floats_finite: bool = True) -> str:
    """`json_line({"type": kind, **model.model_dump(mode="json")})`, written by pydantic when
    it can (`floats_finite`: the model holds no float that is not finite)."""
    text = _written(model.model_dump_json) if floats_finite else None
    if text is None or "type" in type(model).model_fields or not text.startswith("{"):
        return json_line({"type": kind, **model.model_dump(mode="json")})
    head = f'{{"type":{json_text(kind)}'
    return _escaped(head + ("}" if text == "{}" else "," + text[1:])) + "\n"


def finite(audits: Iterable[Audit]) -> bool:
    """Whether every float of these audits is finite (a test keeps this list of them whole)."""
    return all(
        math.isfinite(value)
        for audit in audits
        for value in (
            *(file.confidence for file in audit.license.files),
            *audit.rubrics.mof.progress.values(),
        )
    )


def json_text(payload: object, indent: int | None = None) -> str:
    """`escape_serialised(json.dumps(payload, ensure_ascii=False, ...))`: indented by `indent`
    spaces, else compact (`,` and `:` without spaces). `payload` is JSON data with string keys,
    as `model_dump(mode="json")` gives."""
    text = _written(lambda: to_json(payload, indent=indent, inf_nan_mode="constants").decode())
    if text is None:
        separators = None if indent is not None else (",", ":")
        text = json.dumps(payload, indent=indent, ensure_ascii=False, separators=separators)
    return _escaped(text)


def _written(write: Callable[[], str]) -> str | None:
    """pydantic's text, or None when `json` would write it otherwise."""
    try:
        text = write()
    except ValueError:  # a lone surrogate in a string
        return None
    return None if _floats_apart(text) else text


def _floats_apart(text: str) -> bool:
    """Whether pydantic's `text` has a float `json` writes otherwise."""
    if _SMALL in text:
        return True
    return any(_after_digits(text, found.start()) for found in _EXPONENT.finditer(text))


def _after_digits(text: str, end: int) -> bool:
    """Whether `text[:end]` ends with a number's digits (`-1.5`) that follow `:`, `[`, `,`,
    whitespace or nothing: an exponent's `e` comes next; in a string (`"db617e1"`) it does not."""
    start = max(0, end - _LONGEST)
    head = text[start:end].rstrip("0123456789.")
    if len(head) == end - start:
        return False
    head = head.removesuffix("-")
    return not head or head[-1] in " \n:[,"


def _escaped(text: str) -> str:
    return text if _nothing_hidden(text) else escape_serialised(text)


def _nothing_hidden(text: str) -> bool:
    """Whether `escape_serialised` would leave `text` as it is: no `##[`, no hidden character
    (the non-ASCII characters are few: only those are looked at one by one)."""
    if "##[" in text:
        return False
    try:
        rest = text.encode("utf-8").translate(None, _PLAIN_BYTES)
    except UnicodeEncodeError:  # a lone surrogate
        return False
    return not any(hidden(char) for char in set(rest.decode("utf-8")))
