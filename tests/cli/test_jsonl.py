"""`--format jsonl`: the JSON report streamed, one object a line, as the audits complete.

The contract: `audit` and `error` lines (each `check` audit followed by its `policy` line) in
completion order, then one `summary` line; every line equals its element of `--format json`.
The batch behind it holds only the audits in flight.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cli_process import run_cli

pytestmark = pytest.mark.usefixtures("hf_env")

R1, LLAMA, NOBODY = "deepseek-ai/DeepSeek-R1", "meta-llama/Llama-3.1-8B", "nobody/nothing"
MODELS = [R1, LLAMA, NOBODY]


def lines_of(text: str) -> list[dict[str, Any]]:
    assert text.endswith("\n")
    return [json.loads(line) for line in text.splitlines()]


def without_type(line: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in line.items() if key != "type"}


def undated(audit: dict[str, Any]) -> dict[str, Any]:
    """The audit without the times a folder's audit is stamped with (they differ per run)."""
    if audit["model"]["source"] == "local":
        audit["model"]["retrieved_at"] = None
        for source in audit["model"]["sources"]:
            source["as_of"] = None
    return audit


def leftovers(folder: Path) -> list[str]:
    return [path.name for path in folder.iterdir() if path.name.startswith(".openness-")]


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    """A folder whose licence name holds line breaks and hidden characters."""
    folder = tmp_path / "odd\nname"
    folder.mkdir()
    card = '---\nlicense: other\nlicense_name: "a\\nb\\u2028c\\u202ed ##[x]"\n---\n# M\n'
    (folder / "README.md").write_text(card, encoding="utf-8")
    return folder


# --- the lines ------------------------------------------------------------------------------


def test_audit_and_error_lines_then_one_summary_line(cli: Any) -> None:
    result = cli("audit", *MODELS, "--offline", "--format", "jsonl")
    assert result.exit_code == 3
    lines = lines_of(result.stdout)
    assert sorted(line["type"] for line in lines[:-1]) == ["audit", "audit", "error"]
    assert lines[-1] == {
        "type": "summary",
        "schema_version": "1",
        "tool": {"name": "openness", "version": lines[-1]["tool"]["version"]},
        "counts": {"audits": 2, "errors": 1},
        "exit_code": 3,
    }
    error = next(line for line in lines if line["type"] == "error")
    assert (error["model"], error["exit_code"]) == (NOBODY, 3)
    assert "error: nobody/nothing" in result.stderr


def test_every_line_equals_its_element_of_the_json_report(cli: Any, hostile: Path) -> None:
    models = [*MODELS, str(hostile)]
    streamed = lines_of(cli("audit", *models, "--offline", "-f", "jsonl").stdout)
    report = cli("audit", *models, "--offline", "-f", "json").json()
    audits = [undated(without_type(line)) for line in streamed if line["type"] == "audit"]
    errors = [without_type(line) for line in streamed if line["type"] == "error"]
    by_id = lambda audit: audit["model"]["id"]  # noqa: E731
    expected = [undated(audit) for audit in report["audits"]]
    assert sorted(audits, key=by_id) == sorted(expected, key=by_id)
    assert errors == report["errors"]
    assert streamed[-1]["schema_version"] == report["schema_version"]
    assert streamed[-1]["tool"] == report["tool"]
    odd = next(audit for audit in audits if audit["model"]["id"].startswith("odd"))
    assert odd["license"]["declared_name"] == "a\nb\u2028c\u202ed ##[x]"  # kept, on its line


def test_the_whole_report_renderer_writes_the_same_lines(cli: Any) -> None:
    from openness.render import OutputFormat, RenderOptions, renderer
    from openness.report import Report

    streamed = cli("audit", *MODELS, "--offline", "-f", "jsonl").stdout.splitlines(keepends=True)
    report = Report.model_validate(cli("audit", *MODELS, "--offline", "-f", "json").json())
    whole = renderer("audit", OutputFormat.jsonl)(report, RenderOptions())
    assert sorted(whole.splitlines(keepends=True)) == sorted(streamed)
    assert whole.splitlines()[-1] == streamed[-1].rstrip("\n")


