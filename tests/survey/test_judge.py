"""Every row judged as `audit` judges the same card: the declared licence's normalisation,
clause kinds (with their conditions), the G7 label, and each child -> parent edge."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("duckdb")

WEIGHTS = ["README.md", "config.json", "model.safetensors"]
# (id, cardData, extra Hub fields): cards as the Hub serves them
CARDS: list[tuple[str, dict[str, Any], dict[str, Any]]] = [
    ("c/mit", {"license": "mit", "library_name": "transformers"}, {"siblings": WEIGHTS}),
    ("c/apache-no-code", {"license": "apache-2.0"}, {"siblings": WEIGHTS}),
    ("c/llama31", {"license": "llama3.1"}, {"siblings": WEIGHTS, "tags": ["transformers"]}),
    ("c/llama32-vision", {"license": "llama3.2", "pipeline_tag": "image-text-to-text"}, {}),
    ("c/llama32-text", {"license": "llama3.2"}, {"pipeline_tag": "text-generation"}),
    ("c/llama32-card-tag", {"license": "llama3.2", "tags": ["vision"]}, {}),
    ("c/other-named", {"license": "other", "license_name": "Llama 3.1 Community License"}, {}),
    ("c/other-linked", {"license": "other",
                        "license_link": "https://www.apache.org/licenses/LICENSE-2.0"}, {}),
    ("c/other-bare", {"license": "other"}, {"siblings": WEIGHTS}),
    ("c/unknown", {"license": "unknown"}, {}),
    ("c/list", {"license": ["mit", "apache-2.0"]}, {}),
    ("c/expression", {"license": "MIT OR Apache-2.0"}, {}),
    ("c/nc", {"license": "cc-by-nc-4.0", "library_name": "diffusers"}, {"siblings": WEIGHTS}),
    ("c/gemma", {"license": "gemma"}, {}),
    ("c/openrail", {"license": "creativeml-openrail-m"}, {}),
    ("c/unrecognised", {"license": "my very own terms v2"}, {}),
    ("c/number", {"license": 42}, {}),
    ("c/nothing", {}, {"siblings": ["README.md", "train.py"]}),
    ("c/no-weights", {"license": "mit"}, {"siblings": ["README.md", "inference.py"]}),
    ("c/gguf", {"license": "apache-2.0"}, {"siblings": ["README.md"], "gguf": {"total": 5},
                                            "library_name": "gguf", "tags": ["gguf"]}),
]  # fmt: skip


def hub_info(repo_id: str, card: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    """The model's Hub API metadata: what `audit` reads and what an export row holds."""
    licences = card.get("license")
    licences = licences if isinstance(licences, list) else [licences] if licences else []
    return {
        "id": repo_id,
        "sha": hashlib.sha1(repo_id.encode()).hexdigest(),
        "cardData": card,
        "tags": [*extra.get("tags", []), *(f"license:{name}" for name in licences), "region:us"],
        "siblings": [{"rfilename": name} for name in extra.get("siblings", ["README.md"])],
        **{key: value for key, value in extra.items() if key not in ("tags", "siblings")},
    }


def export_row(info: dict[str, Any]) -> dict[str, Any]:
    row = {key: info[key] for key in ("id", "cardData", "tags") if key in info}
    row["siblings"] = [entry["rfilename"] for entry in info["siblings"]]
    for key in ("pipeline_tag", "gguf", "library_name"):
        if key in info:
            row[key] = info[key]
    return row


@pytest.fixture
def judged_cards(
    export_file: Callable[..., Path], surveyed: Callable[..., Any]
) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
    infos = {repo_id: hub_info(repo_id, card, extra) for repo_id, card, extra in CARDS}
    rows = [export_row(info) for info in infos.values()]
    return infos, surveyed(export_file(rows)).results


