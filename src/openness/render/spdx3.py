"""The audit as an SPDX 3.0.1 AI-BOM (JSON-LD), built with the `spdx-python-model` bindings.

One `ai_AIPackage` per audited model (name, revision as package version, the Hub page as
download location, a `pkg:huggingface` purl when the revision is a commit sha, the Hub
organisation as supplier), with two licence relationships as the AI profile asks:
`hasDeclaredLicense` to what the card declares and `hasConcludedLicense` to what the audit
concluded. A licence the SPDX list does not have is a `LicenseRef-` id; when the audit read its
text, the licence element is verified by the text's sha256 (`verifiedUsing`) and names the file.
No licence known is `NoAssertionLicense`. Base models (the lineage, to the root) are
`ai_AIPackage`s joined by `descendantOf` relationships; the training datasets the card names
are `dataset_DatasetPackage`s joined by `trainedOn`. Each verdict (OSD, OSAID, EU AI Act, MOF,
G7 label) and each clause is an `Annotation` of its model, with its evidence (`file:line` and
quote, or the criteria not met). Creation info names the tool (`createdUsing`) and the tool as
a software agent (`createdBy`).

The bindings check the model's constraints (types, cardinalities, patterns, vocabularies) as
values are set and as the document is written. Repo text is put on one line (`one_line`) and
the JSON text escapes hidden characters.
"""

from __future__ import annotations

import re
import uuid
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from openness.errors import UsageError
from openness.render import RenderOptions
from openness.render.untrusted import json_document, one_line
from openness.report import Audit, Report

if TYPE_CHECKING:
    from types import ModuleType

INSTALL_HINT = "--format spdx3 needs the spdx-python-model package: pip install spdx-python-model"

# Imported when the registry loads this renderer, before any audit: without the package, the
# command stops at once with one line naming it (exit 2).
try:
    from spdx_python_model.bindings import v3_0_1 as _bindings
except ImportError as error:
    raise UsageError(INSTALL_HINT) from error

HUB_URL = "https://huggingface.co/"
SPEC_VERSION = "3.0.1"
TEXT_LIMIT = 2000
NAMESPACE = "https://spdx.org/spdxdocs/openness-"
NO_ASSERTION = "https://spdx.org/rdf/3.0.1/terms/ExpandedLicensing/NoAssertionLicense"
_SHA = re.compile(r"^[0-9a-fA-F]{40}$")
_NOT_A_LICENSE = {"", "unknown", "none", "noassertion", "other"}
_IDSTRING = re.compile(r"[^A-Za-z0-9.-]+")


def bindings() -> ModuleType:
    """The SPDX 3.0.1 bindings."""
    return _bindings


def _text(value: object, limit: int = TEXT_LIMIT) -> str:
    clean = one_line(value).strip()
    return clean if len(clean) <= limit else clean[: limit - 1].rstrip() + "…"


def license_ref(name: str) -> str:
    """`LicenseRef-<name>` with only the characters an SPDX idstring allows."""
    return "LicenseRef-" + (_IDSTRING.sub("-", one_line(name)).strip("-.")[:100] or "unnamed")


def spdx_expression(value: str | None) -> str | None:
    """`value` as a valid SPDX licence expression (ids in their listed spelling), else None."""
    if not value or value.strip().lower() in _NOT_A_LICENSE:
        return None
    from license_expression import ExpressionError, get_spdx_licensing

    licensing = get_spdx_licensing()
    try:
        parsed = licensing.parse(value.strip(), validate=True, strict=True)
    except ExpressionError:
        return None
    if parsed is None or licensing.validate(parsed).errors:
        return None
    rendered: str = parsed.render()
    return rendered


