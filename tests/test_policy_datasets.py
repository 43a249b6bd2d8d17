"""Policy keys `datasets` and `dataset_licences`, and the dataset rows of `compare`, on audits
of the replay Hub."""

from __future__ import annotations

import pytest
from hubreplay import FakeDataset, FakeRepo, HubReplay

from openness.audit import Auditor
from openness.compare import compare
from openness.policy import evaluate
from openness.policy.schema import parse_policy
from openness.report import Audit, Report, ToolInfo

pytestmark = pytest.mark.usefixtures("hf_env")
CARD = "# A model\n\n## Training data\n\nThe corpora below.\n"


@pytest.fixture
def audits(hub: HubReplay) -> dict[str, Audit]:
    hub.add(
        FakeRepo(
            "org/open",
            card_data={"license": "apache-2.0", "datasets": ["d/a", "d/b"]},
            readme_body=CARD,
        )
    )
    hub.add(
        FakeRepo(
            "org/gated",
            card_data={"license": "apache-2.0", "datasets": ["d/a", "d/g"]},
            readme_body=CARD,
        )
    )
    hub.add(
        FakeRepo(
            "org/nc",
            card_data={"license": "apache-2.0", "datasets": ["d/nc", "d/gone"]},
            readme_body=CARD,
        )
    )
    hub.add(FakeRepo("org/none", card_data={"license": "apache-2.0"}, readme_body="# x\n"))
    for dataset in (
        FakeDataset("d/a"),
        FakeDataset("d/b", license="odc-by"),
        FakeDataset("d/g", gated="auto"),
        FakeDataset("d/nc", license="cc-by-nc-4.0"),
    ):
        hub.add_dataset(dataset)  # fmt: skip
    auditor = Auditor()
    return {name: auditor.audit(f"org/{name}") for name in ("open", "gated", "nc", "none")}


def rules(policy: str, audit: Audit) -> list[tuple[str, str]]:
    result = evaluate(parse_policy(policy, "test"), audit)
    return [(v.rule, v.severity) for v in result.violations if "dataset" in v.rule]


def test_datasets_key(audits: dict[str, Audit]) -> None:
    assert rules("", audits["none"]) == []  # default: any
    assert rules("datasets: named", audits["none"]) == [("datasets-named", "fail")]
    assert rules("datasets: named", audits["nc"]) == []
    assert rules("datasets: public", audits["open"]) == []
    assert rules("datasets: public", audits["gated"]) == []
    assert rules("datasets: public-ungated", audits["gated"]) == [("dataset-gated", "fail")]
    unknown = evaluate(parse_policy("datasets: public", "test"), audits["nc"]).violations
    assert [v.message for v in unknown] == [
        "training dataset d/gone could not be checked (d/gone not found on the Hub (if it is "
        "private, set HF_TOKEN))"
    ]
    assert unknown[0].evidence[0].source == "card:datasets"


def test_dataset_licences_key(audits: dict[str, Audit]) -> None:
    assert rules("", audits["nc"]) == []
    assert rules("dataset_licences: warn", audits["nc"]) == [("dataset-licence-conflict", "warn")]
    assert rules("dataset_licences: no-conflict", audits["nc"]) == [
        ("dataset-licence-conflict", "fail")
    ]
    assert rules("dataset_licences: no-conflict", audits["open"]) == []
    with pytest.raises(Exception, match="dataset_licences"):
        parse_policy("dataset_licences: maybe", "test")


def test_compare_rows(audits: dict[str, Audit]) -> None:
    report = Report(tool=ToolInfo(version="0"), audits=list(audits.values()))
    rows = {row.key: row.values for row in compare(report).rows}
    assert rows["datasets"] == ["2", "2", "2", "0"]
    assert rows["datasets:public"] == ["2 of 2", "2 of 2", "1 of 2", "none named"]
    assert rows["datasets:gated"] == ["0 of 2", "1 of 2", "0 of 2", "none named"]
    assert rows["datasets:licences"] == [
        "CC-BY-4.0, ODC-By-1.0", "CC-BY-4.0", "CC-BY-NC-4.0, unknown", "none named"
    ]  # fmt: skip
    assert rows["datasets:conflicts"] == ["0", "0", "1", "0"]
