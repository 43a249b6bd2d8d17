"""`--format mof`: a MOF YAML draft (the Model Openness Tool's schema) for each audited model,
one YAML document each, which `openness mof` grades as the audit did.

Repo text (licence names, file names) keeps its value: a string holding hidden characters or
`##[` is written double-quoted, those characters as escapes, and no line is ever folded.
"""

from __future__ import annotations

import json

import yaml

from openness.render import RenderOptions
from openness.render.untrusted import escape_serialised, hidden, inert
from openness.report import Audit, Report
from openness.rubrics.mof import UNDETERMINED
from openness.rubrics.mof_evidence import mof_document, mof_license


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


def draft(audit: Audit) -> dict[str, object]:
    """The draft of an audit: what its MOF grading was decided on (see `mof_document`)."""
    components = audit.rubrics.mof.components
    listed = [
        (component.name, component.evidence, component.license or UNDETERMINED)
        for component in components
        if component.evidence
    ]
    undetermined = [c.name for c in components if c.status == "unknown" and not c.evidence]
    license = mof_license(audit.license.conclusion, audit.license.spdx_id)
    return mof_document(audit.model.id, license, listed, undetermined)


def render_mof(report: Report, options: RenderOptions) -> str:
    """One YAML document per audit (separated by `---`)."""
    documents = [draft(audit) for audit in report.audits]
    missing = "".join(
        f"# not audited: {inert(failure.model)}: {inert(failure.message)}\n"
        for failure in report.errors
    )
    return missing + yaml.dump_all(
        documents, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=1 << 30
    )
