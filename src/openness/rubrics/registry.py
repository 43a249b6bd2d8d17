"""The rubric set: every `rubrics/*.yaml` is a pass/fail rubric for the engine, except the MOF,
which grades by class. Clause kinds and fact names are checked against their vocabularies at
load, so a typo fails loudly instead of leaving a criterion that can never be decided.

`OPENNESS_RUBRICS_DIR` points at another folder of pass/fail rubrics (the packaged ones copied,
plus one's own); the MOF always comes from the package.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from pydantic import ValidationError

from openness.data import packaged
from openness.errors import UsageError
from openness.license.knowledge import parsed_yaml
from openness.readers import YamlError
from openness.rubrics.engine import RubricSpec
from openness.rubrics.facts import FACTS

RUBRICS_DIR_ENV = "OPENNESS_RUBRICS_DIR"
MOF = "mof"


class RubricError(UsageError):
    """A rubric file that cannot be used: `file: criterion: what is wrong`."""


@dataclass(frozen=True)
class Registry:
    folder: Path
    pass_fail: dict[str, RubricSpec]
    """The pass/fail rubrics by id, in report order."""

    def short(self, rubric_id: str) -> str:
        """The name reports show for a rubric (its id in capitals when unknown here)."""
        spec = self.pass_fail.get(rubric_id)
        return spec.short if spec else rubric_id.upper()


def rubric_folder() -> Path:
    return Path(os.environ.get(RUBRICS_DIR_ENV) or packaged("rubrics"))


def registry() -> Registry:
    """The rubric set of this run (see `RUBRICS_DIR_ENV`)."""
    return load_registry(rubric_folder())


@cache
def load_registry(folder: Path) -> Registry:
    specs = [_load(path) for path in sorted(folder.glob("*.yaml")) if path.stem != MOF]
    specs.sort(key=lambda spec: (spec.order, spec.id))
    return Registry(folder, {spec.id: spec for spec in specs})


def _load(path: Path) -> RubricSpec:
    try:
        spec = RubricSpec.model_validate(parsed_yaml(path))
    except YamlError as error:
        raise RubricError(str(error)) from None
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "(top)"
        raise RubricError(f"{path}: {where}: {first['msg']}") from None
    except OSError as error:
        raise RubricError(f"cannot read rubric {path}: {error.strerror or error}") from None
    if spec.id != path.stem:
        raise RubricError(f"{path}: id {spec.id!r} must be the file's name, {path.stem!r}")
    _check_references(spec, path)
    return spec


def _check_references(spec: RubricSpec, path: Path) -> None:
    from openness.license.clauses import clause_kinds

    kinds = clause_kinds()
    seen: set[str] = set()
    for rule in spec.criteria:
        if rule.id in seen:
            raise RubricError(f"{path}: criterion {rule.id}: the id is used twice")
        seen.add(rule.id)
        for kind in (*rule.not_met_if_clauses, *rule.review_if_clauses, *rule.unknown_if_clauses):
            if kind not in kinds:
                raise RubricError(f"{path}: criterion {rule.id}: unknown clause kind {kind!r}")
        for name in (*rule.requires, *rule.met_when):
            if name not in FACTS:
                raise RubricError(
                    f"{path}: criterion {rule.id}: unknown fact {name!r} "
                    f"(known: {', '.join(FACTS)})"
                )
