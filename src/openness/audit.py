"""The library entry point: evidence -> licence analysis -> rubric evaluation -> an Audit."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable

from openness.errors import OpennessError
from openness.inputs.target import parse_target
from openness.license.access import access_of
from openness.license.analysis import LicenseAnalysis, analyse
from openness.license.notices import check_notices
from openness.lineage import DEFAULT_DEPTH, Fetch, Lineage, trace
from openness.report import Audit, ModelInfo, OpennessLabel, Rubrics, SourceUse
from openness.rubrics import registry
from openness.rubrics.engine import evaluate
from openness.rubrics.facts import compute_facts
from openness.rubrics.g7 import label_of
from openness.rubrics.mof_evidence import evaluate_evidence
from openness.rubrics.status import STATUSES
from openness.sources import dataset_terms
from openness.sources.datasets import DatasetLookup, Look, describe
from openness.sources.evidence import Evidence
from openness.sources.gather import Connectivity, gather
from openness.sources.hub import DEFAULT_TIMEOUT
from openness.sources.paths import public_url

MIN_REQUEST_TIME = 0.5  # below this, an ancestor comes from the cache or snapshot only
INFERRED = "snapshot fields inferred, not seen: "  # the snapshot's warning naming them
ANCESTORS_KEPT = 1024  # base models an Auditor remembers (the most recently used)


def audit_evidence(
    evidence: Evidence,
    fetch: Fetch | None = None,
    max_depth: int = DEFAULT_DEPTH,
    datasets: Look | None = None,
) -> Audit:
    """Judge evidence already gathered; with `fetch`, follow and audit its base models too;
    with `datasets`, look up the training datasets the card names."""
    license = analyse(evidence)
    lineage = trace(evidence, license, fetch, max_depth) if fetch else Lineage()
    if lineage.clauses or lineage.conflicts:
        own = {clause.kind for clause in license.clauses}
        inherited = [c for c in lineage.clauses if c.kind not in own]
        license.clauses = sorted(
            [*license.clauses, *{c.kind: c for c in reversed(inherited)}.values()],
            key=lambda clause: clause.kind,
        )
        license.report.conflicts += lineage.conflicts
    license.lineage_gaps = lineage.gaps
    named, dataset_notes = describe(evidence, datasets)
    model_licence = license.report.spdx_id or license.report.conclusion
    kinds = {clause.kind for clause in license.clauses}
    dataset_notes += dataset_terms.conflicts(named, model_licence, kinds)
    facts = compute_facts(evidence, license, named)
    access = access_of(evidence)
    rubrics = Rubrics(
        mof=evaluate_evidence(evidence, license, named),
        **{
            rubric_id: evaluate(spec, license.clauses, facts, access)
            for rubric_id, spec in registry.registry().pass_fail.items()
        },
    )
    g7 = label_of(facts, license.clauses)
    return Audit(
        model=ModelInfo(
            id=evidence.repo_id,
            revision=evidence.revision,
            source=evidence.source,
            retrieved_at=evidence.retrieved_at.isoformat(),
            gated=evidence.gated,
            base_models=evidence.base_models,
            sources=sources_used(evidence),
        ),
        license=license.report,
        clauses=license.clauses,
        conditional_clauses=license.conditional,
        access=access,
        lineage=lineage.entries,
        rubrics=rubrics,
        summary=summarise(license, rubrics, facts["weights_present"].value, inferred(evidence), g7),
        warnings=[*evidence.warnings, *license.warnings, *lineage.warnings, *dataset_notes],
        g7=g7,
        notices=check_notices(evidence, license, lineage.ancestors),
        datasets=named,
    )


class Auditor:
    """Audits models with shared settings; base-model lookups are shared between audits.

    Each audit has one deadline (`timeout` seconds) covering its metadata, files and ancestors;
    an ancestor met after the deadline is looked up in the cache and snapshot only. After the
    first connection-level failure every later lookup is offline, and `notice` is told once.
    The base models looked up are kept for later audits, at most `ANCESTORS_KEPT` of them.
    The first judgement loads the shared knowledge (rubrics, profiles, the MOF); audits ready
    to be judged meanwhile wait for it (within their deadline) rather than each load it too.
    """

    def __init__(
        self,
        offline: bool = False,
        timeout: float = DEFAULT_TIMEOUT,
        notice: Callable[[str], None] = lambda _: None,
        max_depth: int = DEFAULT_DEPTH,
    ) -> None:
        self.offline = offline
        self.timeout = timeout
        self.max_depth = max_depth
        self.connectivity = Connectivity(notice)
        self._ancestors: OrderedDict[str, Evidence | OpennessError] = OrderedDict()
        self._flights: dict[str, threading.Event] = {}  # base models being looked up
        self.datasets = DatasetLookup(offline, self.connectivity)
        self._lock = threading.Lock()
        self._first = threading.Lock()  # held by the first judgement
        self._loaded = threading.Event()  # set once it is done

    def audit(self, model: str, revision: str | None = None) -> Audit:
        """Audit a Hub repo id, Hub URL or local folder (raises OpennessError subclasses)."""
        deadline = time.monotonic() + self.timeout
        target = parse_target(model, revision)
        return self._judge(gather(target, self.offline, self.timeout, self.connectivity), deadline)

    def audit_listed(self, listed: Evidence) -> Audit:
        """Audit a model whose metadata came from a list call (`hub.list_author`)."""
        from openness.sources import hub

        deadline = time.monotonic() + self.timeout
        return self._judge(hub.complete(listed, self.timeout), deadline)

    def _judge(self, evidence: Evidence, deadline: float) -> Audit:
        """The audit of gathered evidence, its ancestors and datasets looked up by `deadline`."""
        if not self._loaded.is_set():
            if self._first.acquire(blocking=False):
                try:
                    return self._judged(evidence, deadline)
                finally:
                    self._loaded.set()
            self._loaded.wait(max(0.0, deadline - time.monotonic()))
        return self._judged(evidence, deadline)

    def _judged(self, evidence: Evidence, deadline: float) -> Audit:
        return audit_evidence(
            evidence,
            self._ancestors_until(deadline),
            self.max_depth,
            datasets=self._datasets_until(deadline),
        )

    def _datasets_until(self, deadline: float) -> Look:
        """The training datasets' lookups, shared by the run, within this audit's deadline."""
        return lambda named: self.datasets.look_up(named, deadline)

    def _ancestors_until(self, deadline: float) -> Fetch:
        return lambda repo_id: self._ancestor(repo_id, deadline)

    def _ancestor(self, repo_id: str, deadline: float) -> Evidence:
        """A base model's evidence, looked up once per run: audits asking for one already being
        looked up wait for that answer (within their own deadline) instead of asking again."""
        with self._lock:
            known = self._ancestors.get(repo_id)
            if known is not None:
                self._ancestors.move_to_end(repo_id)
            flight = None if known is not None else self._flights.get(repo_id)
            leading = known is None and flight is None
            if leading:
                self._flights[repo_id] = threading.Event()
        if flight is not None:
            flight.wait(max(0.0, deadline - time.monotonic()))
            with self._lock:
                known = self._ancestors.get(repo_id)
        try:
            if known is None:
                known = self._look_up(repo_id, deadline)
        finally:
            if leading:
                with self._lock:
                    self._flights.pop(repo_id).set()
        if isinstance(known, OpennessError):
            raise known
        return known

    def _look_up(self, repo_id: str, deadline: float) -> Evidence | OpennessError:
        """Gather a base model (offline once too little time is left); remembered unless the
        miss was for want of time."""
        remaining = deadline - time.monotonic()
        offline = self.offline or remaining < MIN_REQUEST_TIME
        known: Evidence | OpennessError
        try:
            known = gather(parse_target(repo_id), offline, remaining, self.connectivity)
        except OpennessError as error:
            known = error
        if not offline or not isinstance(known, OpennessError):
            with self._lock:
                self._ancestors[repo_id] = known
                if len(self._ancestors) > ANCESTORS_KEPT:
                    self._ancestors.popitem(last=False)
        return known


def audit_model(model: str, revision: str | None = None, offline: bool = False) -> Audit:
    """Audit one model (a convenience over `Auditor`)."""
    return Auditor(offline=offline).audit(model, revision)


def sources_used(evidence: Evidence) -> list[SourceUse]:
    """Where the evidence came from, how old it is, and whether it was seen or inferred."""
    fallback = next((w for w in evidence.warnings if w.startswith("Hub not used: ")), None)
    fallback = fallback or next((w for w in evidence.warnings if "from the local cache" in w), None)
    return [
        SourceUse(
            kind=evidence.source,
            location=public_url(evidence.location) if evidence.location else None,
            as_of=evidence.retrieved_at.isoformat(),
            facts="inferred" if inferred(evidence) else "observed",
            note="; ".join(filter(None, [fallback, inferred(evidence)])) or None,
        ),
        *(
            SourceUse(
                kind=evidence.source,
                location=public_url(page),
                as_of=None,
                note="a page the snapshot's facts were read from (its date is not known)",
            )
            for page in evidence.pages
        ),  # fmt: skip
    ]


def inferred(evidence: Evidence) -> str | None:
    """The snapshot's note of the fields it deduced rather than saw, if any."""
    return next((w for w in evidence.warnings if w.startswith(INFERRED)), None)


