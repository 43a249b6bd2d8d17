"""Report renderers: one mapping from format name to a function producing the text."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from openness.report import Report


class OutputFormat(str, Enum):
    table = "table"
    json = "json"
    markdown = "markdown"
    sarif = "sarif"
    cyclonedx = "cyclonedx"
    mof = "mof"


@dataclass(frozen=True)
class RenderOptions:
    color: bool = False
    width: int = 100
    locations: Mapping[str, tuple[str, int]] = field(default_factory=dict)
    policy_path: str = ".openness.yml"


Renderer = Callable[["Report", RenderOptions], str]


def renderer_for(output_format: OutputFormat) -> Renderer:
    """The renderer of a format (imported lazily: rich is only loaded when needed)."""
    if output_format is OutputFormat.json:
        from openness.render.json import render_json

        return render_json
    if output_format is OutputFormat.markdown:
        from openness.render.markdown import render_markdown

        return render_markdown
    if output_format is OutputFormat.sarif:
        return _render_sarif
    if output_format is OutputFormat.cyclonedx:
        from openness.render.cyclonedx import render_cyclonedx

        return render_cyclonedx
    if output_format is OutputFormat.mof:
        from openness.render.mof import render_mof

        return render_mof
    from openness.render.table import render_table

    return render_table


def _render_sarif(report: Report, options: RenderOptions) -> str:
    """SARIF with the policy's failures as results, located where `scan` found each model."""
    from openness.render.sarif import render_sarif

    failures = [
        (result.model, violation.rule, violation.message)
        for result in (report.policy.results if report.policy else [])
        if not result.waived_by
        for violation in result.violations
        if violation.severity == "fail"
    ]
    return render_sarif(
        report, options, options.locations, violations=failures, default_path=options.policy_path
    )
