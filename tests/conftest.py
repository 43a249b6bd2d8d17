"""Shared fixtures: a replay Hub on loopback, an isolated Hugging Face environment, the corpus.

Tests never touch the internet: the real huggingface_hub client talks to `HubReplay`.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import fixtures_hub
import pytest
from fixtures_hub import HfEnv
from hubreplay import HubReplay

# huggingface_hub reads these when first imported (after this file): quiet, no telemetry
# request, no Xet path.
for _name in ("HF_HUB_DISABLE_TELEMETRY", "HF_HUB_DISABLE_XET", "HF_HUB_DISABLE_PROGRESS_BARS"):
    os.environ.setdefault(_name, "1")


@pytest.fixture(autouse=True)
def own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts with an empty openness cache of its own and an empty analysis memo."""
    from openness.license import memo

    monkeypatch.setenv("OPENNESS_CACHE_DIR", str(tmp_path / "openness-cache"))
    memo.forget()


@pytest.fixture
def hub() -> Iterator[HubReplay]:
    """A started replay Hub with no repos; add them with `hub.add(fixtures_hub.llama31())`."""
    with HubReplay() as server:
        yield server


@pytest.fixture
def fake_token(monkeypatch: pytest.MonkeyPatch, hf_env: HfEnv) -> str:
    """A fake HF_TOKEN: tests check it reaches the endpoint and no output, log or file."""
    monkeypatch.setenv("HF_TOKEN", fixtures_hub.FAKE_TOKEN)
    return fixtures_hub.FAKE_TOKEN


@pytest.fixture
def hf_env(hub: HubReplay, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> HfEnv:
    """Point everything Hub-related at the replay Hub and at tmp_path; no token, not offline."""
    import huggingface_hub.constants as constants

    env = HfEnv(hub.endpoint, tmp_path / "hf", tmp_path / "hf" / "hub", tmp_path / "openness")
    for name, value in {
        "HF_ENDPOINT": env.endpoint,
        "HF_HOME": str(env.home),
        "HF_HUB_CACHE": str(env.hub_cache),
        "OPENNESS_CACHE_DIR": str(env.openness_cache),
        "HF_HUB_DISABLE_TELEMETRY": "1",
        "HF_HUB_DISABLE_XET": "1",
        "HF_HUB_DISABLE_PROGRESS_BARS": "1",
    }.items():
        monkeypatch.setenv(name, value)
    for name in ("HF_TOKEN", "HUGGING_FACE_HUB_TOKEN", "HF_OIDC_RESOURCE", "HF_HUB_OFFLINE",
                 "TRANSFORMERS_OFFLINE", "HUGGINGFACE_HUB_CACHE"):  # fmt: skip
        monkeypatch.delenv(name, raising=False)
    # The same settings where the library captured them at import: a developer's stored token or
    # offline switch must not leak into tests.
    monkeypatch.setattr(constants, "HF_TOKEN_PATH", str(env.home / "token"))
    monkeypatch.setattr(constants, "HF_STORED_TOKENS_PATH", str(env.home / "stored_tokens"))
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)
    monkeypatch.setattr(constants, "HF_HUB_DISABLE_TELEMETRY", True)
    monkeypatch.setattr(constants, "HF_HUB_DISABLE_XET", True)
    return env


@pytest.fixture
def shared_dir() -> Path:
    """../shared (the reference corpus); skips the test when it is absent."""
    return fixtures_hub.shared_dir()


@pytest.fixture
def license_text(shared_dir: Path) -> Callable[[str], str]:
    """Load a corpus licence text by slug: licence_text("llama-3.1-community")."""
    return lambda slug: fixtures_hub.license(slug).decode("utf-8")


@dataclass
class CliResult:
    exit_code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)


@pytest.fixture
def cli() -> Callable[..., CliResult]:
    """Run the `openness` command in-process: cli("audit", "org/name", "--format", "json")."""
    from typer.testing import CliRunner

    from openness.cli import app

    def run(*args: str) -> CliResult:
        result = CliRunner().invoke(app, list(args))
        if result.exception and not isinstance(result.exception, SystemExit):
            raise result.exception
        return CliResult(result.exit_code, result.stdout, result.stderr)

    return run
