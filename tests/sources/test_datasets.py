"""Training datasets: named by the card, looked up at `/api/datasets/{id}` of the replay Hub
through the real huggingface_hub session, once per dataset per run, and fed to the verdicts."""

from __future__ import annotations

import json
import time
from datetime import datetime, timezone
from typing import Any

import pytest
from fixtures_hub import HfEnv
from hubreplay import FakeDataset, FakeRepo, HubReplay, delay, http_error, not_json, respond
from hubreplay import json_reply as reply

from openness.audit import Auditor, audit_evidence
from openness.batch import audit_batch
from openness.report import Audit
from openness.sources.datasets import MAX_DATASETS, dataset_id, named_datasets
from openness.sources.evidence import Evidence

pytestmark = pytest.mark.usefixtures("hf_env")

CARD = "# A model\n\n## Training data\n\nMostly the corpus below.\n"


def model(
    repo_id: str, datasets: list[str], license: str = "apache-2.0", body: str = CARD
) -> FakeRepo:
    return FakeRepo(repo_id, card_data={"license": license, "datasets": datasets}, readme_body=body)


def entries(audit: Audit) -> dict[str, dict[str, Any]]:
    return {entry.id: entry.model_dump() for entry in audit.datasets}


def criterion(audit: Audit, rubric: str, criterion_id: str) -> Any:
    return next(c for c in audit.rubrics.pass_fail()[rubric].criteria if c.id == criterion_id)


def component(audit: Audit, name: str) -> Any:
    return next(c for c in audit.rubrics.mof.components if c.name == name)


def dataset_calls(hub: HubReplay) -> list[str]:
    return [request.path for request in hub.calls("GET", "^/api/datasets/")]


def test_names_from_metadata_tags_and_card_links() -> None:
    evidence = Evidence(
        repo_id="org/m",
        source="hub",
        retrieved_at=datetime.now(timezone.utc),
        card_data={
            "datasets": ["org/a", "https://huggingface.co/datasets/org/b", "not a name!", "ORG/A"]
        },
        tags=["dataset:org/c", "dataset:org/a"],
        card_text="line\nData: [d](https://huggingface.co/datasets/org/d/tree/main).\n"
        "A model link is not a dataset: https://huggingface.co/org/e\n",
    )
    named, notes = named_datasets(evidence)
    assert [(n.id, n.named_in) for n in named] == [
        ("org/a", "card:datasets"), ("org/b", "card:datasets"), ("org/c", "hub:tags"),
        ("org/d", "README.md:2"),
    ]  # fmt: skip
    assert len(notes) == 1 and "'not a name!'" in notes[0]
    assert dataset_id("c4") == "c4" and dataset_id("../../etc/passwd") is None
    assert dataset_id("https://evil.example/datasets/org/x") is None
    many = evidence.model_copy(update={"card_data": {"datasets": [f"o/d{i}" for i in range(25)]},
                                       "tags": [], "card_text": None})  # fmt: skip
    named, notes = named_datasets(many)
    assert len(named) == MAX_DATASETS and notes == [
        f"the card names 25 datasets; only the first {MAX_DATASETS} were looked up"
    ]


def test_public_gated_private_and_a_licence_conflict(hub: HubReplay) -> None:
    hub.add(model("org/model", ["org/open", "org/gated", "org/private", "org/nc"]))
    hub.add_dataset(FakeDataset("org/open"))
    hub.add_dataset(FakeDataset("org/gated", gated="manual"))
    hub.add_dataset(FakeDataset("org/private", private=True))
    hub.add_dataset(FakeDataset("org/nc", license="cc-by-nc-4.0"))
    audit = Auditor().audit("org/model")
    found = entries(audit)
    assert found["org/open"] | {"as_of": None} == {
        "id": "org/open", "named_in": "card:datasets", "license": "cc-by-4.0",
        "licenses": ["cc-by-4.0"], "gated": False, "public": True, "source": "hub",
        "as_of": None, "reason": None,
    }  # fmt: skip
    assert (found["org/gated"]["gated"], found["org/gated"]["public"]) == ("manual", True)
    private = found["org/private"]
    assert private["public"] is None and private["source"] is None  # unknown, not "not public"
    assert "not found on the Hub" in private["reason"]
    conflicts = [w for w in audit.warnings if w.startswith("dataset licence conflict")]
    assert len(conflicts) == 1
    assert "org/nc is under CC-BY-NC-4.0 (non-commercial)" in conflicts[0]
    assert "the model is under Apache-2.0" in conflicts[0] and "disputed" in conflicts[0]
    data = criterion(audit, "osaid", "osaid-data-information")
    said = next(c.quote for c in data.evidence if c.source == "hub:datasets")
    assert "3 of 4 are public" in said and "1 of 4 is gated" in said
    assert "1 of 4 could not be checked" in said
    assert component(audit, "Datasets").license == "NOASSERTION"  # one is unknown
    assert sorted(dataset_calls(hub)) == [
        "/api/datasets/org/gated", "/api/datasets/org/nc", "/api/datasets/org/open",
        "/api/datasets/org/private",
    ]  # fmt: skip
    json.loads(audit.model_dump_json())  # serialisable


def test_all_public_datasets_give_the_mof_component_their_licence(hub: HubReplay) -> None:
    link = "\nAlso https://huggingface.co/datasets/org/c.\n"
    hub.add(model("org/model", ["org/a", "org/b"], body=CARD + link))
    for name in ("org/a", "org/b", "org/c"):
        hub.add_dataset(FakeDataset(name))
    audit = Auditor().audit("org/model")
    data = criterion(audit, "osaid", "osaid-data-information")
    assert data.status == "met"
    assert "all 3 named datasets are public under CC-BY-4.0" in data.reason
    datasets = component(audit, "Datasets")
    assert (datasets.license, datasets.status) == ("CC-BY-4.0", "included")
    assert "all 3 named datasets are public under CC-BY-4.0" in datasets.evidence
    assert not [w for w in audit.warnings if "dataset" in w]


