"""The gate's own integrity: unread evidence is unknown, crashes are exit 4 and never a pass,
ancestors are Hub ids only and bounded, a gate with a missing model is incomplete, Ctrl-C stops.

Local folders stand in for hostile repos (their owner writes every byte); nothing here touches
the network: `--offline` or a loopback replay Hub.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import fixtures_hub
import pytest
from hubreplay import FakeRepo, HubReplay, delay

NON_COMMERCIAL = (
    "Acme Model Licence\n\nYou may use the model for non-commercial purposes only. "
    "Any commercial use is prohibited.\n"
)
APACHE_CARD = "---\nlicense: apache-2.0\n---\n# Model\n"


def repo(folder: Path, card: str = APACHE_CARD, files: dict[str, bytes] | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "README.md").write_text(card, encoding="utf-8")
    for name, data in (files or {}).items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    return folder


def gate(cli: Any, *args: str) -> tuple[int, dict[str, Any], str]:
    result = cli("check", *args, "--preset", "osi", "--offline", "--format", "json")
    assert "Traceback" not in result.stderr
    return result.exit_code, result.json(), result.stderr


# --- unread evidence is unknown evidence -----------------------------------------------------


def test_a_readable_restrictive_license_fails_the_gate(cli: Any, tmp_path: Path) -> None:
    folder = repo(tmp_path / "m", files={"LICENSE": NON_COMMERCIAL.encode()})
    code, report, _ = gate(cli, str(folder))
    assert code == 1 and report["policy"]["status"] == "failed"


@pytest.mark.parametrize(
    "name, data",
    [
        ("LICENSE", b"\x00" + NON_COMMERCIAL.encode()),
        ("LICENSE", NON_COMMERCIAL.encode() + b" " * (1 << 20)),
        ("LICENSE", b"\xff\xfe" + b"\x00\xd8"),  # a UTF-16 mark with an unpaired surrogate
    ],
    ids=["nul-byte", "over-1-MiB", "bad-utf-16"],
)
def test_an_unread_license_never_passes_on_the_card_tag(
    cli: Any, tmp_path: Path, name: str, data: bytes
) -> None:
    folder = repo(tmp_path / "m", files={name: data})
    code, report, _ = gate(cli, str(folder))
    audit = report["audits"][0]
    assert audit["license"]["conclusion"] is None
    assert [entry["path"] for entry in audit["license"]["unread"]] == [name]
    assert audit["rubrics"]["osd"]["verdict"] == "unknown"
    assert code == 1 and report["policy"]["status"] == "failed"
    assert "listed but not read" in audit["summary"]


def test_utf16_and_deep_licenses_are_read(cli: Any, tmp_path: Path) -> None:
    files = {
        "LICENSE": b"\xff\xfe" + NON_COMMERCIAL.encode("utf-16-le"),
        "a/b/c/LICENSE.txt": NON_COMMERCIAL.replace("Acme", "Deep").encode(),
    }
    folder = repo(tmp_path / "m", files=files)
    code, report, _ = gate(cli, str(folder))
    audit = report["audits"][0]
    assert {f["path"] for f in audit["license"]["files"]} == set(files)
    assert "non-commercial" in {clause["kind"] for clause in audit["clauses"]}
    assert code == 1


def test_license_files_beyond_the_cap_are_unread(cli: Any, tmp_path: Path) -> None:
    files = {f"notices/{index:02d}/NOTICE": b"Copyright Acme\n" for index in range(30)}
    folder = repo(tmp_path / "m", files=files)
    _, report, _ = gate(cli, str(folder))
    unread = report["audits"][0]["license"]["unread"]
    assert len(unread) == 30 - 24 and all("cap" in entry["reason"] for entry in unread)
    assert report["audits"][0]["license"]["conclusion"] is None


def test_a_fifo_named_license_is_not_opened(cli: Any, tmp_path: Path) -> None:
    folder = repo(tmp_path / "m")
    os.mkfifo(folder / "LICENSE")
    code, report, _ = gate(cli, str(folder))  # would block forever if opened
    assert report["audits"][0]["license"]["unread"] == [
        {"path": "LICENSE", "reason": "is not a regular file"}
    ]
    assert code == 1


def test_a_folder_1200_levels_deep_is_cut_not_a_crash(cli: Any, tmp_path: Path) -> None:
    folder = repo(tmp_path / "m", files={"LICENSE": fixtures_hub.license("mit")})
    deep = folder
    for _ in range(1200):  # one level at a time: mkdir(parents=True) itself recurses
        deep = deep / "d"
        deep.mkdir()
    try:
        code, report, _ = gate(cli, str(folder))
    finally:  # bottom-up: shutil.rmtree (the tmp_path clean-up) recurses too
        while deep != folder:
            deep.rmdir()
            deep = deep.parent
    [gap] = report["audits"][0]["license"]["unread"]
    assert "deeper than" in gap["reason"] and code == 1


# --- crashes are exit 4, never a pass --------------------------------------------------------


def test_an_internal_error_exits_4_even_with_unknown_warn(
    cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import openness.audit

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("a bug")

    monkeypatch.setattr(openness.audit, "audit_evidence", broken)
    folder = repo(tmp_path / "m", files={"LICENSE": fixtures_hub.license("mit")})
    result = cli("check", str(folder), "--preset", "osi", "--unknown", "warn", "--format", "json")
    assert result.exit_code == 4
    policy = result.json()["policy"]
    assert policy["status"] == "incomplete" and policy["passed"] is False
    assert policy["not_audited"][0]["exit_code"] == 4
    assert "internal error (RuntimeError)" in result.stderr


def test_a_crash_on_one_license_text_leaves_its_terms_unknown(
    cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import openness.license.memo

    def fragile(text: str, source: str) -> Any:
        raise ValueError("boom")

    monkeypatch.setattr(openness.license.memo, "detect_clauses", fragile)
    folder = repo(tmp_path / "m", files={"LICENSE": fixtures_hub.license("mit")})
    code, report, _ = gate(cli, str(folder))
    unread = report["audits"][0]["license"]["unread"]
    assert unread == [{"path": "LICENSE", "reason": "could not be analysed (ValueError)"}]
    assert code == 1


@pytest.mark.parametrize(
    "card",
    [
        "---\nlicense: mit\nextra: " + "[" * 300 + "]" * 300 + "\n---\n# x\n",
        "---\nlicense: mit\nbase_model: " + "a" * 4096 + "\n---\n# x\n",
        "---\nlicense: mit\nbase_model: ~nosuchuser/x\n---\n# x\n",
        "---\nlicense: mit\n---\n# " + "Training data " * 40 + "\n",
    ],
    ids=["nested-300", "4kb-base-model", "tilde-base-model", "long-data-heading"],
)
def test_hostile_cards_are_audited_not_crashed(cli: Any, tmp_path: Path, card: str) -> None:
    folder = repo(tmp_path / "m", card, {"LICENSE": fixtures_hub.license("mit")})
    result = cli("audit", str(folder), "--offline", "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert result.json()["audits"][0]["license"]["files"][0]["identified"] == "mit"


# --- ancestors are Hub ids, bounded --------------------------------------------------------


@pytest.mark.parametrize("base", ["/etc", ".", "~", "../secrets", "file:///etc/passwd"])
def test_a_base_model_naming_a_local_path_is_never_read(
    cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, base: str
) -> None:
    secrets = repo(tmp_path / "secrets", "---\nlicense: mit\n---\nSECRET-CARD\n",
                   {"LICENSE": b"SECRET-LICENCE non-commercial only\n"})  # fmt: skip
    monkeypatch.chdir(secrets)
    monkeypatch.setenv("HOME", str(secrets))
    folder = repo(tmp_path / "m", f"---\nlicense: mit\nbase_model: '{base}'\n---\n# x\n",
                  {"LICENSE": fixtures_hub.license("mit")})  # fmt: skip
    result = cli("audit", str(folder), "--offline", "--format", "json")
    assert "SECRET" not in result.stdout + result.stderr
    audit = result.json()["audits"][0]
    assert audit["lineage"] == [] and audit["model"]["base_models"] == []
    assert any("is not a Hub repo id; not followed" in w for w in audit["warnings"])
    assert audit["rubrics"]["osd"]["verdict"] == "unknown"  # the parent's terms are unknown


def test_ancestors_are_capped_per_audit(cli: Any, tmp_path: Path) -> None:
    bases = "\n".join(f"  - acme/base-{index}" for index in range(80))
    folder = repo(tmp_path / "m", f"---\nlicense: mit\nbase_model:\n{bases}\n---\n",
                  {"LICENSE": fixtures_hub.license("mit")})  # fmt: skip
    audit = cli("audit", str(folder), "--offline", "--format", "json").json()["audits"][0]
    assert len(audit["lineage"]) == 50
    assert "lineage truncated after 50 ancestors" in audit["warnings"]


# --- the policy outcome ----------------------------------------------------------------------


def test_a_missing_model_makes_the_gate_incomplete(cli: Any, tmp_path: Path) -> None:
    folder = repo(
        tmp_path / "m", "---\nlicense: mit\n---\n", {"LICENSE": fixtures_hub.license("mit")}
    )
    args = ("check", str(folder), "nobody/nothing-here", "--preset", "osi", "--offline")
    failing = cli(*args, "--format", "json")
    assert failing.exit_code == 3
    warned = cli(*args, "--unknown", "warn", "--format", "json")
    assert warned.exit_code == 0
    policy = warned.json()["policy"]
    assert policy["status"] == "incomplete" and policy["passed"] is False
    assert [entry["model"] for entry in policy["not_audited"]] == ["nobody/nothing-here"]
    assert "policy incomplete: not audited: nobody/nothing-here" in warned.stderr


def test_a_gate_over_zero_models_is_not_passed(cli: Any, tmp_path: Path) -> None:
    (tmp_path / "code.py").write_text("print('no models here')\n", encoding="utf-8")
    result = cli("check", "--scan", str(tmp_path / "code.py"), "--preset", "osi",
                 "--format", "json")  # fmt: skip
    assert result.exit_code == 0  # nothing to gate (a pre-commit run on unrelated files)
    policy = result.json()["policy"]
    assert policy["status"] == "incomplete" and policy["passed"] is False


@pytest.mark.parametrize("value", ["inf", "nan", "0", "1e9"])
def test_timeout_must_be_a_finite_number_of_seconds(cli: Any, value: str) -> None:
    result = cli("audit", "acme/x", "--timeout", value)
    assert result.exit_code == 2 and "--timeout" in result.stderr


# --- Ctrl-C --------------------------------------------------------------------------------


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.mark.usefixtures("hf_env")
def test_ctrl_c_stops_promptly_with_130(hub: HubReplay, tmp_path: Path) -> None:
    hub.add(FakeRepo("acme/slow", card_data={"license": "mit"},
                     files={"LICENSE": fixtures_hub.license("mit")}))  # fmt: skip
    hub.inject(delay("/api/models/acme/slow", 60))
    output = tmp_path / "report.json"
    command = [sys.executable, "-m", "openness", "audit", "acme/slow", "--timeout", "120",
               "--output", str(output)]  # fmt: skip
    # Ctrl-C as a terminal sends it, even when this run inherited SIGINT ignored (a runner
    # started in the background by a shell without job control)
    process = subprocess.Popen(
        command, stderr=subprocess.PIPE, text=True, preexec_fn=_default_sigint
    )
    deadline = time.monotonic() + 20
    while not hub.calls("GET", "/api/models/acme/slow") and time.monotonic() < deadline:
        time.sleep(0.05)
    process.send_signal(signal.SIGINT)
    try:
        _, stderr = process.communicate(timeout=15)  # a hang guard, not a speed test
    finally:
        process.kill()
    assert process.returncode == 130
    assert stderr.strip() == "openness: interrupted"
    assert not output.exists() and list(tmp_path.glob(".openness-*")) == []


@pytest.mark.parametrize(
    "fmt, shown",
    [
        ("table", ["Not audited", "nobody/nothing-here", "INCOMPLETE"]),
        ("markdown", ["### Not audited", "nobody/nothing-here (exit 3)", "incomplete"]),
        ("cyclonedx", ['"openness:not-audited"', "nobody/nothing-here (exit 3)"]),
        ("sarif", ["nobody/nothing-here"]),
        ("mof", ["# not audited: nobody/nothing-here"]),
    ],
)
def test_every_format_names_the_models_not_audited(
    cli: Any, tmp_path: Path, fmt: str, shown: list[str]
) -> None:
    folder = repo(
        tmp_path / "m", "---\nlicense: mit\n---\n", {"LICENSE": fixtures_hub.license("mit")}
    )
    result = cli("check", str(folder), "nobody/nothing-here", "--preset", "osi", "--offline",
                 "--unknown", "warn", "--format", fmt)  # fmt: skip
    assert result.exit_code == 0, result.stderr
    for text in shown:
        assert text in result.stdout, (fmt, text)
