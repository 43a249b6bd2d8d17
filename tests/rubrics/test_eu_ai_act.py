"""The EU AI Act open-source exemption (Art. 53(2)) and the G7 labels on realistic repos: the
replay Hub (real client, corpus licence texts) and the bundled snapshot.

Expected answers: Llama 3.x not eligible (user threshold, ¶83); Llama 4 not eligible, the EU
exclusion of its use policy too (¶79); DeepSeek-R1 likely eligible, its compute estimate shown;
CC-BY-NC-4.0 not eligible; a RAIL licence needs review (¶84); Gemma needs review; a gated
Apache-2.0 model asking for company and country needs review (¶87, the fields quoted); a card
with `extra_gated_eu_disallowed: true` not eligible (¶79).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import fixtures_hub
import pytest
from fixtures_hub import config_json, license, shards, shared_dir
from hubreplay import FakeRepo, HubReplay

from openness.audit import Auditor
from openness.report import Audit

pytestmark = pytest.mark.usefixtures("hf_env")
EU = "eu-ai-act-53-2"
R1_PARAMETERS = 684_531_386_000  # the Hub's safetensors total for DeepSeek-R1 (685B shown)
USAGE_CARD = """\
# {name}

A language model for chat and code.

## Intended uses

Chat assistants, summarisation and code completion in English.

## Limitations

It can state falsehoods and reflects biases of its training data.

## How to use

