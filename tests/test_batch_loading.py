"""A batch loads the shared knowledge once: the first judgement loads it while the other workers
wait for it (audit.Auditor), rather than each of them loading it at the same moment."""

from __future__ import annotations

import threading
from typing import Any

import pytest

import openness.rubrics.mof_spec as mof_spec
from openness.batch import audit_batch
from openness.rubrics import registry

MODELS = ["deepseek-ai/DeepSeek-R1", "meta-llama/Llama-3.1-8B"] * 6  # in the bundled snapshot


def test_the_workers_of_a_batch_load_the_mof_and_the_rubrics_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    loads: list[str] = []
    real_load, real_rubric = mof_spec.load, registry._load
    started = threading.Barrier(len(MODELS), timeout=5)

    def load(text: str, source: str, *args: Any, **kwargs: Any) -> Any:
        loads.append(source)
        return real_load(text, source, *args, **kwargs)

    def rubric(path: Any) -> Any:
        loads.append(str(path))
        return real_rubric(path)

    def gathered(*args: Any, **kwargs: Any) -> Any:
        started.wait()  # every worker has its evidence at the same moment
        return real_gather(*args, **kwargs)

    import openness.audit

    real_gather = openness.audit.gather
    monkeypatch.setattr(mof_spec, "load", load)
    monkeypatch.setattr(registry, "_load", rubric)
    monkeypatch.setattr(openness.audit, "gather", gathered)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    mof_spec.mof_spec.cache_clear()
    mof_spec.license_table.cache_clear()
    registry.load_registry.cache_clear()
    try:
        report, worst = audit_batch(MODELS, offline=True, jobs=len(MODELS))
    finally:
        mof_spec.mof_spec.cache_clear()
        mof_spec.license_table.cache_clear()
        registry.load_registry.cache_clear()
    assert worst == 0 and len(report.audits) == len(MODELS)
    assert sum(source.endswith("mof.yaml") for source in loads) == 1
    rubrics = [source for source in loads if not source.endswith("mof.yaml")]
    assert len(rubrics) == len(set(rubrics)) == len(registry.registry().pass_fail)
