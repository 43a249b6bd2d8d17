"""The audit result: the objects behind the JSON contract (schema_version "1")."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import (
    AliasChoices,
    BaseModel,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    field_validator,
    model_serializer,
)

from openness.sources.evidence import Gating, SourceKind, UnreadFile

SCHEMA_VERSION = "1"
QUOTE_LIMIT = 200

MatchKind = Literal["exact", "modified", "concatenated", "unknown"]

Status = Literal["met", "not_met", "needs_review", "unknown"]  # meanings: rubrics/status.py
Verdict = Literal["pass", "fail", "needs_review", "unknown"]
ContentType = Literal["code", "data", "document"]
ComponentState = Literal["included", "missing", "unlicensed", "invalid", "unknown"]
LicenseSource = Literal["component", "global", "distribution"]


class Citation(BaseModel):
    """Where a fact was read: a file path, `card:<field>`, `hub:<field>` or `profile:<id>`."""

    source: str
    line: int | None = None
    quote: str = Field(default="", max_length=QUOTE_LIMIT)

    @field_validator("source", "quote", mode="before")
    @classmethod
    def _cut(cls, value: object) -> object:
        """Repo text is cut where it enters a citation, never rejected (no crash on long lines)."""
        return value[:QUOTE_LIMIT] if isinstance(value, str) else value

    def where(self) -> str:
        """`source:line`, or the source alone."""
        return self.source + (f":{self.line}" if self.line else "")


class SourceUse(BaseModel):
    """One source an audit used: where, how old, and whether its facts were seen or inferred."""

    kind: SourceKind
    location: str | None = Field(description="Endpoint URL, folder or file (no credentials).")
    as_of: str | None = Field(description="When that source's data was obtained (ISO 8601).")
    facts: Literal["observed", "inferred"] = "observed"
    note: str | None = None


class ModelInfo(BaseModel):
    id: str
    revision: str | None
    source: SourceKind
    retrieved_at: str
    gated: Gating
    base_models: list[str]
    sources: list[SourceUse] = Field(
        default_factory=list, description="Every source used for this model, in order of use."
    )

    def provenance(self) -> str:
        """Where the evidence came from and how old it is, for people."""
        if self.source == "snapshot":
            return f"snapshot as of {self.retrieved_at[:10]}"
        return f"{self.source}, retrieved {self.retrieved_at[:19].replace('T', ' ')} UTC"


class LicenseFile(BaseModel):
    path: str
    identified: str | None
    confidence: float
    match: MatchKind = "unknown"
    also: list[str] = Field(default_factory=list, description="Other licences found concatenated.")
    sha256: str | None = Field(default=None, description="sha256 of the text as UTF-8.")


class LicenseReport(BaseModel):
    declared: str | None
    declared_name: str | None
    declared_link: str | None
    files: list[LicenseFile]
    conclusion: str | None
    spdx_id: str | None
    osi_approved: bool | None
    conflicts: list[str]
    unread: list[UnreadFile] = Field(
        default_factory=list,
        description="Licence-like files that exist but were not read; the conclusion is then null.",
    )


class Clause(BaseModel):
    kind: str
    summary: str
    evidence: Citation
    inherited_from: str | None = Field(default=None, description="Ancestor repo it comes from.")
    condition: str | None = Field(
        default=None, description="The condition the clause applies under, quoted, if any."
    )
    reasons: list[str] = Field(
        default_factory=list,
        description="For a clause detected in a text: the words that decided it, strongest first.",
    )


class Access(BaseModel):
    """How the files are obtained, which is not the licence: the Hub's access gate."""

    gated: Gating
    approval: Literal["none", "automatic", "manual"] | None = None
    personal_data: list[str] = Field(
        default_factory=list, description="What the gate's form asks for (extra_gated_fields)."
    )
    prompt: str | None = Field(default=None, description="The gate's prompt, quoted.")
    eu_disallowed: bool | None = None
    evidence: list[Citation] = Field(default_factory=list)


Compatibility = Literal["compatible", "incompatible", "unknown"]
NoticeStatus = Literal["met", "not_met", "unknown"]


class EdgeCompatibility(BaseModel):
    """Whether a child's licence honours what this parent's licence demands of derivatives."""

    child: str = Field(description="The model derived from this ancestor.")
    verdict: Compatibility
    reason: str
    evidence: list[Citation] = Field(
        default_factory=list, description="The parent's demand, then the child's licence."
    )


class LineageEntry(BaseModel):
    """One ancestor reached through `base_model`."""

    id: str
    relation: str
    depth: int
    license_conclusion: str | None = None
    osi_approved: bool | None = None
    parents: list[str] = Field(
        default_factory=list, description="Its own direct base models (Hub ids)."
    )
    compatibility: list[EdgeCompatibility] = Field(
        default_factory=list, description="One per child it was reached from."
    )


class NoticeCheck(BaseModel):
    """A notice, licence text or credit a licence requires the repo to carry."""

    id: Literal[
        "licence-text", "copyright-notice", "notice-file", "credit", "name-prefix", "licence-copy"
    ]
    required_by: str = Field(description="The licence (and ancestor) that demands it.")
    demand: str
    status: NoticeStatus
    reason: str
    evidence: list[Citation] = Field(default_factory=list)


class DatasetEntry(BaseModel):
    """A training dataset the card names, and what the Hub says of it (licence, gate, public)."""

    id: str
    named_in: str = Field(description="card:datasets, hub:tags, or README.md:<line> (a link).")
    license: str | None = Field(default=None, description="Its card's licence(s), as written.")
    licenses: list[str] = Field(default_factory=list)
    gated: Gating = None
    public: bool | None = Field(
        default=None,
        description="True only on a public answer from the Hub (this run's or a cached one); "
        "None when not known.",
    )
    source: Literal["hub", "cache"] | None = Field(
        default=None, description="Where the facts came from; None when nothing is known."
    )
    as_of: str | None = Field(default=None, description="When the Hub answered (ISO 8601).")
    reason: str | None = Field(default=None, description="Why something is unknown, if it is.")