def test_check_adds_a_policy_line_after_each_audit_and_the_verdict(cli: Any) -> None:
    args = [R1, LLAMA, "--preset", "osi", "--offline"]
    result = cli("check", *args, "-f", "jsonl")
    report = cli("check", *args, "-f", "json").json()
    assert result.exit_code == 1
    lines = lines_of(result.stdout)
    assert [line["type"] for line in lines] == ["audit", "policy", "audit", "policy", "summary"]
    for audit, policy in zip(lines[0:4:2], lines[1:4:2], strict=True):
        assert policy["model"] == audit["model"]["id"]
    results = sorted((without_type(line) for line in lines[1:4:2]), key=lambda r: r["model"])
    assert results == sorted(report["policy"]["results"], key=lambda r: r["model"])
    policy = report["policy"]
    assert lines[-1]["policy"] == {key: policy[key] for key in ("source", "passed", "status")}
    assert (lines[-1]["exit_code"], lines[-1]["policy"]["status"]) == (1, "failed")
    assert f"policy failed: {LLAMA}" in result.stderr


@pytest.mark.parametrize(("unknown", "code"), [("fail", 3), ("warn", 0)])
def test_check_summary_counts_and_exit_code_with_a_model_not_audited(
    cli: Any, unknown: str, code: int
) -> None:
    args = [R1, NOBODY, "--preset", "osi", "--offline", "--unknown", unknown]
    result = cli("check", *args, "-f", "jsonl")
    assert result.exit_code == code == cli("check", *args, "-f", "json").exit_code
    summary = lines_of(result.stdout)[-1]
    assert summary["counts"] == {"audits": 1, "errors": 1} and summary["exit_code"] == code
    assert summary["policy"]["status"] == "incomplete" and summary["policy"]["passed"] is False
    assert f"policy incomplete: not audited: {NOBODY}" in result.stderr


@pytest.mark.parametrize(
    "args",
    [["compare", R1, LLAMA, "--offline"], ["scan", "."], ["mof", "x.yml"], ["licenses", "list"]],
)
def test_commands_without_jsonl_refuse_it(cli: Any, args: list[str]) -> None:
    command = " ".join(word for word in args[:2] if word.isalpha())
    result = cli(*args, "-f", "jsonl")
    assert result.exit_code == 2 and result.stdout == ""
    assert f"error: {command} cannot write jsonl (choose " in result.stderr


# --- the output file ------------------------------------------------------------------------


