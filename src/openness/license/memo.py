"""Each distinct licence text analysed once per knowledge base.

The Hub holds a few hundred distinct licence texts under millions of models. A text's
identification and clauses depend only on the text and on the shipped knowledge (the files
under `licenses/` and the identification library's version), so they are kept under the
sha256 of both: in this process (a bounded LRU) and in the on-disk cache beside the Hub
records, where a warm audit finds them without loading the detectors at all. A cached entry
that does not validate is ignored and recomputed; failures are never kept.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict

from pydantic import BaseModel

from openness.license.clauses import ClauseHit, detect_clauses
from openness.license.identify import Identification, identify_text
from openness.license.knowledge import derived_path, knowledge_version
from openness.sources.records import read_quietly, write_atomically

MEMORY_ENTRIES = 512  # distinct texts kept in memory (each a few KB)


class TextFindings(BaseModel):
    """What a text is and which clauses it states (quoted, located; `source` left empty)."""

    identification: Identification
    hits: list[ClauseHit]


_memory: OrderedDict[str, TextFindings] = OrderedDict()
_lock = threading.Lock()
_analysing = threading.Lock()  # one analysis at a time (it is CPU-bound: threads gain nothing)


def analyse_text(text: str, source: str) -> tuple[Identification, list[ClauseHit]]:
    """The text's identification and clause hits (attributed to `source`), computed once."""
    key = hashlib.sha256(f"{knowledge_version()}\n{text}".encode()).hexdigest()
    findings = _remembered(key)
    if findings is None:
        with _analysing:  # threads asking for the same text wait for the first to finish
            findings = _remembered(key) or _stored(key)
            if findings is None:
                found, hits = identify_text(text), detect_clauses(text, "")
                findings = TextFindings(identification=found, hits=hits)
                write_atomically(derived_path("analysis", key), findings.model_dump_json())
            _remember(key, findings)
    located = [hit.model_copy(update={"source": source}) for hit in findings.hits]
    return findings.identification.model_copy(deep=True), located


def forget() -> None:
    """Empty the in-process memo (the on-disk one is keyed by the knowledge version)."""
    with _lock:
        _memory.clear()


def _remembered(key: str) -> TextFindings | None:
    with _lock:
        found = _memory.get(key)
        if found is not None:
            _memory.move_to_end(key)
        return found


def _remember(key: str, findings: TextFindings) -> None:
    with _lock:
        _memory[key] = findings
        _memory.move_to_end(key)
        while len(_memory) > MEMORY_ENTRIES:
            _memory.popitem(last=False)


def _stored(key: str) -> TextFindings | None:
    text = read_quietly(derived_path("analysis", key))
    if text is None:
        return None
    try:
        return TextFindings.model_validate_json(text)
    except ValueError:
        return None