```python
from transformers import pipeline
pipe = pipeline("text-generation", model="{repo}")
```
"""


def audit(hub: HubReplay, repo: FakeRepo) -> Audit:
    hub.add(repo)
    return Auditor().audit(repo.repo_id)


def eu(audit: Audit) -> dict[str, Any]:
    rubric = audit.rubrics.pass_fail()[EU]
    return {
        "verdict": rubric.verdict,
        "label": rubric.label,
        "notes": rubric.notes,
        **{c.id: c for c in rubric.criteria},
    }


def statuses(audit: Audit) -> dict[str, str]:
    return {c.id: c.status for c in audit.rubrics.pass_fail()[EU].criteria}


def small_model(
    repo_id: str, card: dict[str, Any], files: dict[str, bytes], **fields: Any
) -> FakeRepo:
    """A 7B model with weights, a config, a card that covers its usage, and `files`."""
    return FakeRepo(
        repo_id,
        card_data={"library_name": "transformers", "pipeline_tag": "text-generation", **card},
        readme_body=USAGE_CARD.format(name=repo_id, repo=repo_id),
        files={"config.json": config_json("LlamaForCausalLM", "llama"), **files},
        listed=shards(2, 4_940_000_000),
        **fields,
    )


# --- the expected answers, on the replay Hub --------------------------------------------------


def test_deepseek_r1_is_likely_eligible_with_its_usage_information_quoted(hub: HubReplay) -> None:
    repo = replace(fixtures_hub.deepseek_r1(), extra={"safetensors": {"total": R1_PARAMETERS}})
    result = eu(audit(hub, repo))
    assert (result["verdict"], result["label"]) == ("pass", "likely eligible")
    usage = result["eu-usage-information"]
    assert usage.status == "met" and usage.cites == "Guidelines ¶90-92; Art. 53(2)"
    assert [c.source for c in usage.evidence][0] == "hub:pipeline_tag"
    quotes = " | ".join(c.quote for c in usage.evidence[1:])
    assert "## 1. Introduction" in quotes and "## 6. How to Run Locally" in quotes
    assert "challenges such as endless repetition" in quotes  # its limitations
    assert all(c.line for c in usage.evidence[1:])
    assert result["eu-architecture"].evidence[0].source == "config.json"
    # The card gives 37B activated parameters but no training tokens: the compute cannot be
    # estimated, which is a caveat of the verdict, not a reason to withhold it.
    risk = result["eu-systemic-risk"]
    assert risk.status == "unknown"
    assert "37 billion activated parameters (README.md:" in risk.reason
    assert "states no number of training tokens" in risk.reason
    caveat = "Caveat: eu-systemic-risk (not a model with systemic risk) is unknown"
    assert any(note.startswith(caveat) for note in result["notes"])
    assert any("Art. 53(1)(c)" in note and "Art. 53(1)(d)" in note for note in result["notes"])
    assert any(note.startswith("Not legal advice") for note in result["notes"])


def test_deepseek_r1_compute_estimate_and_its_basis(hub: HubReplay) -> None:
    repo = fixtures_hub.deepseek_r1()
    stated = "\nIts base, DeepSeek-V3-Base, was pre-trained on 14.8 trillion tokens.\n"
    repo = replace(repo, readme_body=repo.readme_body + stated,
                   extra={"safetensors": {"total": R1_PARAMETERS}})  # fmt: skip
    result = eu(audit(hub, repo))
    risk = result["eu-systemic-risk"]
    assert risk.status == "met" and result["label"] == "likely eligible"
    # 6 x 37e9 x 14.8e12 = 3.3e24 FLOP: a general-purpose model, below the systemic-risk line.
    assert risk.reason.startswith("estimated training compute 3.3 × 10^24 FLOP = 6 × 37 billion "
                                  "activated parameters (README.md:")  # fmt: skip
    assert "× 14.8 trillion training tokens (README.md:" in risk.reason
    assert risk.reason.endswith("below the 10^25 FLOP presumption of systemic risk")
    assert [c.source for c in risk.evidence] == ["README.md", "README.md"]
    assert not any(note.startswith("Caveat") for note in result["notes"])


def test_a_dense_model_over_ten_to_the_25_is_not_eligible(hub: HubReplay) -> None:
    repo = small_model("lab/big-dense", {"license": "apache-2.0"},
                       {"LICENSE": license("apache-2.0")},
                       extra={"safetensors": {"total": 405_000_000_000}})  # fmt: skip
    repo = replace(repo, readme_body=repo.readme_body + "\nPretrained on 15.6T tokens.\n")
    result = eu(audit(hub, repo))
    assert result["verdict"] == "fail" and result["eu-systemic-risk"].status == "not_met"
    assert "3.8 × 10^25 FLOP = 6 × 405 billion parameters (hub:safetensors)" in (
        result["eu-systemic-risk"].reason
    )


def test_a_small_model_is_probably_not_a_gpai_model_at_all(hub: HubReplay) -> None:
    repo = small_model("lab/tiny", {"license": "mit"}, {"LICENSE": license("mit")},
                       extra={"safetensors": {"total": 124_000_000}})  # fmt: skip
    repo = replace(repo, readme_body=repo.readme_body + "\nTrained on 10B tokens of web text.\n")
    risk = eu(audit(hub, repo))["eu-systemic-risk"]
    assert risk.status == "met" and "probably not a general-purpose AI model" in risk.reason


def test_llama31_is_not_eligible_for_its_user_threshold(hub: HubReplay) -> None:
    result = eu(audit(hub, fixtures_hub.llama31()))
    assert (result["verdict"], result["label"]) == ("fail", "not eligible")
    disqualified = result["eu-disqualifiers"]
    assert disqualified.status == "not_met" and disqualified.cites == "Guidelines ¶83"
    assert "user-threshold" in disqualified.reason
    assert any(c.source == "LICENSE" and c.line and "700 million" in c.quote
               for c in disqualified.evidence)  # fmt: skip
    # The use policy is a matter for review here, where OSD-6 simply fails.
    assert result["eu-safety-restrictions"].status == "needs_review"
    assert "osd-6" in result["eu-safety-restrictions"].reason


def llama4() -> FakeRepo:
    """meta-llama/Llama-4-Scout-17B-16E: image-text-to-text, Llama 4 licence and use policy."""
    base = shared_dir() / "corpus" / "hub" / "meta-llama__Llama-4-Scout-17B-16E"
    return FakeRepo(
        "meta-llama/Llama-4-Scout-17B-16E",
        card_data={"license": "llama4", "library_name": "transformers",
                   "pipeline_tag": "image-text-to-text",
                   "extra_gated_fields": {"First Name": "text", "Country": "country"}},
        readme_body=(base / "MODEL_CARD.github.md").read_text(encoding="utf-8"),
        files={"LICENSE": license("llama-4-community"), "USE_POLICY.md": license("llama-4-aup"),
               "config.json": config_json("Llama4ForConditionalGeneration", "llama4")},
        listed=shards(50, 4_400_000_000),  # INFERRED: 109B parameters in bf16
        gated="manual",
        extra={"safetensors": {"total": 108_641_793_536}},  # INFERRED from 109B (Total)
    )  # fmt: skip


def test_llama4_is_not_eligible_and_its_use_policy_excludes_the_eu(hub: HubReplay) -> None:
    result = eu(audit(hub, llama4()))
    assert result["verdict"] == "fail"
    access = result["eu-access"]
    assert access.status == "not_met" and access.cites == "Guidelines ¶79"
    assert "territory-restriction" in access.reason
    assert any(c.source == "USE_POLICY.md" and c.line and "not being granted to you" in c.quote
               for c in access.evidence)  # fmt: skip
    assert result["eu-disqualifiers"].status == "not_met"
    # 17B activated x ~40T tokens: 4.1e24 FLOP, read from the card.
    assert "4.1 × 10^24 FLOP = 6 × 17 billion activated parameters" in (
        result["eu-systemic-risk"].reason
    )


def test_a_cc_by_nc_model_is_not_eligible(hub: HubReplay) -> None:
    repo = small_model("lab/nc-7b", {"license": "cc-by-nc-4.0"},
                       {"LICENSE": license("cc-by-nc-4.0")})  # fmt: skip
    result = eu(audit(hub, repo))
    assert result["verdict"] == "fail"
    assert result["eu-disqualifiers"].status == "not_met"
    assert "non-commercial" in result["eu-disqualifiers"].reason


@pytest.mark.parametrize(
    ("keyword", "slug"),
    [("bigscience-openrail-m", "bigscience-openrail-m"),
     ("creativeml-openrail-m", "creativeml-openrail-m")],
)  # fmt: skip
def test_an_openrail_m_model_needs_review(hub: HubReplay, keyword: str, slug: str) -> None:
    repo = small_model(f"lab/{slug}", {"license": keyword}, {"LICENSE": license(slug)})
    result = eu(audit(hub, repo))
    assert (result["verdict"], result["label"]) == ("needs_review", "needs review")
    review = result["eu-safety-restrictions"]
    assert review.status == "needs_review" and review.cites == "Guidelines ¶84"
    assert review.reason.startswith("needs review: acceptable-use-policy found; the guidelines "
                                    "accept use restrictions that serve safety (¶84)")  # fmt: skip
    assert review.evidence and all(c.source == "LICENSE" and c.line for c in review.evidence)
    assert {c.id for c in audit_criteria(result) if c.status == "not_met"} == set()


def audit_criteria(result: dict[str, Any]) -> list[Any]:
    return [value for key, value in result.items() if key.startswith("eu-")]


def test_gemma_needs_review_with_its_reasons(hub: HubReplay) -> None:
    result = eu(audit(hub, fixtures_hub.gemma()))
    assert result["verdict"] == "needs_review"
    assert result["eu-safety-restrictions"].status == "needs_review"
    free_use = result["eu-free-use"]
    assert free_use.status == "needs_review"
    assert "output-use-restriction" in free_use.reason and "revocable" in free_use.reason


def test_a_gated_apache_model_asking_for_company_and_country_needs_review(
    hub: HubReplay,
) -> None:
    card = {"license": "apache-2.0",
            "extra_gated_fields": {"Company": "text", "Country": "country",
                                   "I accept the terms": "checkbox"}}  # fmt: skip
    repo = small_model("lab/gated-apache", card, {"LICENSE": license("apache-2.0")},
                       gated="auto")  # fmt: skip
    result = eu(audit(hub, repo))
    assert result["verdict"] == "needs_review"
    money = result["eu-no-monetisation"]
    assert money.status == "needs_review" and money.cites == "Guidelines ¶85-89; recital 103"
    assert "the gate asks for personal data: Company, Country" in money.reason
    assert "(¶87)" in money.reason
    assert any(c.source == "card:extra_gated_fields" and c.line for c in money.evidence)
    ungated = small_model("lab/open-apache", {"license": "apache-2.0"},
                          {"LICENSE": license("apache-2.0")})  # fmt: skip
    assert eu(audit(hub, ungated))["label"] == "likely eligible"


def test_a_card_refusing_the_eu_is_not_eligible(hub: HubReplay) -> None:
    card = {"license": "mit", "extra_gated_eu_disallowed": True}
    repo = small_model("lab/no-eu", card, {"LICENSE": license("mit")}, gated="auto")
    result = eu(audit(hub, repo))
    assert (result["verdict"], result["label"]) == ("fail", "not eligible")
    access = result["eu-access"]
    assert access.status == "not_met"
    assert "refuses requests from the EU" in access.reason
    assert any(c.source == "card:extra_gated_eu_disallowed" for c in access.evidence)


def test_cc_by_4_is_likely_eligible_where_the_osd_cannot_decide(hub: HubReplay) -> None:
    repo = small_model("lab/cc-by", {"license": "cc-by-4.0"}, {"LICENSE": license("cc-by-4.0")})
    found = audit(hub, repo)
    assert eu(found)["label"] == "likely eligible"
    assert found.rubrics.pass_fail()["osd"].verdict == "unknown"


def test_a_distribution_ban_breaks_the_rights_and_osd_1(hub: HubReplay) -> None:
    text = (b"Acme Weights Licence\n\nYou may use and modify the model for any purpose.\n\n"
            b"You may not distribute, sublicense or otherwise make the model or any derivative "
            b"of it available to any third party.\n")  # fmt: skip
    repo = small_model("lab/kept", {"license": "other"}, {"LICENSE": text})
    found = audit(hub, repo)
    assert "distribution-prohibition" in {c.kind for c in found.clauses}
    result = eu(found)
    assert result["verdict"] == "fail"
    assert result["eu-rights"].status == "not_met"
    assert result["eu-disqualifiers"].status == "not_met"
    osd = {c.id: c.status for c in found.rubrics.pass_fail()["osd"].criteria}
    assert osd["osd-1"] == "not_met"


# --- the snapshot ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("model", "verdict", "deciding"),
    [("meta-llama/Llama-3.1-8B", "fail", {"eu-disqualifiers"}),
     ("meta-llama/Llama-3.3-70B-Instruct", "fail", {"eu-disqualifiers"}),
     ("meta-llama/Llama-4-Scout-17B-16E", "fail", {"eu-access", "eu-disqualifiers"}),
     ("CohereForAI/c4ai-command-r-v01", "fail", {"eu-disqualifiers"}),
     ("bigscience/bloom", "needs_review", {"eu-safety-restrictions", "eu-free-use"}),
     ("stabilityai/stable-diffusion-xl-base-1.0", "needs_review",
      {"eu-safety-restrictions", "eu-free-use"}),
     ("google/gemma-2-9b", "needs_review", {"eu-safety-restrictions", "eu-free-use"})],
)  # fmt: skip
def test_expected_answers_on_the_snapshot(model: str, verdict: str, deciding: set[str]) -> None:
    rubric = Auditor(offline=True).audit(model).rubrics.pass_fail()[EU]
    assert rubric.verdict == verdict
    wanted = "not_met" if verdict == "fail" else verdict
    assert {c.id for c in rubric.criteria if c.status == wanted} >= deciding


def test_deepseek_r1_on_the_snapshot_waits_only_for_its_card() -> None:
    """The snapshot holds no card prose: everything else is established."""
    rubric = Auditor(offline=True).audit("deepseek-ai/DeepSeek-R1").rubrics.pass_fail()[EU]
    assert (rubric.verdict, rubric.label) == ("unknown", "undetermined")
    open_questions = {c.id: c.reason for c in rubric.criteria if c.status != "met"}
    assert set(open_questions) == {"eu-usage-information", "eu-systemic-risk"}
    assert "the bundled snapshot holds no card text" in open_questions["eu-usage-information"]