def test_an_unknown_stays_unknown(hub: HubReplay) -> None:
    """Datasets all public do not make data information met when the card does not describe
    the training data."""
    hub.add(model("org/model", ["org/a"], body="# A model\n"))
    hub.add_dataset(FakeDataset("org/a"))
    audit = Auditor().audit("org/model")
    data = criterion(audit, "osaid", "osaid-data-information")
    assert data.status == "unknown"
    assert "the named dataset is public under CC-BY-4.0" in data.reason


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        (reply(["not", "an", "object"]), "malformed"),
        (reply({"id": "org/other", "private": False}), "malformed"),
        (reply({"id": "org/a", "private": "no", "gated": "sometimes",
                "cardData": {"license": {"x": 1}}, "tags": "license:mit"}), None),
        (None, "not JSON"),
    ],
)  # fmt: skip
def test_malformed_answers(hub: HubReplay, answer: Any, reason: str | None) -> None:
    hub.add(model("org/model", ["org/a"]))
    hub.add_dataset(FakeDataset("org/a"))
    hub.inject(respond("/api/datasets/", answer) if answer else not_json("/api/datasets/"))
    audit = Auditor().audit("org/model")
    found = entries(audit)["org/a"]
    assert found["public"] is None and found["gated"] is None and found["license"] is None
    if reason:
        assert reason in found["reason"] and found["source"] is None
    else:  # every field of the wrong type is unknown, each gap said
        assert found["source"] == "hub"
        for gap in ("whether it is public", "whether it is gated", "declares no licence"):
            assert gap in found["reason"]
    assert criterion(audit, "osaid", "osaid-data-information").status == "met"


def test_one_request_per_dataset_across_a_batch(hub: HubReplay) -> None:
    shared = ["org/common-1", "org/common-2"]
    models = []
    for index in range(12):
        repo = hub.add(model(f"org/m{index}", [*shared, f"org/own-{index % 3}"]))
        models.append(repo.repo_id)
    for name in [*shared, "org/own-0", "org/own-1", "org/own-2"]:
        hub.add_dataset(FakeDataset(name))
    hub.latency = 0.02  # audits overlap: some wait for another's lookup
    report, code = audit_batch(models, jobs=6)
    assert code == 0 and len(report.audits) == 12
    calls = dataset_calls(hub)
    assert sorted(calls) == sorted(set(calls)) and len(calls) == 5
    for audit in report.audits:
        assert all(entry.public is True for entry in audit.datasets)


def test_offline_uses_the_cache_or_says_unknown(hub: HubReplay, hf_env: HfEnv) -> None:
    hub.add(model("org/model", ["org/a"]))
    hub.add(model("org/other", ["org/never-seen"]))
    hub.add_dataset(FakeDataset("org/a", license="odc-by"))
    Auditor().audit("org/model")
    saved = next((hf_env.openness_cache / "datasets").iterdir())
    written = saved.stat().st_mtime_ns
    Auditor().audit("org/model")  # a warm run: asked again, nothing new written
    assert saved.stat().st_mtime_ns == written
    Auditor().audit("org/other")  # its dataset is not found: nothing to keep
    assert len(dataset_calls(hub)) == 3
    hub.clear()
    offline = Auditor(offline=True)
    found = entries(offline.audit("org/model"))["org/a"]
    assert (found["source"], found["public"], found["license"]) == ("cache", True, "odc-by")
    assert found["reason"].startswith("Hub not used (offline mode); as the Hub answered on")
    unknown = entries(offline.audit("org/other"))["org/never-seen"]
    assert unknown["public"] is None and unknown["reason"] == (
        "offline mode, and it is not in the local cache"
    )
    assert dataset_calls(hub) == []


def test_no_lookup_without_an_auditor() -> None:
    from openness.sources import snapshot

    evidence = snapshot.fetch("EleutherAI/pythia-6.9b")
    assert evidence is not None
    audit = audit_evidence(evidence)
    assert [(d.id, d.public, d.reason) for d in audit.datasets] == [
        ("EleutherAI/pile", None, "not looked up (no Hub lookup in this audit)")
    ]


def test_a_transient_error_is_retried_and_a_slow_answer_is_not_waited_for(
    hub: HubReplay,
) -> None:
    hub.add(model("org/model", ["org/a", "org/slow"]))
    hub.add_dataset(FakeDataset("org/a"))
    hub.add_dataset(FakeDataset("org/slow"))
    hub.inject(http_error("/api/datasets/org/a", 503, times=1), delay("/api/datasets/org/slow", 5))
    started = time.monotonic()
    auditor = Auditor(timeout=2.5)
    found = entries(auditor.audit("org/model"))
    assert time.monotonic() - started < 4.5
    assert found["org/a"]["public"] is True
    assert found["org/slow"]["public"] is None and "within" in found["org/slow"]["reason"]
    assert not auditor.connectivity.down  # a slow dataset does not take the run offline
    assert len(dataset_calls(hub)) == 3  # the 503, its retry, the slow one


def test_a_refused_connection_takes_the_run_offline(monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{port}")
    from openness.sources.datasets import DatasetLookup, Named

    lookup = DatasetLookup()
    first, second = lookup.look_up(
        [Named(id="org/a", named_in="card:datasets"), Named(id="org/b", named_in="card:datasets")],
        time.monotonic() + 5,
    )
    assert first.public is None and "could not be reached" in (first.reason or "")
    assert lookup.connectivity.down and "earlier in this run" in (second.reason or "")
