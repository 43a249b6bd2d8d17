"""Command line: parse arguments, run the library, pick a renderer, decide the exit code."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from openness import __version__
from openness.errors import (
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_POLICY_FAILED,
    EXIT_UNOBTAINABLE,
    EXIT_USAGE,
    OpennessError,
    UsageError,
)
from openness.render import OutputFormat

if TYPE_CHECKING:
    from openness.audit import Auditor
    from openness.inputs.scan import ModelReference
    from openness.policy import Policy
    from openness.report import Audit, PolicyOutcome, Report
    from openness.sources.evidence import Evidence

EXIT_CODES_HELP = (
    "Exit codes: 0 the audit ran (whatever it found); 1 a policy failed; "
    "2 bad input or usage; 3 a model or its evidence could not be obtained; "
    "4 internal error (never lowered by any option); 130 interrupted."
)

app = typer.Typer(
    name="openness",
    help=f"How open is an AI model, really? Evidence-backed licence and openness audits.\n\n"
    f"{EXIT_CODES_HELP}",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain help: rich's help formatter would import rich.markdown
)


Jobs = Annotated[
    int, typer.Option("--jobs", "-j", min=1, max=64, help="Models audited concurrently.")
]
MAX_TIMEOUT = 3600.0


def _finite_timeout(value: float) -> float:
    if not 1.0 <= value <= MAX_TIMEOUT:  # also refuses nan and inf
        raise typer.BadParameter(f"must be a number of seconds from 1 to {MAX_TIMEOUT:g}")
    return value


Timeout = Annotated[
    float,
    typer.Option(
        "--timeout",
        callback=_finite_timeout,
        help="Seconds allowed per model for its metadata, files and base models together.",
    ),
]
ModelsFile = Annotated[
    Path | None,
    typer.Option("--from-file", help="A models list: one org/name[@revision] per line."),
]
ReportFormat = Annotated[OutputFormat, typer.Option("--format", "-f", help="Report format.")]
Offline = Annotated[
    bool, typer.Option("--offline", help="Do not contact the Hub: use the cache or snapshot.")
]
Output = Annotated[
    Path | None, typer.Option("--output", "-o", help="Write the report to this file.")
]


def _say(message: str) -> None:
    """One diagnostic line on stderr (see `openness.cli.output.say`)."""
    from openness.cli.output import say

    say(message)


@contextmanager
def _reported() -> Iterator[None]:
    """Inside a command: the project's errors become one stderr line and their exit code."""
    try:
        yield
    except OpennessError as error:
        _say(f"error: {error}")
        raise typer.Exit(error.exit_code) from None