def summarise(
    license: LicenseAnalysis,
    rubrics: Rubrics,
    weights: bool | None,
    inferred: str | None = None,
    g7: OpennessLabel | None = None,
) -> str:
    """One plain-language sentence naming what was found."""
    first = _licence_words(license, "Open weights" if weights else "Released")
    if inferred:
        first += f" (resting partly on inferred facts: {inferred[len(INFERRED) :]})"
    label = f"; G7 label: {_label_words(g7)}" if g7 else ""
    osaid = rubrics.pass_fail().get("osaid")
    if osaid is None:
        return f"{first}{label}."
    if osaid.verdict == "pass":
        second = "meets the Open Source AI Definition"
    else:
        gaps = [
            c.title[:1].lower() + c.title[1:]
            for c in osaid.criteria
            if STATUSES[c.status].verdict == osaid.verdict
        ]
        failed = osaid.verdict == "fail"
        lead = "not Open Source AI" if failed else "not shown to be Open Source AI"
        second = f"{lead}: {', '.join(gaps)} {'not met' if failed else 'not shown'}"
    return f"{first}; {second}{label}."


def _label_words(g7: OpennessLabel) -> str:
    """`Open Weights AI (perhaps Open Source AI)`: the label, and the next one up if the
    evidence does not rule it out."""
    return f"{g7.label} (perhaps {g7.could_be[-1]})" if g7.could_be else g7.label


