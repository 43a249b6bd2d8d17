"""JSON Lines (`--format jsonl`): the JSON report as a stream, one object a line.

`{"type": "audit", ...}` is an element of the JSON report's `audits`, `{"type": "error", ...}`
one of its `errors`; `openness check` follows each audit line with `{"type": "policy", ...}`,
that model's element of `policy.results`. The last line is `{"type": "summary", ...}`: the
schema version, the tool, the counts, the exit code and, for `check`, the policy's verdict.
A streamed batch writes the lines as the audits complete; `render_jsonl` writes a whole report.
"""

from __future__ import annotations

from typing import Any

from openness import __version__
from openness.errors import EXIT_POLICY_FAILED, EXIT_USAGE
from openness.render import RenderOptions
from openness.render.json import finite, json_line, model_line
from openness.report import (
    SCHEMA_VERSION,
    Audit,
    Failure,
    ModelResult,
    PolicyOutcome,
    Report,
    ToolInfo,
)

SUMMARY_POLICY = ("source", "passed", "status")  # what the summary line says of the policy


def audit_line(audit: Audit) -> str:
    return model_line("audit", audit, finite([audit]))


def error_line(failure: Failure) -> str:
    return model_line("error", failure)


def policy_line(result: ModelResult) -> str:
    return model_line("policy", result)


def summary_line(
    audits: int, errors: int, exit_code: int, policy: dict[str, Any] | None = None
) -> str:
    """The last line: what was written before it, and the exit code the command gives."""
    summary: dict[str, Any] = {
        "type": "summary",
        "schema_version": SCHEMA_VERSION,
        "tool": ToolInfo(version=__version__).model_dump(mode="json"),
        "counts": {"audits": audits, "errors": errors},
        "exit_code": exit_code,
    }
    if policy is not None:
        summary["policy"] = policy
    return json_line(summary)


def policy_summary(outcome: PolicyOutcome) -> dict[str, Any]:
    """The policy's verdict for the summary line (its results and failures have their lines)."""
    return outcome.model_dump(mode="json", include=set(SUMMARY_POLICY))


def render_jsonl(report: Report, options: RenderOptions) -> str:
    """A whole report as lines: the audits (each with its policy result) in order, the errors,
    the summary. Without `options.exit_code`, the one `openness` gives by default."""
    results = report.policy.results if report.policy else []
    lines: list[str] = []
    for index, audit in enumerate(report.audits):
        lines.append(audit_line(audit))
        if index < len(results):
            lines.append(policy_line(results[index]))
    lines += [error_line(failure) for failure in report.errors]
    exit_code = options.exit_code
    if exit_code is None:
        exit_code = max((failure.exit_code for failure in report.errors), default=0)
        if report.policy and report.policy.status == "failed" and exit_code < EXIT_USAGE:
            exit_code = EXIT_POLICY_FAILED
    policy = policy_summary(report.policy) if report.policy else None
    lines.append(summary_line(len(report.audits), len(report.errors), exit_code, policy))
    return "".join(lines)
