"""The SBOM formats: CycloneDX 1.7 (default) and 1.6, and the SPDX 3.0.1 AI-BOM.

CycloneDX documents are validated by cyclonedx-python-lib's strict JSON validator, which ships
the 1.7 and 1.6 schemas. SPDX documents are built with the `spdx-python-model` bindings, which
check the SPDX 3.0.1 model's constraints (types, cardinalities, patterns, vocabularies) as the
document is built and written; the tests read every document back with the same bindings'
loader (`spdx_python_model.load_data`) and check the AI profile's relationships. The package
ships neither the SPDX JSON schema nor the SHACL shapes: point SPDX3_JSON_SCHEMA (and, with
pyshacl installed, SPDX3_SHACL_MODEL) at local copies of spdx-json-schema.json and
spdx-model.ttl to validate against them too. Nothing is fetched from the network.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path
from typing import Any

import pytest

from openness import __version__
from openness.render import RenderOptions
from openness.report import Audit, Citation, Clause, DatasetEntry, LineageEntry, Report, ToolInfo

MODELS = ("meta-llama/Llama-3.1-8B", "deepseek-ai/DeepSeek-R1")
LICENSE = "Acme Model Licence\n\nYou may use the model for non-commercial purposes only.\n"
HOSTILE = "evil\n::error::x ##[add-mask]s \u202e\u200b\x1b[31m <b>&"


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sbom") / "acme-model"
    path.mkdir()
    card = "---\nlicense: other\nlicense_name: acme-model-licence\n---\n# Acme\n"
    (path / "README.md").write_text(card, encoding="utf-8")
    (path / "LICENSE").write_text(LICENSE, encoding="utf-8")
    (path / "model.safetensors").write_bytes(b"")
    return path


@pytest.fixture(scope="module")
def audits(folder: Path) -> list[Audit]:
    from openness.audit import audit_model

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HF_HUB_OFFLINE", "1")
        return [audit_model(model, offline=True) for model in (*MODELS, str(folder))]


@pytest.fixture(scope="module")
def report(audits: list[Audit]) -> Report:
    return Report(tool=ToolInfo(version=__version__), audits=audits)


@pytest.fixture(scope="module")
def rich_report(audits: list[Audit]) -> Report:
    """A derivative with a two-level lineage and two named datasets, plus hostile text."""
    base = audits[0]
    lineage = [
        LineageEntry(
            id="meta-llama/Llama-3.1-8B",
            relation="finetune",
            depth=1,
            license_conclusion="llama3.1",
            parents=["acme/root-model"],
        ),
        LineageEntry(id="acme/root-model", relation="merge", depth=2, license_conclusion="MIT"),
    ]
    datasets = [
        DatasetEntry(id="acme/open-data", named_in="card:datasets", license="cc-by-4.0",
                     public=True, source="hub"),
        DatasetEntry(id="acme/gated-data", named_in="README.md:3", gated="manual"),
    ]  # fmt: skip
    model = base.model.model_copy(
        update={"id": "acme/llama-tune", "base_models": ["meta-llama/Llama-3.1-8B"]}
    )
    clause = Clause(
        kind="non-commercial",
        summary=HOSTILE,
        evidence=Citation(source="LICENSE", line=3, quote=HOSTILE),
    )
    derived = base.model_copy(
        update={
            "model": model,
            "lineage": lineage,
            "datasets": datasets,
            "clauses": [clause, *base.clauses],
        }
    )
    return Report(tool=ToolInfo(version=__version__), audits=[derived])


# --- CycloneDX ---------------------------------------------------------------------------------


def _validate(text: str, version: str) -> None:
    from cyclonedx.schema import SchemaVersion
    from cyclonedx.validation.json import JsonStrictValidator

    schema = {"1.7": SchemaVersion.V1_7, "1.6": SchemaVersion.V1_6}[version]
    error = JsonStrictValidator(schema).validate_str(text)
    assert error is None, f"CycloneDX {version} schema violation: {error}"


def _pointer(document: Any, pointer: str) -> Any:
    for part in pointer.lstrip("/").split("/"):
        document = document[int(part)] if isinstance(document, list) else document[part]
    return document


def test_cyclonedx_is_1_7_by_default_and_validates(report: Report, rich_report: Report) -> None:
    from openness.render.cyclonedx import render_cyclonedx

    for each in (report, rich_report):
        text = render_cyclonedx(each, RenderOptions())
        _validate(text, "1.7")
        assert json.loads(text)["specVersion"] == "1.7"


def test_cyclonedx_1_6_validates_without_1_7_fields(report: Report) -> None:
    from openness.render.cyclonedx import render_cyclonedx

    text = render_cyclonedx(report, RenderOptions(cyclonedx_version="1.6"))
    _validate(text, "1.6")
    document = json.loads(text)
    assert document["specVersion"] == "1.6"
    assert "citations" not in document
    assert all("modelCard" in component for component in document["components"])


def test_cyclonedx_declared_licence_is_evidence_and_citations_point_to_fields(
    report: Report, rich_report: Report
) -> None:
    from openness.render.cyclonedx import render_cyclonedx

    document = json.loads(render_cyclonedx(report, RenderOptions()))
    components = {component["name"]: component for component in document["components"]}
    r1 = components["deepseek-ai/DeepSeek-R1"]
    assert r1["licenses"] == [{"license": {"acknowledgement": "concluded", "id": "MIT"}}]
    declared = r1["evidence"]["licenses"][0]["license"]
    assert declared == {"acknowledgement": "declared", "id": "MIT"}
    assert document["metadata"]["tools"]["components"][0]["bom-ref"] == "tool:openness"
    citations = document["citations"]
    for citation in citations:
        assert citation["attributedTo"] == "tool:openness"
        (pointer,) = citation["pointers"]
        assert _pointer(document, pointer) is not None  # every pointer names a real field
    acme = next(name for name in components if name.endswith("acme-model"))
    index = document["components"].index(components[acme])
    licence_notes = [
        c["note"] for c in citations if c["pointers"] == [f"/components/{index}/licenses"]
    ]
    sha = hashlib.sha256(LICENSE.encode()).hexdigest()
    assert licence_notes and "LICENSE: " in licence_notes[0] and sha in licence_notes[0]

    rich = json.loads(render_cyclonedx(rich_report, RenderOptions()))
    clause_notes = [
        c["note"]
        for c in rich["citations"]
        if _pointer(rich, c["pointers"][0])
        == {"name": "openness:clause", "value": "non-commercial"}
    ]
    assert clause_notes and clause_notes[0].startswith("LICENSE:3: evil ::error::x")
    assert "\n" not in json.dumps(rich["citations"]).replace("\\n", "")


def test_cyclonedx_version_option(cli: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    for command in ("audit", "compare"):
        args = [command, *MODELS, "--offline", "-f", "cyclonedx"]
        assert cli(*args).json()["specVersion"] == "1.7"
        old = cli(*args, "--cyclonedx-version", "1.6")
        assert old.json()["specVersion"] == "1.6"
        _validate(old.stdout, "1.6")
    wrong = cli("audit", MODELS[0], "--offline", "-f", "cyclonedx", "--cyclonedx-version", "1.5")
    assert wrong.exit_code == 2 and "1.7 or 1.6" in wrong.stderr


# --- SPDX 3.0.1 --------------------------------------------------------------------------------


def _load(text: str) -> tuple[Any, Any]:
    """The document read back by the bindings (which refuse what the model does not allow)."""
    import spdx_python_model

    data = json.loads(text)
    assert data["@context"] == "https://spdx.org/rdf/3.0.1/spdx-context.jsonld"
    return spdx_python_model.load_data(data)


def _relationships(model: Any, objects: Any, kind: str) -> list[Any]:
    wanted = getattr(model.RelationshipType, kind)
    return [o for o in objects.foreach_type(model.Relationship) if o.relationshipType == wanted]


def test_spdx3_one_ai_package_per_model_with_both_licences(report: Report) -> None:
    from openness.render.spdx3 import render_spdx3

    model, objects = _load(render_spdx3(report, RenderOptions()))
    packages = {p.name: p for p in objects.foreach_type(model.ai_AIPackage)}
    assert set(packages) == {audit.model.id for audit in report.audits}
    (document,) = objects.foreach_type(model.SpdxDocument)
    assert {root.name for root in document.rootElement} == set(packages)
    info = document.creationInfo
    assert info.specVersion == "3.0.1"
    assert [tool.name for tool in info.createdUsing] == [f"openness {__version__}"]
    for kind in ("hasDeclaredLicense", "hasConcludedLicense"):
        subjects = [r.from_ for r in _relationships(model, objects, kind)]
        assert sorted(s.name for s in subjects) == sorted(packages), kind

    def concluded(name: str) -> Any:
        (relationship,) = [
            r
            for r in _relationships(model, objects, "hasConcludedLicense")
            if r.from_ is packages[name]
        ]
        (target,) = relationship.to
        return target

    assert concluded(MODELS[1]).simplelicensing_licenseExpression == "MIT"
    assert concluded(MODELS[0]).simplelicensing_licenseExpression == "LicenseRef-llama3.1"
    acme = next(name for name in packages if name.endswith("acme-model"))
    custom = concluded(acme)
    assert custom.simplelicensing_licenseExpression.startswith("LicenseRef-")
    (digest,) = custom.verifiedUsing
    assert digest.algorithm == model.HashAlgorithm.sha256
    assert digest.hashValue == hashlib.sha256(LICENSE.encode()).hexdigest()
    llama = packages[MODELS[0]]
    assert llama.software_primaryPurpose == model.software_SoftwarePurpose.model
    assert llama.suppliedBy.name == "meta-llama"
    assert llama.software_downloadLocation == "https://huggingface.co/" + MODELS[0]
    statements = [a.statement for a in objects.foreach_type(model.Annotation) if a.subject is llama]
    assert any(s.startswith("openness:osd: fail") for s in statements)
    assert any(
        s.startswith("openness:clause: user-threshold at profile:llama3.1") for s in statements
    )


def test_spdx3_lineage_and_datasets_are_relationships(rich_report: Report) -> None:
    from openness.render.spdx3 import render_spdx3

    text = render_spdx3(rich_report, RenderOptions())
    model, objects = _load(text)
    edges = {
        (r.from_.name, r.to[0].name, r.comment)
        for r in _relationships(model, objects, "descendantOf")
    }
    assert edges == {
        ("acme/llama-tune", "meta-llama/Llama-3.1-8B", "finetune"),
        ("meta-llama/Llama-3.1-8B", "acme/root-model", "merge"),
    }
    trained = {r.to[0].name: r for r in _relationships(model, objects, "trainedOn")}
    assert set(trained) == {"acme/open-data", "acme/gated-data"}
    assert all(r.from_.name == "acme/llama-tune" for r in trained.values())
    datasets = {d.name: d for d in objects.foreach_type(model.dataset_DatasetPackage)}
    availability = model.dataset_DatasetAvailabilityType
    assert datasets["acme/gated-data"].dataset_datasetAvailability == availability.clickthrough
    assert datasets["acme/open-data"].dataset_datasetAvailability == availability.directDownload
    declared = [
        r.to[0].simplelicensing_licenseExpression
        for r in _relationships(model, objects, "hasDeclaredLicense")
        if r.from_.name == "acme/open-data"
    ]
    assert declared == ["CC-BY-4.0"]
    ancestors = [r.from_.name for r in _relationships(model, objects, "hasConcludedLicense")]
    assert sorted(ancestors) == sorted(
        ["acme/llama-tune", "meta-llama/Llama-3.1-8B", "acme/root-model"]
    )
    # hostile repo text stays on one line and its hidden characters are escapes
    assert "\u202e" not in text and "\x1b" not in text and "##[" not in text
    statement = next(
        a.statement
        for a in objects.foreach_type(model.Annotation)
        if a.statement.startswith("openness:clause: non-commercial")
    )
    assert "\n" not in statement and "\\u202e" in statement


def test_spdx3_from_every_command(cli: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    for args in (
        ("audit", *MODELS, "--offline"),
        ("compare", *MODELS, "--offline"),
        ("check", *MODELS, "--offline", "--preset", "osi"),
    ):
        result = cli(*args, "-f", "spdx3")
        assert result.exit_code in (0, 1), result.stderr
        model, objects = _load(result.stdout)
        assert len(list(objects.foreach_type(model.ai_AIPackage))) == 2


def test_spdx3_without_the_package_is_one_line_and_exit_2(
    cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setitem(sys.modules, "spdx_python_model", None)
    monkeypatch.setitem(sys.modules, "spdx_python_model.bindings", None)
    monkeypatch.setitem(sys.modules, "spdx_python_model.bindings.v3_0_1", None)
    monkeypatch.delitem(sys.modules, "openness.render.spdx3", raising=False)
    result = cli("audit", MODELS[1], "--offline", "-f", "spdx3")
    assert result.exit_code == 2
    assert "pip install" in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_spdx3_against_the_published_schema_and_shapes(report: Report) -> None:
    """With local copies of the SPDX 3.0.1 JSON schema and SHACL model (see the docstring)."""
    schema_path = os.environ.get("SPDX3_JSON_SCHEMA")
    shapes_path = os.environ.get("SPDX3_SHACL_MODEL")
    if not schema_path and not shapes_path:
        pytest.skip("SPDX3_JSON_SCHEMA / SPDX3_SHACL_MODEL not set (no local SPDX 3.0.1 schema)")
    from openness.render.spdx3 import render_spdx3

    text = render_spdx3(report, RenderOptions())
    if schema_path:
        import jsonschema

        schema = json.loads(Path(schema_path).read_text(encoding="utf-8"))
        errors = list(jsonschema.Draft202012Validator(schema).iter_errors(json.loads(text)))
        assert not errors, [error.message for error in errors[:5]]
    if shapes_path:
        pyshacl = pytest.importorskip("pyshacl", reason="pyshacl is not installed")
        from rdflib import Graph

        context = Path(shapes_path).with_name("spdx-context.jsonld")
        if not context.exists():
            pytest.skip("spdx-context.jsonld not beside SPDX3_SHACL_MODEL (needed offline)")
        data = json.loads(text)
        data["@context"] = json.loads(context.read_text(encoding="utf-8"))["@context"]
        graph = Graph().parse(data=json.dumps(data), format="json-ld")
        shapes = Graph().parse(shapes_path, format="turtle")
        conforms, _, report_text = pyshacl.validate(graph, shacl_graph=shapes, ont_graph=shapes)
        assert conforms, report_text
