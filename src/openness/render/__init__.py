"""Renderers: the formats each command writes, and the function that writes each of them.

`FORMATS` is the one registry: a command offers exactly the formats listed for it, and asking
for any other is a usage error naming the ones it has; nothing falls back to another format.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from importlib import import_module
from typing import TYPE_CHECKING, Any

from openness.errors import UsageError

if TYPE_CHECKING:
    from openness.report import Report


class OutputFormat(str, Enum):
    table = "table"
    json = "json"
    jsonl = "jsonl"
    markdown = "markdown"
    sarif = "sarif"
    cyclonedx = "cyclonedx"
    spdx3 = "spdx3"
    mof = "mof"
    html = "html"


@dataclass(frozen=True)
class RenderOptions:
    color: bool = False
    width: int = 100
    locations: Mapping[str, tuple[str, int]] = field(default_factory=dict)
    policy_path: str = ".openness.yml"
    only_differences: bool = False
    exit_code: int | None = None  # the command's, for a format that states it (jsonl)
    cyclonedx_version: str = "1.7"  # cyclonedx: the CycloneDX version written (1.7 or 1.6)
    details: bool | None = None  # table: each model in full (None: only when there is one)
    quiet: bool = False  # table: only the models with a problem (check: that failed)


Renderer = Callable[["Report", RenderOptions], str]

# Per command, per format: "module:function" under openness.render, imported when used (rich
# is only loaded for tables). Each function takes the command's subject and the options.
_REPORT = {
    OutputFormat.table: "table:render_table",
    OutputFormat.json: "json:render_json",
    OutputFormat.jsonl: "jsonl:render_jsonl",
    OutputFormat.markdown: "markdown:render_markdown",
    OutputFormat.sarif: "code_scanning:render_code_scanning",
    OutputFormat.cyclonedx: "cyclonedx:render_cyclonedx",
    OutputFormat.spdx3: "spdx3:render_spdx3",
    OutputFormat.mof: "mof:render_mof",
    OutputFormat.html: "html:render_html",
}
FORMATS: dict[str, dict[OutputFormat, str]] = {
    "audit": _REPORT,
    "check": _REPORT,
    "compare": {
        OutputFormat.table: "comparison:render_comparison_table",
        OutputFormat.json: "comparison:render_comparison_json",
        OutputFormat.markdown: "comparison:render_comparison_markdown",
        OutputFormat.sarif: _REPORT[OutputFormat.sarif],
        OutputFormat.cyclonedx: _REPORT[OutputFormat.cyclonedx],
        OutputFormat.spdx3: _REPORT[OutputFormat.spdx3],
        OutputFormat.html: "html:render_comparison_html",
    },
    "tree": {
        OutputFormat.table: "tree:render_tree_table",
        OutputFormat.json: "tree:render_tree_json",
    },
    "scan": {
        OutputFormat.table: "references:render_references_table",
        OutputFormat.json: "references:render_references_json",
    },
    "mof": {
        OutputFormat.table: "mof_grades:render_grades_table",
        OutputFormat.json: "mof_grades:render_grades_json",
    },
    "licenses list": {
        OutputFormat.table: "profiles:render_profiles_table",
        OutputFormat.json: "profiles:render_profiles_json",
    },
    "licenses show": {
        OutputFormat.table: "profiles:render_profile_table",
        OutputFormat.json: "profiles:render_profile_json",
    },
    "snapshot info": {
        OutputFormat.table: "snapshot_info:render_snapshot_table",
        OutputFormat.json: "snapshot_info:render_snapshot_json",
    },
}


def formats(command: str) -> list[OutputFormat]:
    """The formats `command` writes, in registry order."""
    return list(FORMATS[command])


def choices(command: str) -> str:
    """`table or json`, `table, json, markdown, sarif or cyclonedx`."""
    names = [output_format.value for output_format in FORMATS[command]]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"


def renderer(command: str, output_format: OutputFormat) -> Callable[[Any, RenderOptions], str]:
    """The function writing `command`'s output in `output_format`; a `UsageError` if it has none."""
    target = FORMATS[command].get(output_format)
    if target is None:
        raise UsageError(
            f"{command} cannot write {output_format.value} (choose {choices(command)})"
        )
    module, name = target.split(":")
    function: Callable[[Any, RenderOptions], str] = getattr(
        import_module(f"openness.render.{module}"), name
    )
    return function


def renderer_for(output_format: OutputFormat) -> Renderer:
    """The renderer of an audit report (`audit` and `check` write every format)."""
    return renderer("audit", output_format)
