"""Policy evaluation on real audits of small model folders: licence lists and their spellings,
the presets, inherited clauses, waivers, and the policy file's keys.

The folders name their licence in the card (the profile supplies the terms) or carry a short
custom licence, so no corpus text is needed.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from openness.audit import Auditor
from openness.errors import UsageError
from openness.policy import Policy, evaluate, parse_policy, preset
from openness.report import Audit, Rubrics
from openness.sources.evidence import Gating

pytestmark = pytest.mark.usefixtures("hf_env")
ACME_LICENSE = """ACME MODEL LICENCE

1. You may use, copy and share the Model.
2. You may not use the Model for commercial purposes.
"""


def audit_folder(folder: Path, card: str, files: dict[str, str] | None = None) -> Audit:
    folder.mkdir(parents=True)
    (folder / "README.md").write_text(f"---\n{card}\n---\n# Model\n", encoding="utf-8")
    (folder / "model.safetensors").write_bytes(b"\0")
    for name, text in (files or {}).items():
        (folder / name).write_text(text, encoding="utf-8")
    return Auditor(offline=True).audit(str(folder))


@pytest.fixture
def audits(tmp_path: Path) -> dict[str, Audit]:
    """A permissive, a copyleft and a restricted release (by their card's licence tag)."""
    return {
        name: audit_folder(tmp_path / name, f"license: {name}")
        for name in ("mit", "gpl-3.0", "llama3.1")
    }


def failed_rules(policy: Policy, audit: Audit) -> set[str]:
    return {v.rule for v in evaluate(policy, audit).violations if v.severity == "fail"}


def policy(text: str) -> Policy:
    return parse_policy(text, "p.yml")


# --- allow and deny lists ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("model", "entry"),
    [("mit", "MIT"), ("mit", "mit"), ("mit", "MIT License"),
     ("gpl-3.0", "GPL-3.0-only"), ("gpl-3.0", "gpl-3.0"), ("gpl-3.0", "GPL-3.0"),
     ("gpl-3.0", "GNU General Public License v3.0"),
     ("llama3.1", "llama3.1"), ("llama3.1", "Llama 3.1 Community License Agreement")],
)  # fmt: skip
def test_a_license_answers_to_its_spdx_id_profile_id_keyword_and_name(
    audits: dict[str, Audit], model: str, entry: str
) -> None:
    allowed = policy(f"licenses: {{allow: ['{entry}']}}")
    denied = policy(f"licenses: {{deny: ['{entry}']}}")
    assert "license-not-allowed" not in failed_rules(allowed, audits[model])
    assert failed_rules(denied, audits[model]) == {"license-denied"}


def test_allow_list_admits_only_what_it_names(audits: dict[str, Audit]) -> None:
    allow = policy("licenses:\n  allow: [MIT, Apache-2.0]\n")
    assert evaluate(allow, audits["mit"]).passed
    for model in ("gpl-3.0", "llama3.1"):
        result = evaluate(allow, audits[model])
        assert not result.passed
        assert [v.message for v in result.violations if v.rule == "license-not-allowed"] == [
            f"licence {model} is not in the allow list"
        ]


def test_deny_list_refuses_only_what_it_names(audits: dict[str, Audit]) -> None:
    deny = policy("licenses:\n  deny: [GPL-3.0-only, AGPL-3.0-only]\n")
    assert failed_rules(deny, audits["gpl-3.0"]) == {"license-denied"}
    assert evaluate(deny, audits["mit"]).passed and evaluate(deny, audits["llama3.1"]).passed


def test_an_unknown_license_is_neither_allowed_nor_denied_but_reported(tmp_path: Path) -> None:
    custom = audit_folder(tmp_path / "acme", "license: other", {"LICENSE": ACME_LICENSE})
    assert custom.license.conclusion is None
    assert "non-commercial" in {clause.kind for clause in custom.clauses}
    strict = policy("licenses: {allow: [MIT]}\nunknown_license: fail\n")
    assert failed_rules(strict, custom) == {"unknown-license"}
    assert failed_rules(policy("clauses: {fail: [non-commercial]}"), custom) == {
        "clause-non-commercial"
    }


