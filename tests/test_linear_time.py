"""Every parser that reads text from a model repo finishes on pathological input.

The audited party writes the card, the licence texts, file names and config files, so a regular
expression that rescans a line from every `[` or `<` is a denial of service. Each target below is
run on each ~1 MiB input under a generous wall-clock guard: the assertion is "finishes", not a
speed figure. benchmarks/fuzz.py (`--linear`) runs the same cases and prints the times.
"""

from __future__ import annotations

import contextlib
import signal
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timezone
from pathlib import Path

import pytest

SIZE = 1024 * 1024
GUARD_SECONDS = 20


def _repeat(unit: str, size: int) -> str:
    return unit * max(1, size // len(unit))


# name -> input of about `size` characters
INPUTS: dict[str, Callable[[int], str]] = {
    "[": lambda n: _repeat("[", n),
    "<": lambda n: _repeat("<", n),
    "<a": lambda n: _repeat("<a", n),
    "#": lambda n: _repeat("#", n),
    "_": lambda n: _repeat("_", n),
    "*": lambda n: _repeat("*", n),
    "\\": lambda n: _repeat("\\", n),
    "](": lambda n: _repeat("](", n),
    "<!--": lambda n: _repeat("<!--", n),
    "[a…": lambda n: "[" + "a" * n,
    "one line": lambda n: _repeat("word ", n),
    "alternating": lambda n: _repeat("[<#_*\\](!-", n),
    "nested": lambda n: "[" * (n // 2) + "]" * (n // 2),
    "spaces": lambda n: "# " + " " * n,
    "short lines": lambda n: _repeat("# [a](b <!-- x\n", n),
    "wrapped paragraph": lambda n: _repeat("Xx ab.\n", n),  # one paragraph of 150k lines
    "dash lines": lambda n: _repeat("-\n", n),
    "links": lambda n: _repeat("[a](", n),
    "autolinks": lambda n: _repeat("<http:", n),
    "dashes": lambda n: "-" * n + ".",
    "escapes": lambda n: _repeat("\x1b[0", n),
    "config": lambda n: "revision" + " " * n + "!",
    "clause words": lambda n: _repeat("not outputs to train ", n),  # nested clause windows
    "lineage words": lambda n: _repeat("X-1 is derived from Llama-3.1-8B and based on ", n),
    "compute words": lambda n: _repeat("trained 1.5B 2,000B tokens 37B (activated params 9 ", n),
    "digits": lambda n: "trained on " + "1" * n + " tokens",
    "table": lambda n: _repeat("| Activated Params | 37B |\n", n),
}


def _evidence(card: str) -> object:
    from openness.sources.evidence import Evidence

    return Evidence(
        repo_id="org/name",
        source="local",
        retrieved_at=datetime.now(timezone.utc),
        card_data={"datasets": ["org/data"]},
        card_text=card,
    )


def _scan(text: str, name: str) -> object:
    from openness.inputs.scan import scan_paths

    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / name).write_text(text, encoding="utf-8")
        return scan_paths([Path(folder)])


def _policy(text: str) -> object:
    from openness.errors import UsageError
    from openness.policy import parse_policy

    with contextlib.suppress(UsageError):
        parse_policy(text, "p.yml")
    return None


def _mof(text: str) -> object:
    from openness.errors import UsageError
    from openness.rubrics.mof import evaluate_mof, load_mof_yaml

    with tempfile.TemporaryDirectory() as folder, contextlib.suppress(UsageError):
        path = Path(folder) / "m.yml"
        path.write_text(text, encoding="utf-8")
        load_mof_yaml(path)
    component = {"name": "Model parameters (Final)", "license": text[:4096]}
    return evaluate_mof({"components": [component]}, normalise=True)


def _mof_draft(text: str) -> object:
    from openness.license.analysis import analyse
    from openness.rubrics.mof_evidence import evaluate_evidence

    evidence = _evidence(text)
    return evaluate_evidence(evidence, analyse(evidence))  # type: ignore[arg-type]


def _targets() -> dict[str, Callable[[str], object]]:
    from openness.license import clauses, identify
    from openness.license import names as declared
    from openness.license import text as textnorm
    from openness.lineage_card import read_card
    from openness.rubrics import compute, facts, release
    from openness.sources import card

    return {
        "clean_lines": textnorm.clean_lines,
        "strip_control": textnorm.strip_control,
        "split_front_matter": lambda text: card.split_front_matter("---\n" + text),
        "parse_front_matter": lambda text: card.parse_front_matter(
            "---\n" + text[: card.MAX_FRONT_MATTER_BYTES - 16] + "\n---\n"
        ),
        "key_line": lambda text: card.key_line("---\n" + text + "\n---\n", "license"),
        "detect_clauses": lambda text: clauses.detect_clauses(text, "LICENSE"),
        "identify_text": identify.identify_text,
        "resolve": lambda text: declared.resolve(text[:4096]),
        "data_heading": lambda text: facts._data_information(_evidence(text)),  # type: ignore[arg-type]
        "training_code": lambda text: facts._training_code(_evidence(text)),  # type: ignore[arg-type]
        "mof_draft": _mof_draft,
        "usage_information": lambda text: release.usage_information(_evidence(text)),  # type: ignore[arg-type]
        "architecture": lambda text: release.architecture(_evidence(text)),  # type: ignore[arg-type]
        "training_compute": lambda text: compute.below_systemic_risk(_evidence(text)),  # type: ignore[arg-type]
        "card_prose": lambda text: read_card(_evidence(text)),  # type: ignore[arg-type]
        "scan Dockerfile": lambda text: _scan(text, "Dockerfile"),  # every line regex, and ENV
        "scan python": lambda text: _scan(text, "train.py"),
        "parse_policy": _policy,
        "load_mof_yaml": _mof,
    }


@contextlib.contextmanager
def guard(seconds: float) -> Iterator[None]:
    """Fail the call if it runs longer than `seconds` (SIGALRM; no guard where unavailable)."""
    if not hasattr(signal, "setitimer"):
        yield
        return

    def expire(signum: int, frame: object) -> None:
        raise TimeoutError(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def timed(target: Callable[[str], object], text: str, seconds: float = GUARD_SECONDS) -> float:
    """Seconds one call took; TimeoutError past `seconds`."""
    started = time.perf_counter()
    with guard(seconds):
        target(text)
    return time.perf_counter() - started


@pytest.fixture(scope="module")
def texts() -> dict[str, str]:
    return {name: build(SIZE) for name, build in INPUTS.items()}


@pytest.mark.parametrize("target", list(_targets()))
def test_finishes_on_pathological_input(target: str, texts: dict[str, str]) -> None:
    call = _targets()[target]
    for name, text in texts.items():
        try:
            timed(call, text)
        except TimeoutError as error:
            pytest.fail(f"{target} on {name!r} x {len(text)}: {error}")