class Criterion(BaseModel):
    id: str
    title: str
    status: Status
    reason: str
    evidence: list[Citation]
    cites: str | None = Field(
        default=None, description="The text the criterion comes from (article, paragraph)."
    )


class Rubric(BaseModel):
    verdict: Verdict
    label: str | None = Field(
        default=None, description="The rubric's own words for its verdict ('likely eligible')."
    )
    criteria: list[Criterion]
    notes: list[str] = Field(
        default_factory=list,
        description="What the rubric always says with its verdict (duties still owed, caveats).",
    )


class LabelCondition(BaseModel):
    """One condition of the G7 openness labels, decided from the audit's facts."""

    id: str
    title: str
    value: bool | None
    reason: str
    evidence: list[Citation] = Field(default_factory=list)


class OpennessLabel(BaseModel):
    """The G7 shared vocabulary of AI openness (May 2026), as far as the evidence decides it."""

    scheme: str = "G7 AI openness (2026)"
    label: str = Field(
        description="Open Source AI with Open Data, Open Source AI, Open Weights AI, Weights "
        "Available AI, none (no weights released free of charge) or unknown."
    )
    could_be: list[str] = Field(
        default_factory=list,
        description="More open labels that the evidence neither shows nor rules out.",
    )
    reason: str
    conditions: list[LabelCondition]


class Rubrics(BaseModel):
    """Every pass/fail rubric of the registry under its id, in registry order, then the MOF."""

    model_config = ConfigDict(extra="allow")
    __pydantic_extra__: dict[str, Rubric] = Field(init=False)

    mof: MofResult

    def pass_fail(self) -> dict[str, Rubric]:
        """The pass/fail rubrics by id (the MOF grades by class instead)."""
        return dict(self.__pydantic_extra__)

    @model_serializer(mode="wrap")
    def _mof_last(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        data: dict[str, Any] = handler(self)
        if "mof" in data:
            data["mof"] = data.pop("mof")
        return data


class Audit(BaseModel):
    model: ModelInfo
    license: LicenseReport
    clauses: list[Clause]
    lineage: list[LineageEntry] = Field(default_factory=list)
    rubrics: Rubrics
    summary: str
    warnings: list[str]
    access: Access | None = Field(default=None, description="The Hub's access gate, if known.")
    conditional_clauses: list[Clause] = Field(
        default_factory=list,
        description="Clauses whose condition this model does not meet (notes, not restrictions).",
    )
    g7: OpennessLabel | None = Field(default=None, description="The G7 openness label.")
    notices: list[NoticeCheck] = Field(
        default_factory=list,
        description="What the licence and the ancestors' licences require the repo to carry.",
    )
    datasets: list[DatasetEntry] = Field(
        default_factory=list, description="The training datasets the card names, looked up."
    )


class ToolInfo(BaseModel):
    name: str = "openness"
    version: str


class Failure(BaseModel):
    """A MODEL argument that could not be audited."""

    model: str
    exit_code: int
    message: str


class Violation(BaseModel):
    rule: str
    severity: Literal["fail", "warn"]
    message: str
    evidence: list[Citation] = Field(default_factory=list)


class ModelResult(BaseModel):
    model: str
    passed: bool
    violations: list[Violation]
    waived_by: str | None = None


PolicyStatus = Literal["passed", "failed", "incomplete"]


class PolicyOutcome(BaseModel):
    source: str = Field(description="The policy file, or `preset:<name>`.")
    passed: bool
    results: list[ModelResult]
    status: PolicyStatus = Field(
        default="passed",
        description="failed: a model failed; incomplete: none failed but a requested model was "
        "not audited, or there were none; passed: every requested model audited and passed.",
    )
    not_audited: list[Failure] = Field(
        default_factory=list, description="Requested models that could not be audited, and why."
    )


class Report(BaseModel):
    schema_version: str = SCHEMA_VERSION
    tool: ToolInfo
    audits: list[Audit]
    errors: list[Failure] = Field(default_factory=list)
    policy: PolicyOutcome | None = Field(default=None, description="Set by `openness check`.")


class ComponentStatus(BaseModel):
    """One of the 17 components: its status and the licence behind it."""

    model_config = ConfigDict(
        serialize_by_alias=True, validate_by_name=True, validate_by_alias=True
    )

    id: int
    name: str
    type: ContentType
    class_: int = Field(
        serialization_alias="class", validation_alias=AliasChoices("class", "class_")
    )
    required: bool
    status: ComponentState
    license: str | None = Field(
        serialization_alias="licence",  # the JSON key of schema 1
        validation_alias=AliasChoices("licence", "license"),
        description="The licence the status was decided on.",
    )
    declared: str | None = Field(
        default=None, description="The value as written, when normalisation changed it."
    )
    source: LicenseSource | None = Field(
        default=None, description="component, the global licence of its type, or distribution."
    )
    stands_in_for: str | None = None
    reason: str
    evidence: str | None = Field(default=None, description="What showed the component, if found.")


class MofResult(BaseModel):
    model_config = ConfigDict(
        serialize_by_alias=True, validate_by_name=True, validate_by_alias=True
    )

    name: str | None
    class_: int | None = Field(
        serialization_alias="class",
        validation_alias=AliasChoices("class", "class_"),
        description="1, 2, 3 or None.",
    )
    label: str
    progress: dict[int, float] = Field(description="Per class, in percent, unrounded.")
    normalised: bool
    components: list[ComponentStatus]
