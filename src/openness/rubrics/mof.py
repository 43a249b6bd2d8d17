"""The Model Openness Framework (MOF 1.0) class of a release, as MOT (the Model Openness Tool)
computes it.

The framework is data (`rubrics/mof.yaml`: components, classes, open-licence list) and the
licence table is data (`openness/data/mof_open_licenses.json`, generated from the tool's SPDX
list by `scripts/build_mof_licenses.py`). This module applies them to a release in MOF YAML form:

* each of the 17 components is `included` (listed, under an open licence), `missing` (not
  listed), `unlicensed` (listed, no licence resolves) or `invalid` (listed, the licence it
  resolves to is not open: a restrictive licence, a misspelt id or free text);
* progress per class and the class itself follow the tool exactly, quirks included, unless
  `normalise=True`, which first maps obvious spellings (`Apache 2.0`, `MIT License`) to ids;
* beyond the tool, for drafts written by `openness audit --format mof`: a component whose
  licence is `NOASSERTION` (SPDX's "not determined"), or one not listed but named under
  `x-openness: {undetermined: [...]}`, is `unknown`; a `LicenseRef-` id is a licence outside
  the SPDX list. None of these is open, so class and progress stay the tool's.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from openness.errors import UsageError
from openness.readers import YamlError, load_all, read
from openness.report import ComponentState, ComponentStatus, LicenseSource, MofResult
from openness.rubrics.mof_spec import (
    ComponentRule,
    LicenseTable,
    MofSpec,
    license_table,
    mof_spec,
)

# The licence of a component present whose licence could not be determined.
UNDETERMINED = "NOASSERTION"
# Where a draft names the components whose presence could not be determined.
EXTENSION = "x-openness"
_LICENSE_SUFFIX = re.compile(r"(?<![\s-])[\s-]+licen[cs]e$")  # a run's start only: linear


# --- loading --------------------------------------------------------------------------------


def load_mof_documents(path: str | Path) -> list[dict[str, Any]]:
    """Every MOF document of a YAML file (one, or several separated by `---`), read safely (see
    `readers`); a one-line `UsageError` (`file:line: why`) if unreadable, refused, malformed, or
    if a document has no release."""
    path = Path(path)
    try:
        documents = load_all(read(path), str(path))
    except OSError as error:
        raise UsageError(f"cannot read MOF file {path}: {error.strerror or error}") from None
    except UnicodeDecodeError:
        raise UsageError(f"cannot read MOF file {path}: not UTF-8 text") from None
    except YamlError as error:
        raise UsageError(str(error)) from None
    for number, document in enumerate(documents or [None], start=1):
        if not isinstance(document, dict) or not isinstance(document.get("release"), dict):
            where = f"{path}: document {number}" if len(documents) > 1 else str(path)
            raise UsageError(f"{where}: not a MOF file (no `release` mapping)")
    return documents


def load_mof_yaml(path: str | Path) -> dict[str, Any]:
    """The one MOF document of a YAML file (see `load_mof_documents`)."""
    documents = load_mof_documents(path)
    if len(documents) > 1:
        raise UsageError(f"{path}: {len(documents)} MOF documents where one was expected")
    return documents[0]


# --- evaluation -----------------------------------------------------------------------------


def evaluate_mof(release: Mapping[str, Any], normalise: bool = False) -> MofResult:
    """The MOF class, per-class progress and per-component status of a release.

    `release` is the `release` mapping of a MOF YAML document, or the whole document.
    """
    spec, table = mof_spec(), license_table()
    if isinstance(release.get("release"), Mapping):
        release = release["release"]
    listed = _listed_components(release)
    globals_ = _global_licenses(release)
    undetermined = _undetermined(release)

    statuses: dict[str, ComponentStatus] = {}
    for rule in spec.components:
        entry = listed.get(rule.name)
        if entry is None and rule.name in undetermined:
            reason = f"presence not determined ({EXTENSION}: undetermined)"
            statuses[rule.name] = _status(rule, "unknown", None, reason=reason)
            continue
        if entry is None:
            statuses[rule.name] = _status(rule, "missing", None, reason="not listed")
            continue
        candidates: list[tuple[object, LicenseSource]] = [
            (entry.get("license"), "component"),
            (globals_.get(rule.type), "global"),
            (globals_.get("distribution"), "distribution"),
        ]
        statuses[rule.name] = _judge(rule, candidates, normalise, spec, table)

    included = {name for name, status in statuses.items() if status.status == "included"}
    replaced: dict[str, str] = {}
    for stand_in in spec.stand_ins:
        if stand_in.component not in included and stand_in.by in listed:
            replaced[stand_in.component] = stand_in.by
            statuses[stand_in.by] = statuses[stand_in.by].model_copy(
                update={"stands_in_for": stand_in.component}
            )

    progress: dict[int, float] = {}
    achieved: int | None = None
    higher_complete = True
    for class_rule in sorted(spec.classes, key=lambda rule: -rule.class_):
        level = class_rule.class_
        needed = _requirements(spec, level, replaced)
        done = sum(name in included for name in needed)
        progress[level] = done / len(needed) * 100 if higher_complete else 0.0
        higher_complete = higher_complete and done == len(needed)
        if higher_complete:
            achieved = level
    labels = {rule.class_: rule.label for rule in spec.classes}
    return MofResult(
        name=release.get("name") if isinstance(release.get("name"), str) else None,
        class_=achieved,
        label=labels[achieved] if achieved is not None else spec.unclassified_label,
        progress=dict(sorted(progress.items())),
        normalised=normalise,
        components=[statuses[rule.name] for rule in spec.components],
    )


def _listed_components(release: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    """Listed components by name; a name listed twice keeps its first entry."""
    components = release.get("components")
    listed: dict[str, Mapping[str, Any]] = {}
    if isinstance(components, list):
        for entry in components:
            if isinstance(entry, Mapping) and isinstance(entry.get("name"), str):
                listed.setdefault(entry["name"], entry)
    return listed


def _undetermined(release: Mapping[str, Any]) -> set[str]:
    extension = release.get(EXTENSION)
    names = extension.get("undetermined") if isinstance(extension, Mapping) else None
    return {name for name in names if isinstance(name, str)} if isinstance(names, list) else set()


def _global_licenses(release: Mapping[str, Any]) -> dict[str, object]:
    """`release.license.<code|data|document|distribution>.name`, where given."""
    license = release.get("license")
    if not isinstance(license, Mapping):
        return {}
    return {key: value.get("name") for key, value in license.items() if isinstance(value, Mapping)}


def _requirements(spec: MofSpec, level: int, replaced: dict[str, str]) -> list[str]:
    """The required components of class `level` (cumulative), after stand-ins, each once."""
    names = (
        replaced.get(rule.name, rule.name)
        for rule in spec.components
        if rule.required and rule.class_ >= level
    )
    return list(dict.fromkeys(names))


def _judge(
    rule: ComponentRule,
    candidates: list[tuple[object, LicenseSource]],
    normalise: bool,
    spec: MofSpec,
    table: LicenseTable,
) -> ComponentStatus:
    """Resolve a listed component's licence (its own, its type's, distribution) and judge it."""
    for value, source in candidates:
        if value is None:
            continue  # nothing written here: inherit from the next level
        written = _license_value(value, normalise, spec)
        if written is None:
            reason = f"declared without a licence ({value!r}) at {source} level"
            return _status(rule, "unlicensed", None, source=source, reason=reason)
        license = _normalised_id(written, table) if normalise else written
        declared = written if license != written else None
        if license == UNDETERMINED:
            reason = f"licence not determined ({UNDETERMINED}) at {source} level"
            return _status(rule, "unknown", license, declared, source, reason)
        if license in table.open:
            why = "OSI/FSF-flagged" if license in table.flagged else "on the MOF open list"
            reason = f"{license} is open ({why})"
            return _status(rule, "included", license, declared, source, reason)
        if license in table.known:
            reason = f"{license} is not an open licence"
        elif license.startswith("LicenseRef-"):
            reason = f"{license} is not an open licence (a licence outside the SPDX list)"
        else:
            reason = f"{license!r} is not a licence id the tool knows"
        return _status(rule, "invalid", license, declared, source, reason)
    return _status(rule, "unlicensed", None, reason="no licence, and none to inherit")


def _license_value(value: object, normalise: bool, spec: MofSpec) -> str | None:
    """The licence string written, or None where it says "no licence" (`unlicensed`, "")."""
    text = value if isinstance(value, str) else str(value)
    if normalise:
        text = " ".join(text.split())
        empty = {item.lower() for item in spec.no_license_values}
        return None if text.lower() in empty else text
    return None if text in spec.no_license_values else text


def _normalised_id(text: str, table: LicenseTable) -> str:
    """An obvious spelling of a licence as its id of the table; anything else unchanged."""
    if text in table.known:
        return text
    lowered = text.lower()
    tries = [lowered]
    stripped = _LICENSE_SUFFIX.sub("", lowered)
    if stripped != lowered:
        tries.append(stripped)
    for key in tries:
        hit = (
            table.by_lower_id.get(key)
            or table.by_lower_id.get(key.replace(" ", "-"))
            or table.by_lower_name.get(key)
            or table.aliases.get(key)
        )
        if hit is not None:
            return hit
    return text


def _status(
    rule: ComponentRule,
    status: ComponentState,
    license: str | None,
    declared: str | None = None,
    source: LicenseSource | None = None,
    reason: str = "",
) -> ComponentStatus:
    return ComponentStatus(
        id=rule.id,
        name=rule.name,
        type=rule.type,
        class_=rule.class_,
        required=rule.required,
        status=status,
        license=license,
        declared=declared,
        source=source,
        reason=reason,
    )