class _Builder:
    """Collects the elements of one document."""

    def __init__(self, report: Report, created: datetime, document_id: str) -> None:
        self.m = bindings()
        self.base = f"{NAMESPACE}{document_id}/"
        self.counter = 0
        self.objects: list[Any] = []
        m = self.m
        self.info = m.CreationInfo(specVersion=SPEC_VERSION, created=created)
        tool = self.add(m.Tool(name=f"{report.tool.name} {report.tool.version}"), "tool")
        agent = self.add(m.SoftwareAgent(name=f"{report.tool.name} {report.tool.version}"), "agent")
        self.info.createdBy = [agent]
        self.info.createdUsing = [tool]
        self.packages: dict[str, Any] = {}
        self.licenses: dict[str, Any] = {}
        self.roots: list[Any] = []
        self.licensed: set[str] = set()  # ancestors whose licence relationships are written

    def add(self, element: Any, kind: str) -> Any:
        self.counter += 1
        element._id = f"{self.base}{kind}-{self.counter}"
        element.creationInfo = self.info
        self.objects.append(element)
        return element

    def relate(self, source: Any, kind: str, targets: list[Any], comment: str = "") -> None:
        m = self.m
        relationship = m.Relationship(
            from_=source, to=targets, relationshipType=getattr(m.RelationshipType, kind)
        )
        if comment:
            relationship.comment = _text(comment)
        self.add(relationship, "relationship")

    def license(self, expression: str | None, name: str | None, sha256: str | None) -> Any:
        """The licence element: an SPDX expression, else `LicenseRef-<name>` (verified by
        the text's sha256 when known), else NoAssertionLicense."""
        m = self.m
        if expression is None and not name:
            return NO_ASSERTION
        value = expression or license_ref(name or "")
        key = f"{value}|{sha256 or ''}"
        if key in self.licenses:
            return self.licenses[key]
        element = m.simplelicensing_LicenseExpression(simplelicensing_licenseExpression=value)
        if expression is None:
            element.name = _text(name, 300)
        if sha256:
            element.verifiedUsing = [
                m.Hash(algorithm=m.HashAlgorithm.sha256, hashValue=sha256.lower())
            ]
        self.licenses[key] = self.add(element, "license")
        return self.licenses[key]

    def package(self, model_id: str, revision: str | None, local: bool) -> Any:
        m = self.m
        key = f"{model_id}@{revision or ''}"
        if key in self.packages:
            return self.packages[key]
        package = m.ai_AIPackage(name=_text(model_id, 300))
        package.software_primaryPurpose = m.software_SoftwarePurpose.model
        if revision:
            package.software_packageVersion = _text(revision, 100)
        if not local:
            url = HUB_URL + _text(model_id, 300)
            package.software_downloadLocation = url
            package.software_homePage = url
            organisation, _, name = model_id.rpartition("/")
            if organisation:
                package.suppliedBy = self.add(
                    m.Organization(name=_text(organisation, 200)), "organization"
                )
            if revision and _SHA.match(revision):
                package.software_packageUrl = (
                    f"pkg:huggingface/{_text(organisation, 200)}/{_text(name, 200)}"
                    f"@{revision.lower()}"
                    if organisation
                    else f"pkg:huggingface/{_text(name, 200)}@{revision.lower()}"
                )
        self.packages[key] = self.add(package, "model")
        return self.packages[key]

    def annotate(self, subject: Any, statement: str) -> None:
        m = self.m
        annotation = m.Annotation(
            annotationType=m.AnnotationType.review, subject=subject, statement=_text(statement)
        )
        self.add(annotation, "annotation")


def _declared(audit: Audit) -> tuple[str | None, str | None]:
    """The card's licence: an SPDX expression, or the name for a LicenseRef-."""
    license = audit.license
    expression = spdx_expression(license.declared)
    if expression is not None:
        return expression, None
    for candidate in (license.declared_name, license.declared):
        if candidate and candidate.strip().lower() not in _NOT_A_LICENSE:
            return None, candidate
    return None, None


def _concluded(audit: Audit) -> tuple[str | None, str | None, str | None, str]:
    """The concluded licence (expression, name, sha256 of its text) and where it was read."""
    license = audit.license
    files = [item for item in license.files if item.sha256]
    sha256 = files[0].sha256 if files else None
    where = f"{files[0].path} (sha256 {sha256})" if files else "card:license"
    expression = spdx_expression(license.spdx_id)
    if expression is not None:
        return expression, None, None, where
    for candidate in (license.conclusion, license.declared_name, license.declared):
        if candidate and candidate.strip().lower() not in _NOT_A_LICENSE:
            return None, candidate, sha256, where
    return None, None, None, where


def _verdicts(audit: Audit) -> list[str]:
    """One statement per verdict and clause, each with its evidence."""
    statements = []
    for rubric_id, rubric in audit.rubrics.pass_fail().items():
        label = f" ({rubric.label})" if rubric.label else ""
        open_points = [
            f"{criterion.id} {criterion.status}: {criterion.reason}"
            + (f" [{criterion.evidence[0].where()}]" if criterion.evidence else "")
            for criterion in rubric.criteria
            if criterion.status != "met"
        ]
        detail = "; ".join(open_points) if open_points else "every criterion met"
        statements.append(f"openness:{rubric_id}: {rubric.verdict}{label}; {detail}")
    mof = audit.rubrics.mof
    statements.append(f"openness:mof: {mof.label} (class {mof.class_ or 'none'})")
    if audit.g7 is not None:
        statements.append(f"openness:g7-label: {audit.g7.label}; {audit.g7.reason}")
    for clause in audit.clauses:
        origin = f" (inherited from {clause.inherited_from})" if clause.inherited_from else ""
        quote = clause.evidence.quote or clause.summary
        statements.append(
            f"openness:clause: {clause.kind}{origin} at {clause.evidence.where()}: {quote}"
        )
    statements.append(f"openness:summary: {audit.summary}")
    return statements


