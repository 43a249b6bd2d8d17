"""The terminal report fits its width: no word split across lines at 40, 60 or 100 columns,
nothing hard-wrapped when piped, one line per model for a batch, ids never cut.

A word split by wrapping would leave tokens that the unwrapped report does not have, so each
test compares the whitespace-separated tokens of a narrow rendering with those of the same
report at no width limit. The tmux test runs the command in a real 60-column terminal.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from openness.render import RenderOptions
from openness.render.layout import NO_WRAP, STACK_BELOW, wrap

MODELS = (
    "meta-llama/Llama-3.1-8B",
    "deepseek-ai/DeepSeek-R1",
    "google/gemma-2-9b",
    "nvidia/Llama-3.1-Nemotron-70B-Instruct-HF",
    "mistralai/Mistral-7B-v0.1",
    "bigscience/bloom",
    "stabilityai/stable-diffusion-3-medium",
    "microsoft/phi-4",
    "Qwen/Qwen2.5-72B-Instruct",
    "CohereForAI/c4ai-command-r-v01",
    "tiiuae/falcon-180B",
    "allenai/OLMo-2-1124-7B",
)
WIDTHS = (40, 60, 100)


@pytest.fixture(scope="module")
def report() -> Any:
    from openness.batch import audit_batch
    from openness.policy import check, preset

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    batch, _ = audit_batch(MODELS, offline=True)
    batch.policy = check(preset("osi"), "preset:osi", batch.audits, batch.errors)
    return batch


_BOX = set("┏┓┗┛┳┻┣┫╋━┃┡┩╇└┘┌┐┬┴├┤┼─│")


def _tokens(text: str) -> set[str]:
    """The words of `text`, table borders left out."""
    return {word for word in text.split() if not set(word) <= _BOX}


def _locations() -> dict[str, tuple[str, int]]:
    return {model: ("src/app.py", line) for line, model in enumerate(MODELS, 1)}


@pytest.mark.parametrize("width", WIDTHS)
def test_the_batch_report_splits_no_word(report: Any, width: int) -> None:
    from openness.render.table import render_table

    flat = render_table(report, RenderOptions(width=NO_WRAP, locations=_locations()))
    narrow = render_table(report, RenderOptions(width=width, locations=_locations()))
    if width >= STACK_BELOW:
        assert _tokens(narrow) == _tokens(flat)
    else:  # narrow lines count the clause kinds and rules instead of naming them
        counted = {word for word in _tokens(narrow) if word.strip("()").isdigit()}
        assert _tokens(narrow) - counted <= _tokens(flat) | _COUNTING
    assert all(model in narrow for model in MODELS)


_COUNTING = {"clause", "kind", "kinds", "failing)", "more", "rule", "rules", "failing"}


@pytest.mark.parametrize("width", WIDTHS)
def test_the_detailed_report_splits_no_word(report: Any, width: int) -> None:
    from openness.render.table import render_table

    report = report.model_copy(update={"audits": report.audits[:1], "policy": None})
    flat = render_table(report, RenderOptions(width=NO_WRAP))
    narrow = render_table(report, RenderOptions(width=width))
    stripped = {word.rstrip(":") for word in _tokens(narrow)}  # stacked `label: value`
    assert stripped <= {word.rstrip(":") for word in _tokens(flat)} | {"•", *_HEADERS}
    assert "Lineage" in flat or not report.audits[0].lineage


_HEADERS = ("clause", "evidence", "quote", "criterion", "status", "reason", "condition",
            "holds", "notice", "required", "by", "verdict", "inherited", "from")  # fmt: skip


def test_twelve_models_fit_on_one_screen(report: Any) -> None:
    from openness.render.table import render_table

    for width in (60, 100, NO_WRAP):
        text = render_table(report, RenderOptions(width=width, locations=_locations()))
        assert len(text.splitlines()) <= 40, (width, text)
    piped = render_table(report, RenderOptions(width=NO_WRAP, locations=_locations()))
    lines = piped.splitlines()
    assert len(lines) == len(MODELS) + 1  # one per model, then the verdict
    assert all("src/app.py:" in line for line in lines[:-1])


def test_quiet_keeps_only_failures_and_details_the_evidence(report: Any) -> None:
    from openness.render.table import render_table

    quiet = render_table(report, RenderOptions(width=NO_WRAP, quiet=True))
    assert "✔" not in quiet and "✘" in quiet
    detailed = render_table(report, RenderOptions(width=NO_WRAP, details=True))
    assert detailed.count("Summary:") == len(MODELS)


@pytest.mark.parametrize("width", [*WIDTHS, NO_WRAP])
def test_compare_never_cuts_a_model_id(report: Any, width: int) -> None:
    from openness.render.comparison import render_comparison_table

    report = report.model_copy(update={"audits": report.audits[:5], "policy": None})
    text = render_comparison_table(report, RenderOptions(width=width))
    assert all(model in text for model in MODELS[:5]) and "…" not in text
    flat = render_comparison_table(report, RenderOptions(width=NO_WRAP))
    assert _tokens(text) - {"1", "2", "3", "4", "5"} <= _tokens(flat) | {"│", "┃"}


@pytest.mark.parametrize("width", WIDTHS)
def test_licenses_list_never_cuts_an_id(width: int) -> None:
    from openness.license.profiles import knowledge_base
    from openness.render.profiles import render_profiles_table

    profiles = sorted(knowledge_base().profiles.values(), key=lambda profile: profile.id)
    text = render_profiles_table(profiles, RenderOptions(width=width))
    assert all(f" {profile.id}\n" in text or f" {profile.id} " in text for profile in profiles)
    assert "…" not in text


def test_wrap_breaks_at_spaces_only() -> None:
    from rich.text import Text

    lines = wrap(Text("alpha beta " + "x" * 50 + " gamma"), 20, indent=0, hang=2)
    assert [line.plain for line in lines] == ["alpha beta", "  " + "x" * 50, "  gamma"]


def test_snapshot_info_lists_every_model(cli: Any) -> None:
    result = cli("snapshot", "info", "--format", "json")
    info = result.json()
    assert result.exit_code == 0 and info["as_of"] and len(info["models"]) >= 40
    assert all(model["as_of"] and model["sources"] for model in info["models"])
    table = cli("snapshot", "info")
    assert all(model["id"] in table.stdout for model in info["models"])


def test_piped_output_is_never_hard_wrapped(cli: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    result = cli("audit", "meta-llama/Llama-3.1-8B", "--offline", "--format", "table")
    audit = cli("audit", "meta-llama/Llama-3.1-8B", "--offline", "--format", "json").json()
    for warning in audit["audits"][0]["warnings"]:
        assert any(line.endswith(warning) for line in result.stdout.splitlines()), warning


def test_version_loads_no_command() -> None:
    code = "import sys; sys.argv=['openness','--version']; from openness.cli import main; main();"
    code += "print('typer' in sys.modules, 'rich' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.splitlines()[-1] == "False False"


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
def test_a_real_60_column_terminal_splits_no_word(tmp_path: Path) -> None:
    """`check` in a tmux pane 60 columns wide: every model id and clause kind whole."""
    openness = Path(sys.executable).parent / "openness"
    if not openness.exists():
        pytest.skip("the openness script is not installed beside this interpreter")
    socket = str(tmp_path / "tmux.sock")
    done = tmp_path / "done"
    command = (
        f"HF_HUB_OFFLINE=1 OPENNESS_CACHE_DIR={tmp_path / 'cache'} NO_COLOR=1 {openness} check "
        + " ".join(MODELS[:6])
        + f" --offline --preset osi 2>/dev/null; touch {done}"
    )
    tmux = ["tmux", "-S", socket, "-f", "/dev/null"]
    subprocess.run([*tmux, "new-session", "-d", "-x", "60", "-y", "60", "sh"], check=True)
    try:
        subprocess.run([*tmux, "send-keys", "clear; " + command, "Enter"], check=True)
        deadline = time.monotonic() + 60
        while not done.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert done.exists(), "the command did not finish"
        pane = subprocess.run(
            [*tmux, "capture-pane", "-p", "-S", "-60"], capture_output=True, text=True, check=True
        ).stdout
    finally:
        subprocess.run([*tmux, "kill-server"], check=False)
    words = _tokens(pane)
    for model in MODELS[:6]:
        assert model in words, pane
    for kind in ("acceptable-use-policy", "commercial-restriction", "user-threshold"):
        assert kind in pane.replace(",", " ").split(), pane
    assert all(len(line) <= 60 for line in pane.splitlines())


def test_progress_shows_n_of_n_and_the_model_just_audited(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import io

    from openness.cli.common import progress

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    screen = Terminal()
    monkeypatch.setattr(sys, "stderr", screen)
    with progress(2) as advance:
        advance("acme/first")
        advance("acme/second[bold]")
    shown = screen.getvalue()
    assert "2/2" in shown
    assert "acme/second[bold]" in shown  # shown as written, never read as markup
