"""`--format mof`: a MOF YAML draft (the Model Openness Tool's schema) for each audited model."""

from __future__ import annotations

import yaml

from openness.render import RenderOptions
from openness.report import Audit, Report


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
    return yaml.safe_dump_all(documents, sort_keys=False, allow_unicode=True)