def _version(value: bool) -> None:
    if value:
        print(f"openness {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """How open is an AI model, really?"""


def _write(text: str, output: Path | None) -> None:
    """Print to stdout, or replace `output` atomically (see `openness.cli.output.write_report`)."""
    from openness.cli.output import write_report

    write_report(text, output)


@app.command(epilog=EXIT_CODES_HELP)
def audit(
    models: Annotated[
        list[str] | None,
        typer.Argument(
            help="Hub repo ids (org/name), Hub URLs or local folders.", show_default=False
        ),
    ] = None,
    author: Annotated[
        str | None, typer.Option("--author", help="Audit every model of this Hub organisation.")
    ] = None,
    models_file: ModelsFile = None,
    revision: Annotated[
        str | None, typer.Option("--revision", help="Branch, tag or commit to audit.")
    ] = None,
    output_format: ReportFormat = OutputFormat.table,
    offline: Offline = False,
    jobs: Jobs = 8,
    timeout: Timeout = 30.0,
    output: Output = None,
) -> None:
    """Audit models: licence, restrictive clauses, OSD and OSAID verdicts, with evidence."""
    from openness.render import RenderOptions, renderer_for

    with _reported():
        jobs_list: list[str | Evidence] = [*(models or [])]
        jobs_list += _models_list(models_file) if models_file else []
        jobs_list += _list_author(author, offline, timeout) if author else []
    if not jobs_list:
        _say("error: nothing to audit (give MODEL arguments, --from-file or --author)")
        raise typer.Exit(EXIT_USAGE)
    report, worst = _audit_all(jobs_list, revision, offline, jobs, timeout)
    options = RenderOptions(color=_color(output), width=_width())
    _finish(renderer_for(output_format)(report, options), output, worst)


def _list_author(author: str, offline: bool, timeout: float) -> list[Evidence]:
    from openness.errors import EvidenceUnavailable
    from openness.sources import hub

    if offline:
        raise UsageError("--author needs the Hub; it cannot be used with --offline")
    try:
        listed, incomplete = hub.list_author(author, timeout)
    except (hub.HubNotFound, hub.HubUnreachable) as error:
        raise EvidenceUnavailable(f"models of {author}: {error}") from error
    if incomplete:
        raise EvidenceUnavailable(f"models of {author}: listing incomplete ({incomplete})")
    return listed


def _split_revision(model: str) -> tuple[str, str | None]:
    """`org/name@rev` -> (`org/name`, `rev`); folders and URLs are left alone."""
    if "@" in model and "://" not in model and not Path(model).exists():
        name, revision = model.rsplit("@", 1)
        return name, revision or None
    return model, None


def _audit_all(
    models: Sequence[str | Evidence],
    revision: str | None,
    offline: bool,
    jobs: int = 8,
    timeout: float = 30.0,
) -> tuple[Report, int]:
    """Audit every model concurrently, in order; failures become one stderr line each."""
    from concurrent.futures import ThreadPoolExecutor

    from openness.audit import Auditor
    from openness.report import Failure, Report, ToolInfo

    if not offline and any(isinstance(m, str) and not Path(m).exists() for m in models):
        from openness.sources.paths import hub_endpoint

        with _reported():
            hub_endpoint()  # a malformed HF_ENDPOINT is one usage error, not one per model
    auditor = Auditor(offline=offline, timeout=timeout)
    report = Report(tool=ToolInfo(version=__version__), audits=[])
    pool = ThreadPoolExecutor(max_workers=max(1, jobs))
    try:
        with _progress(len(models)) as advance:
            futures = [
                pool.submit(_audit_one, auditor, model, revision, advance) for model in models
            ]
            outcomes = [future.result() for future in futures]
    finally:  # on Ctrl-C, do not wait for audits in flight
        pool.shutdown(wait=False, cancel_futures=True)
    worst = 0
    for model, outcome in zip(models, outcomes, strict=True):
        if isinstance(outcome, tuple):
            code, message = outcome
            name = model if isinstance(model, str) else model.repo_id
            report.errors.append(Failure(model=name, exit_code=code, message=message))
            _say(f"error: {message}")
            worst = max(worst, code)
        else:
            report.audits.append(outcome)
    return report, worst


def _audit_one(
    auditor: Auditor, model: str | Evidence, revision: str | None, advance: Callable[[], None]
) -> Audit | tuple[int, str]:
    """One audit (of a MODEL argument or of listed metadata), or (exit code, one-line message)."""
    try:
        if not isinstance(model, str):
            return auditor.audit_listed(model)
        name, pinned = _split_revision(model)
        return auditor.audit(name, pinned or revision)
    except OpennessError as error:
        return error.exit_code, str(error)
    except Exception as error:  # a bug must not end in a traceback for the user
        if os.environ.get("OPENNESS_DEBUG"):
            raise
        name = model if isinstance(model, str) else model.repo_id
        return EXIT_INTERNAL, (
            f"{name}: internal error ({type(error).__name__}); set OPENNESS_DEBUG=1 for details"
        )
    finally:
        advance()


@contextmanager
def _progress(total: int) -> Iterator[Callable[[], None]]:
    """A progress bar on stderr when it is a terminal and there is more than one model."""
    if total < 2 or not sys.stderr.isatty():
        yield lambda: None
        return
    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("auditing", total=total)
        yield lambda: bar.advance(task)


def _finish(text: str, output: Path | None, worst: int) -> None:
    """Write the report, then exit with the worst code seen."""
    with _reported():
        _write(text, output)
    raise typer.Exit(worst)


class CompareFormat(str, Enum):
    table = "table"
    json = "json"
    markdown = "markdown"
    sarif = "sarif"
    cyclonedx = "cyclonedx"


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
        typer.Option("--preset", help="Built-in policy: osi, permissive, no-use-restrictions."),
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
    output_format: ReportFormat = OutputFormat.table,
    offline: Offline = False,
    jobs: Jobs = 8,
    timeout: Timeout = 30.0,
    output: Output = None,
) -> None:
    """Gate models on a policy: exit 1 when one fails it, with the rule and the evidence."""
    from openness import policy as policies
    from openness.render import RenderOptions, renderer_for

    with _reported():
        policy, source = _policy(policy_file, preset_name)
        files = [Path(model) for model in models or [] if Path(model).is_file()]
        names = [model for model in models or [] if not Path(model).is_file()]
        names += _models_list(models_file) if models_file else []
        found = _scan([*(scan or []), *files])
    names += [ref.repo_id + (f"@{ref.revision}" if ref.revision else "") for ref in found]
    names = list(dict.fromkeys(names))
    if not names and not (scan or files):
        _say("error: no models to check (give MODEL arguments, --from-file or --scan)")
        raise typer.Exit(EXIT_USAGE)
    report, worst = _audit_all(names, None, offline, jobs, timeout)
    report.policy = policies.check(policy, source, report.audits, report.errors)
    worst = _check_exit_code(report.policy, worst, unknown)
    locations: dict[str, tuple[str, int]] = {}
    for ref in found:
        locations.setdefault(ref.repo_id, (ref.path, ref.line))
    options = RenderOptions(
        color=_color(output),
        width=_width(),
        locations=locations,
        policy_path=source if not source.startswith("preset:") else ".openness.yml",
    )
    _finish(renderer_for(output_format)(report, options), output, worst)


def _check_exit_code(outcome: PolicyOutcome, worst: int, unknown: UnknownAction) -> int:
    """Say why the gate did not pass; the exit code: failures and internal errors always
    count, unobtainable evidence unless `--unknown warn`."""
    for result in outcome.results:
        if not result.passed:
            rules = ", ".join(
                dict.fromkeys(v.rule for v in result.violations if v.severity == "fail")
            )
            _say(f"policy failed: {result.model}: {rules}")
    if outcome.status == "incomplete":
        missing = ", ".join(failure.model for failure in outcome.not_audited)
        _say(
            f"policy incomplete: not audited: {missing}"
            if missing
            else "policy incomplete: nothing to gate (no model references found)"
        )
    if worst == EXIT_UNOBTAINABLE and unknown is UnknownAction.warn:
        worst = 0
    if outcome.status == "failed" and worst < EXIT_USAGE:
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


def _scan(paths: list[Path]) -> list[ModelReference]:
    from openness.inputs.scan import scan_paths

    missing = [str(path) for path in paths if not path.exists()]
    if missing:
        raise UsageError(f"cannot scan {', '.join(missing)}: no such file or folder")
    return scan_paths(paths) if paths else []


@app.command("scan", epilog=EXIT_CODES_HELP)
def scan_command(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders to scan.")],
    output_format: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="table or json.")
    ] = OutputFormat.table,
) -> None:
    """List the Hugging Face models referenced in code, configs, Dockerfiles and notebooks."""
    from openness.render.untrusted import json_document

    with _reported():
        found = _scan(paths)
    if output_format is OutputFormat.json:
        payload = [reference.model_dump(mode="json") for reference in found]
        _write(json_document(payload), None)
        return
    from openness.render.untrusted import inert

    lines = []
    for ref in found:
        revision = f"@{ref.revision}" if ref.revision else ""
        cell = f"[cell {ref.cell}]" if ref.cell is not None else ""
        lines.append(f"{ref.path}{cell}:{ref.line}: {ref.repo_id}{revision} ({ref.kind})")
    _write("".join(inert(line) + "\n" for line in lines), None)


def _models_list(path: Path) -> list[str]:
    """`org/name` or `org/name@revision` per line; `#` starts a comment."""
    from openness.readers import read_regular

    limit = 4 * 1024 * 1024
    try:
        data = read_regular(path, limit)
        if len(data) > limit:
            raise UsageError(f"models list {path} is larger than {limit // 1024 // 1024} MiB")
        lines = data.decode("utf-8").splitlines()
    except OSError as error:
        raise UsageError(f"cannot read models list {path}: {error.strerror or error}") from None
    except UnicodeDecodeError:
        raise UsageError(f"cannot read models list {path}: not UTF-8 text") from None
    return [line.split("#", 1)[0].strip() for line in lines if line.split("#", 1)[0].strip()]


@app.command("mof", epilog=EXIT_CODES_HELP)
def mof_command(
    files: Annotated[
        list[Path], typer.Argument(help="MOF YAML files (the Model Openness Tool's format).")
    ],
    normalise: Annotated[
        bool,
        typer.Option(
            "--normalise", help="Map licence spellings (Apache 2.0, MIT License) to SPDX."
        ),
    ] = False,
    output_format: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="table or json.")
    ] = OutputFormat.table,
) -> None:
    """Grade MOF YAML files against the Model Openness Framework: class and progress."""
    from openness.render.untrusted import json_document
    from openness.rubrics.mof import evaluate_mof, load_mof_yaml

    with _reported():
        results = [evaluate_mof(load_mof_yaml(path), normalise=normalise) for path in files]
    if output_format is OutputFormat.json:
        payload = [result.model_dump(mode="json") for result in results]
        _write(json_document(payload), None)
        return
    from openness.render.untrusted import inert

    lines = []
    for path, result in zip(files, results, strict=True):
        progress = ", ".join(f"class {k}: {v:.0f}%" for k, v in sorted(result.progress.items()))
        lines.append(f"{path}: {result.label} ({progress})")
        lines += [
            f"  {component.name}: {component.status} ({component.reason})"
            for component in result.components
            if component.required and component.status != "included"
        ]
    _write("".join(inert(line) + "\n" for line in lines), None)


@app.command(epilog=EXIT_CODES_HELP)
def compare(
    models: Annotated[
        list[str],
        typer.Argument(
            help="Two or more Hub repo ids, Hub URLs or local folders.", show_default=False
        ),
    ],
    output_format: Annotated[
        CompareFormat, typer.Option("--format", "-f", help="Report format.")
    ] = CompareFormat.table,
    only_differences: Annotated[
        bool, typer.Option("--only-differences", help="Hide the rows where all models agree.")
    ] = False,
    offline: Offline = False,
    jobs: Jobs = 8,
    timeout: Timeout = 30.0,
    output: Output = None,
) -> None:
    """Compare models side by side: licence, clauses, OSD and OSAID criteria."""
    from openness.compare import compare as build
    from openness.render import RenderOptions, renderer_for
    from openness.render.comparison import (
        render_comparison_json,
        render_comparison_markdown,
        render_comparison_table,
    )

    if len(models) < 2:
        _say("error: compare needs at least two models")
        raise typer.Exit(EXIT_USAGE)
    report, worst = _audit_all(models, None, offline, jobs, timeout)
    renderer = {
        CompareFormat.table: render_comparison_table,
        CompareFormat.json: render_comparison_json,
        CompareFormat.markdown: render_comparison_markdown,
    }.get(output_format)
    options = RenderOptions(color=_color(output), width=_width())
    if renderer is None:  # per-model formats: the same renderers as `audit`
        text = renderer_for(OutputFormat(output_format.value))(report, options)
    else:
        text = renderer(build(report), options, only_differences)
    _finish(text, output, worst)


licenses_app = typer.Typer(
    help="Browse the licence knowledge base.", no_args_is_help=True, rich_markup_mode=None
)
app.add_typer(licenses_app, name="licenses")


@licenses_app.command("list")
def licenses_list(
    output_format: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="Output format.")
    ] = OutputFormat.table,
) -> None:
    """List every licence and use policy openness knows."""
    from openness.license.profiles import knowledge_base
    from openness.render import RenderOptions
    from openness.render.profiles import render_profiles

    profiles = sorted(knowledge_base().profiles.values(), key=lambda profile: profile.id)
    options = RenderOptions(color=_color(None), width=_width())
    _write(render_profiles(profiles, output_format, options), None)


@licenses_app.command("show")
def licenses_show(
    licence: Annotated[str, typer.Argument(help="Profile id, Hub keyword, SPDX id or name.")],
    output_format: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="Output format.")
    ] = OutputFormat.table,
) -> None:
    """Show one licence profile: facts, incorporated policies and restrictive clauses."""
    from openness.license.profiles import knowledge_base
    from openness.render import RenderOptions
    from openness.render.profiles import render_profile

    profile = knowledge_base().find(licence)
    if profile is None:
        _say(f"error: no licence profile matches {licence!r} (see `openness licenses list`)")
        raise typer.Exit(EXIT_USAGE)
    options = RenderOptions(color=_color(None), width=_width())
    _write(render_profile(profile, output_format, options), None)


def _color(output: Path | None) -> bool:
    return output is None and sys.stdout.isatty() and "NO_COLOR" not in os.environ


def _width() -> int:
    import shutil

    return max(80, min(shutil.get_terminal_size((100, 24)).columns, 160))


def _exit_now(code: int) -> None:
    """Exit without waiting for audits still in flight (worker threads, slow servers)."""
    sys.stderr.flush()
    os._exit(code)


def main() -> None:
    """Console entry point: usage errors exit 2 with one line, never a traceback."""
    try:
        code = app(standalone_mode=False)
    except typer.TyperException as error:  # the argument parser's usage errors
        message = error.format_message()
        if message.startswith("Usage:"):  # a command given no arguments: its help
            sys.stderr.write(message + "\n")
        else:
            name = " ".join(["openness", *sys.argv[1:2]]) if len(sys.argv) > 1 else "openness"
            _say(f"error: {' '.join(message.split())} (see `{name} --help`)")
        sys.exit(EXIT_USAGE)
    except typer.Abort:
        _say("aborted")
        sys.exit(EXIT_USAGE)
    except OpennessError as error:
        _say(f"error: {error}")
        sys.exit(error.exit_code)
    except KeyboardInterrupt:
        _say("interrupted")
        _exit_now(EXIT_INTERRUPTED)
    except Exception as error:  # never a traceback for the user
        if os.environ.get("OPENNESS_DEBUG"):
            raise
        _say(f"error: internal error ({type(error).__name__}); set OPENNESS_DEBUG=1 for details")
        sys.exit(EXIT_INTERNAL)
    if code == EXIT_INTERRUPTED:  # the command parser's answer to Ctrl-C
        _say("interrupted")
        _exit_now(EXIT_INTERRUPTED)
    sys.exit(code if isinstance(code, int) else 0)
