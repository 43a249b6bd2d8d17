"""The audit as SARIF 2.1.0, for GitHub code scanning.

Rules: one per restrictive-clause kind found (`clause/<kind>`, level warning), one per rubric
criterion that is not met (`<rubric id>/<criterion id>`: `osd/osd-5`..., level error) or needs
a person's review (level warning), and one per policy rule passed in by the policy engine
(`policy/<rule>`, level error).

Repo text is put on one line (`one_line`) and the JSON text escapes hidden characters.

Code scanning needs a file and line for every result: a model found by a code scan is placed
where it was found (`locations[model_id]`), any other at line 1 of `default_path` (the policy
file), with the model id as the result's logical location.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from typing import Any, Literal
from urllib.parse import quote

from openness.render import RenderOptions
from openness.render.untrusted import json_document, one_line
from openness.report import Audit, Report
from openness.rubrics.registry import registry
from openness.rubrics.status import STATUSES

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
INFORMATION_URI = "https://pypi.org/project/openness/"
DEFAULT_PATH = ".openness.yml"
MESSAGE_LIMIT = 1000

Level = Literal["error", "warning", "note"]
# A criterion not met is an error, one that needs a person's review a warning; others no result.
_LEVELS: dict[str, Level] = {"bad": "error", "review": "warning"}
Violation = tuple[str, str, str]
"""(model id, policy rule id, message) for a policy violation."""
Locations = Mapping[str, tuple[str, int]]
"""Model id -> (repo-relative file path, 1-based line) where a code scan found it."""


def sarif_text(text: object, limit: int = MESSAGE_LIMIT) -> str:
    """Untrusted text for a SARIF message: one line, at most `limit` characters."""
    clean = one_line(text).strip()
    return clean if len(clean) <= limit else clean[: limit - 1].rstrip() + "…"


class _Run:
    """Rules and results of one run, rules indexed as they are first used."""

    def __init__(self, locations: Locations, default_path: str) -> None:
        self.locations = locations
        self.default_path = default_path
        self.rules: list[dict[str, Any]] = []
        self.index: dict[str, int] = {}
        self.results: list[dict[str, Any]] = []

    def rule(self, rule_id: str, description: str, level: Level, tags: list[str]) -> int:
        if rule_id not in self.index:
            self.index[rule_id] = len(self.rules)
            self.rules.append(
                {
                    "id": rule_id,
                    "name": _rule_name(rule_id),
                    "shortDescription": {"text": sarif_text(description, 200)},
                    "helpUri": INFORMATION_URI,
                    "defaultConfiguration": {"level": level},
                    "properties": {"tags": ["openness", *tags]},
                }
            )
        return self.index[rule_id]

    def location(self, model: str) -> dict[str, Any]:
        path, line = self.locations.get(model, (self.default_path, 1))
        return {
            "physicalLocation": {
                "artifactLocation": {"uri": quote(one_line(path.replace("\\", "/")))},
                "region": {"startLine": max(int(line), 1)},
            },
            "logicalLocations": [{"fullyQualifiedName": sarif_text(model, 300), "kind": "module"}],
        }

    def result(
        self, model: str, rule_id: str, level: Level, message: str, fingerprint: str
    ) -> None:
        digest = hashlib.sha256(f"{model}\0{rule_id}\0{fingerprint}".encode()).hexdigest()
        self.results.append(
            {
                "ruleId": rule_id,
                "ruleIndex": self.index[rule_id],
                "level": level,
                "message": {"text": sarif_text(message)},
                "locations": [self.location(model)],
                "partialFingerprints": {"openness/v1": digest},
                "properties": {"model": sarif_text(model, 300)},
            }
        )


def _rule_name(rule_id: str) -> str:
    """`osd/osd-5` -> `OsdOsd5`: SARIF rule names are meant to be identifier-like."""
    words = rule_id.replace("/", "-").replace("_", "-").split("-")
    return "".join(word[:1].upper() + word[1:] for word in words if word.isalnum()) or "Rule"


def _audit_results(run: _Run, audit: Audit) -> None:
    model = audit.model.id
    for clause in audit.clauses:
        rule_id = f"clause/{clause.kind}"
        run.rule(rule_id, f"Restrictive licence clause: {clause.kind}", "warning", ["clause"])
        where = clause.evidence.where()
        inherited = f" (inherited from {clause.inherited_from})" if clause.inherited_from else ""
        message = f"{model}: {clause.kind}{inherited}: {clause.summary} [{where}]"
        if clause.evidence.quote and clause.evidence.quote != clause.summary:
            message += f' "{sarif_text(clause.evidence.quote, 200)}"'
        run.result(model, rule_id, "warning", message, f"{where}\0{clause.evidence.quote}")
    for rubric_id, rubric in audit.rubrics.pass_fail().items():
        short = registry().short(rubric_id)
        for criterion in rubric.criteria:
            meaning = STATUSES[criterion.status]
            level = _LEVELS.get(meaning.tone)
            if level is None:
                continue
            rule_id = f"{rubric_id}/{criterion.id}"
            cites = f" ({criterion.cites})" if criterion.cites else ""
            run.rule(rule_id, f"{short} criterion {meaning.label.lower()}: {criterion.title}"
                     f"{cites}", level, [rubric_id])  # fmt: skip
            message = (
                f"{model}: {short} {criterion.id} ({criterion.title}) {meaning.label.lower()}: "
            )
            run.result(model, rule_id, level, message + criterion.reason, "")


def sarif_log(
    report: Report,
    violations: Sequence[Violation] = (),
    locations: Locations | None = None,
    default_path: str = DEFAULT_PATH,
) -> dict[str, Any]:
    """The SARIF log as a JSON-ready dict; `violations` become `policy/<rule>` error results."""
    run = _Run(locations or {}, default_path)
    for audit in report.audits:
        _audit_results(run, audit)
    for model, rule, message in violations:
        rule_id = rule if rule.startswith("policy/") else f"policy/{rule}"
        run.rule(rule_id, f"Policy rule violated: {rule_id.removeprefix('policy/')}", "error",
                 ["policy"])  # fmt: skip
        run.result(model, rule_id, "error", f"{model}: {message}", message)
    notifications = [
        {
            "level": "error",
            "message": {"text": sarif_text(f"{failure.model}: {failure.message}")},
        }
        for failure in report.errors
    ]
    notifications += [
        {"level": "note", "message": {"text": sarif_text(f"{audit.model.id}: {warning}")}}
        for audit in report.audits
        for warning in audit.warnings
    ]
    return {
        "$schema": SARIF_SCHEMA,
        "version": SARIF_VERSION,
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": report.tool.name,
                        "version": report.tool.version,
                        "informationUri": INFORMATION_URI,
                        "rules": run.rules,
                    }
                },
                "invocations": [
                    {
                        "executionSuccessful": not report.errors,
                        "toolExecutionNotifications": notifications,
                    }
                ],
                "results": run.results,
            }
        ],
    }


def render_sarif(
    report: Report,
    options: RenderOptions,
    locations: Locations | None = None,
    *,
    violations: Sequence[Violation] = (),
    default_path: str = DEFAULT_PATH,
) -> str:
    """The report as a SARIF 2.1.0 log (JSON text)."""
    log = sarif_log(report, violations, locations, default_path)
    return json_document(log)