def _licence_words(license: LicenseAnalysis, what: str) -> str:
    conclusion = license.conclusion
    own = [c.kind for c in license.clauses if c.kind != "gated-acceptance" and not c.inherited_from]
    bases = sorted({c.inherited_from for c in license.clauses if c.inherited_from})
    if conclusion is None and own:
        first = f"{what} under a custom licence (not OSI-approved): {', '.join(own)}"
        if license.unknown_because:
            first += f"; its exact terms are not identified ({license.unknown_because})"
    elif conclusion is None:
        first = "The licence could not be determined"
        if license.unknown_because:
            first += f" ({license.unknown_because})"
    elif conclusion.osi_approved:
        first = f"{what} under an OSI-approved licence ({conclusion.name})"
    else:
        approval = "not OSI-approved" if conclusion.osi_approved is False else "of unknown status"
        first = f"{what} under the {conclusion.name}, {approval}"
        if own:
            first += ", with restrictive clauses: " + ", ".join(own)
    if license.report.conflicts:
        first += ", but the licence evidence conflicts"
    if bases:
        inherited = sorted({c.kind for c in license.clauses if c.inherited_from} - set(own))
        many = len(bases) > 1
        first += (
            f"; base model{'s' if many else ''} {', '.join(bases)} add{'' if many else 's'} "
            + (", ".join(inherited) or "its terms")
        )
    return first
