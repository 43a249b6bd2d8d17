"""The audit as a CycloneDX ML-BOM (JSON), 1.7 by default or 1.6, built with cyclonedx-python-lib.

One `machine-learning-model` component per audited model: the repo id as name, the revision as
version, a `pkg:huggingface` purl when the revision is a commit sha, the Hub page as external
reference, the concluded licence (an SPDX id or expression when known, else a named licence)
and `openness:*` properties for the verdicts (`openness:<rubric id>`, one per pass/fail rubric,
with `openness:<rubric id>-label` where the rubric words its verdict, and `openness:g7-label`).
The licence the card declares is the component's licence *evidence* (`evidence.licenses`,
acknowledgement `declared`), next to the concluded one. In 1.7 the BOM's `citations` attribute
fields to where they were read: the licence to its files (path, identification, sha256) or the
card, each clause property to its `file:line` and quote, each verdict to its criteria not met.
The library has no model-card or citation support yet, so the `modelCard` (rubric criteria as
properties) and the 1.7 `citations` are added to the serialised JSON here. Repo text is put on
one line (`one_line`) and the JSON text escapes hidden characters.
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
from cyclonedx.exception.model import InvalidUriException
from cyclonedx.model import ExternalReference, ExternalReferenceType, Property, XsUri
from cyclonedx.model.bom import Bom
from cyclonedx.model.bom_ref import BomRef
from cyclonedx.model.component import Component, ComponentType
from cyclonedx.model.component_evidence import ComponentEvidence
from cyclonedx.model.license import License, LicenseAcknowledgement
from cyclonedx.output.json import Json, JsonV1Dot6, JsonV1Dot7
from packageurl import PackageURL

from openness.render import RenderOptions
from openness.render.untrusted import json_document, one_line
from openness.report import Audit, Report

HUB_URL = "https://huggingface.co/"
PROPERTY_LIMIT = 500
VERSIONS: dict[str, type[Json]] = {"1.7": JsonV1Dot7, "1.6": JsonV1Dot6}
DEFAULT_VERSION = "1.7"
TOOL_REF = "tool:openness"
_SHA = re.compile(r"^[0-9a-fA-F]{40}$")
_NOT_A_LICENSE = {"", "unknown", "none", "noassertion", "other"}
_URL = re.compile(r"^https?://[A-Za-z0-9._~:/?#\[\]@!$&'()*+,;=%-]+$")  # a plain URL only


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


def declared_license(audit: Audit) -> License | None:
    """The licence the model card declares (`license`, or `license_name` for `other`), as
    evidence: an SPDX id when it is one, else a named licence, with the card's link if any."""
    license = audit.license
    factory = LicenseFactory()
    declared = LicenseAcknowledgement.DECLARED
    if license.declared and license.declared.lower() not in _NOT_A_LICENSE:
        try:
            return factory.make_with_id(_text(license.declared, 200), acknowledgement=declared)
        except InvalidSpdxLicenseException:
            pass
    for candidate in (license.declared_name, license.declared):
        name = _text(candidate, 200)
        if name.lower() not in _NOT_A_LICENSE:
            url = None
            link = license.declared_link or ""
            if len(link) <= 300 and _URL.match(link):
                try:
                    url = XsUri(link)
                except InvalidUriException:
                    url = None
            return factory.make_with_name(name, url=url, acknowledgement=declared)
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
    declared = declared_license(audit)
    return Component(
        type=ComponentType.MACHINE_LEARNING_MODEL,
        name=_text(model.id, 300),
        version=_text(model.revision or "unknown", 100),
        bom_ref=BomRef(_bom_ref(audit)),
        purl=model_purl(model.id, model.revision),
        external_references=references,
        licenses=[license] if license is not None else [],
        properties=_properties(audit),
        evidence=ComponentEvidence(licenses=[declared]) if declared is not None else None,
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


def _license_note(audit: Audit) -> str:
    """Where the concluded licence was read: its files, else the card."""
    files = [
        f"{item.path}: {item.identified or 'not identified'} ({item.match} match, "
        f"confidence {item.confidence:.2f})" + (f", sha256 {item.sha256}" if item.sha256 else "")
        for item in audit.license.files
    ]
    if files:
        return "concluded from " + "; ".join(files)
    return f"concluded from card:license ({audit.license.declared or 'none'})"


def _citation(pointer: str, note: str, timestamp: str) -> dict[str, Any]:
    return {
        "pointers": [pointer],
        "timestamp": timestamp,
        "attributedTo": TOOL_REF,
        "note": _text(note),
    }


def _property_note(audit: Audit, name: str, value: str, seen: dict[str, int]) -> str | None:
    """The evidence behind one `openness:*` property, if it has any."""
    if name == "openness:clause":
        clauses = [clause for clause in audit.clauses if clause.kind == value]
        if not clauses:
            return None
        clause = clauses[min(seen.get(value, 0), len(clauses) - 1)]
        seen[value] = seen.get(value, 0) + 1
        origin = f" (inherited from {clause.inherited_from})" if clause.inherited_from else ""
        return f"{clause.evidence.where()}{origin}: {clause.evidence.quote or clause.summary}"
    if name == "openness:base-model":
        return "card:base_model"
    if name == "openness:license-declared":
        return "card:license"
    rubric = audit.rubrics.pass_fail().get(name.removeprefix("openness:"))
    if rubric is None:
        return None
    open_points = [
        f"{criterion.id} {criterion.status}: {criterion.reason}"
        + (f" [{criterion.evidence[0].where()}]" if criterion.evidence else "")
        for criterion in rubric.criteria
        if criterion.status != "met"
    ]
    return "; ".join(open_points) if open_points else "every criterion met"


def _citations(document: dict[str, Any], audits: dict[str, Audit]) -> list[dict[str, Any]]:
    """CycloneDX 1.7 `citations`: which fields of each component were read where."""
    citations: list[dict[str, Any]] = []
    for index, component in enumerate(document.get("components", [])):
        audit = audits.get(component.get("bom-ref", ""))
        if audit is None:
            continue
        at = audit.model.retrieved_at
        base = f"/components/{index}"
        if component.get("licenses"):
            citations.append(_citation(f"{base}/licenses", _license_note(audit), at))
        if component.get("evidence", {}).get("licenses"):
            link = f" ({audit.license.declared_link})" if audit.license.declared_link else ""
            note = f"card:license {audit.license.declared or 'none'}"
            if audit.license.declared_name:
                note += f", license_name {audit.license.declared_name}"
            citations.append(_citation(f"{base}/evidence/licenses", note + link, at))
        seen: dict[str, int] = {}
        for position, item in enumerate(component.get("properties", [])):
            found = _property_note(audit, item["name"], item["value"], seen)
            if found is not None:
                citations.append(_citation(f"{base}/properties/{position}", found, at))
    return citations


def cyclonedx_bom(report: Report, version: str = DEFAULT_VERSION) -> dict[str, Any]:
    """The ML-BOM as a JSON-ready dict, in CycloneDX `version` (1.7 or 1.6)."""
    writer = VERSIONS.get(version)
    if writer is None:
        raise ValueError(f"CycloneDX {version} is not written (choose {' or '.join(VERSIONS)})")
    bom = Bom()
    bom.metadata.tools.components.add(
        Component(
            type=ComponentType.APPLICATION,
            name=report.tool.name,
            version=report.tool.version,
            bom_ref=BomRef(TOOL_REF),
        )
    )
    for audit in report.audits:
        bom.components.add(model_component(audit))
    for failure in report.errors:
        value = _text(f"{failure.model} (exit {failure.exit_code}): {failure.message}")
        bom.metadata.properties.add(Property(name="openness:not-audited", value=value))
    document: dict[str, Any] = json.loads(writer(bom).output_as_string())
    cards = {_bom_ref(audit): _model_card(audit) for audit in report.audits}
    for component in document.get("components", []):
        card = cards.get(component.get("bom-ref", ""))
        if card is not None:
            component["modelCard"] = card
    if version != "1.6":
        audits = {_bom_ref(audit): audit for audit in report.audits}
        citations = _citations(document, audits)
        if citations:
            document["citations"] = citations
    return document


def render_cyclonedx(report: Report, options: RenderOptions) -> str:
    """The report as a CycloneDX ML-BOM (JSON text), in `options.cyclonedx_version`."""
    version = getattr(options, "cyclonedx_version", DEFAULT_VERSION)
    return json_document(cyclonedx_bom(report, version))
