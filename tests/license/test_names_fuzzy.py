"""Free-text licence names: a different spelling resolves, a merely similar name does not."""

from __future__ import annotations

import pytest

from openness.license.names import resolve


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("Llama 3.1 community licence", "llama3.1"),
        ("Meta Llama 3 Community Licence", "llama3"),
        ("qwen research licence", "qwen-research"),
        ("tongyi qianwen licence agreement", "tongyi-qianwen"),
    ],
)
def test_another_spelling_of_a_known_name_resolves(term: str, expected: str) -> None:
    resolved = resolve(term)
    assert resolved is not None and resolved.id == expected


@pytest.mark.parametrize(
    "term",
    [
        "research-license",  # generic: not the H research licence
        "research license",
        "llama",  # which Llama? not llama1
        "Llama 9.9 community licence",  # a version nobody published
    ],
)
def test_a_merely_similar_name_stays_unknown(term: str) -> None:
    assert resolve(term) is None
