"""The EU AI Act rubric and the G7 label in every format: JSON (additive keys), table, Markdown,
SARIF (needs_review as a warning), CycloneDX and `compare`."""

from __future__ import annotations

from typing import Any

import fixtures_hub
import pytest
from fixtures_hub import config_json, license, shards
from hubreplay import FakeRepo, HubReplay

pytestmark = pytest.mark.usefixtures("hf_env")
EU = "eu-ai-act-53-2"
GATED = "lab/gated-apache"


@pytest.fixture
def repos(hub: HubReplay) -> list[str]:
    """A gated Apache-2.0 model whose form asks for a company (needs review, ¶87), and Llama."""
    hub.add(
        FakeRepo(
            GATED,
            card_data={"license": "apache-2.0", "library_name": "transformers",
                       "pipeline_tag": "text-generation",
                       "extra_gated_fields": {"Company": "text", "I agree": "checkbox"}},
            readme_body="# Gated\n\n## Uses\n\nChat.\n\n## Limitations\n\nMay err.\n\n"
            "## How to use\n\nLoad it with transformers.\n",
            files={"LICENSE": license("apache-2.0"),
                   "config.json": config_json("LlamaForCausalLM", "llama")},
            listed=shards(2, 4_940_000_000),
            gated="auto",
        )
    )  # fmt: skip
    hub.add(fixtures_hub.llama31())
    return [GATED, "meta-llama/Llama-3.1-8B"]


def test_json_adds_the_rubric_its_label_notes_citations_and_the_g7_label(
    cli: Any, repos: list[str]
) -> None:
    report = cli("audit", *repos, "-f", "json").json()
    gated, llama = report["audits"]
    assert list(gated["rubrics"]) == ["osd", "osaid", EU, "mof"]
    rubric = gated["rubrics"][EU]
    assert (rubric["verdict"], rubric["label"]) == ("needs_review", "needs review")
    criteria = {c["id"]: c for c in rubric["criteria"]}
    money = criteria["eu-no-monetisation"]
    assert money["status"] == "needs_review" and money["cites"] == "Guidelines ¶85-89; recital 103"
    assert "personal data: Company" in money["reason"]
    assert any(note.startswith("Not legal advice") for note in rubric["notes"])
    assert gated["rubrics"]["osd"]["label"] is None and gated["rubrics"]["osd"]["notes"] == []
    assert gated["rubrics"]["osd"]["criteria"][0]["cites"] is None
    assert llama["rubrics"][EU]["label"] == "not eligible"
    g7 = gated["g7"]
    assert g7["label"] == "Open Weights AI" and g7["could_be"][-1] == "Open Source AI"
    assert {c["id"]: c["value"] for c in g7["conditions"]}["open-licence"] is True
    assert llama["g7"]["label"] == "Weights Available AI"
    assert gated["summary"].endswith("G7 label: Open Weights AI (perhaps Open Source AI).")


def test_table_and_markdown_show_the_label_the_citations_and_the_notes(
    cli: Any, repos: list[str]
) -> None:
    table = cli("audit", GATED, "-f", "table").stdout
    assert "EU AI Act 53(2): NEEDS REVIEW" in table
    assert "needs review" in table and "¶85-89" in table
    assert "note: Not legal advice" in table
    assert "G7 label: Open Weights AI (perhaps Open Source AI)" in table
    markdown = cli("audit", GATED, "-f", "markdown").stdout
    assert "**EU AI Act 53\\(2\\)**: 🔎 needs review" in markdown
    needs = "  - Needs review: eu-no-monetisation Not monetised (Guidelines ¶85-89; recital 103)"
    assert needs in markdown
    assert "- **G7 label**: Open Weights AI (perhaps Open Source AI)" in markdown


def test_sarif_reports_needs_review_as_a_warning_and_not_met_as_an_error(
    cli: Any, repos: list[str]
) -> None:
    log = cli("audit", *repos, "-f", "sarif").json()
    found = log["runs"][0]["results"]
    results = {(r["properties"]["model"], r["ruleId"]): r["level"] for r in found}
    assert results[(GATED, f"{EU}/eu-no-monetisation")] == "warning"
    assert results[("meta-llama/Llama-3.1-8B", f"{EU}/eu-disqualifiers")] == "error"
    assert (GATED, f"{EU}/eu-rights") not in results  # met: no result


def test_cyclonedx_properties_name_the_verdict_its_label_and_the_g7_label(
    cli: Any, repos: list[str]
) -> None:
    bom = cli("audit", GATED, "-f", "cyclonedx").json()
    properties = {p["name"]: p["value"] for p in bom["components"][0]["properties"]}
    assert properties[f"openness:{EU}"] == "needs_review"
    assert properties[f"openness:{EU}-label"] == "needs review"
    assert properties["openness:g7-label"] == "Open Weights AI"


def test_compare_rows_for_the_rubric_and_the_g7_label(cli: Any, repos: list[str]) -> None:
    compared = cli("compare", *repos, "-f", "json").json()
    rows = {row["key"]: row["values"] for row in compared["rows"]}
    assert rows[EU] == ["needs review", "not eligible"]
    assert rows["eu-disqualifiers"] == ["met", "not_met"]
    assert rows["g7"] == ["Open Weights AI (perhaps Open Source AI)", "Weights Available AI"]
    assert rows["g7:open-licence"] == ["yes", "no"]
    assert {EU, "g7", "g7:open-licence"} <= set(compared["differences"])
    markdown = cli("compare", *repos, "-f", "markdown").stdout
    assert "| EU AI Act 53\\(2\\) verdict | needs review | not eligible |" in markdown
