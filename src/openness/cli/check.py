"""`openness check`: audit models and gate them on a policy."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from openness.cli.application import EXIT_CODES_HELP, app
from openness.cli.audit import Streamed, models_list, run_batch, stream_report
from openness.cli.common import (
    CYCLONEDX_VERSION,
    JOBS,
    MAX_DEPTH,
    TIMEOUT,
    CycloneDXVersion,
    Details,
    Jobs,
    MaxDepth,
    ModelsFile,
    Offline,
    Output,
    Quiet,
    Timeout,
    deliver,
    format_option,
    report_renderer,
    reported,
    say,
)
from openness.errors import EXIT_POLICY_FAILED, EXIT_UNOBTAINABLE, EXIT_USAGE, UsageError
from openness.render import OutputFormat

if TYPE_CHECKING:
    from collections.abc import Iterator
    from typing import Any

    from openness.inputs.scan import ModelReference
    from openness.policy import Policy
    from openness.report import Audit, Failure, ModelResult, PolicyOutcome, PolicyStatus


class UnknownAction(str, Enum):
    fail = "fail"
    warn = "warn"


@app.command(epilog=EXIT_CODES_HELP)
def check(
    models: Annotated[
        list[str] | None,
        typer.Argument(
            help="Hub repo ids, Hub URLs or local folders; a file is scanned for model references.",
            show_default=False,
        ),
    ] = None,
    policy_file: Annotated[
        Path | None, typer.Option("--policy", help="Policy file (default: ./.openness.yml).")
    ] = None,
    preset_name: Annotated[
        str | None,
        typer.Option(
            "--preset",
            help="Built-in policy: osi, permissive, no-use-restrictions, eu-foss-exemption.",
        ),
    ] = None,
    models_file: ModelsFile = None,
    scan: Annotated[
        list[Path] | None,
        typer.Option("--scan", help="Gate every model referenced in these files or folders."),
    ] = None,
    unknown: Annotated[
        UnknownAction,
        typer.Option("--unknown", help="Is a model whose evidence is unobtainable a failure?"),
    ] = UnknownAction.fail,
    output_format: Annotated[OutputFormat, format_option("check")] = OutputFormat.table,
    offline: Offline = False,
    jobs: Jobs = JOBS,
    timeout: Timeout = TIMEOUT,
    output: Output = None,
    max_depth: MaxDepth = MAX_DEPTH,
    cyclonedx_version: CycloneDXVersion = CYCLONEDX_VERSION,
    details: Details = None,
    quiet: Quiet = False,
) -> None:
    """Gate models on a policy: exit 1 when one fails it, with the rule and the evidence."""
    from openness import policy as policies

    render = report_renderer("check", output_format)
    with reported():
        policy, source = _policy(policy_file, preset_name)
        files = [Path(model) for model in models or [] if Path(model).is_file()]
        names = [model for model in models or [] if not Path(model).is_file()]
        names += models_list(models_file) if models_file else []
        found = _scan_references([*(scan or []), *files])
    names += [ref.repo_id + (f"@{ref.revision}" if ref.revision else "") for ref in found]
    names = list(dict.fromkeys(names))
    if not names and not (scan or files):
        say("error: no models to check (give MODEL arguments, --from-file or --scan)")
        raise typer.Exit(EXIT_USAGE)
    if output_format is OutputFormat.jsonl:
        gated = Gated(policy, source, unknown)
        stream_report(gated, names, None, offline, jobs, timeout, output, max_depth)
    report, worst = run_batch(names, None, offline, jobs, timeout, max_depth)
    report.policy = policies.check(policy, source, report.audits, report.errors)
    worst = _check_exit_code(report.policy, worst, unknown)
    locations: dict[str, tuple[str, int]] = {}
    for ref in found:
        locations.setdefault(ref.repo_id, (ref.path, ref.line))
    policy_path = source if not source.startswith("preset:") else ".openness.yml"
    deliver(
        render,
        report,
        output,
        worst,
        locations=locations,
        policy_path=policy_path,
        details=details,
        quiet=quiet,
        cyclonedx_version=cyclonedx_version,
    )


class Gated(Streamed):
    """`check --format jsonl`: each audit gated as it completes, its policy result on the line
    after it; the verdict and the exit code as `check` gives them for the whole batch."""

    def __init__(self, policy: Policy, source: str, unknown: UnknownAction) -> None:
        super().__init__()
        self.policy, self.source, self.unknown = policy, source, unknown
        self.failing = False
        self.not_audited: list[str] = []

    def judged(self, audit: Audit) -> Iterator[str]:
        from openness.policy import evaluate
        from openness.render.jsonl import policy_line

        result = evaluate(self.policy, audit)
        if not result.passed:
            self.failing = True
            _say_failed(result)
        yield policy_line(result)

    def failed(self, failure: Failure) -> None:
        self.not_audited.append(failure.model)

    def status(self) -> PolicyStatus:
        """As `openness.policy.check` decides it."""
        if self.failing:
            return "failed"
        return "incomplete" if self.not_audited or not self.audits else "passed"

    def finish(self) -> dict[str, Any]:
        from openness.render.jsonl import policy_summary
        from openness.report import PolicyOutcome

        status = self.status()
        _say_incomplete(status, self.not_audited)
        outcome = PolicyOutcome(
            source=self.source, passed=status == "passed", status=status, results=[]
        )
        return policy_summary(outcome)

    def exit_code(self) -> int:
        return _exit_code(self.status(), self.worst, self.unknown)


def _check_exit_code(outcome: PolicyOutcome, worst: int, unknown: UnknownAction) -> int:
    """Say why the gate did not pass; the exit code (see `_exit_code`)."""
    for result in outcome.results:
        _say_failed(result)
    _say_incomplete(outcome.status, [failure.model for failure in outcome.not_audited])
    return _exit_code(outcome.status, worst, unknown)


def _say_failed(result: ModelResult) -> None:
    if not result.passed:
        rules = ", ".join(dict.fromkeys(v.rule for v in result.violations if v.severity == "fail"))
        say(f"policy failed: {result.model}: {rules}")


def _say_incomplete(status: PolicyStatus, not_audited: list[str]) -> None:
    if status == "incomplete":
        missing = ", ".join(not_audited)
        say(
            f"policy incomplete: not audited: {missing}"
            if missing
            else "policy incomplete: nothing to gate (no model references found)"
        )


def _exit_code(status: PolicyStatus, worst: int, unknown: UnknownAction) -> int:
    """Failures and internal errors always count, unobtainable evidence unless `--unknown
    warn`; a failed policy is 1 unless something worse happened."""
    if worst == EXIT_UNOBTAINABLE and unknown is UnknownAction.warn:
        worst = 0
    if status == "failed" and worst < EXIT_USAGE:
        worst = EXIT_POLICY_FAILED
    return worst


def _policy(policy_file: Path | None, preset_name: str | None) -> tuple[Policy, str]:
    from openness.policy import POLICY_FILE, load_policy, preset

    if policy_file and preset_name:
        raise UsageError("give either --policy or --preset, not both")
    if preset_name:
        return preset(preset_name), f"preset:{preset_name}"
    path = policy_file or Path(POLICY_FILE)
    if policy_file is None and not path.is_file():
        raise UsageError(f"no policy: give --policy or --preset, or add {POLICY_FILE}")
    return load_policy(path), str(path)


def _scan_references(paths: list[Path]) -> list[ModelReference]:
    from openness.cli.scan import scan_references  # here: `scan` registers after `check`

    return scan_references(paths)