# --- presets -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("osi", {"mit": set(), "gpl-3.0": set(), "llama3.1": {
            "license-not-osi-approved", "rubric-osd", "clause-user-threshold",
            "clause-acceptable-use-policy", "clause-commercial-restriction"}}),
        ("permissive", {"mit": set(), "gpl-3.0": {"license-not-allowed", "clause-copyleft"},
                        "llama3.1": {"license-not-allowed", "license-not-osi-approved",
                                     "rubric-osd", "clause-user-threshold",
                                     "clause-acceptable-use-policy",
                                     "clause-commercial-restriction"}}),
        ("no-use-restrictions", {"mit": set(), "gpl-3.0": set(), "llama3.1": {
            "rubric-osd", "clause-user-threshold", "clause-acceptable-use-policy",
            "clause-commercial-restriction"}}),
    ],
)  # fmt: skip
def test_presets_on_permissive_copyleft_and_restricted_releases(
    audits: dict[str, Audit], name: str, expected: dict[str, set[str]]
) -> None:
    for model, rules in expected.items():
        assert failed_rules(preset(name), audits[model]) == rules, model


def test_copyleft_is_a_warning_under_no_use_restrictions(audits: dict[str, Audit]) -> None:
    result = evaluate(preset("no-use-restrictions"), audits["gpl-3.0"])
    assert result.passed
    assert [v.rule for v in result.violations if v.severity == "warn"] == ["clause-copyleft"]


# --- inherited clauses ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("setting", "severity"), [("same", "fail"), ("warn", "warn"), ("ignore", None)]
)
def test_inherited_clauses_follow_the_setting(
    tmp_path: Path, setting: str, severity: str | None
) -> None:
    derivative = audit_folder(
        tmp_path / "derivative", "license: mit\nbase_model: meta-llama/Llama-3.1-8B"
    )
    [inherited] = [c for c in derivative.clauses if c.kind == "user-threshold"]
    assert inherited.inherited_from == "meta-llama/Llama-3.1-8B"
    rules = policy(f"clauses: {{fail: [user-threshold]}}\ninherited_clauses: {setting}\n")
    found = {v.rule: v for v in evaluate(rules, derivative).violations}
    if severity is None:
        assert "clause-user-threshold" not in found
    else:
        assert found["clause-user-threshold"].severity == severity
        assert "inherited from meta-llama/Llama-3.1-8B" in found["clause-user-threshold"].message


def test_own_clauses_are_not_softened_by_the_inherited_setting(tmp_path: Path) -> None:
    custom = audit_folder(tmp_path / "acme", "license: other", {"LICENSE": ACME_LICENSE})
    rules = policy("clauses: {fail: [non-commercial]}\ninherited_clauses: ignore\n")
    assert "clause-non-commercial" in failed_rules(rules, custom)


# --- waivers -------------------------------------------------------------------------------


def waived(audit: Audit, waiver: str, today: date = date(2025, 6, 1)) -> tuple[bool, list[str]]:
    rules = policy(
        "licenses: {require_osi_approved: true}\nunknown_license: fail\n"
        f"waivers:\n  - model: {audit.model.id}\n"
        f"    reason: approved by legal\n{waiver}"
    )
    result = evaluate(rules, audit, today)
    notes = [v.message for v in result.violations if v.rule == "waiver"]
    return result.waived_by == "approved by legal" and result.passed, notes


def test_a_waiver_pinned_to_a_revision_lapses_on_another(audits: dict[str, Audit]) -> None:
    audit = audits["llama3.1"].model_copy(deep=True)
    audit.model.revision = "a" * 40
    assert waived(audit, f"    revision: '{'a' * 40}'\n") == (True, [])
    ok, notes = waived(audit, f"    revision: '{'b' * 40}'\n")
    assert not ok and notes == [f"waiver for {audit.model.id} is pinned to another revision"]


def test_a_waiver_pinned_to_the_license_text_lapses_when_it_changes(tmp_path: Path) -> None:
    first = audit_folder(tmp_path / "v1", "license: other", {"LICENSE": ACME_LICENSE})
    [digest] = [f.sha256 for f in first.license.files]
    assert waived(first, f"    license_sha256: {digest}\n") == (True, [])
    changed = ACME_LICENSE + "3. No use on Tuesdays.\n"
    second = audit_folder(tmp_path / "v2", "license: other", {"LICENSE": changed})
    second.model.id = first.model.id
    ok, notes = waived(second, f"    license_sha256: {digest}\n")
    assert not ok and "no longer applies" in notes[0]


def test_a_waiver_holds_until_its_expiry_date(audits: dict[str, Audit]) -> None:
    audit = audits["llama3.1"]
    assert waived(audit, "    expires: 2025-06-01\n") == (True, [])
    ok, notes = waived(audit, "    expires: 2025-05-31\n")
    assert not ok and notes == [f"waiver for {audit.model.id} expired on 2025-05-31"]


def test_a_waiver_for_another_model_does_nothing(audits: dict[str, Audit]) -> None:
    rules = policy("licenses: {require_osi_approved: true}\n"
                   "waivers: [{model: org/other, reason: r}]\n")  # fmt: skip
    result = evaluate(rules, audits["llama3.1"])
    assert not result.passed and result.waived_by is None


