"""The MOF evaluator: MOT's own regression suite (when the shared corpus is present) and
small synthetic releases that need no corpus."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from openness.errors import UsageError
from openness.rubrics.mof import evaluate_mof, load_mof_documents, load_mof_yaml
from openness.rubrics.mof_evidence import mof_license
from openness.rubrics.mof_spec import license_table, mof_spec

MOT = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "mot"
TEST_DATA = MOT / "test_data"


def _expected() -> dict[str, dict[str, Any]]:
    """expected_results.json is lenient JSON (trailing commas), keyed by release.name."""
    text = (TEST_DATA / "expected_results.json").read_text(encoding="utf-8")
    models = json.loads(re.sub(r",(\s*[}\]])", r"\1", text))["models"]
    return {model["release"]["name"]: model["classification"] for model in models}


MOT_CASES = sorted(TEST_DATA.glob("*.yml")) if TEST_DATA.is_dir() else []


@pytest.mark.skipif(not TEST_DATA.is_dir(), reason="shared MOT corpus not present")
def test_mot_suite_has_27_cases() -> None:
    assert len(MOT_CASES) == 27
    assert len(_expected()) == 27


@pytest.mark.skipif(not TEST_DATA.is_dir(), reason="shared MOT corpus not present")
@pytest.mark.parametrize("path", MOT_CASES, ids=lambda path: path.stem[:40])
def test_mot_regression_case(path: Path) -> None:
    document = load_mof_yaml(path)
    expected = _expected()[document["release"]["name"]]
    result = evaluate_mof(document["release"])
    assert (result.class_ or 0) == expected["class"]
    assert result.progress == {int(key): value for key, value in expected["progress"].items()}


# --- the framework and licence data ---------------------------------------------------------


def test_framework_has_17_components_and_cumulative_classes() -> None:
    spec = mof_spec()
    assert len(spec.components) == 17
    required = [rule for rule in spec.components if rule.required]
    needed = {level: sum(rule.class_ >= level for rule in required) for level in (1, 2, 3)}
    assert needed == {3: 6, 2: 10, 1: 14}


def test_open_license_set_matches_mot() -> None:
    table = license_table()
    assert len(table.open) == 225
    assert {"MIT", "Apache-2.0", "CC-BY-4.0", "CC-BY-SA-4.0", "OpenMDW-1.0"} <= table.open
    # MOT's quirks: the open-data list says ODC-PDDL-1.0, so the real PDDL-1.0 is not open.
    assert not {"PDDL-1.0", "ODC-PDDL-1.0", "CC-PDDC", "C-UDA-1.0", "FreeBSD-DOC"} & table.open
    assert "BigScience-BLOOM-RAIL-1.0" not in table.known


# --- synthetic releases ---------------------------------------------------------------------


def _release(*names: str, **licenses: str) -> dict[str, Any]:
    """A release listing `names` with no licences of their own; global licences by type."""
    return {
        "name": "synthetic",
        "license": {kind: {"name": value} for kind, value in licenses.items()},
        "components": [{"name": name} for name in names],
    }


ALL_REQUIRED = [rule.name for rule in mof_spec().components if rule.required]


def test_full_class_one_release() -> None:
    result = evaluate_mof(_release(*ALL_REQUIRED, distribution="Apache-2.0"))
    assert result.class_ == 1
    assert result.label == "Class I - Open Science"
    assert result.progress == {1: 100, 2: 100, 3: 100}
    listed = [status for status in result.components if status.required]
    assert all(status.status == "included" for status in listed)
    assert all(status.source == "distribution" for status in listed)
    assert result.model_dump(mode="json")["class"] == 1


def test_global_license_of_the_type_beats_distribution() -> None:
    release = _release(*ALL_REQUIRED, distribution="Proprietary", document="CC-BY-4.0")
    statuses = {status.name: status for status in evaluate_mof(release).components}
    assert statuses["Model card"].status == "included"
    assert statuses["Model card"].source == "global"
    assert statuses["Training code"].status == "invalid"
    assert statuses["Training code"].source == "distribution"


def test_missing_data_card_leaves_release_unclassified() -> None:
    names = [name for name in ALL_REQUIRED if name != "Data card"]
    result = evaluate_mof(_release(*names, distribution="MIT"))
    assert result.class_ is None
    assert result.label == "Unclassified"
    assert result.progress == {1: 0, 2: 0, 3: 5 / 6 * 100}
    data_card = next(status for status in result.components if status.name == "Data card")
    assert data_card.status == "missing"


def test_invalid_license_string() -> None:
    release = _release(*ALL_REQUIRED, distribution="MIT")
    release["components"][0]["license"] = "Llama 3 Community License"
    result = evaluate_mof(release)
    first = next(status for status in result.components if status.name == ALL_REQUIRED[0])
    assert first.status == "invalid"
    assert first.source == "component"
    assert result.class_ is None


def test_explicit_unlicensed_does_not_inherit() -> None:
    release = _release("Model card", distribution="MIT")
    release["components"][0]["license"] = "unlicensed"
    card = next(s for s in evaluate_mof(release).components if s.name == "Model card")
    assert card.status == "unlicensed"


def test_research_paper_stands_in_for_technical_report() -> None:
    names = [name for name in ALL_REQUIRED if name != "Technical report"]
    result = evaluate_mof(_release(*names, distribution="Apache-2.0"))
    assert result.class_ == 1
    paper = next(status for status in result.components if status.name == "Research paper")
    assert paper.stands_in_for == "Technical report"


def test_matching_is_exact_unless_normalised() -> None:
    release = _release(*ALL_REQUIRED, distribution="Apache 2.0")
    strict = evaluate_mof(release)
    assert strict.class_ is None
    assert {status.status for status in strict.components if status.required} == {"invalid"}
    loose = evaluate_mof(release, normalise=True)
    assert loose.class_ == 1
    card = next(status for status in loose.components if status.name == "Model card")
    assert (card.status, card.license, card.declared) == ("included", "Apache-2.0", "Apache 2.0")


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("apache-2.0", "Apache-2.0"),
        ("MIT License", "MIT"),
        ("Apache license 2.0", "Apache-2.0"),
        ("BSD-3", "BSD-3-Clause"),
        ("CC BY-SA 4.0", "CC-BY-SA-4.0"),
        ("Llama 3 Community License", "Llama 3 Community License"),
    ],
)
def test_normalisation_spellings(written: str, expected: str) -> None:
    release = _release("Model card")
    release["components"][0]["license"] = written
    card = evaluate_mof(release, normalise=True).components[3]
    assert card.name == "Model card"
    assert card.license == expected


def test_whole_document_is_accepted() -> None:
    document = {"framework": {}, "release": _release(*ALL_REQUIRED, distribution="MIT")}
    assert evaluate_mof(document).class_ == 1


# --- loading --------------------------------------------------------------------------------


def test_load_mof_yaml_errors(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text("release:\n  name: [unclosed\n", encoding="utf-8")
    with pytest.raises(UsageError) as error:
        load_mof_yaml(broken)
    assert "\n" not in str(error.value) and "broken.yml:3: not valid YAML" in str(error.value)

    no_release = tmp_path / "norelease.yml"
    no_release.write_text("framework: {name: x}\n", encoding="utf-8")
    with pytest.raises(UsageError, match="release"):
        load_mof_yaml(no_release)

    with pytest.raises(UsageError, match="cannot read"):
        load_mof_yaml(tmp_path / "absent.yml")

    unsafe = tmp_path / "unsafe.yml"
    unsafe.write_text("release: !!python/object/apply:os.system ['true']\n", encoding="utf-8")
    with pytest.raises(UsageError):
        load_mof_yaml(unsafe)


def test_multi_document_files_and_their_errors(tmp_path: Path) -> None:
    many = tmp_path / "many.yml"
    many.write_text("release: {name: a}\n---\nrelease: {name: b}\n", encoding="utf-8")
    assert [doc["release"]["name"] for doc in load_mof_documents(many)] == ["a", "b"]
    with pytest.raises(UsageError, match="2 MOF documents"):
        load_mof_yaml(many)
    bad = tmp_path / "bad.yml"
    bad.write_text("release: {name: a}\n---\nframework: {}\n", encoding="utf-8")
    with pytest.raises(UsageError, match=r"bad.yml: document 2: not a MOF file"):
        load_mof_documents(bad)
    empty = tmp_path / "empty.yml"
    empty.write_text("# nothing\n", encoding="utf-8")
    with pytest.raises(UsageError, match="no `release`"):
        load_mof_documents(empty)


def test_what_a_draft_says_beyond_mot() -> None:
    release = {
        "components": [
            {"name": "Model card", "license": "NOASSERTION"},
            {"name": "Model architecture", "license": "LicenseRef-scancode-llama-3.1-license-2024"},
        ],
        "x-openness": {"undetermined": ["Data card", 3]},
    }
    status = {c.name: c for c in evaluate_mof(release).components}
    assert status["Model card"].status == "unknown"
    assert status["Model architecture"].status == "invalid"
    assert "outside the SPDX list" in status["Model architecture"].reason
    assert status["Data card"].status == "unknown"
    assert status["Evaluation results"].status == "missing"


@pytest.mark.parametrize(
    ("profile_id", "spdx_id", "written"),
    [
        ("mit", "MIT", "MIT"),
        ("llama3.1", None, "LicenseRef-scancode-llama-3.1-license-2024"),
        ("openmdw-1.0", None, "OpenMDW-1.0"),
        ("gemma", None, "LicenseRef-openness-gemma"),
        ("unknown", None, "NOASSERTION"),
        (None, None, "NOASSERTION"),
    ],
)
def test_concluded_licenses_are_named_as_mof_files_name_them(
    profile_id: str | None, spdx_id: str | None, written: str
) -> None:
    assert mof_license(profile_id, spdx_id) == written


def _local_models(root: Path) -> list[str]:
    import fixtures_hub

    folders = []
    for name, card, license, files in [
        ("mit-model", "license: mit", fixtures_hub.license("mit"), ["config.json", "train.py"]),
        ("apache-model", "license: apache-2.0", fixtures_hub.license("apache-2.0"),
         ["config.json", "model.safetensors", "eval.py"]),
        ("acme-model", "license: other",
         b"Acme Model Licence\nNon-commercial research use only; no use to train other models.\n",
         ["model.safetensors"]),
    ]:  # fmt: skip
        folder = root / name
        folder.mkdir()
        (folder / "README.md").write_text(f"---\n{card}\n---\n# {name}\n", encoding="utf-8")
        (folder / "LICENSE").write_bytes(license)
        for file in files:
            (folder / file).write_text("{}", encoding="utf-8")
        folders.append(str(folder))
    return folders


def test_audit_mof_draft_round_trips_through_openness_mof(cli: Any, tmp_path: Path) -> None:
    """`openness mof` grades each model of an `audit --format mof` file as the audit did."""
    models = [*_local_models(tmp_path), "deepseek-ai/DeepSeek-R1", "meta-llama/Llama-3.1-8B"]
    draft = tmp_path / "draft.yml"
    written = cli("audit", *models, "not-cached/model", "--offline", "-f", "mof", "-o", str(draft))
    assert written.exit_code == 3  # one model could not be audited: the draft says so
    assert draft.read_text(encoding="utf-8").startswith("# not audited: not-cached/model: ")
    audited = cli("audit", *models, "--offline", "-f", "json").json()["audits"]
    graded = cli("mof", str(draft), "--format", "json")
    assert graded.exit_code == 0, graded.stderr
    grades = graded.json()
    assert [(g["file"], g["document"]) for g in grades] == [(str(draft), n) for n in range(1, 6)]
    for audit, grade in zip(audited, grades, strict=True):
        own = audit["rubrics"]["mof"]
        assert (grade["class"], grade["progress"]) == (own["class"], own["progress"])
        assert [(c["name"], c["status"], c["licence"]) for c in grade["components"]] == [
            (c["name"], c["status"], c["licence"]) for c in own["components"]
        ]
    by_model = {audit["model"]["id"]: audit["rubrics"]["mof"] for audit in audited}
    statuses = {
        model: {c["name"]: c["status"] for c in mof["components"]}
        for model, mof in by_model.items()
    }
    llama = statuses["meta-llama/Llama-3.1-8B"]
    assert llama["Model parameters (Final)"] == "invalid"
    assert "not a licence id the tool knows" not in graded.stdout
    assert statuses["deepseek-ai/DeepSeek-R1"]["Model parameters (Final)"] == "included"
    assert statuses["deepseek-ai/DeepSeek-R1"]["Training code"] == "unknown"  # snapshot
    licenses = {c["licence"] for grade in grades for c in grade["components"]}
    assert {"MIT", "Apache-2.0", "NOASSERTION"} <= licenses
    table = cli("mof", str(draft)).stdout
    assert f"{draft}#5 Llama-3.1-8B: Unclassified" in table
