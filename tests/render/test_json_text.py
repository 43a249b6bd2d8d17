"""The JSON report's text is what `json.dumps` then `escape_serialised` would give, character for
character, although pydantic writes it whenever it can (render/json.py). Reports come from the
fuzzing's strategy: real audits with hostile repo text wherever a repo can put it."""

from __future__ import annotations

import json
import math
from typing import Any, get_args

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_fuzz import hostile_report

from openness.render.json import json_text
from openness.render.untrusted import escape_serialised


def reference(payload: Any, indent: int | None) -> str:
    separators = None if indent is not None else (",", ":")
    text = json.dumps(payload, indent=indent, ensure_ascii=False, separators=separators)
    return escape_serialised(text)


FLOATS = [
    0.0, -0.0, 1.0, 0.5, 100.0, 33.333333333333336, 66.66666666666667, 0.1 + 0.2, 1e-4,
    -1e-4, 1.234e-4, 9.9e-5, 1e-5, -1.5e-7, 5e-324, 1e15, 1e16, 1.5e16, -1e17, 1e22,
    1.7976931348623157e308, 123456789012345.67, math.nan, math.inf, -math.inf,
]  # fmt: skip
TEXTS = [
    "", "MIT", "a\nb\tc\x00\x1f\x7f", '"\\/', "\u2028\u2029\u202e\u200b\ufeff", "é中😀",
    "\ud800 lone", "##[error] x", "1e5", ": 1e-5,", "[0.00001]", "db617e140ad4", "\U000e0041",
]  # fmt: skip


@pytest.mark.parametrize("indent", [None, 2])
def test_every_float_and_hostile_string_as_json_writes_them(indent: int | None) -> None:
    for value in [*FLOATS, *TEXTS]:
        for payload in (value, [value], {"k": value, "list": [value, {"x": value}], "e": {}}):
            assert json_text(payload, indent) == reference(payload, indent), payload


def test_keys_are_escaped_like_values() -> None:
    payload = {text: [text] for text in TEXTS}
    for indent in (None, 2):
        assert json_text(payload, indent) == reference(payload, indent)


leaves = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats()
    | st.text()
    | st.sampled_from([*FLOATS, *TEXTS])
)
payloads = st.recursive(
    leaves,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(payload=payloads, indent=st.sampled_from([None, 2]))
def test_any_json_data_is_written_as_json_writes_it(payload: Any, indent: int | None) -> None:
    assert json_text(payload, indent) == reference(payload, indent)


# --- reports and lines written from the models -----------------------------------------------


def _dumped(report: Any) -> str:
    """What the JSON report was before pydantic wrote it: `json` over the Python dump."""
    return (
        escape_serialised(json.dumps(report.model_dump(mode="json"), indent=2, ensure_ascii=False))
        + "\n"
    )


def _with_floats(report: Any, confidence: float, progress: float) -> Any:
    audits = []
    for audit in report.audits:
        files = [file.model_copy(update={"confidence": confidence}) for file in audit.license.files]
        mof = audit.rubrics.mof.model_copy(
            update={"progress": {**audit.rubrics.mof.progress, 1: progress}}
        )
        audits.append(
            audit.model_copy(
                update={
                    "license": audit.license.model_copy(update={"files": files}),
                    "rubrics": audit.rubrics.model_copy(update={"mof": mof}),
                }
            )
        )
    return report.model_copy(update={"audits": audits})


@settings(max_examples=40, deadline=None, derandomize=True, database=None)
@given(
    report=hostile_report(),
    confidence=st.sampled_from(FLOATS) | st.floats(),
    progress=st.sampled_from(FLOATS) | st.floats(),
)
def test_a_report_is_written_as_json_wrote_its_dump(
    report: Any, confidence: float, progress: float
) -> None:
    from openness.render import RenderOptions
    from openness.render.json import render_json
    from openness.render.jsonl import audit_line, error_line, policy_line

    report = _with_floats(report, confidence, progress)
    assert render_json(report, RenderOptions()) == _dumped(report)
    for kind, line, models in (
        ("audit", audit_line, report.audits),
        ("error", error_line, report.errors),
        ("policy", policy_line, report.policy.results if report.policy else []),
    ):
        for model in models:
            expected = reference({"type": kind, **model.model_dump(mode="json")}, None) + "\n"
            assert line(model) == expected


def _floats(model: type[Any], seen: set[type[Any]]) -> set[str]:
    """`Model.field` of every field that can hold a float (or anything), reachable from it."""
    from pydantic import BaseModel

    found: set[str] = set()
    if model in seen:
        return found
    seen.add(model)
    fields = {name: info.annotation for name, info in model.model_fields.items()}
    if model.model_config.get("extra") == "allow":
        fields["(extra)"] = model.__annotations__.get("__pydantic_extra__", Any)
    for name, annotation in fields.items():
        todo = [annotation]
        while todo:
            kind = todo.pop()
            if kind is float or kind is Any:
                found.add(f"{model.__name__}.{name}")
            elif isinstance(kind, type) and issubclass(kind, BaseModel):
                found |= _floats(kind, seen)
            else:
                todo += [arg for arg in get_args(kind) if not isinstance(arg, str)]
    return found


def test_the_floats_a_report_holds_are_the_ones_render_json_checks() -> None:
    """`render.json.finite` looks at these only: a new float field must be added to it."""
    from openness.report import Report

    Report.model_rebuild()
    assert _floats(Report, set()) == {"LicenseFile.confidence", "MofResult.progress"}
