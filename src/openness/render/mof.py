"""`--format mof`: a MOF YAML draft (the Model Openness Tool's schema) for each audited model.

Repo text (licence names, file names) keeps its value: a string holding hidden characters or
`##[` is written double-quoted, those characters as escapes, and no line is ever folded.
"""

from __future__ import annotations

import json

import yaml

from openness.render import RenderOptions
from openness.render.untrusted import escape_serialised, hidden, inert
from openness.report import Audit, Report


class _Dumper(yaml.SafeDumper):
    """Double-quoted scalars as JSON string literals (valid YAML), hidden characters escaped."""

    def write_double_quoted(self, text: str, split: bool = True) -> None:
        literal = escape_serialised(json.dumps(text, ensure_ascii=False), yaml=True)
        self.write_indicator(literal, True)


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    quoted = "##[" in value or any(hidden(char) for char in value)
    style = '"' if quoted else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)


def mof_document(audit: Audit) -> dict[str, object]:
    """The draft for one audit: the components it found, each with the licence it resolved."""
    repo = audit.model.id
    components = [
        {
            "name": component.name,
            "description": f"found: {component.evidence}",
            "license": component.declared or component.licence,
        }
        for component in audit.rubrics.mof.components
        if component.evidence
    ]
    licence = audit.license.spdx_id or audit.license.conclusion or "NOASSERTION"
    return {
        "framework": {"name": "Model Openness Framework", "version": "1.0", "date": "2024-12-15"},
        "release": {
            "name": repo.split("/")[-1],
            "producer": repo.split("/")[0] if "/" in repo else "unknown",
            "huggingface": f"https://huggingface.co/{repo}",
            "license": {"distribution": {"name": licence}},
            "components": components,
        },
    }


def render_mof(report: Report, options: RenderOptions) -> str:
    """One YAML document per audit (separated by `---`)."""
    documents = [mof_document(audit) for audit in report.audits]
    missing = "".join(
        f"# not audited: {inert(failure.model)}: {inert(failure.message)}\n"
        for failure in report.errors
    )
    return missing + yaml.dump_all(
        documents, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=1 << 30
    )
