"""Repo text cannot steer a CI log, a terminal or a reader; reports land whole or not at all.

A hostile local model folder (its name, card fields, file names and licence text carrying line
breaks, GitHub Actions workflow commands, bidi, zero-width, C1 and terminal escapes) is audited
in every format. A GitHub runner reads a line as a command when, leading spaces trimmed, it
starts with `::`, or when it holds `##[` anywhere.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from openness.render.untrusted import escape_serialised, hidden, inert, one_line

HIDDEN = "\u202e\u200b\x85\x1b\x9b\u2028\U000e0041"
ATTACK = "x\n::error::pwned\r\n##[add-mask]secret \u202eevil\u200b \x85C1 \x1b[31mred"
FOLDER = "evil\n::warning::folder ##[add-mask]f\u202e\u200b"
FILE = "LICENSE-\n::error::file ##[add-mask]g\u202e\u200b\x85\x1b[2J"
FORMATS = ("table", "json", "jsonl", "markdown", "sarif", "cyclonedx", "spdx3", "mof", "html")
JSON_FORMATS = ("json", "sarif", "cyclonedx", "spdx3")


def _card(value: str) -> str:
    return f"---\nlicense: other\nlicense_name: {json.dumps(value)}\n---\n# Model\n"


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    folder = tmp_path / FOLDER
    folder.mkdir()
    (folder / "README.md").write_text(_card(ATTACK), encoding="utf-8")
    license = "Acme Licence\n\nFor non-commercial purposes only ##[add-mask]q \u202e ::x::\n"
    (folder / "LICENSE").write_text(license, encoding="utf-8")
    (folder / FILE).write_text("MIT License\n", encoding="utf-8")
    return folder


def _commands(text: str) -> list[str]:
    """The lines a GitHub runner would read as workflow commands."""
    return [line for line in text.splitlines() if line.lstrip().startswith("::") or "##[" in line]


def _raw_hidden(text: str) -> list[str]:
    return [char for char in text if char != "\n" and hidden(char)]


def _assert_clean_stderr(stderr: str) -> None:
    assert all(line.startswith("openness: ") for line in stderr.splitlines()), stderr
    assert not _commands(stderr) and not _raw_hidden(stderr), stderr


# --- the sanitiser --------------------------------------------------------------------------


def test_one_line_flattens_breaks_and_shows_hidden_characters() -> None:
    assert one_line("a\n\r\n\t b\u2028c\x85d") == "a b c d"
    assert one_line("MIT\u200b\u202e\x1b[1m\x9b\udc80\U000e0041") == (
        "MIT\\u200b\\u202e\\x1b[1m\\x9b\\udc80\\U000e0041"
    )
    assert one_line("Licence é 中文 ✓") == "Licence é 中文 ✓" and one_line(None) == ""


def test_inert_breaks_workflow_command_markers() -> None:
    assert inert("x\n::error:::pwned ##[add-mask]s") == "x :\\:error:\\:\\:pwned ##\\[add-mask]s"
    assert "::" not in inert(":" * 7) and inert("std: :vector") == "std: :vector"


@pytest.mark.parametrize("value", [ATTACK, FOLDER, FILE, HIDDEN + "\udc80 é", "plain"])
def test_serialised_escapes_keep_the_value(value: str) -> None:
    text = escape_serialised(json.dumps({"v": value}, ensure_ascii=False))
    assert not _raw_hidden(text) and "##[" not in text and "\n" not in text
    assert json.loads(text)["v"] == value


# --- every format, end to end ---------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_hostile_repo_cannot_write_commands_or_hidden_characters(
    cli: Any, hostile: Path, fmt: str
) -> None:
    result = cli("audit", str(hostile), "--format", fmt)
    assert result.exit_code == 0, result.stderr
    assert not _commands(result.stdout), fmt
    assert not _raw_hidden(result.stdout), fmt
    _assert_clean_stderr(result.stderr)


def test_json_report_keeps_the_values_as_escapes(cli: Any, hostile: Path) -> None:
    result = cli("audit", str(hostile), "--format", "json")
    assert "\\u202e" in result.stdout and "\\u200b" in result.stdout and "é" not in result.stdout
    report = result.json()
    assert report["schema_version"] == "1"
    license = report["audits"][0]["license"]
    assert license["declared_name"] == ATTACK  # escaped, not changed
    assert FILE in [entry["path"] for entry in license["files"]]


@pytest.mark.parametrize("fmt", ["sarif", "cyclonedx"])
def test_sarif_and_cyclonedx_show_hidden_characters_as_visible_escapes(
    cli: Any, hostile: Path, fmt: str
) -> None:
    document = cli("audit", str(hostile), "--format", fmt).json()
    strings = json.dumps(document, ensure_ascii=False)
    assert not _raw_hidden(strings.replace("\n", "")) and "\\u202e" in strings


def test_mof_yaml_keeps_the_values_as_escapes(cli: Any, hostile: Path) -> None:
    text = cli("audit", str(hostile), "--format", "mof").stdout
    assert '"evil\\n::warning::folder ##\\u005badd-mask]f\\u202e\\u200b"' in text
    assert yaml.safe_load(text)["release"]["name"] == FOLDER


def test_human_formats_keep_every_value_on_its_line(
    cli: Any, hostile: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "160")  # the value fits: rich does not wrap it
    table = cli("audit", str(hostile)).stdout
    assert "x :\\:error:\\:pwned ##\\[add-mask]secret \\u202eevil\\u200b C1 \\x1b[31mred" in table
    markdown = cli("audit", str(hostile), "--format", "markdown").stdout
    assert "x ::error::pwned \\#\\#\\[add-mask\\]secret \\\\u202eevil" in markdown


@pytest.mark.parametrize("fmt", ["table", "json", "markdown", "sarif", "cyclonedx", "html"])
def test_compare_output_is_clean(cli: Any, hostile: Path, tmp_path: Path, fmt: str) -> None:
    other = tmp_path / "other\n::error::other"
    other.mkdir()
    (other / "README.md").write_text(_card("y\n##[add-mask]z\u202e"), encoding="utf-8")
    result = cli("compare", str(hostile), str(other), "--format", fmt)
    assert result.exit_code == 0, result.stderr
    assert not _commands(result.stdout) and not _raw_hidden(result.stdout), fmt
    _assert_clean_stderr(result.stderr)
    if fmt == "json":
        assert result.json()["audits"][0]["license"]["declared_name"] == ATTACK


def test_policy_failure_lines_on_stderr_are_clean(cli: Any, hostile: Path) -> None:
    result = cli("check", str(hostile), "--preset", "osi")
    assert result.exit_code == 1
    assert "policy failed" in result.stderr
    _assert_clean_stderr(result.stderr)


@pytest.mark.parametrize("fmt", ["table", "json"])
def test_license_profiles_are_clean(cli: Any, fmt: str) -> None:
    result = cli("licenses", "list", "--format", fmt)
    assert result.exit_code == 0 and not _commands(result.stdout)
    assert not _raw_hidden(result.stdout)


# --- --output ---------------------------------------------------------------------------------


def _leftovers(folder: Path) -> list[str]:
    return [path.name for path in folder.iterdir() if path.name.startswith(".openness-")]


@pytest.fixture
def no_replace(monkeypatch: pytest.MonkeyPatch) -> None:
    """A refused target must never be replaced (the tests may run as root: /dev/null is real)."""

    def refuse(*args: object) -> None:
        raise AssertionError(f"os.replace{args}")

    monkeypatch.setattr(os, "replace", refuse)


def _refused(cli: Any, folder: Path, target: Path) -> None:
    result = cli("audit", str(folder), "--format", "json", "--output", str(target))
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and "not a regular file" in result.stderr
    _assert_clean_stderr(result.stderr)


def test_output_refuses_a_fifo(cli: Any, hostile: Path, tmp_path: Path, no_replace: None) -> None:
    fifo = tmp_path / "report.fifo"
    os.mkfifo(fifo)
    _refused(cli, hostile, fifo)
    assert stat.S_ISFIFO(fifo.lstat().st_mode) and not _leftovers(tmp_path)


def test_output_refuses_a_folder(cli: Any, hostile: Path, tmp_path: Path, no_replace: None) -> None:
    _refused(cli, hostile, tmp_path)
    assert not _leftovers(tmp_path)


def test_output_refuses_a_device(cli: Any, hostile: Path, tmp_path: Path, no_replace: None) -> None:
    _refused(cli, hostile, Path(os.devnull))
    link = tmp_path / "null.json"
    link.symlink_to(os.devnull)
    _refused(cli, hostile, link)
    assert link.is_symlink() and not _leftovers(tmp_path)


def test_output_through_a_symlink_writes_its_target(
    cli: Any, hostile: Path, tmp_path: Path
) -> None:
    real = tmp_path / "reports" / "real.json"
    real.parent.mkdir()
    real.write_text("old", encoding="utf-8")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    result = cli("audit", str(hostile), "--format", "json", "--output", str(link))
    assert result.exit_code == 0, result.stderr
    assert link.is_symlink() and link.resolve() == real.resolve()
    assert json.loads(real.read_text(encoding="utf-8"))["schema_version"] == "1"
    assert not _leftovers(tmp_path) and not _leftovers(real.parent)
    _assert_clean_stderr(result.stderr)


@pytest.mark.parametrize("failure", [OSError(28, "No space left on device"), KeyboardInterrupt()])
def test_failed_write_leaves_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failure: BaseException
) -> None:
    from openness.cli.output import write_report
    from openness.errors import UsageError

    def fail(*args: object) -> None:
        raise failure

    monkeypatch.setattr(os, "replace", fail)
    target = tmp_path / "report.json"
    expected = UsageError if isinstance(failure, OSError) else KeyboardInterrupt
    with pytest.raises(expected, match="No space left" if expected is UsageError else None):
        write_report("{}\n", target)
    assert not target.exists() and not _leftovers(tmp_path)


# --- stdout ---------------------------------------------------------------------------------


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize("fmt", ["table", "json"])
def test_full_disk_on_stdout_is_one_line_and_exit_2(fmt: str) -> None:
    command = [sys.executable, "-m", "openness", "licenses", "list", "--format", fmt]
    with open("/dev/full", "w") as full:
        child = subprocess.run(command, stdout=full, stderr=subprocess.PIPE, text=True)
    assert child.returncode == 2
    assert child.stderr == (
        "openness: error: cannot write the report to stdout: No space left on device\n"
    )


# --- action.yml ---------------------------------------------------------------------------------

ACTION = Path(__file__).resolve().parents[2] / "action.yml"


def _check_script() -> str:
    steps = yaml.safe_load(ACTION.read_text(encoding="utf-8"))["runs"]["steps"]
    return str(next(step for step in steps if step.get("id") == "check")["run"])


def test_action_stops_workflow_commands_around_openness() -> None:
    lines = [line.strip() for line in _check_script().splitlines()]
    stop = next(i for i, line in enumerate(lines) if line.startswith('echo "::stop-commands::$'))
    resume = next(i for i, line in enumerate(lines) if line.startswith("trap 'echo \"::$"))
    runs = [i for i, line in enumerate(lines) if line.startswith("openness ")]
    assert runs and stop < resume < min(runs)
    assert "secrets" in lines[stop - 1] or "random/uuid" in lines[stop - 1]


def test_action_script_wraps_everything_openness_prints(tmp_path: Path) -> None:
    """Run the step's script with a fake `openness` that prints commands: they are fenced."""
    fake = tmp_path / "bin" / "openness"
    fake.parent.mkdir()
    fake.write_text(
        "#!/bin/sh\necho '::error::pwned'\necho '##[add-mask]x' >&2\n"
        'while [ $# -gt 0 ]; do [ "$1" = --output ] && echo "# report" > "$2"; shift; done\n'
        "exit 1\n",
        encoding="utf-8",
    )
    fake.chmod(0o755)
    script = tmp_path / "check.sh"
    script.write_text(_check_script(), encoding="utf-8")
    outputs = []
    for run in range(2):
        env = {
            **os.environ,
            "PATH": f"{fake.parent}{os.pathsep}{os.environ['PATH']}",
            "MODELS": "org/model",
            "FORMAT": "table",
            "SARIF": "true",
            "GITHUB_OUTPUT": str(tmp_path / f"output{run}"),
            "GITHUB_STEP_SUMMARY": str(tmp_path / f"summary{run}"),
        }
        child = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
            cwd=tmp_path, env=env, capture_output=True, text=True,
        )  # fmt: skip
        assert child.returncode == 1, child.stderr
        lines = child.stdout.splitlines()
        token = lines[0].removeprefix("::stop-commands::")
        assert len(token) >= 16 and lines[-1] == f"::{token}::" and "::error::pwned" in lines
        assert (tmp_path / f"output{run}").read_text() == "exit-code=1\n"
        assert (tmp_path / f"summary{run}").read_text() == "# report\n"
        outputs.append(token)
    assert outputs[0] != outputs[1]
    assert (tmp_path / "openness.sarif").exists()
