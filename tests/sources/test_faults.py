"""Hub faults end to end: the real huggingface_hub client against a misbehaving replay Hub.

Every test audits a faulty model next to a healthy one, with a fake token in the environment and
`--output` to a file, then checks the same contract (`run`): the documented exit code, one
`openness:` line per diagnostic, no traceback, the report file absent or complete JSON, the
healthy model audited from the Hub, and the token nowhere in stdout, stderr, the report, its
warnings or the log records.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import fixtures_hub
import pytest
from hubreplay import (
    FakeRepo,
    HubReplay,
    binary,
    delay,
    gated,
    http_error,
    non_utf8,
    not_json,
    oversized,
    rate_limited,
    redirect_loop,
    reset,
    truncate,
)

pytestmark = pytest.mark.usefixtures("hf_env", "fake_token")

SECRET = fixtures_hub.FAKE_TOKEN  # set in every test by `fake_token`
HEALTHY = "acme/healthy"
R1 = "deepseek-ai/DeepSeek-R1"  # in the bundled snapshot
ELSEWHERE = "acme/elsewhere"  # not in the snapshot
R1_INFO = f"/api/models/{R1}$"
ELSEWHERE_INFO = f"/api/models/{ELSEWHERE}$"
R1_LICENSE = f"/{R1}/resolve/.*/LICENSE$"


@pytest.fixture(autouse=True)
def logs(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    caplog.set_level(logging.DEBUG)
    yield caplog
    for record in caplog.records:
        assert SECRET not in record.getMessage()


@pytest.fixture
def repos(hub: HubReplay) -> HubReplay:
    """DeepSeek-R1, a healthy MIT repo and an MIT repo that is not in the snapshot."""
    mit = fixtures_hub.license("mit")
    hub.add(fixtures_hub.deepseek_r1())
    for repo_id in (HEALTHY, ELSEWHERE):
        hub.add(FakeRepo(repo_id, card_data={"license": "mit"}, files={"LICENSE": mit}))
    return hub


@dataclass
class Outcome:
    exit_code: int
    stderr: str
    report: dict[str, Any] | None
    seconds: float

    def audit(self, repo_id: str) -> dict[str, Any]:
        assert self.report is not None
        found = [a for a in self.report["audits"] if a["model"]["id"] == repo_id]
        assert len(found) == 1, f"{repo_id} not audited: {self.stderr}"
        return found[0]

    def error(self, repo_id: str) -> dict[str, Any]:
        assert self.report is not None
        found = [e for e in self.report["errors"] if e["model"] == repo_id]
        assert len(found) == 1, f"no error for {repo_id}: {self.report['errors']}"
        return found[0]

    def warnings(self, repo_id: str) -> list[str]:
        return list(self.audit(repo_id)["warnings"])

    def unread(self, repo_id: str, path: str = "LICENSE") -> str:
        """The reason `path` was not read; its terms then leave the licence unknown."""
        audit = self.audit(repo_id)
        reasons = {entry["path"]: entry["reason"] for entry in audit["license"]["unread"]}
        assert path in reasons, audit["license"]
        assert audit["license"]["conclusion"] is None
        assert audit["rubrics"]["osd"]["verdict"] != "pass"
        assert f"{path} listed but not read: {reasons[path]}" in audit["warnings"]
        return reasons[path]


def run(cli: Any, tmp_path: Path, *models: str, expect: int, timeout: str = "2") -> Outcome:
    """Audit MODELs (plus the healthy repo) to a JSON file and check the common contract."""
    output = tmp_path / "out" / "report.json"
    output.parent.mkdir(exist_ok=True)
    args = ["audit", *models, HEALTHY, "--format", "json", "--output", str(output)]
    start = time.monotonic()
    result = cli(*args, "--timeout", timeout, "--jobs", "4")
    seconds = time.monotonic() - start
    written = output.read_text(encoding="utf-8") if output.exists() else ""
    everything = result.stdout + result.stderr + written
    assert SECRET not in everything
    assert "Traceback" not in everything and "internal error" not in everything
    assert result.exit_code == expect, result.stderr
    assert result.stdout == ""  # the report went to the file
    for line in result.stderr.splitlines():
        assert line.startswith("openness: "), result.stderr
    assert [p.name for p in output.parent.iterdir()] in ([], ["report.json"])  # no temp file
    report = json.loads(written) if written else None  # complete JSON, or nothing at all
    outcome = Outcome(result.exit_code, result.stderr, report, seconds)
    healthy = outcome.audit(HEALTHY)
    assert healthy["model"]["source"] == "hub" and healthy["license"]["conclusion"] == "mit"
    if report is not None:
        for audit in report["audits"]:
            assert all("\n" not in warning for warning in audit["warnings"])
    return outcome


def sent_token(hub: HubReplay) -> bool:
    return any(request.token == SECRET for request in hub.requests)


# ---------------------------------------------------------------------------------------------
# Refusals and missing things
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [401, 403])
def test_gated_license_download_is_an_actionable_warning(
    repos: HubReplay, cli: Any, tmp_path: Path, status: int
) -> None:
    fault = repos.inject(gated(R1_LICENSE, R1, status))
    outcome = run(cli, tmp_path, R1, expect=0)
    assert fault.hits >= 1 and sent_token(repos)
    audit = outcome.audit(R1)
    assert audit["model"]["source"] == "hub"
    [warning] = [w for w in audit["warnings"] if w.startswith("LICENSE")]
    assert "gated" in warning and "accept its terms" in warning and "HF_TOKEN" in warning
    assert f"https://huggingface.co/{R1}" in warning
    assert audit["license"]["declared"] == "mit"  # the card still speaks
    assert "gated" in outcome.unread(R1)  # but the unread LICENSE may say more


def test_missing_repo_exits_3_and_says_so(repos: HubReplay, cli: Any, tmp_path: Path) -> None:
    outcome = run(cli, tmp_path, "nobody/nothing", expect=3)
    message = outcome.error("nobody/nothing")["message"]
    assert "nobody/nothing" in message and "not found" in message and "HF_TOKEN" in message
    assert outcome.stderr.count("nobody/nothing") == 1
    assert len(repos.calls("GET", "/api/models/nobody/nothing")) == 1  # 404 is not retried


def test_missing_revision_exits_3_and_says_so(repos: HubReplay, cli: Any, tmp_path: Path) -> None:
    outcome = run(cli, tmp_path, f"{R1}@nope", expect=3)
    message = outcome.error(f"{R1}@nope")["message"]
    assert "revision 'nope'" in message and R1 in message
    assert "snapshot" not in str(outcome.report)  # a pinned revision never falls back to it


def test_missing_revision_option(repos: HubReplay, cli: Any, tmp_path: Path) -> None:
    output = tmp_path / "report.json"
    args = ("audit", R1, "--revision", "nope", "--format", "json", "--output", str(output))
    result = cli(*args, "--timeout", "2")
    assert result.exit_code == 3 and "Traceback" not in result.stderr
    [line] = [line for line in result.stderr.splitlines() if "error" in line]
    assert line == f"openness: error: revision 'nope' of {R1} not found on the Hub"
    assert json.loads(output.read_text(encoding="utf-8"))["errors"][0]["exit_code"] == 3


def test_missing_license_file_is_a_warning(repos: HubReplay, cli: Any, tmp_path: Path) -> None:
    repos.inject(http_error(R1_LICENSE, 404, "EntryNotFound", "Entry not found"))
    outcome = run(cli, tmp_path, R1, expect=0)
    assert "not found" in outcome.unread(R1)


# ---------------------------------------------------------------------------------------------
# Rate limits, server errors, slowness and garbage on model_info
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("retry_after", [0, None])
def test_rate_limited_metadata_falls_back_or_exits_3(
    repos: HubReplay, cli: Any, tmp_path: Path, retry_after: int | None
) -> None:
    repos.inject(rate_limited(R1_INFO, retry_after), rate_limited(ELSEWHERE_INFO, retry_after))
    outcome = run(cli, tmp_path, R1, ELSEWHERE, expect=3)
    audit = outcome.audit(R1)
    assert audit["model"]["source"] == "snapshot" and audit["license"]["conclusion"] == "mit"
    assert any("429" in warning for warning in audit["warnings"])
    message = outcome.error(ELSEWHERE)["message"]
    assert "429" in message and "not in the local cache or the bundled snapshot" in message
    assert len(repos.calls("GET", ELSEWHERE_INFO)) >= 2  # retried
    assert outcome.seconds < 10


def test_retry_after_is_honoured(repos: HubReplay, cli: Any, tmp_path: Path) -> None:
    fault = repos.inject(rate_limited(R1_INFO, retry_after=1, times=1))
    outcome = run(cli, tmp_path, R1, expect=0, timeout="5")
    assert fault.hits == 1
    assert outcome.audit(R1)["model"]["source"] == "hub"
    calls = repos.calls("GET", R1_INFO)
    assert len(calls) == 2 and outcome.seconds >= 1.0
    assert outcome.warnings(R1) == []


@pytest.mark.parametrize("status", [500, 502, 503])
def test_server_errors_fall_back_to_snapshot_or_exit_3(
    repos: HubReplay, cli: Any, tmp_path: Path, status: int
) -> None:
    repos.inject(http_error(R1_INFO, status), http_error(ELSEWHERE_INFO, status))
    outcome = run(cli, tmp_path, R1, ELSEWHERE, expect=3)
    audit = outcome.audit(R1)
    assert audit["model"]["source"] == "snapshot"
    assert audit["warnings"][0] == f"Hub not used: the Hub answered HTTP {status}"
    assert any(warning.startswith("source: snapshot as of") for warning in audit["warnings"])
    assert f"HTTP {status}" in outcome.error(ELSEWHERE)["message"]
    assert outcome.stderr.count("\n") == 3  # the fallback note, the error, "report written"
    assert f"note: {R1} audited from the bundled snapshot" in outcome.stderr


def test_slow_metadata_is_cut_by_the_timeout(repos: HubReplay, cli: Any, tmp_path: Path) -> None:
    repos.inject(delay(R1_INFO, 8), delay(ELSEWHERE_INFO, 8))
    outcome = run(cli, tmp_path, R1, ELSEWHERE, expect=3)
    assert outcome.audit(R1)["model"]["source"] == "snapshot"
    assert "no answer within 2 s" in outcome.error(ELSEWHERE)["message"]
    assert outcome.seconds < 6  # the budget (2 s) bounds the wait, not the server


@pytest.mark.parametrize(
    ("fault", "reason"),
    [
        (lambda where: truncate(where, 40), "not JSON"),
        (not_json, "not JSON"),
        (redirect_loop, "more than 5 redirects"),
    ],
    ids=["truncated", "not-json", "redirect-loop"],
)
def test_unreadable_metadata_falls_back_or_exits_3(
    repos: HubReplay, cli: Any, tmp_path: Path, fault: Any, reason: str
) -> None:
    repos.inject(fault(R1_INFO), fault(ELSEWHERE_INFO))
    outcome = run(cli, tmp_path, R1, ELSEWHERE, expect=3)
    audit = outcome.audit(R1)
    assert audit["model"]["source"] == "snapshot" and reason in audit["warnings"][0]
    message = outcome.error(ELSEWHERE)["message"]
    assert message.startswith(f"{ELSEWHERE}: the Hub") and reason in message
    assert outcome.seconds < 10


# ---------------------------------------------------------------------------------------------
# Licence downloads
# ---------------------------------------------------------------------------------------------


def test_connection_reset_mid_license_is_resumed(
    repos: HubReplay, cli: Any, tmp_path: Path
) -> None:
    fault = repos.inject(reset(f"GET {R1_LICENSE}", keep=100, times=1))
    outcome = run(cli, tmp_path, R1, expect=0)
    assert fault.hits == 1
    audit = outcome.audit(R1)
    # downloaded again after the cut (huggingface_hub's own retry); the whole, intact text is read
    assert len(repos.calls("GET", R1_LICENSE)) == 2
    [license_file] = audit["license"]["files"]
    assert license_file["path"] == "LICENSE" and license_file["identified"] == "mit"
    assert audit["warnings"] == [] and outcome.stderr.count("\n") == 1


def test_connection_reset_every_time_is_a_warning(
    repos: HubReplay, cli: Any, tmp_path: Path
) -> None:
    repos.inject(reset(f"GET {R1_LICENSE}", keep=0))
    outcome = run(cli, tmp_path, R1, expect=0)
    # huggingface_hub would retry for 6 s, logging two lines a time; --timeout 2 cuts it short
    assert "2 s timeout" in outcome.unread(R1) or "incomplete" in outcome.unread(R1)
    assert outcome.seconds < 5 and outcome.stderr.count("\n") == 1  # only "report written"


def test_slow_license_download_is_a_warning(repos: HubReplay, cli: Any, tmp_path: Path) -> None:
    repos.inject(delay(R1_LICENSE, 30))
    outcome = run(cli, tmp_path, R1, expect=0)
    assert "2 s timeout" in outcome.unread(R1)
    assert outcome.audit(R1)["license"]["declared"] == "mit"
    assert outcome.seconds < 5  # was over a minute: huggingface_hub retries a slow GET 5 times


def test_redirect_loop_on_license_is_a_warning(repos: HubReplay, cli: Any, tmp_path: Path) -> None:
    repos.inject(redirect_loop(R1_LICENSE))
    outcome = run(cli, tmp_path, R1, expect=0)
    assert "redirect" in outcome.unread(R1).lower()
    assert outcome.seconds < 5


def test_listed_oversized_license_is_not_downloaded(
    repos: HubReplay, cli: Any, tmp_path: Path
) -> None:
    repos.add(FakeRepo(ELSEWHERE, card_data={"license": "mit"}, listed={"LICENSE": 2 << 20}))
    outcome = run(cli, tmp_path, ELSEWHERE, expect=0)
    assert "larger than 1024 KiB" in outcome.unread(ELSEWHERE)
    assert repos.calls(None, f"/{ELSEWHERE}/resolve/.*/LICENSE$") == []


def test_served_oversized_license_is_not_read(repos: HubReplay, cli: Any, tmp_path: Path) -> None:
    repos.inject(oversized(R1_LICENSE, (1 << 20) + 10))
    outcome = run(cli, tmp_path, R1, expect=0)
    assert "larger than 1024 KiB" in outcome.unread(R1)
    assert outcome.audit(R1)["license"]["files"] == []


def test_binary_license_is_not_read_as_text(repos: HubReplay, cli: Any, tmp_path: Path) -> None:
    repos.inject(binary(R1_LICENSE))
    outcome = run(cli, tmp_path, R1, expect=0)
    assert "binary" in outcome.unread(R1)
    assert outcome.audit(R1)["license"]["files"] == []


def test_non_utf8_license_is_read_as_latin1(repos: HubReplay, cli: Any, tmp_path: Path) -> None:
    repos.inject(non_utf8(R1_LICENSE))
    outcome = run(cli, tmp_path, R1, expect=0)
    assert "LICENSE is not valid UTF-8; read as Latin-1" in outcome.warnings(R1)
    [license_file] = outcome.audit(R1)["license"]["files"]
    assert license_file["path"] == "LICENSE"


def test_token_never_printed_in_table_output(repos: HubReplay, cli: Any) -> None:
    repos.inject(gated(R1_LICENSE, R1, 403))
    result = cli("audit", R1, HEALTHY, "nobody/nothing", "--timeout", "2")
    assert result.exit_code == 3 and sent_token(repos)
    assert SECRET not in result.stdout + result.stderr
    assert "HF_TOKEN" in result.stdout and "Traceback" not in result.stdout + result.stderr