def test_output_file_is_written_whole_at_the_end(
    cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import openness.render.jsonl as jsonl

    target = tmp_path / "audits.jsonl"
    seen: list[tuple[bool, list[str]]] = []
    summary_line = jsonl.summary_line

    def spy(*args: Any, **kwargs: Any) -> str:
        seen.append((target.exists(), leftovers(tmp_path)))
        return summary_line(*args, **kwargs)

    monkeypatch.setattr(jsonl, "summary_line", spy)
    result = cli("audit", *MODELS, "--offline", "-f", "jsonl", "-o", str(target))
    assert result.exit_code == 3 and result.stdout == ""
    assert seen and not seen[0][0] and len(seen[0][1]) == 1  # a temporary file until the end
    lines = lines_of(target.read_text(encoding="utf-8"))
    assert len(lines) == 4 and lines[-1]["type"] == "summary"
    assert not leftovers(tmp_path) and f"report written to {target}" in result.stderr


def test_a_failed_stream_leaves_no_file(
    cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "audits.jsonl"
    monkeypatch.setenv("HF_ENDPOINT", "not a url")
    result = cli("audit", R1, "-f", "jsonl", "-o", str(target))
    assert result.exit_code == 2 and "HF_ENDPOINT" in result.stderr
    assert not target.exists() and not leftovers(tmp_path)


# --- stdout ---------------------------------------------------------------------------------


def test_the_progress_bar_stays_off_stdout() -> None:
    code, stdout, stderr = run_cli(["audit", R1, LLAMA, "--offline", "-f", "jsonl"], True)
    assert code == 0 and b"auditing" in stderr
    assert [line["type"] for line in lines_of(stdout)] == ["audit", "audit", "summary"]


@pytest.mark.parametrize(
    ("command", "code"), [(["audit", R1, NOBODY], 3), (["check", LLAMA, "--preset", "osi"], 1)]
)
def test_reader_going_away_keeps_the_exit_code(command: list[str], code: int) -> None:
    args = [sys.executable, "-c", "import openness.cli as c; c.main()", *command]
    child = subprocess.Popen(
        [*args, "--offline", "-f", "jsonl"], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert child.stdout is not None and child.stderr is not None
    child.stdout.close()  # like `| head -0`: every write meets a closed pipe
    stderr = child.stderr.read().decode()
    assert child.wait() == code
    assert "Traceback" not in stderr and "Exception ignored" not in stderr


# --- the batch ------------------------------------------------------------------------------


class FakeAuditor:
    """Stands in for `Auditor`: each audit sleeps a little; counts the audits running at once."""

    running = 0
    most = 0
    lock = threading.Lock()

    def __init__(self, **_: Any) -> None:
        pass

    def audit(self, model: str, revision: str | None = None) -> Any:
        from openness.report import Failure

        with FakeAuditor.lock:
            FakeAuditor.running += 1
            FakeAuditor.most = max(FakeAuditor.most, FakeAuditor.running)
        time.sleep(0.001 * (hash(model) % 5))
        with FakeAuditor.lock:
            FakeAuditor.running -= 1
        return Failure(model=model, exit_code=0, message="")


@pytest.fixture
def fake_auditor(monkeypatch: pytest.MonkeyPatch) -> type[FakeAuditor]:
    import openness.batch

    FakeAuditor.running = FakeAuditor.most = 0
    monkeypatch.setattr(openness.batch, "Auditor", FakeAuditor)
    return FakeAuditor


def test_the_stream_reads_targets_only_as_places_free_up(fake_auditor: Any) -> None:
    from openness.batch import AHEAD, stream_batch

    jobs, read = 3, [0]

    def targets() -> Iterator[str]:
        for number in range(300):
            read[0] += 1
            yield f"org/m{number}"

    outcomes = stream_batch(targets(), offline=True, jobs=jobs)
    yielded = 0
    for _ in outcomes:
        assert read[0] <= yielded + 1 + jobs * AHEAD  # never more submitted ahead
        yielded += 1
    assert (yielded, read[0]) == (300, 300) and fake_auditor.most <= jobs

    read[0] = 0
    first = stream_batch(targets(), offline=True, jobs=jobs)
    next(first)
    first.close()  # a consumer that stops: the rest is never read
    assert read[0] <= jobs * AHEAD


def test_the_report_keeps_the_order_given(fake_auditor: Any) -> None:
    from openness.batch import audit_batch

    models = [f"org/m{number}" for number in range(100)]
    report, worst = audit_batch(models, offline=True, jobs=4)
    assert [failure.model for failure in report.errors] == models and worst == 0


def test_the_ancestor_lookups_an_auditor_keeps_are_bounded(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import openness.audit as audit
    from openness.errors import EvidenceUnavailable

    def gather(target: Any, *args: Any) -> Any:
        raise EvidenceUnavailable(f"{target} is not there")

    monkeypatch.setattr(audit, "ANCESTORS_KEPT", 10)
    monkeypatch.setattr(audit, "gather", gather)
    auditor = audit.Auditor(offline=False, timeout=30.0)
    for number in range(25):
        with pytest.raises(EvidenceUnavailable):
            auditor._ancestor(f"org/base{number}", time.monotonic() + 30.0)
    assert list(auditor._ancestors) == [f"org/base{number}" for number in range(15, 25)]
