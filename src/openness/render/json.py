"""The machine-readable report (schema_version "1").

Values are kept as found; hidden characters in them are written as JSON escape sequences.
"""

from __future__ import annotations

from openness.render import RenderOptions
from openness.render.untrusted import json_document
from openness.report import Report


def render_json(report: Report, options: RenderOptions) -> str:
    return json_document(report.model_dump(mode="json"))
