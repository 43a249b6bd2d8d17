"""Adoption policies (`.openness.yml` or a preset) and their evaluation against audits."""

from __future__ import annotations

from datetime import date
from functools import cache
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import (
    AliasChoices,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

from openness.errors import UsageError
from openness.report import Audit, Failure, ModelResult, PolicyOutcome, PolicyStatus, Violation
from openness.rubrics.registry import registry
from openness.rubrics.status import STATUSES

Action = Literal["fail", "warn", "ignore"]
RubricRequirement = Literal["pass", "not-fail", "any"]
POLICY_FILE = ".openness.yml"
PRESETS = ("osi", "permissive", "no-use-restrictions")


@cache
def clause_kinds() -> frozenset[str]:
    from openness.license.clauses import clause_kinds

    return frozenset(clause_kinds())


class Licenses(BaseModel):
    model_config = ConfigDict(extra="forbid")

    allow: list[str] = Field(default_factory=list, description="Only these (empty: any).")
    deny: list[str] = Field(default_factory=list)
    require_osi_approved: bool = False


class Clauses(BaseModel):
    model_config = ConfigDict(extra="forbid")

    fail: list[str] = Field(default_factory=list)
    warn: list[str] = Field(default_factory=list)
    ignore: list[str] = Field(default_factory=list)

    @field_validator("fail", "warn", "ignore")
    @classmethod
    def _known_kinds(cls, kinds: list[str]) -> list[str]:
        unknown = [kind for kind in kinds if kind not in clause_kinds()]
        if unknown:
            raise ValueError(f"not a clause kind: {', '.join(unknown)}")
        return kinds

    def action(self, kind: str) -> Action:
        if kind in self.fail:
            return "fail"
        if kind in self.warn:
            return "warn"
        return "ignore"


def _key_error(model: str, key: object, value: object, message: str) -> ValidationError:
    """An error located at `key` of the mapping being validated (so it gets the key's line)."""
    error = PydanticCustomError("policy_key", message)
    return ValidationError.from_exception_data(
        model, [InitErrorDetails(type=error, loc=(str(key),), input=value)]
    )


class Rubrics(BaseModel):
    """`mof_min_class`, and a requirement per pass/fail rubric id (`osd: pass`); unnamed: any."""

    model_config = ConfigDict(extra="allow")
    __pydantic_extra__: dict[str, RubricRequirement] = Field(init=False)

    mof_min_class: Literal[1, 2, 3] | None = None

    @model_validator(mode="before")
    @classmethod
    def _known_rubrics(cls, data: Any) -> Any:
        if isinstance(data, dict):
            known = registry().pass_fail
            for key, value in data.items():
                if key != "mof_min_class" and key not in known:
                    choices = ", ".join([*known, "mof_min_class"])
                    raise _key_error(cls.__name__, key, value, f"not a rubric (known: {choices})")
        return data

    def required(self, rubric_id: str) -> RubricRequirement:
        return self.__pydantic_extra__.get(rubric_id, "any")


class AccessRules(BaseModel):
    """What the Hub's access gate may ask, beyond being gated at all (`gated:`)."""

    model_config = ConfigDict(extra="forbid")

    manual_approval: Action = "ignore"
    personal_data: Action = "ignore"
    eu_disallowed: Action = "ignore"


class Waiver(BaseModel):
    """A human decision: accept a model (at a revision, with a given LICENSE text) until a date."""

    model_config = ConfigDict(extra="forbid")

    model: str
    reason: str
    revision: str | None = None
    license_sha256: str | None = Field(default=None, pattern=r"^[0-9a-f]{64}$")
    expires: date | None = None


class Policy(BaseModel):
    model_config = ConfigDict(extra="forbid")

    licenses: Licenses = Field(
        default_factory=Licenses, validation_alias=AliasChoices("licenses", "licences")
    )
    clauses: Clauses = Field(default_factory=Clauses)
    rubrics: Rubrics = Field(default_factory=Rubrics)
    gated: Action = "ignore"
    access: AccessRules = Field(default_factory=AccessRules)
    unknown_license: Action = "warn"
    conflicts: Action = "warn"
    inherited_clauses: Literal["same", "warn", "ignore"] = "same"
    waivers: list[Waiver] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _one_spelling(cls, data: Any) -> Any:
        if isinstance(data, dict) and "licenses" in data and "licences" in data:
            message = "`licences` is another spelling of `licenses`: give one of them"
            raise _key_error(cls.__name__, "licences", data["licences"], message)
        return data


# --- loading -------------------------------------------------------------------------------


def _key_lines(node: yaml.Node, prefix: tuple[Any, ...] = ()) -> dict[tuple[Any, ...], int]:
    """Line (1-based) of every key and list item, by its path."""
    lines: dict[tuple[Any, ...], int] = {prefix: node.start_mark.line + 1}
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            lines.update(_key_lines(value, prefix + (key.value,)))
            lines[prefix + (key.value,)] = key.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            lines.update(_key_lines(item, prefix + (index,)))
    return lines


def parse_policy(text: str, name: str) -> Policy:
    """A validated policy, or a UsageError naming the file, line and key at fault (YAML that
    safe_yaml refuses included: aliases, duplicate keys, too large or deep)."""
    from openness.readers import YamlError, load_node

    try:
        data, node = load_node(text, name)
    except YamlError as error:
        raise UsageError(str(error)) from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise UsageError(f"{name}: a policy must be a mapping")
    try:
        return Policy.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        location = tuple(first["loc"])
        lines = _key_lines(node) if node is not None else {}
        while location and location not in lines:
            location = location[:-1]
        where = f":{lines[location]}" if location in lines else ""
        key = ".".join(str(part) for part in first["loc"]) or "(top)"
        message = first["msg"].removeprefix("Value error, ")
        raise UsageError(f"{name}{where}: {key}: {message}") from None


def load_policy(path: Path) -> Policy:
    from openness.readers import read

    try:
        text = read(path)
    except OSError as error:
        raise UsageError(f"cannot read policy {path}: {error.strerror or error}") from None
    except UnicodeDecodeError:
        raise UsageError(f"cannot read policy {path}: not UTF-8 text") from None
    return parse_policy(text, str(path))


def preset(name: str) -> Policy:
    from openness.data import packaged

    if name not in PRESETS:
        raise UsageError(f"unknown preset {name!r} (choose from {', '.join(PRESETS)})")
    path = packaged(f"presets/{name}.yml")
    return parse_policy(path.read_text(encoding="utf-8"), f"preset {name}")


# --- evaluation ----------------------------------------------------------------------------


def _license_terms(audit: Audit) -> set[str]:
    """Every spelling the audit's licence answers to: profile id, SPDX id, Hub keyword."""
    from openness.license.profiles import knowledge_base

    license = audit.license
    terms = {term.lower() for term in (license.conclusion, license.spdx_id) if term}
    profile = knowledge_base().get(license.conclusion) if license.conclusion else None
    if profile:
        terms |= {keyword.lower() for keyword in profile.hub_keywords}
    return terms


def _matches(audit: Audit, wanted: list[str]) -> bool:
    from openness.license.names import resolve

    terms = _license_terms(audit)
    for entry in wanted:
        resolved = resolve(entry)
        names = {entry.lower()} | ({resolved.id.lower()} if resolved else set())
        if resolved and resolved.spdx_id:
            names.add(resolved.spdx_id.lower())
        if names & terms:
            return True
    return False


def _license_violations(policy: Policy, audit: Audit) -> list[Violation]:
    license = audit.license
    found: list[Violation] = []
    named = license.conclusion or "unknown"
    if license.conclusion is None:
        if policy.unknown_license != "ignore":
            found.append(Violation(rule="unknown-license", severity=policy.unknown_license,
                                   message="the licence could not be determined"))  # fmt: skip
        return found
    if policy.licenses.deny and _matches(audit, policy.licenses.deny):
        found.append(Violation(rule="license-denied", severity="fail",
                               message=f"licence {named} is denied"))  # fmt: skip
    if policy.licenses.allow and not _matches(audit, policy.licenses.allow):
        found.append(Violation(rule="license-not-allowed", severity="fail",
                               message=f"licence {named} is not in the allow list"))  # fmt: skip
    if policy.licenses.require_osi_approved and license.osi_approved is not True:
        found.append(Violation(rule="license-not-osi-approved", severity="fail",
                               message=f"licence {named} is not OSI-approved"))  # fmt: skip
    return found


def _rubric_violations(policy: Policy, audit: Audit) -> list[Violation]:
    found = []
    results = audit.rubrics.pass_fail()
    for rubric_id in registry().pass_fail:
        required = policy.rubrics.required(rubric_id)
        rubric, short = results.get(rubric_id), registry().short(rubric_id)
        if rubric is None:  # an audit made with another rubric set
            if required != "any":
                found.append(Violation(rule=f"rubric-{rubric_id}", severity="fail",
                                       message=f"{short} was not evaluated, policy requires "
                                               f"{required}"))  # fmt: skip
            continue
        ok = {"pass": rubric.verdict == "pass", "not-fail": rubric.verdict != "fail", "any": True}
        if ok[required]:
            continue
        failing = [c for c in rubric.criteria if STATUSES[c.status].tone != "good"]
        broken = [c for c in failing if STATUSES[c.status].tone == "bad"] or failing
        ids = ", ".join(c.id for c in broken)
        evidence = [citation for c in broken for citation in c.evidence][:10]
        found.append(Violation(rule=f"rubric-{rubric_id}", severity="fail", evidence=evidence,
                               message=f"{short} is {rubric.verdict}, policy requires "
                                       f"{required} ({ids})"))  # fmt: skip
    wanted = policy.rubrics.mof_min_class
    achieved = audit.rubrics.mof.class_
    if wanted is not None and (achieved is None or achieved > wanted):
        found.append(Violation(rule="rubric-mof", severity="fail",
                               message=f"MOF is {audit.rubrics.mof.label}, policy requires "
                                       f"class {wanted} or better"))  # fmt: skip
    return found


def _clause_violations(policy: Policy, audit: Audit) -> list[Violation]:
    found = []
    for clause in audit.clauses:
        action = policy.clauses.action(clause.kind)
        if clause.inherited_from and policy.inherited_clauses == "ignore":
            action = "ignore"
        elif clause.inherited_from and policy.inherited_clauses == "warn" and action == "fail":
            action = "warn"
        if action == "ignore":
            continue
        origin = f" (inherited from {clause.inherited_from})" if clause.inherited_from else ""
        found.append(Violation(rule=f"clause-{clause.kind}", severity=action,
                               message=f"{clause.kind}{origin}: {clause.summary}",
                               evidence=[clause.evidence]))  # fmt: skip
    return found


def _access_violations(policy: Policy, audit: Audit) -> list[Violation]:
    """The gate (`gated`) and what it asks (`access`); access is not the licence."""
    access, gated = audit.access, audit.model.gated
    found = []
    if gated and policy.gated != "ignore":
        found.append(Violation(rule="gated", severity=policy.gated,
                               evidence=access.evidence[:1] if access else [],
                               message=f"downloads are gated ({gated})"))  # fmt: skip
    if access is None or gated is False:
        return found
    rules = policy.access
    asked = [
        ("access-manual-approval", rules.manual_approval, access.approval == "manual",
         "downloads need the publisher's approval"),
        ("access-personal-data", rules.personal_data, bool(access.personal_data),
         "the gate asks for personal data: " + ", ".join(access.personal_data)),
        ("access-eu-disallowed", rules.eu_disallowed, access.eu_disallowed is True,
         "the gate refuses requests from the EU"),
    ]  # fmt: skip
    for rule, action, applies, message in asked:
        if applies and action != "ignore":
            found.append(Violation(rule=rule, severity=action, message=message,
                                   evidence=access.evidence))  # fmt: skip
    return found


def _waiver(policy: Policy, audit: Audit, today: date) -> tuple[Waiver | None, list[str]]:
    notes = []
    for waiver in policy.waivers:
        if waiver.model.lower() != audit.model.id.lower():
            continue
        if waiver.expires and waiver.expires < today:
            notes.append(f"waiver for {waiver.model} expired on {waiver.expires}")
            continue
        if waiver.revision and waiver.revision != audit.model.revision:
            notes.append(f"waiver for {waiver.model} is pinned to another revision")
            continue
        if waiver.license_sha256:
            hashes = {f.sha256 for f in audit.license.files if f.sha256}
            if waiver.license_sha256 not in hashes:
                notes.append(f"waiver for {waiver.model} no longer applies: the licence text "
                             "differs from the one approved")  # fmt: skip
                continue
        return waiver, notes
    return None, notes


def evaluate(policy: Policy, audit: Audit, today: date | None = None) -> ModelResult:
    """Every rule against one audit; a valid waiver turns failures into passes."""
    violations = [
        *_license_violations(policy, audit),
        *_clause_violations(policy, audit),
        *_rubric_violations(policy, audit),
        *_access_violations(policy, audit),
    ]
    if audit.license.conflicts and policy.conflicts != "ignore":
        violations.append(Violation(rule="license-conflict", severity=policy.conflicts,
                                    message="; ".join(audit.license.conflicts)))  # fmt: skip
    waiver, notes = _waiver(policy, audit, today or date.today())
    violations += [Violation(rule="waiver", severity="warn", message=note) for note in notes]
    failed = any(violation.severity == "fail" for violation in violations)
    return ModelResult(
        model=audit.model.id,
        passed=not failed or waiver is not None,
        violations=violations,
        waived_by=waiver.reason if waiver and failed else None,
    )


def check(
    policy: Policy, source: str, audits: list[Audit], not_audited: list[Failure] | None = None
) -> PolicyOutcome:
    """The policy over a batch: failed if a model fails; incomplete if none fails but a
    requested model was not audited, or nothing was; passed only otherwise."""
    results = [evaluate(policy, audit) for audit in audits]
    missing = list(not_audited or [])
    status: PolicyStatus = "passed"
    if not all(result.passed for result in results):
        status = "failed"
    elif missing or not results:
        status = "incomplete"
    return PolicyOutcome(
        source=source,
        passed=status == "passed",
        status=status,
        results=results,
        not_audited=missing,
    )