# --- the policy file -----------------------------------------------------------------------


def test_licenses_is_an_alias_of_licenses() -> None:
    assert policy("licences: {allow: [MIT]}").licenses.allow == ["MIT"]
    with pytest.raises(UsageError, match=r"^p\.yml:2: licences: .*give one of them"):
        policy("licenses: {allow: [MIT]}\nlicences: {deny: [GPL-3.0]}\n")
    with pytest.raises(UsageError, match=r"^p\.yml:2: licences\.alow: "):
        policy("licences:\n  alow: [MIT]\n")


def test_rubric_requirements_by_id(audits: dict[str, Audit]) -> None:
    rules = policy("rubrics: {osd: pass, osaid: not-fail, mof_min_class: 2}")
    assert rules.rubrics.required("osd") == "pass" and rules.rubrics.mof_min_class == 2
    assert policy("rubrics: {}").rubrics.required("osaid") == "any"
    assert failed_rules(policy("rubrics: {osaid: not-fail}"), audits["mit"]) == set()
    assert failed_rules(policy("rubrics: {osaid: pass}"), audits["mit"]) == {"rubric-osaid"}
    assert failed_rules(rules, audits["llama3.1"]) >= {"rubric-osd", "rubric-osaid", "rubric-mof"}


def test_a_required_rubric_missing_from_the_audit_fails(audits: dict[str, Audit]) -> None:
    audit = audits["mit"].model_copy(deep=True)
    audit.rubrics = Rubrics(mof=audit.rubrics.mof, osd=audit.rubrics.pass_fail()["osd"])
    [violation] = evaluate(policy("rubrics: {osaid: not-fail}"), audit).violations
    assert violation.message == "OSAID was not evaluated, policy requires not-fail"


@pytest.mark.parametrize(
    ("text", "says"),
    [("rubrics:\n  osd: pass\n  osdd: pass\n", "p.yml:3: rubrics.osdd: not a rubric (known: osd"),
     ("rubrics:\n  osd: must\n", "p.yml:2: rubrics.osd: Input should be 'pass'"),
     ("rubrics:\n  mof_min_class: 4\n", "p.yml:2: rubrics.mof_min_class: ")],
)  # fmt: skip
def test_bad_rubric_keys_name_the_line(text: str, says: str) -> None:
    with pytest.raises(UsageError) as raised:
        policy(text)
    assert str(raised.value).startswith(says)


# --- access: the Hub's gate, not the licence -------------------------------------------------


def test_osi_and_permissive_pass_a_gated_apache_model_with_a_warning_for_the_gate() -> None:
    audit = Auditor(offline=True).audit("mistralai/Mistral-7B-v0.1")
    for name in ("osi", "permissive"):
        result = evaluate(preset(name), audit)
        assert result.passed, name
        assert [(v.rule, v.severity) for v in result.violations] == [("gated", "warn")]


def gate(audit: Audit, gated: Gating) -> Audit:
    """The audit of a local folder (gate unknown) as if the Hub had reported `gated`."""
    assert audit.access is not None
    approval = {False: "none", "auto": "automatic", "manual": "manual"}[gated]
    access = audit.access.model_copy(update={"gated": gated, "approval": approval})
    model = audit.model.model_copy(update={"gated": gated})
    return audit.model_copy(update={"access": access, "model": model})


def test_access_rules_name_what_the_gate_asks(tmp_path: Path) -> None:
    card = ("license: mit\nextra_gated_fields:\n  Name: text\n  I agree: checkbox\n"
            "extra_gated_eu_disallowed: true")  # fmt: skip
    audit = gate(audit_folder(tmp_path / "m", card), "manual")
    strict = policy("access: {manual_approval: fail, personal_data: fail, eu_disallowed: fail}")
    assert failed_rules(strict, audit) == {
        "access-manual-approval", "access-personal-data", "access-eu-disallowed"}  # fmt: skip
    personal = next(v for v in evaluate(strict, audit).violations if v.rule.endswith("data"))
    assert personal.message == "the gate asks for personal data: Name"
    assert failed_rules(policy("gated: ignore"), audit) == set()


def test_an_ungated_model_owes_nothing_to_the_access_rules(tmp_path: Path) -> None:
    audit = gate(
        audit_folder(tmp_path / "m", "license: mit\nextra_gated_eu_disallowed: true"), False
    )
    assert evaluate(policy("access: {eu_disallowed: fail}\ngated: fail"), audit).violations == []


def test_an_unknown_access_key_names_the_line() -> None:
    with pytest.raises(UsageError, match=r"p.yml:2: access.approval: Extra inputs"):
        policy("gated: warn\naccess: {approval: fail}")
