"""Local folders, the CLI surface (flags, exit codes, --output) and untrusted text."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import fixtures_hub
import pytest
from cli_process import run_cli

pytestmark = pytest.mark.usefixtures("hf_env")


def write_repo(folder: Path, card: str, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "README.md").write_text(card, encoding="utf-8")
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_version_and_help_document_exit_codes(cli: Any) -> None:
    assert cli("--version").stdout.startswith("openness ")
    help_text = cli("audit", "--help").stdout
    assert "--format" in help_text and "--offline" in help_text and "Exit codes" in help_text


@pytest.mark.parametrize(
    "args", [("audit", "not a repo"), ("audit", "org/x", "--format", "xml"), ("audit",)]
)
def test_usage_errors_exit_2_without_traceback(cli: Any, args: tuple[str, ...]) -> None:
    result = cli(*args)
    assert result.exit_code == 2
    assert "Traceback" not in result.stdout + result.stderr


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["audit", "--bogus", "org/x"], "No such option: --bogus"),
        (["audit", "org/x", "--format", "xml"], "Invalid value for '--format'"),
        (["audit", "org/x", "--jobs", "0"], "Invalid value for '--jobs'"),
    ],
)
def test_entry_point_usage_errors_are_one_line(args: list[str], says: str) -> None:
    import subprocess
    import sys

    code = f"import sys, openness.cli; sys.argv = ['openness', *{args!r}]; openness.cli.main()"
    ran = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert ran.returncode == 2
    assert ran.stdout == ""
    assert ran.stderr.count("\n") == 1 and says in ran.stderr, ran.stderr
    assert f"see `openness {args[0]} --help`" in ran.stderr


def test_local_folder_with_renamed_llama_license(cli: Any, tmp_path: Path) -> None:
    text = fixtures_hub.license("llama-3.1-community").decode("utf-8")
    renamed = text.replace("Meta Platforms", "Acme Robotics").replace("Meta", "Acme")
    renamed = renamed.replace("Llama", "Zephyr").replace("LLAMA", "ZEPHYR")
    folder = write_repo(tmp_path / "zephyr", "---\nlicense: other\n---\n# Zephyr\n",
                        {"LICENSE": renamed})  # fmt: skip
    result = cli("audit", str(folder), "--format", "json")
    assert result.exit_code == 0, result.stderr
    audit = result.json()["audits"][0]
    assert audit["model"]["source"] == "local"
    license = audit["license"]
    assert license["conclusion"] is None
    assert license["files"][0]["match"] in {"modified", "unknown"}
    assert audit["rubrics"]["osd"]["verdict"] == "fail"
    found = {clause["kind"]: clause["evidence"] for clause in audit["clauses"]}
    for kind in ("user-threshold", "acceptable-use-policy", "attribution-requirement"):
        assert found[kind]["source"] == "LICENSE" and found[kind]["line"] > 1
        line = renamed.split("\n")[found[kind]["line"] - 1]
        assert found[kind]["quote"].strip("…")[:30] in line


def test_local_mit_folder_and_symlinks_out_of_it(cli: Any, tmp_path: Path) -> None:
    outside = tmp_path / "secret.txt"
    outside.write_text("not yours", encoding="utf-8")
    folder = write_repo(tmp_path / "m", "---\nlicense: mit\n---\n# M\n",
                        {"LICENSE": fixtures_hub.license("mit").decode()})  # fmt: skip
    (folder / "LICENSE-extra").symlink_to(outside)
    audit = cli("audit", str(folder), "--format", "json").json()["audits"][0]
    assert [f["path"] for f in audit["license"]["files"]] == ["LICENSE"]
    assert "LICENSE-extra listed but not read: points outside the folder" in audit["warnings"]
    # a licence file that is not read may say anything: the terms are unknown, not MIT
    assert audit["license"]["conclusion"] is None
    [unread] = audit["license"]["unread"]
    assert unread == {"path": "LICENSE-extra", "reason": "points outside the folder"}


def test_symlinked_card_folder_and_loop_are_not_followed(cli: Any, tmp_path: Path) -> None:
    elsewhere = write_repo(tmp_path / "elsewhere", "---\nlicense: apache-2.0\n---\n",
                           {"LICENSE": fixtures_hub.license("apache-2.0").decode()})  # fmt: skip
    folder = tmp_path / "m"
    folder.mkdir()
    (folder / "README.md").symlink_to(elsewhere / "README.md")
    (folder / "licenses").symlink_to(elsewhere, target_is_directory=True)
    (folder / "LICENSE").symlink_to(folder / "LICENSE")  # a loop
    result = cli("audit", str(folder), "--format", "json")
    assert result.exit_code == 0, result.stderr
    audit = result.json()["audits"][0]
    assert audit["license"]["declared"] is None and audit["license"]["files"] == []
    assert audit["license"]["conclusion"] is None
    ignored = [w for w in audit["warnings"] if "outside the folder" in w]
    assert sorted(w.split()[0] for w in ignored) == ["README.md", "licenses"]
    unread = {entry["path"] for entry in audit["license"]["unread"]}
    assert unread == {"LICENSE", "licenses"}


def test_hostile_repo_text_is_inert_in_every_format(cli: Any, tmp_path: Path) -> None:
    hostile = (
        "<img src=x onerror=alert(1)> @octocat [click](https://evil.example) "
        "\x1b]8;;https://evil\x07link\x1b]8;;\x07 \u202e[bold red]PASS[/] | col |"
    )
    card = '---\nlicense: other\nlicense_name: "<b>x</b> @octocat"\n---\n'
    license = f"Acme Model Licence\n\nFor non-commercial purposes only {hostile}\n"
    folder = write_repo(tmp_path / "h", card, {"LICENSE": license})
    outputs = {fmt: cli("audit", str(folder), "--format", fmt) for fmt in
               ("table", "markdown", "sarif", "json")}  # fmt: skip
    for fmt, result in outputs.items():
        assert result.exit_code == 0, (fmt, result.stderr)
        assert not {"\x1b", "\x07", "\u202e"} & set(result.stdout), fmt
    assert "[bold red]PASS[/]" in outputs["table"].stdout  # shown literally, not styled
    markdown = outputs["markdown"].stdout
    assert re.search(r"(?<!\\)<(img|b)", markdown) is None and "](" not in markdown
    assert "@octocat" not in markdown and "\\| col \\|" in markdown
    quote = outputs["json"].json()["audits"][0]["clauses"][0]["evidence"]["quote"]
    assert "<img src=x" in quote  # the JSON keeps the text; escaping is the renderers' job


def test_cache_snapshot_folder_names_its_repo_and_revision(cli: Any, tmp_path: Path) -> None:
    sha = "a" * 40
    folder = write_repo(tmp_path / "models--org--tiny" / "snapshots" / sha,
                        "---\nlicense: apache-2.0\n---\n", {})  # fmt: skip
    model = cli("audit", str(folder), "--format", "json").json()["audits"][0]["model"]
    assert (model["id"], model["revision"]) == ("org/tiny", sha)


def test_output_file_is_written_whole_and_stdout_stays_empty(cli: Any, tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    result = cli("audit", "deepseek-ai/DeepSeek-R1", "--offline", "-f", "json", "-o", str(target))
    assert result.exit_code == 0 and result.stdout == ""
    assert '"schema_version": "1"' in target.read_text(encoding="utf-8")
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".openness-")] == []


def test_unwritable_output_is_a_usage_error(cli: Any, tmp_path: Path) -> None:
    result = cli("audit", "deepseek-ai/DeepSeek-R1", "--offline", "-o", str(tmp_path / "no/x"))
    assert result.exit_code == 2 and "cannot write" in result.stderr


def test_offline_unknown_repo_exits_3(cli: Any) -> None:
    result = cli("audit", "nobody/nothing", "--offline")
    assert result.exit_code == 3 and "snapshot" in result.stderr


def test_repo_text_cannot_style_or_escape_the_terminal(cli: Any, tmp_path: Path) -> None:
    # YAML double quotes decode \e and \a into ESC and BEL.
    hostile = r"[bold red]FAKE PASS[/] \e[2J\e]8;;http://evil\alink\e]8;;\a"
    folder = write_repo(tmp_path / "h", f'---\nlicense: "{hostile}"\n---\n', {})
    result = cli("audit", str(folder))
    assert result.exit_code == 0
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout
    assert "[bold red]FAKE PASS[/]" in result.stdout


def test_licenses_list_and_show(cli: Any) -> None:
    listed = cli("licenses", "list", "--format", "json")
    assert listed.exit_code == 0
    ids = {profile["id"] for profile in listed.json()}
    assert {"mit", "apache-2.0", "llama3.1", "gemma", "openmdw-1.0"} <= ids
    shown = cli("licenses", "show", "llama3.1", "--format", "json").json()
    assert shown["osi_approved"] is False and "llama3.1-aup" in shown["incorporates"]
    assert "user-threshold" in {clause["kind"] for clause in shown["clauses"]}
    assert "700 million" in cli("licenses", "show", "llama3.1").stdout
    assert cli("licenses", "show", "Apache-2.0", "-f", "json").json()["id"] == "apache-2.0"
    missing = cli("licenses", "show", "no-such-licence")
    assert missing.exit_code == 2 and "no licence profile" in missing.stderr


@pytest.mark.parametrize(
    ("declared", "slug", "conflict"),
    [("gpl-3.0", "gpl-3.0", False), ("apache-2.0", "bigscience-openrail-m", True)],
)
def test_declared_versus_shipped(
    cli: Any, tmp_path: Path, declared: str, slug: str, conflict: bool
) -> None:
    text = fixtures_hub.license(slug).decode("utf-8")
    folder = write_repo(tmp_path / "r", f"---\nlicense: {declared}\n---\n", {"LICENSE": text})
    audit = cli("audit", str(folder), "--format", "json").json()["audits"][0]
    assert bool(audit["license"]["conflicts"]) is conflict
    if conflict:
        assert audit["license"]["osi_approved"] is False
        assert audit["rubrics"]["osd"]["verdict"] == "fail"


@pytest.mark.parametrize("arguments", [["--version"], ["--help"], ["audit", "--help"]])
def test_startup_does_not_load_the_heavy_parts(arguments: list[str]) -> None:
    import subprocess
    import sys

    code = (
        "import sys, atexit, openness.cli; "
        "heavy = {'huggingface_hub', 'openness.license.profiles', 'openness.report', "
        "'rich.markdown'}; "
        "atexit.register(lambda: print('LOADED', sorted(heavy & set(sys.modules)))); "
        f"sys.argv = ['openness', *{arguments!r}]; openness.cli.main()"
    )
    ran = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.strip().splitlines()[-1] == "LOADED []"


@pytest.mark.parametrize("terminal", [True, False])
def test_progress_bar_only_on_a_terminal(terminal: bool, hf_env: Any) -> None:
    models = ["deepseek-ai/DeepSeek-R1", "meta-llama/Llama-3.1-8B"]
    code, stdout, stderr = run_cli(["audit", *models, "--offline", "-f", "json"], terminal)
    assert code == 0
    assert [a["model"]["id"] for a in json.loads(stdout)["audits"]] == models
    assert (b"auditing" in stderr) is terminal


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["audit", "deepseek-ai/DeepSeek-R1", "--offline", "-f", "json"], 0),
        (["check", "meta-llama/Llama-3.1-8B", "--preset", "osi", "--offline"], 1),
        (["licenses", "list"], 0),
    ],
)
def test_reader_going_away_keeps_the_exit_code(args: list[str], code: int, hf_env: Any) -> None:
    import subprocess
    import sys

    command = [sys.executable, "-c", "import openness.cli as c; c.main()", *args]
    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert child.stdout is not None and child.stderr is not None
    child.stdout.close()  # like `| head -0`: every write meets a closed pipe
    stderr = child.stderr.read().decode()
    assert child.wait() == code
    assert "Traceback" not in stderr and "Exception ignored" not in stderr
