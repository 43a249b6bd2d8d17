"""The rubric engine: not_met beats unknown beats met; absence of evidence is never met."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any, get_args

import pytest

from openness.compare import compare
from openness.data import packaged
from openness.report import Citation, Clause, Report, Status, Verdict
from openness.rubrics.engine import RubricSpec, evaluate
from openness.rubrics.facts import FACTS, Fact
from openness.rubrics.registry import RUBRICS_DIR_ENV, RubricError, load_registry, registry
from openness.rubrics.status import STATUSES, VERDICTS, verdict_of

TRUE = Fact(True, "yes", [Citation(source="LICENSE", line=1, quote="MIT License")])
UNKNOWN = Fact(None, "not known")


def facts(**overrides: Fact) -> dict[str, Fact]:
    return {name: overrides.get(name, TRUE) for name in FACTS}


def load_rubric(rubric_id: str) -> RubricSpec:
    return registry().pass_fail[rubric_id]


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


def test_unknown_license_is_never_a_pass() -> None:
    for name in ("osd", "osaid"):
        rubric = evaluate(load_rubric(name), [], facts(license_osi_approved=UNKNOWN))
        assert rubric.verdict == "unknown"
        assert all(c.status != "met" for c in rubric.criteria)


def test_click_through_needs_a_look_rather_than_passing() -> None:
    rubric = evaluate(load_rubric("osd"), [clause("gated-acceptance")], facts())
    status = {c.id: c.status for c in rubric.criteria}
    assert status["osd-7"] == status["osd-10"] == "unknown"
    assert rubric.verdict == "unknown"


def test_non_osi_parameters_fail_osaid() -> None:
    rubric = evaluate(
        load_rubric("osaid"), [], facts(license_osi_approved=Fact(False, "not OSI-approved"))
    )
    status = {c.id: c.status for c in rubric.criteria}
    assert status["osaid-parameters"] == "not_met"
    assert rubric.verdict == "fail"


def test_missing_training_code_is_unknown_not_met() -> None:
    rubric = evaluate(load_rubric("osaid"), [], facts(training_code_published=UNKNOWN))
    status = {c.id: c.status for c in rubric.criteria}
    assert status["osaid-code"] == "unknown" and rubric.verdict == "unknown"


# --- the registry ----------------------------------------------------------------------------


def test_every_packaged_yaml_but_the_mof_is_a_pass_fail_rubric_in_report_order() -> None:
    assert list(registry().pass_fail) == ["osd", "osaid", "eu-ai-act-53-2"]
    assert registry().short("osd") == "OSD" and registry().short("mof") == "MOF"


def test_statuses_and_verdicts_are_listed_once_with_their_meaning() -> None:
    assert set(STATUSES) == set(get_args(Status))
    assert set(VERDICTS) == set(get_args(Verdict))
    assert {meaning.verdict for meaning in STATUSES.values()} <= set(get_args(Verdict))
    assert verdict_of(["met", "unknown", "not_met"]) == "fail"
    assert verdict_of(["met", "unknown", "needs_review"]) == "needs_review"
    assert verdict_of(["met", "unknown"]) == "unknown"
    assert verdict_of(["met"]) == "pass" and verdict_of([]) == "unknown"


def rubric_folder(tmp_path: Path, **extra: str) -> Path:
    """A copy of the packaged rubrics plus `extra` files (name -> YAML text)."""
    folder = tmp_path / "rubrics"
    shutil.copytree(packaged("rubrics"), folder)
    for name, text in extra.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


DUMMY = """\
id: dummy
title: A dummy rubric
short: DUMMY
order: 9
version: "0"
source: https://example.org/dummy
applies_to: the weights
criteria:
  - id: dummy-weights
    title: Weights are published
    description: The weights can be downloaded.
    not_met_if_clauses: [commercial-restriction]
    met_when: [weights_present]
"""


@pytest.mark.parametrize(
    ("broken", "says"),
    [
        (DUMMY.replace("[commercial-restriction]", "[comercial-restriction]"),
         "dummy.yaml: criterion dummy-weights: unknown clause kind 'comercial-restriction'"),
        (DUMMY.replace("[weights_present]", "[weights_published]"),
         "dummy.yaml: criterion dummy-weights: unknown fact 'weights_published'"),
        (DUMMY.replace("id: dummy\n", "id: other\n"), "dummy.yaml: id 'other' must be"),
        (DUMMY.replace("order: 9\n", ""), "dummy.yaml: order: Field required"),
        (DUMMY + "  - id: dummy-weights\n    title: t\n    description: d\n",
         "dummy.yaml: criterion dummy-weights: the id is used twice"),
    ],
)  # fmt: skip
def test_a_broken_rubric_names_its_file_and_criterion(
    tmp_path: Path, broken: str, says: str
) -> None:
    folder = rubric_folder(tmp_path, **{"dummy.yaml": broken})
    with pytest.raises(RubricError) as raised:
        load_registry(folder)
    assert says in str(raised.value).replace(str(folder) + "/", "")


def test_a_rubric_added_as_data_reaches_every_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Any, hf_env: Any
) -> None:
    monkeypatch.setenv(RUBRICS_DIR_ENV, str(rubric_folder(tmp_path, **{"dummy.yaml": DUMMY})))
    mit, llama = tmp_path / "mit", tmp_path / "llama"
    for folder, card in ((mit, "license: mit"), (llama, "license: llama3.1")):
        folder.mkdir()
        (folder / "README.md").write_text(f"---\n{card}\n---\n# M\n", encoding="utf-8")
        (folder / "model.safetensors").write_bytes(b"\0")

    report = cli("audit", str(mit), str(llama), "-f", "json").json()
    rubrics = report["audits"][0]["rubrics"]
    assert list(rubrics) == ["osd", "osaid", "eu-ai-act-53-2", "dummy", "mof"]
    assert rubrics["dummy"]["verdict"] == "pass"
    assert rubrics["dummy"]["criteria"][0]["id"] == "dummy-weights"
    assert report["audits"][1]["rubrics"]["dummy"]["verdict"] == "fail"
    assert "DUMMY: PASS" in cli("audit", str(mit), "-f", "table").stdout
    assert "**DUMMY**: ✅ pass" in cli("audit", str(mit), "-f", "markdown").stdout
    bom = cli("audit", str(mit), "-f", "cyclonedx").json()
    properties = {p["name"]: p["value"] for p in bom["components"][0]["properties"]}
    assert properties["openness:dummy"] == "pass" and properties["openness:osd"] == "pass"
    sarif = cli("audit", str(llama), "-f", "sarif").json()
    assert "dummy/dummy-weights" in {r["ruleId"] for r in sarif["runs"][0]["results"]}
    rows = {row.key: row.values for row in compare(Report.model_validate(report)).rows}
    assert rows["dummy"] == ["pass", "fail"] and rows["dummy-weights"] == ["met", "not_met"]

    policy = tmp_path / "policy.yml"
    policy.write_text("rubrics: {dummy: pass, osd: not-fail}\n", encoding="utf-8")
    assert cli("check", str(mit), "--policy", str(policy)).exit_code == 0
    failed = cli("check", str(llama), "--policy", str(policy), "-f", "json")
    assert "rubric-dummy" in {
        v["rule"] for v in failed.json()["policy"]["results"][0]["violations"]
    }
