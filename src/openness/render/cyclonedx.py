"""The audit as a CycloneDX 1.6 ML-BOM (JSON), built with cyclonedx-python-lib.

One `machine-learning-model` component per audited model: the repo id as name, the revision as
version, a `pkg:huggingface` purl when the revision is a commit sha, the Hub page as external
reference, the concluded licence (an SPDX id or expression when known, else a named licence)
and `openness:*` properties for the verdicts (`openness:<rubric id>`, one per pass/fail rubric,
with `openness:<rubric id>-label` where the rubric words its verdict, and `openness:g7-label`).
The library has no model-card support yet, so the `modelCard` (rubric criteria as properties) is
added to the serialised JSON here. Repo text is put on one line (`one_line`) and the JSON text
escapes hidden characters.
"""

from __future__ import annotations

import json
import re
from typing import Any

from cyclonedx.contrib.license.factories import LicenseFactory
from cyclonedx.exception.factory import (
    InvalidLicenseExpressionException,
    InvalidSpdxLicenseException,
)
from cyclonedx.model import ExternalReference, ExternalReferenceType, Property, XsUri
from cyclonedx.model.bom import Bom
from cyclonedx.model.bom_ref import BomRef
from cyclonedx.model.component import Component, ComponentType
from cyclonedx.model.license import License, LicenseAcknowledgement
from cyclonedx.output.json import JsonV1Dot6
from packageurl import PackageURL

from openness.render import RenderOptions
from openness.render.untrusted import json_document, one_line
from openness.report import Audit, Report

HUB_URL = "https://huggingface.co/"
PROPERTY_LIMIT = 500
_SHA = re.compile(r"^[0-9a-fA-F]{40}$")
_NOT_A_LICENSE = {"", "unknown", "none", "noassertion", "other"}


def _text(value: object, limit: int = PROPERTY_LIMIT) -> str:
    """Untrusted text for a BOM field: one line, at most `limit` characters."""
    clean = one_line(value).strip()
    return clean if len(clean) <= limit else clean[: limit - 1].rstrip() + "…"


def _bom_ref(audit: Audit) -> str:
    return f"model:{_text(audit.model.id, 300)}@{_text(audit.model.revision or 'unknown', 100)}"


def model_purl(model_id: str, revision: str | None) -> PackageURL | None:
    """`pkg:huggingface/<org>/<name>@<sha>`, only when the revision is a commit sha."""
    if revision is None or not _SHA.match(revision):
        return None
    namespace, _, name = model_id.rpartition("/")
    return PackageURL(
        type="huggingface", namespace=namespace or None, name=name, version=revision.lower()
    )


def model_license(audit: Audit) -> License | None:
    """The concluded licence: an SPDX id or expression if known, else a named licence, else none.

    Never the id `unknown`: a value the SPDX list does not know becomes a licence *name*.
    """
    license = audit.license
    factory = LicenseFactory()
    concluded = LicenseAcknowledgement.CONCLUDED
    if license.spdx_id:
        try:
            return factory.make_with_id(license.spdx_id, acknowledgement=concluded)
        except InvalidSpdxLicenseException:
            pass
        try:
            return factory.make_with_expression(license.spdx_id, acknowledgement=concluded)
        except InvalidLicenseExpressionException:
            pass
    for candidate in (license.spdx_id, license.conclusion, license.declared_name, license.declared):
        name = _text(candidate, 200)
        if name.lower() not in _NOT_A_LICENSE:
            return factory.make_with_name(name, acknowledgement=concluded)
    return None


def _properties(audit: Audit) -> list[Property]:
    rubrics = audit.rubrics
    license = audit.license
    values: list[tuple[str, object]] = []
    for rubric_id, rubric in rubrics.pass_fail().items():
        values.append((f"openness:{rubric_id}", rubric.verdict))
        if rubric.label:
            values.append((f"openness:{rubric_id}-label", rubric.label))
    if audit.g7 is not None:
        values.append(("openness:g7-label", audit.g7.label))
    values += [
        ("openness:mof-class", rubrics.mof.class_ if rubrics.mof.class_ is not None else "none"),
        ("openness:mof-label", rubrics.mof.label),
        ("openness:license-declared", license.declared or "none"),
        ("openness:license-conclusion", license.conclusion or "unknown"),
        (
            "openness:osi-approved",
            {True: "yes", False: "no", None: "unknown"}[license.osi_approved],
        ),
        ("openness:source", audit.model.source),
        ("openness:retrieved-at", audit.model.retrieved_at),
        ("openness:summary", audit.summary),
    ]
    values += [("openness:license-conflict", conflict) for conflict in license.conflicts]
    values += [("openness:clause", clause.kind) for clause in audit.clauses]
    values += [("openness:base-model", base) for base in audit.model.base_models]
    return [Property(name=name, value=_text(value)) for name, value in values]


def model_component(audit: Audit) -> Component:
    """The ML-BOM component of one audited model."""
    model = audit.model
    references = []
    if model.source != "local":
        references.append(
            ExternalReference(
                type=ExternalReferenceType.WEBSITE,
                url=XsUri(HUB_URL + one_line(model.id)),
                comment="Hugging Face Hub repository",
            )
        )
    license = model_license(audit)
    return Component(
        type=ComponentType.MACHINE_LEARNING_MODEL,
        name=_text(model.id, 300),
        version=_text(model.revision or "unknown", 100),
        bom_ref=BomRef(_bom_ref(audit)),
        purl=model_purl(model.id, model.revision),
        external_references=references,
        licenses=[license] if license is not None else [],
        properties=_properties(audit),
    )


def _model_card(audit: Audit) -> dict[str, Any]:
    """A CycloneDX `modelCard`: per rubric criterion, its status and reason, as properties."""
    properties = [
        {
            "name": f"openness:{name}:{criterion.id}",
            "value": _text(f"{criterion.status}: {criterion.reason}"),
        }
        for name, rubric in audit.rubrics.pass_fail().items()
        for criterion in rubric.criteria
    ]
    properties += [
        {"name": f"openness:mof:{component.name}", "value": _text(component.status)}
        for component in audit.rubrics.mof.components
    ]
    return {"bom-ref": _bom_ref(audit) + "#model-card", "properties": properties}


def cyclonedx_bom(report: Report) -> dict[str, Any]:
    """The ML-BOM as a JSON-ready dict."""
    bom = Bom()
    bom.metadata.tools.components.add(
        Component(
            type=ComponentType.APPLICATION, name=report.tool.name, version=report.tool.version
        )
    )
    for audit in report.audits:
        bom.components.add(model_component(audit))
    for failure in report.errors:
        value = _text(f"{failure.model} (exit {failure.exit_code}): {failure.message}")
        bom.metadata.properties.add(Property(name="openness:not-audited", value=value))
    document: dict[str, Any] = json.loads(JsonV1Dot6(bom).output_as_string())
    cards = {_bom_ref(audit): _model_card(audit) for audit in report.audits}
    for component in document.get("components", []):
        card = cards.get(component.get("bom-ref", ""))
        if card is not None:
            component["modelCard"] = card
    return document


def render_cyclonedx(report: Report, options: RenderOptions) -> str:
    """The report as a CycloneDX 1.6 ML-BOM (JSON text)."""
    return json_document(cyclonedx_bom(report))
