"""The analysis memo: the same answer with and without it, once per distinct text, and never
an answer from another knowledge base or a damaged cache entry."""

from __future__ import annotations

import json
import os
import shutil
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from openness.data import packaged
from openness.license import knowledge, memo
from openness.license.clauses import detect_clauses
from openness.license.identify import identify_text
from openness.once import once

RESTRICTIVE = (
    "Example Model Licence\n\n"
    "You may use the model for research purposes only; commercial use is not permitted.\n"
    "You may not use outputs of the model to train other models.\n"
)
PERMISSIVE = (
    "Example Permissive Licence\n\n"
    "Permission is granted, free of charge, to use, copy, modify and distribute the model,\n"
    "provided this notice is kept. The model is provided as is, without warranty.\n"
)
TEXTS = [PERMISSIVE.encode(), RESTRICTIVE.encode()]  # own words: no corpus needed


def _direct(text: str, source: str) -> tuple[Any, Any]:
    return identify_text(text), detect_clauses(text, source)


@pytest.mark.parametrize("data", TEXTS, ids=["permissive", "restrictive"])
def test_the_memo_gives_the_answer_of_a_fresh_analysis(data: bytes) -> None:
    text = data.decode()
    expected = _direct(text, "LICENSE")
    assert memo.analyse_text(text, "LICENSE") == expected  # computed
    assert memo.analyse_text(text, "LICENSE") == expected  # from memory
    memo.forget()
    assert memo.analyse_text(text, "LICENSE") == expected  # from the on-disk cache
    found, hits = memo.analyse_text(text, "docs/TERMS.md")  # quoted from the file asked about
    assert all(hit.source == "docs/TERMS.md" for hit in hits)
    assert (found, hits) == _direct(text, "docs/TERMS.md")


def test_each_distinct_text_is_analysed_once(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []

    def counting(text: str) -> Any:
        calls.append(text)
        return identify_text(text)

    monkeypatch.setattr(memo, "identify_text", counting)
    for _ in range(3):
        for data in TEXTS:
            memo.analyse_text(data.decode(), "LICENSE")
    memo.forget()
    memo.analyse_text(TEXTS[0].decode(), "LICENSE")  # a new process would find it on disk
    assert len(calls) == 2


def test_results_are_copies_callers_cannot_spoil() -> None:
    found, hits = memo.analyse_text(RESTRICTIVE, "LICENSE")
    found.also.append("spoilt")
    hits.clear()
    again, hits_again = memo.analyse_text(RESTRICTIVE, "LICENSE")
    assert "spoilt" not in again.also and hits_again


def test_a_changed_knowledge_base_does_not_reuse_stored_answers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    copy = tmp_path / "licenses"
    shutil.copytree(packaged("licenses"), copy, ignore=shutil.ignore_patterns("training"))
    monkeypatch.setattr(knowledge, "packaged", lambda name: copy)
    knowledge.knowledge_version.cache_clear()
    try:
        before = knowledge.knowledge_version()
        text = TEXTS[0].decode()
        memo.analyse_text(text, "LICENSE")
        _poison(text, "poisoned-before")
        memo.forget()
        assert memo.analyse_text(text, "LICENSE")[0].profile_id == "poisoned-before"

        profile = copy / "mit.yaml"
        profile.write_text(profile.read_text(encoding="utf-8") + "\n# edited\n", "utf-8")
        knowledge.knowledge_version.cache_clear()
        memo.forget()
        assert knowledge.knowledge_version() != before
        assert memo.analyse_text(text, "LICENSE") == _direct(text, "LICENSE")
    finally:
        knowledge.knowledge_version.cache_clear()


def test_a_damaged_cache_entry_is_recomputed() -> None:
    text = RESTRICTIVE
    memo.analyse_text(text, "LICENSE")
    path = _entry()
    path.write_text('{"identification": {"profile_id": 3', encoding="utf-8")
    memo.forget()
    assert memo.analyse_text(text, "LICENSE") == _direct(text, "LICENSE")


def _entry() -> Path:
    """The one stored answer (the test's cache holds nothing else)."""
    (path,) = (Path(os.environ["OPENNESS_CACHE_DIR"]) / "analysis").rglob("*.json")
    return path


def _poison(text: str, profile_id: str) -> None:
    """Plant a stored answer no analysis would give, to see whether it is used."""
    found, hits = _direct(text, "")
    planted = memo.TextFindings(
        identification=found.model_copy(update={"profile_id": profile_id}), hits=hits
    )
    _entry().write_text(planted.model_dump_json(), encoding="utf-8")


def test_an_audit_answered_from_the_memo_equals_a_fresh_one(cli: Any, tmp_path: Path) -> None:
    folder = tmp_path / "model"
    folder.mkdir()
    (folder / "README.md").write_text("---\nlicense: other\n---\n# A model\n", encoding="utf-8")
    (folder / "LICENSE").write_text(RESTRICTIVE, encoding="utf-8")

    def audited() -> dict[str, Any]:
        result = cli("audit", str(folder), "--format", "json")
        assert result.exit_code == 0, result.stderr
        report: dict[str, Any] = json.loads(result.stdout)
        for audit in report["audits"]:
            audit["model"].pop("retrieved_at")
            for source in audit["model"]["sources"]:
                source.pop("as_of")
        return report

    fresh = audited()
    memo.forget()
    assert _entry().is_file()
    assert audited() == fresh  # from the on-disk cache
    assert {clause["kind"] for clause in fresh["audits"][0]["clauses"]} >= {"research-only"}


def test_the_parsed_knowledge_base_is_stored_and_read_back_the_same() -> None:
    from openness.license.profiles import knowledge_base, load_profiles

    parsed = sorted(load_profiles(packaged("licenses")), key=lambda profile: profile.id)
    try:
        for state in ("computed", "stored", "damaged"):
            knowledge_base.cache_clear()
            if state == "damaged":
                (store,) = (Path(os.environ["OPENNESS_CACHE_DIR"]) / "knowledge").rglob("*.json")
                store.write_text("[{", encoding="utf-8")
            loaded = sorted(knowledge_base().profiles.values(), key=lambda profile: profile.id)
            assert loaded == parsed, state
    finally:
        knowledge_base.cache_clear()


def test_threads_asking_at_once_share_one_analysis(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    started = threading.Event()
    release = threading.Event()

    def slow(text: str) -> Any:
        calls.append(text)
        started.set()
        release.wait(10)
        return identify_text(text)

    monkeypatch.setattr(memo, "identify_text", slow)
    with ThreadPoolExecutor(8) as pool:
        first = pool.submit(memo.analyse_text, RESTRICTIVE, "LICENSE")
        started.wait(10)
        others = [pool.submit(memo.analyse_text, RESTRICTIVE, "LICENSE") for _ in range(7)]
        release.set()
        answers = [first.result(), *(other.result() for other in others)]
    assert len(calls) == 1
    assert all(answer == answers[0] for answer in answers)


def test_a_loader_runs_once_however_many_threads_ask() -> None:
    calls: list[int] = []
    release = threading.Event()

    @once
    def loader() -> list[int]:
        calls.append(1)
        release.wait(10)
        return [len(calls)]

    with ThreadPoolExecutor(8) as pool:
        futures = [pool.submit(loader) for _ in range(8)]
        release.set()
        results = [future.result() for future in futures]
    assert calls == [1] and all(result is results[0] for result in results)
    loader.cache_clear()
    assert loader() == [2]