@pytest.mark.parametrize("repo_id", [repo_id for repo_id, _, _ in CARDS])
def test_normalisation_is_the_audits(
    judged_cards: tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]]], repo_id: str
) -> None:
    from openness.audit import audit_evidence
    from openness.sources.metadata import evidence_from

    infos, results = judged_cards
    audit = audit_evidence(evidence_from(infos[repo_id], repo_id))
    row = results[repo_id]
    assert row["declared"] == audit.license.declared
    assert row["licence"] == audit.license.conclusion
    assert row["spdx_id"] == audit.license.spdx_id
    assert row["osi_approved"] == audit.license.osi_approved
    if audit.license.conclusion is None:
        assert row["clause_kinds"] is None and row["permissive"] is None
    else:
        kinds = sorted({clause.kind for clause in audit.clauses})
        assert row["clause_kinds"] == kinds
        assert row["permissive"] == (audit.license.osi_approved is True and not kinds)
    assert row["g7_label"] == (None if audit.g7.label == "unknown" else audit.g7.label)


def test_declaration_states(
    judged_cards: tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]]],
) -> None:
    _, results = judged_cards
    states = {repo_id: row["declared_state"] for repo_id, row in results.items()}
    assert states["c/mit"] == states["c/other-named"] == states["c/other-linked"] == "known"
    assert states["c/other-bare"] == states["c/unknown"] == "other"
    assert states["c/unrecognised"] == "unrecognised"
    assert states["c/nothing"] == "none"
    assert results["c/other-named"]["declared"] == "other"
    assert results["c/other-named"]["licence"] == "llama3.1"
    # a number is no licence name; the card decides, so the `license:42` tag is not read
    assert results["c/number"]["declared_state"] == "none"
    assert results["c/llama32-vision"]["use_restricting"] is True
    assert "territory-restriction" in results["c/llama32-vision"]["clause_kinds"]
    assert "territory-restriction" not in results["c/llama32-text"]["clause_kinds"]
    assert "territory-restriction" in results["c/llama32-card-tag"]["clause_kinds"]
    assert results["c/mit"]["g7_label"] == "Open Weights AI"
    assert results["c/llama31"]["g7_label"] == "Weights Available AI"
    assert results["c/no-weights"]["g7_label"] == "none"
    assert results["c/gguf"]["g7_label"] == "Open Weights AI"


LINEAGE = [
    {"id": "meta-llama/Meta-Llama-3-8B", "cardData": {"license": "llama3"}, "downloads": 900},
    {"id": "someone/apache-child", "cardData": {"license": "apache-2.0",
     "base_model": "meta-llama/Meta-Llama-3-8B"}, "downloads": 70},
    {"id": "meta-llama/own-child", "cardData": {"license": "apache-2.0",
     "base_model": "meta-llama/Meta-Llama-3-8B"}, "downloads": 5},
    {"id": "someone/orphan", "cardData": {"license": "mit", "base_model": "gone/missing"},
     "downloads": 3},
    {"id": "someone/two-parents", "cardData": {"license": "mit",
     "base_model": ["someone/mit-base", "meta-llama/Meta-Llama-3-8B"]}, "downloads": 1},
    {"id": "someone/mit-base", "cardData": {"license": "mit"}, "downloads": None},
    {"id": "someone/llama-child", "cardData": {"license": "llama3",
     "base_model": "META-LLAMA/meta-llama-3-8b"}, "downloads": 2},
    {"id": "someone/child-of-none", "cardData": {"license": "mit", "base_model": "x/none"}},
    {"id": "x/none", "cardData": {}},
    {"id": "someone/child-of-junk", "cardData": {"license": "mit", "base_model": "x/junk"}},
    {"id": "x/junk", "cardData": "{not json"},
]  # fmt: skip


