"""The Model Openness Framework as data: `rubrics/mof.yaml` (components, classes, stand-ins,
normalisation) and the tool's licence table (`openness/data/mof_open_licenses.json`)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache

from pydantic import BaseModel, ConfigDict, Field

from openness.data import packaged
from openness.readers import load
from openness.report import ContentType


class ComponentRule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: int
    name: str
    type: ContentType
    class_: int = Field(alias="class", ge=1, le=3)
    required: bool


class ClassRule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    class_: int = Field(alias="class", ge=1, le=3)
    label: str


class StandIn(BaseModel):
    """When `component` is not included but `by` is listed, `by` takes its place."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    component: str
    by: str


class Normalisation(BaseModel):
    model_config = ConfigDict(extra="forbid")

    aliases: dict[str, str] = Field(default_factory=dict)


class MofSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    title: str
    version: str
    date: str
    source: str
    applies_to: str
    classes: list[ClassRule]
    unclassified_label: str
    components: list[ComponentRule]
    stand_ins: list[StandIn] = Field(default_factory=list)
    no_license_values: list[str] = Field(default_factory=list)
    extra_open: list[str] = Field(default_factory=list)
    normalisation: Normalisation = Field(default_factory=Normalisation)


@dataclass(frozen=True)
class LicenseTable:
    """The tool's licence ids, which of them are open, and lookups used when normalising."""

    known: frozenset[str]
    flagged: frozenset[str]
    open: frozenset[str]
    by_lower_id: dict[str, str]
    by_lower_name: dict[str, str]
    aliases: dict[str, str]


@cache
def mof_spec() -> MofSpec:
    path = packaged("rubrics/mof.yaml")
    return MofSpec.model_validate(load(path.read_text(encoding="utf-8"), str(path)))


@cache
def license_table() -> LicenseTable:
    with packaged("mof_open_licenses.json").open(encoding="utf-8") as handle:
        raw = json.load(handle)
    names: dict[str, str] = raw["known"]
    deprecated = set(raw["deprecated"])
    known = frozenset(names)
    flagged = frozenset(raw["osi_or_fsf"])
    # Only ids of the table can be open: the open-data list's `ODC-PDDL-1.0` is not one.
    extra = frozenset(mof_spec().extra_open) & known
    by_name = {
        name.lower(): license_id
        for license_id, name in sorted(names.items())
        if license_id not in deprecated
    }
    return LicenseTable(
        known=known,
        flagged=flagged,
        open=flagged | extra,
        by_lower_id={license_id.lower(): license_id for license_id in sorted(known)},
        by_lower_name=by_name,
        aliases={
            " ".join(key.lower().split()): value
            for key, value in mof_spec().normalisation.aliases.items()
        },
    )
