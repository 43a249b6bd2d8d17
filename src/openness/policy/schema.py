"""What a policy may say (`.openness.yml` or a preset), and how it is read and validated."""

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
from openness.rubrics.registry import registry

Action = Literal["fail", "warn", "ignore"]
RubricRequirement = Literal["pass", "not-fail", "any"]
DatasetRequirement = Literal["any", "named", "public", "public-ungated"]
DatasetLicences = Literal["any", "warn", "no-conflict"]
POLICY_FILE = ".openness.yml"
PRESETS = ("osi", "permissive", "no-use-restrictions", "eu-foss-exemption")


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
    needs_review: Action = Field(
        default="fail",
        description="How a required rubric's needs_review verdict counts: a failure (until a "
        "waiver records the review), a warning, or (said explicitly) nothing.",
    )
    inherited_clauses: Literal["same", "warn", "ignore"] = "same"
    lineage: Literal["any", "no-incompatible", "compatible"] = Field(
        default="any",
        description="no-incompatible: an edge child -> parent whose licences are incompatible "
        "fails (unknown warns); compatible: every edge must be shown compatible.",
    )
    notices: Literal["ignore", "warn", "required"] = Field(
        default="ignore",
        description="required: a licence text, notice or credit not carried fails (unknown "
        "warns); warn: it warns.",
    )
    datasets: DatasetRequirement = Field(
        default="any",
        description="named: the card names a training dataset; public: it does, and each one "
        "named is shown public (a dataset that could not be checked fails too); public-ungated: "
        "public and not gated.",
    )
    dataset_licences: DatasetLicences = Field(
        default="any",
        description="A dataset licence that restricts what the model's licence does not: "
        "no-conflict fails, warn warns, any says nothing.",
    )
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