def test_edges_are_judged_by_the_lineage_rules(
    export_file: Callable[..., Path], surveyed: Callable[..., Any]
) -> None:
    from openness.license.analysis import analyse
    from openness.license.compatibility import judge, party
    from openness.sources.evidence import Evidence

    done = surveyed(export_file(LINEAGE))
    edges = {(edge["child"], edge["parent"]): edge for edge in done.edges}
    llama = "meta-llama/Meta-Llama-3-8B"
    apache = edges[("someone/apache-child", llama)]
    assert (apache["child_licence"], apache["parent_licence"]) == ("apache-2.0", "llama3")
    assert apache["compatibility"] == "incompatible" and apache["downloads"] == 70
    assert "someone/apache-child" in apache["reason"] and "{" not in apache["reason"]

    def card(licence: str) -> Any:
        return analyse(Evidence(repo_id="x/y", source="hub", retrieved_at="2025-01-01T00:00:00Z",
                                card_data={"license": licence}))  # fmt: skip

    direct = judge(party("someone/apache-child", card("apache-2.0"), False),
                   party(llama, card("llama3"), True))  # fmt: skip
    assert (apache["compatibility"], apache["reason"]) == (direct.verdict, direct.reason)
    own = edges[("meta-llama/own-child", llama)]
    assert own["compatibility"] == "compatible" and "published by meta-llama" in own["reason"]
    orphan = edges[("someone/orphan", "gone/missing")]
    assert orphan["compatibility"] == "unknown" and orphan["parent_licence"] is None
    assert "gone/missing" in orphan["reason"] and "not in the export" in orphan["reason"]
    # a parent named in another case is the same repo
    cased = edges[("someone/llama-child", "META-LLAMA/meta-llama-3-8b")]
    assert cased["parent_licence"] == "llama3" and cased["compatibility"] == "compatible"
    parents = {repo_id: row["parents"] for repo_id, row in done.results.items()}
    assert parents["someone/two-parents"] == "incompatible"  # the worst of its two edges
    assert parents["someone/orphan"] == "unknown"
    assert parents["meta-llama/own-child"] == "compatible"
    assert parents[llama] is None and parents["someone/mit-base"] is None
    none = edges[("someone/child-of-none", "x/none")]
    assert none["compatibility"] == "unknown"
    assert "the licence of x/none is not determined" in none["reason"]  # as an audit says
    junk = edges[("someone/child-of-junk", "x/junk")]
    assert "x/junk: its card in the export could not be read" in junk["reason"]
    assert len(done.edges) == 8


def test_g7_with_base_models_is_decided_only_when_the_licence_rules_it_out(
    export_file: Callable[..., Path], surveyed: Callable[..., Any]
) -> None:
    files = ["README.md", "model.safetensors", "inference.py"]
    rows = [
        {"id": "g/mit-child", "cardData": {"license": "mit", "base_model": "g/base"},
         "siblings": files},
        {"id": "g/llama-child", "cardData": {"license": "llama3.1", "base_model": "g/base"},
         "siblings": files},
        {"id": "g/base", "cardData": {"license": "mit"}, "siblings": files},
    ]  # fmt: skip
    results = surveyed(export_file(rows)).results
    assert results["g/base"]["g7_label"] == "Open Weights AI"
    assert results["g/mit-child"]["g7_label"] is None  # the lineage could still restrict it
    assert results["g/llama-child"]["g7_label"] == "Weights Available AI"


def test_each_distinct_declaration_is_analysed_once(
    export_file: Callable[..., Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from openness.license import analysis
    from openness.survey import export, judge

    calls: list[Any] = []
    real = analysis.analyse

    def counted(evidence: Any) -> Any:
        calls.append(evidence.card_data.get("license"))
        return real(evidence)

    monkeypatch.setattr(analysis, "analyse", counted)
    rows = [{"id": f"m/{n}", "cardData": {"license": ["mit", "apache-2.0", "llama3"][n % 3]},
             "baseModels": [f"m/{n - 1}"] if n else []} for n in range(300)]  # fmt: skip
    con = export.connect()
    export.read(con, [str(export_file(rows))], None, judge.signal_values(), judge.library_names())
    counts = judge.fill(con)
    assert sorted(calls) == ["apache-2.0", "llama3", "mit"]
    assert (counts.declarations, counts.pairs) == (3, 3)  # each licence follows one other
