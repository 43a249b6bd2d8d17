"""`--format sarif` for a report: the policy's failures as results, located where `scan`
found each model (see `render.sarif` for the document itself)."""

from __future__ import annotations

from openness.render import RenderOptions
from openness.render.sarif import render_sarif
from openness.report import Report


def render_code_scanning(report: Report, options: RenderOptions) -> str:
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
