"""The machine-readable report (schema_version "1")."""

from __future__ import annotations

from openness.render import RenderOptions
from openness.report import Report


def render_json(report: Report, options: RenderOptions) -> str:
    return report.model_dump_json(indent=2) + "\n"
