"""Words shared by the human renderers for the access gate and the sources an audit used."""

from __future__ import annotations

from openness.report import Access, SourceUse

_GATE = {False: "none", "auto": "yes, approved automatically", "manual": "yes, approved by hand"}
_KIND = {"hub": "Hub", "cache": "local cache", "local": "folder", "snapshot": "bundled snapshot"}


def access_rows(access: Access) -> list[tuple[str, str]]:
    """(label, value) rows: the gate, its approval, the personal data asked, the EU."""
    gate = "unknown" if access.gated is None else _GATE[access.gated]
    rows = [("gate", gate)]
    if access.approval:
        rows.append(("approval", access.approval))
    if access.personal_data:
        rows.append(("personal data asked", ", ".join(access.personal_data)))
    if access.eu_disallowed is not None:
        rows.append(("EU", "not allowed" if access.eu_disallowed else "allowed"))
    if access.prompt:
        rows.append(("prompt", access.prompt))
    return rows


def describe_source(source: SourceUse) -> str:
    """`bundled snapshot (openness snapshot), as of 2026-07-24, facts inferred: ...`."""
    text = _KIND[source.kind]
    if source.location:
        text += f" ({source.location})"
    if source.as_of:
        text += f", as of {source.as_of[:19].replace('T', ' ')}"
    if source.facts == "inferred":
        text += ", some facts inferred"
    return text + (f"; {source.note}" if source.note else "")
