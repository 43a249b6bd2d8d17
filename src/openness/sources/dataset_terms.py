"""What the named datasets' answers mean for a model: a one-line summary, and licence conflicts.

A conflict is a dataset licence that restricts use (non-commercial, research only, no
derivatives) under a model licence that does not carry the same restriction. It is reported as
a warning, never as a fact about the weights: whether a dataset's licence binds a model
trained on it is disputed.
"""

from __future__ import annotations

from openness.report import DatasetEntry

CONFLICT = "dataset licence conflict: "  # how each conflict warning begins
RESTRICTING = ("non-commercial", "research-only", "no-derivatives")
CARRIED_BY = {  # a model clause that already carries the dataset's restriction
    "non-commercial": {"non-commercial", "research-only"},
    "research-only": {"research-only"},
    "no-derivatives": set(),  # a trained model is itself the derivative in question
}


def licence_name(keyword: str) -> str:
    """The SPDX id of a licence keyword when it has one (`cc-by-4.0` -> CC-BY-4.0), else as is."""
    from openness.license.names import resolve

    resolved = resolve(keyword)
    return resolved.spdx_id if resolved and resolved.spdx_id else keyword


def restrictions(keyword: str) -> list[str]:
    """The RESTRICTING clause kinds the licence's profile names."""
    from openness.license.names import resolve

    resolved = resolve(keyword)
    profile = resolved.profile if resolved else None
    kinds = {clause.kind for clause in profile.clauses} if profile else set()
    return [kind for kind in RESTRICTING if kind in kinds]


def _count(part: int, whole: int, singular: str, plural: str) -> str:
    return f"{part} of {whole} {singular if part == 1 else plural}"


def summary(datasets: list[DatasetEntry]) -> str | None:
    """`all 3 named datasets are public under CC-BY-4.0`, `1 of 4 is gated`, ...; None for none."""
    total = len(datasets)
    if total == 0:
        return None
    public = [d for d in datasets if d.public is True]
    gated = [d for d in datasets if d.gated in ("auto", "manual")]
    private = [d for d in datasets if d.public is False]
    unknown = [d for d in datasets if d.public is None]
    names = list(dict.fromkeys(licence_name(k) for d in datasets for k in d.licenses))
    unlicensed = [d for d in datasets if not d.licenses]
    the = "the named dataset" if total == 1 else f"all {total} named datasets"
    if len(public) == total and not gated:
        if not unlicensed:
            return f"{the} {'is' if total == 1 else 'are'} public under {', '.join(names)}"
        no_licence = _count(len(unlicensed), total, "declares", "declare")
        return f"{the} {'is' if total == 1 else 'are'} public; {no_licence} no licence"
    parts = []
    if public:
        parts.append(_count(len(public), total, "is public", "are public"))
    if gated:
        parts.append(_count(len(gated), total, "is gated", "are gated"))
    if private:
        parts.append(_count(len(private), total, "is private", "are private"))
    if unknown:
        parts.append(_count(len(unknown), total, "could not be checked", "could not be checked"))
    if names:
        parts.append("licences named: " + ", ".join(names))
    return "; ".join(parts)


def conflicts(
    datasets: list[DatasetEntry], model_licence: str | None, model_kinds: set[str]
) -> list[str]:
    """A warning per dataset licence that restricts what the model's licence does not."""
    if model_licence is None:
        return []
    found = []
    for dataset in datasets:
        for keyword in dataset.licenses:
            kinds = [kind for kind in restrictions(keyword) if not CARRIED_BY[kind] & model_kinds]
            if kinds:
                found.append(
                    f"{CONFLICT}training dataset {dataset.id} is under "
                    f"{licence_name(keyword)} ({', '.join(kinds)}) while the model is under "
                    f"{model_licence}; whether a dataset's licence binds the weights trained on "
                    "it is disputed, so this is a warning, not a verdict"
                )
    return found