def _model(builder: _Builder, audit: Audit) -> None:
    m = builder.m
    model = audit.model
    package = builder.package(model.id, model.revision, model.source == "local")
    builder.roots.append(package)
    expression, name = _declared(audit)
    builder.relate(
        package,
        "hasDeclaredLicense",
        [builder.license(expression, name, None)],
        f"card:license {audit.license.declared or 'none'}",
    )
    expression, name, sha256, where = _concluded(audit)
    builder.relate(
        package,
        "hasConcludedLicense",
        [builder.license(expression, name, sha256)],
        f"concluded by openness from {where}",
    )
    by_id = {entry.id: entry for entry in audit.lineage}
    for parent_id in model.base_models:
        entry = by_id.get(parent_id)
        parent = builder.package(parent_id, None, False)
        relation = entry.relation if entry else ""
        builder.relate(package, "descendantOf", [parent], relation)
    for entry in audit.lineage:
        child = builder.package(entry.id, None, False)
        if entry.id not in builder.licensed and child not in builder.roots:
            builder.licensed.add(entry.id)
            concluded = spdx_expression(entry.license_conclusion)
            target = builder.license(
                concluded, None if concluded else entry.license_conclusion, None
            )
            builder.relate(
                child, "hasConcludedLicense", [target], "lineage: its licence as audited"
            )
            builder.relate(child, "hasDeclaredLicense", [NO_ASSERTION], "lineage: card not read")
        for parent_id in entry.parents:
            parent_entry = by_id.get(parent_id)
            builder.relate(
                child,
                "descendantOf",
                [builder.package(parent_id, None, False)],
                parent_entry.relation if parent_entry else "",
            )
    datasets = []
    for named in audit.datasets:
        dataset = m.dataset_DatasetPackage(name=_text(named.id, 300))
        dataset.dataset_datasetType = [m.dataset_DatasetType.noAssertion]
        dataset.software_primaryPurpose = m.software_SoftwarePurpose.data
        dataset.software_downloadLocation = HUB_URL + "datasets/" + _text(named.id, 300)
        if named.gated in ("auto", "manual"):
            dataset.dataset_datasetAvailability = m.dataset_DatasetAvailabilityType.clickthrough
        elif named.public:
            dataset.dataset_datasetAvailability = m.dataset_DatasetAvailabilityType.directDownload
        dataset = builder.add(dataset, "dataset")
        datasets.append(dataset)
        if named.license:
            expression = spdx_expression(named.license)
            builder.relate(
                dataset,
                "hasDeclaredLicense",
                [builder.license(expression, None if expression else named.license, None)],
                "dataset card",
            )
        builder.relate(package, "trainedOn", [dataset], f"named in {named.named_in}")
    for statement in _verdicts(audit):
        builder.annotate(package, statement)


def spdx3_document(
    report: Report, created: datetime | None = None, document_id: str | None = None
) -> dict[str, Any]:
    """The AI-BOM as JSON-LD data (a dict with `@context` and `@graph`)."""
    stamp = (created or datetime.now(timezone.utc)).replace(microsecond=0)
    builder = _Builder(report, stamp, document_id or str(uuid.uuid4()))
    m = builder.m
    for audit in report.audits:
        _model(builder, audit)
    document = m.SpdxDocument(name=f"openness audit of {len(report.audits)} model(s)")
    profiles = ["core", "software", "simpleLicensing", "ai"]
    if any(audit.datasets for audit in report.audits):
        profiles.append("dataset")
    document.profileConformance = [getattr(m.ProfileIdentifierType, p) for p in profiles]
    if report.errors:
        document.comment = _text(
            "not audited: "
            + "; ".join(f"{f.model} (exit {f.exit_code}): {f.message}" for f in report.errors)
        )
    document.rootElement = list(builder.roots)
    document.element = list(builder.objects)
    builder.add(document, "document")
    objects = m.SHACLObjectSet(builder.objects)
    data: dict[str, Any] = m.JSONLDSerializer().serialize_data(objects)
    return data


def render_spdx3(report: Report, options: RenderOptions) -> str:
    """The report as an SPDX 3.0.1 AI-BOM (JSON-LD text)."""
    return json_document(spdx3_document(report))
