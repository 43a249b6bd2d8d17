"""The rubric engine: not_met beats unknown beats met; absence of evidence is never met."""

from openness.report import Citation, Clause
from openness.rubrics.engine import evaluate, load_rubric
from openness.rubrics.facts import Fact

TRUE = Fact(True, "yes", [Citation(source="LICENSE", line=1, quote="MIT License")])
UNKNOWN = Fact(None, "not known")


def facts(**overrides: Fact) -> dict[str, Fact]:
    names = ["licence_osi_approved", "licence_consistent", "weights_present",
             "training_code_published", "data_information_published"]  # fmt: skip
    return {name: overrides.get(name, TRUE) for name in names}


def clause(kind: str) -> Clause:
    return Clause(kind=kind, summary=kind, evidence=Citation(source="LICENSE", line=7, quote="q"))


def test_everything_established_passes_both_rubrics() -> None:
    for name in ("osd", "osaid"):
        assert evaluate(load_rubric(name), [], facts()).verdict == "pass"


def test_osd_has_ten_criteria_with_stable_ids() -> None:
    ids = [rule.id for rule in load_rubric("osd").criteria]
    assert ids == [f"osd-{n}" for n in range(1, 11)]


def test_user_threshold_and_use_policy_break_osd_5_and_6_with_evidence() -> None:
    rubric = evaluate(
        load_rubric("osd"), [clause("user-threshold"), clause("acceptable-use-policy")], facts()
    )
    status = {c.id: c for c in rubric.criteria}
    assert rubric.verdict == "fail"
    assert status["osd-5"].status == "not_met" and status["osd-6"].status == "not_met"
    assert status["osd-5"].evidence[0].line == 7
    assert status["osd-1"].status == "met"


def test_unknown_licence_is_never_a_pass() -> None:
    for name in ("osd", "osaid"):
        rubric = evaluate(load_rubric(name), [], facts(licence_osi_approved=UNKNOWN))
        assert rubric.verdict == "unknown"
        assert all(c.status != "met" for c in rubric.criteria)


def test_click_through_needs_a_look_rather_than_passing() -> None:
    rubric = evaluate(load_rubric("osd"), [clause("gated-acceptance")], facts())
    status = {c.id: c.status for c in rubric.criteria}
    assert status["osd-7"] == status["osd-10"] == "unknown"
    assert rubric.verdict == "unknown"


def test_non_osi_parameters_fail_osaid() -> None:
    rubric = evaluate(
        load_rubric("osaid"), [], facts(licence_osi_approved=Fact(False, "not OSI-approved"))
    )
    status = {c.id: c.status for c in rubric.criteria}
    assert status["osaid-parameters"] == "not_met"
    assert rubric.verdict == "fail"


def test_missing_training_code_is_unknown_not_met() -> None:
    rubric = evaluate(load_rubric("osaid"), [], facts(training_code_published=UNKNOWN))
    status = {c.id: c.status for c in rubric.criteria}
    assert status["osaid-code"] == "unknown" and rubric.verdict == "unknown"
