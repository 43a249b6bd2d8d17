"""The machine-readable report (schema_version "1").

Values are kept as found; hidden characters in them are written as JSON escape sequences.
"""

from __future__ import annotations

import json

from openness.render import RenderOptions
from openness.render.untrusted import escape_serialised, json_document
from openness.report import Report


def render_json(report: Report, options: RenderOptions) -> str:
    return json_document(report.model_dump(mode="json"))


def json_line(payload: object) -> str:
    """`payload` as one line of JSON: the values as in `render_json`, hidden characters (line
    separators included) escaped, so no value can start another line."""
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    return escape_serialised(text) + "\n"
