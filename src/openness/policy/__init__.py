"""Adoption policies (`.openness.yml` or a preset) and their evaluation against audits:
`schema` says what a policy may hold and reads it, `evaluation` applies it."""

from openness.policy.evaluation import check, evaluate
from openness.policy.schema import (
    POLICY_FILE,
    PRESETS,
    Action,
    Policy,
    RubricRequirement,
    Waiver,
    load_policy,
    parse_policy,
    preset,
)

__all__ = [
    "POLICY_FILE",
    "PRESETS",
    "Action",
    "Policy",
    "RubricRequirement",
    "Waiver",
    "check",
    "evaluate",
    "load_policy",
    "parse_policy",
    "preset",
]
