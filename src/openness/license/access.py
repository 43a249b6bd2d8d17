"""The Hub's access gate: how the files are obtained, which is not what the licence says.

Read from `gated` (the Hub's model_info, or the snapshot) and the card's `extra_gated_*` keys:
the form's fields (`extra_gated_fields`), its prompt, and whether the EU is refused.
"""

from __future__ import annotations

from typing import Any, Literal

from openness.license.text import strip_control
from openness.report import QUOTE_LIMIT, Access, Citation
from openness.sources.card import key_line
from openness.sources.evidence import Evidence

_APPROVAL: dict[bool | str, Literal["none", "automatic", "manual"]] = {
    False: "none",
    "auto": "automatic",
    "manual": "manual",
}
_NOT_PERSONAL = {"checkbox"}  # a consent box asks for agreement, not for data


def _quote(text: str) -> str:
    return " ".join(strip_control(text).split())[:QUOTE_LIMIT]


def _field_type(spec: Any) -> str:
    if isinstance(spec, dict):
        spec = spec.get("type")
    return spec.strip().lower() if isinstance(spec, str) else ""


def access_of(evidence: Evidence) -> Access | None:
    """The gate as far as the evidence shows; None when nothing is known about it."""
    card = evidence.card_data
    gate_keys = [key for key in card if key.startswith("extra_gated_")]
    if evidence.gated is None and not gate_keys:
        return None
    cited: list[Citation] = []
    if evidence.gated is not None:
        cited.append(Citation(source="metadata:gated", quote=f"gated: {evidence.gated or 'false'}"))

    def cite(key: str, quote: str) -> None:
        line = key_line(evidence.card_text, key)
        cited.append(Citation(source=f"card:{key}", line=line, quote=_quote(f"{key}: {quote}")))

    fields = card.get("extra_gated_fields")
    personal: list[str] = []
    if isinstance(fields, dict):
        personal = [_quote(str(name)) for name, spec in fields.items()
                    if _field_type(spec) not in _NOT_PERSONAL]  # fmt: skip
        if personal:
            cite("extra_gated_fields", ", ".join(personal))
    prompt = None
    for key in ("extra_gated_prompt", "extra_gated_description"):
        if isinstance(card.get(key), str) and card[key].strip():
            prompt = _quote(card[key])
            cite(key, prompt)
            break
    eu = card.get("extra_gated_eu_disallowed")
    eu_disallowed = eu if isinstance(eu, bool) else None
    if eu_disallowed is not None:
        cite("extra_gated_eu_disallowed", str(eu_disallowed).lower())
    return Access(
        gated=evidence.gated,
        approval=None if evidence.gated is None else _APPROVAL[evidence.gated],
        personal_data=personal,
        prompt=prompt,
        eu_disallowed=eu_disallowed,
        evidence=cited,
    )
